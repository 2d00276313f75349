"""Import every clvrai furniture item that has a recipe, play each guide, and write docs/guides.md.

Run under an X display (the renderer is Open3D's off-screen visualizer):

    xvfb-run -a .venv/bin/python benchmarks/clvrai_import_all.py /path/to/clvrai/furniture \\
        [--out DIR] [--docs docs/guides.md] [--frames 60 --runs 3]

The path is a checkout of github.com/clvrai/furniture, its ``furniture/env/models/assets``
folder, or a bare git directory of it (read with ``git show``; only the items with recipes
are extracted, into a scratch folder).  For each item: import (``import_clvrai``), then open
the guide, render every step at t = 0 and t = 1 (``plays`` = no step renders blank), and time
the step with the most moving parts over ``--frames`` frames x ``--runs`` runs at 800x600, the
way ``benchmarks/ar.py`` does.  Prints the table and rewrites ``--docs``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import print_table
from desktop_app.ar.clvrai_import import import_clvrai
from desktop_app.ar.renderer import OffscreenRenderer
from desktop_app.ar.scene import BACKGROUND, StepScene, load_meshes
from desktop_app.core.errors import AppError
from desktop_app.core.guide_format import load_guide

ASSETS = "furniture/env/models/assets"


@dataclass
class Row:
    item: str
    parts: int | None = None
    steps: int | None = None
    subassemblies: int = 0
    weld_joins: int = 0
    imported: bool = False
    plays: bool = False
    fps: float | None = None
    reason: str = ""


def _git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout


def assets_dir(source: Path, scratch: Path) -> tuple[Path, list[str], str]:
    """(folder holding ``objects/`` and ``recipes/``, XML items without a recipe, source label).

    Extracted from git into ``scratch`` when ``source`` is a git directory.
    """
    for cand in (source, source / ASSETS):
        if (cand / "recipes").is_dir() and (cand / "objects").is_dir():
            stems = {p.stem for p in (cand / "recipes").glob("*.yaml")}
            return cand, sorted(p.stem for p in (cand / "objects").glob("*.xml") if p.stem not in stems), str(source)
    if not (source / "HEAD").is_file():
        raise SystemExit(f"{source}: neither a clvrai checkout, its assets folder, nor a git directory")
    files = _git(source, "ls-tree", "-r", "--name-only", "HEAD", f"{ASSETS}/recipes", f"{ASSETS}/objects").decode()
    names = files.splitlines()
    stems = {Path(f).stem for f in names if f.startswith(f"{ASSETS}/recipes/") and f.endswith(".yaml")}
    wanted = [f for f in names if f.startswith(f"{ASSETS}/recipes/")
              or any(f == f"{ASSETS}/objects/{s}.xml" or f.startswith(f"{ASSETS}/objects/{s}/") for s in stems)]
    for f in wanted:
        dest = scratch / f
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            dest.write_bytes(_git(source, "show", f"HEAD:{f}"))
        except subprocess.CalledProcessError:  # blob absent from a partial mirror: the import says which
            continue
    no_recipe = sorted(Path(f).stem for f in names if f.endswith(".xml") and f.count("/") == ASSETS.count("/") + 2
                       and Path(f).stem not in stems)
    commit = _git(source, "rev-parse", "HEAD").decode().strip()
    return scratch / ASSETS, no_recipe, f"clvrai/furniture @ {commit[:10]}"


def play(guide_dir: Path, renderer: OffscreenRenderer, w: int, h: int, frames: int, runs: int) -> tuple[bool, float]:
    guide = load_guide(guide_dir)
    scene = StepScene(guide, load_meshes(guide, guide_dir))
    renderer.set_scene(scene)
    bg = np.asarray(BACKGROUND) * 255
    for n in range(len(guide.steps)):
        for t in (0.0, 1.0):
            img = renderer.render(scene.frame(n, t), scene.camera(n, w, h))
            if np.mean(np.any(np.abs(img.astype(float) - bg) > 12, axis=-1)) < 0.002:
                return False, 0.0
    step = max(range(len(guide.steps)), key=lambda n: len(guide.steps[n].placements))
    camera = scene.camera(step, w, h)
    fps = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(frames):
            renderer.render(scene.frame(step, i / (frames - 1)), camera)
        fps.append(frames / (time.perf_counter() - start))
    return True, statistics.median(fps)


def run(assets: Path, out: Path, w: int, h: int, frames: int, runs: int) -> list[Row]:
    rows = []
    renderer = OffscreenRenderer(w, h)
    try:
        for recipe in sorted((assets / "recipes").glob("*.yaml")):
            xml = assets / "objects" / f"{recipe.stem}.xml"
            if not xml.is_file():
                continue  # a template (default, example), not an item
            row = Row(recipe.stem)
            rows.append(row)
            try:
                res = import_clvrai(xml, recipe, out / recipe.stem)
            except AppError as exc:
                row.reason = exc.message
                continue
            row.imported, row.parts, row.steps = True, len(res.guide.parts), len(res.guide.steps)
            row.subassemblies = sum(s.instruction.en.startswith("Start a separate") for s in res.guide.steps)
            row.weld_joins = sum(j.source == "weld" for j in res.joins)
            try:
                row.plays, row.fps = play(out / recipe.stem, renderer, w, h, frames, runs)
                row.reason = "" if row.plays else "a step renders blank"
            except AppError as exc:
                row.reason = f"does not play: {exc.message}"
    finally:
        renderer.close()
    return rows


def write_docs(path: Path, rows: list[Row], no_recipe: list[str], source: str, w: int, h: int, frames: int,
               runs: int, load: tuple[float, float]) -> None:
    fps = [r.fps for r in rows if r.fps]
    lines = [
        "# IKEA items imported from the clvrai furniture set",
        "",
        "Every item of [clvrai/furniture](https://github.com/clvrai/furniture) (MIT; see",
        "`docs/data-sources.md`) that has an assembly recipe, imported with `desktop-app guide import-clvrai`",
        "and played off-screen.  Generated by `benchmarks/clvrai_import_all.py`; the guides themselves",
        "are not committed (about 2 MB in all) -- regenerate them with:",
        "",
        "```",
        "xvfb-run -a .venv/bin/python benchmarks/clvrai_import_all.py PATH/TO/clvrai-furniture --out build/clvrai",
        "```",
        "",
        "(PATH is a checkout, its `furniture/env/models/assets` folder, or a bare git mirror; one item by hand:",
        "`desktop-app guide import-clvrai objects/ITEM.xml recipes/ITEM.yaml --out DIR`.)",
        "",
        "How an item is assembled: recipe pairs may name the already-placed part on either side; a pair of",
        "two new parts starts a sub-assembly (placed where it ends up, then joined by a later pair); parts",
        "the recipe leaves out or apart are joined through the XML's `<weld>` list at free matching",
        "connection sites (see `desktop_app/ar/clvrai_assembly.py`).",
        "",
        f"Source: `{source}`.  Plays = every step renders (t = 0 and 1) with the model on screen; FPS = median",
        f"over {runs} runs of {frames} frames of the step with the most moving parts at {w}x{h}, Open3D 0.19",
        f"legacy off-screen renderer under xvfb (software GL) on {platform.machine()} with {os.cpu_count()} CPUs;",
        f"1-minute load average {load[0]:.1f} before and {load[1]:.1f} after the run.  On a busy machine the",
        "software renderer's FPS drops for every item alike (even 36-triangle boxes), so compare runs by load.",
        "",
        "| item | parts | steps | sub-assemblies | joins via XML welds | imports | plays | FPS | failure reason |",
        "|---|---:|---:|---:|---:|---|---|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r.item} | {r.parts or ''} | {r.steps or ''} | {r.subassemblies if r.imported else ''} | "
                     f"{r.weld_joins if r.imported else ''} | "
                     f"{'yes' if r.imported else 'no'} | {'yes' if r.plays else 'no'} | "
                     f"{f'{r.fps:.0f}' if r.fps else ''} | {r.reason.replace('|', '/')} |")
    lines += ["", f"Items with a recipe: {len(rows)}; imported: {sum(r.imported for r in rows)}; "
              f"played: {sum(r.plays for r in rows)}; median FPS: {statistics.median(fps):.0f}"
              f" (min {min(fps):.0f})." if fps else "no item played."]
    if no_recipe:
        lines += ["", f"Not importable, no recipe in the set ({len(no_recipe)} XML items): "
                  + ", ".join(no_recipe) + "."]
    marker = "<!-- player: kept when the table above is regenerated -->"
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    kept = old[old.index(marker):] if marker in old else ""
    path.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description="import and play every clvrai item that has a recipe")
    ap.add_argument("source", type=Path, help="clvrai/furniture checkout, its assets folder, or a bare git dir")
    ap.add_argument("--out", type=Path, default=None, help="where the guides go (default: a temp folder)")
    ap.add_argument("--docs", type=Path, default=ROOT / "docs" / "guides.md")
    ap.add_argument("--width", type=int, default=800)
    ap.add_argument("--height", type=int, default=600)
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        assets, no_recipe, source = assets_dir(args.source.resolve(), Path(tmp) / "src")
        out = args.out or Path(tmp) / "guides"
        load_before = os.getloadavg()[0]
        rows = run(assets, out, args.width, args.height, args.frames, args.runs)
        load = (load_before, os.getloadavg()[0])
        print_table(["item", "parts", "steps", "sub-asm", "welds", "imports", "plays", "FPS", "failure"],
                    [[r.item, r.parts or "", r.steps or "", r.subassemblies, r.weld_joins, r.imported, r.plays,
                      r.fps or "", r.reason] for r in rows])
        write_docs(args.docs, rows, no_recipe, source, args.width, args.height, args.frames, args.runs, load)
    print(f"wrote {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
