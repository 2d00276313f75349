"""Generate assets/models3d/<sku>/ (guide.json, meshes/, qr/) from the parametric designs.

Run from the repository root:  .venv/bin/python tools/build_models3d.py [--out assets/models3d]
The output is committed; rerun after changing a design.  Each guide is reloaded through the
validator and its assembled size checked against the design's dimensions before it is kept.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_app.ar.designs import DESIGNS
from desktop_app.ar.qr import write_guide_codes
from desktop_app.ar.scene import StepScene, load_meshes
from desktop_app.core.guide_format import load_guide


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "models3d")
    args = parser.parse_args(argv)
    for sku, build in DESIGNS.items():
        out = args.out / sku
        if out.exists():
            shutil.rmtree(out)
        design = build()
        design.write(out)
        guide = load_guide(out)
        dims = StepScene(guide, load_meshes(guide, out)).assembled_dimensions_cm()
        want = guide.dimensions_cm
        if want is None or any(abs(a - b) > 0.05 for a, b in zip(dims, want)):
            print(f"{sku}: assembled size {dims} does not match declared {want}", file=sys.stderr)
            return 1
        codes = write_guide_codes(guide, out / "qr")
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"{sku}: {len(guide.parts)} parts, {len(guide.steps)} steps, {len(codes)} QR codes, "
              f"{dims[0]:.1f}x{dims[1]:.1f}x{dims[2]:.1f} cm, {size / 1024:.0f} KiB -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
