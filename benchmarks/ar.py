"""3D assembly-guide benchmark: frames per second of a step animation and time to open a guide.

Run under an X display:  xvfb-run -a .venv/bin/python benchmarks/ar.py [--frames 60 --runs 5]
For each guide it opens the guide (validate JSON, read meshes, build the scene, upload to the
renderer) several times, then plays the step with the most moving parts at 800x600 and reports
the median FPS over runs.  Targets: >= 30 FPS and < 1 s to open.

"FPS med" is the renderer alone; "FPS view" is what the player's render thread does per frame:
the render, its conversion to a QImage and the step's arrows blended over it (the arrows are
drawn once per step and view, as the worker caches them; the first draw is in the timing).  The guide's FPS target is on "FPS view".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QGuiApplication

from benchmarks._table import percentile, print_table
from desktop_app.ar.callouts import part_centres, step_arrows
from desktop_app.ar.renderer import OffscreenRenderer
from desktop_app.ar.scene import StepScene, load_meshes
from desktop_app.core.guide_format import load_guide
from desktop_app.ui.guide.render_worker import arrow_layer, frame_image

CLVRAI = ROOT.parent / "shared" / "data" / "furniture" / "clvrai"


def _guides(tmp: Path) -> list[Path]:
    dirs = sorted(p for p in (ROOT / "assets" / "models3d").iterdir() if (p / "guide.json").is_file())
    if CLVRAI.is_dir():
        from desktop_app.ar.clvrai_import import import_clvrai

        for item in ("table_lack_0825", "bench_bjursta_0210"):
            import_clvrai(CLVRAI / "objects" / f"{item}.xml", CLVRAI / "recipes" / f"{item}.yaml", tmp / item)
            dirs.append(tmp / item)
    return dirs


def main() -> int:
    ap = argparse.ArgumentParser(description="AR guide FPS and open time")
    ap.add_argument("--width", type=int, default=800)
    ap.add_argument("--height", type=int, default=600)
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    w, h = args.width, args.height
    qt = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter wants one for its pens
    t0 = time.perf_counter()
    renderer = OffscreenRenderer(w, h)
    create_ms = (time.perf_counter() - t0) * 1000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for d in _guides(Path(tmp)):
            opens = []
            for _ in range(args.runs):
                start = time.perf_counter()
                guide = load_guide(d)
                scene = StepScene(guide, load_meshes(guide, d))
                renderer.set_scene(scene)
                renderer.render(scene.frame(0, 0.0), scene.camera(0, w, h))  # first picture on screen
                opens.append((time.perf_counter() - start) * 1000)
            step = max(range(len(guide.steps)), key=lambda n: len(guide.steps[n].placements))
            camera = scene.camera(step, w, h)
            fps_runs, frame_ms = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                for i in range(args.frames):
                    f0 = time.perf_counter()
                    renderer.render(scene.frame(step, i / (args.frames - 1)), camera)
                    frame_ms.append((time.perf_counter() - f0) * 1000)
                fps_runs.append(args.frames / (time.perf_counter() - start))
            centres = part_centres(scene)
            view_runs = []
            for _ in range(args.runs):
                start = time.perf_counter()
                arrows = step_arrows(scene, step, camera, centres)  # once per step and view, as the worker
                layer = arrow_layer(w, h, arrows)
                for i in range(args.frames):
                    frame_image(renderer.render(scene.frame(step, i / (args.frames - 1)), camera), layer)
                view_runs.append(args.frames / (time.perf_counter() - start))
            rows.append([guide.product_id, len(guide.parts), f"{step + 1} ({len(guide.steps[step].placements)} moving)",
                         statistics.median(fps_runs), statistics.median(view_runs), len(arrows),
                         percentile(frame_ms, 50), percentile(frame_ms, 95),
                         statistics.median(opens), max(opens)])
    renderer.close()
    print(f"AR guide benchmark, {w}x{h}, {args.frames} frames x {args.runs} runs; renderer start {create_ms:.0f} ms")
    print_table(["guide", "parts", "step", "FPS med", "FPS view", "arrows", "frame p50 ms", "frame p95 ms",
                 "open med ms", "open max ms"], rows)
    del qt
    worst_fps = min(r[4] for r in rows)
    worst_open = max(r[8] for r in rows)
    print(f"targets: FPS >= 30 ({'ok' if worst_fps >= 30 else 'MISSED'}: worst {worst_fps:.1f}), "
          f"open < 1000 ms ({'ok' if worst_open < 1000 else 'MISSED'}: worst {worst_open:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
