"""Copy the screw data set's labelled photos that the app's dev set does not hold, for scoring.

    .venv/bin/python tools/detector/screw_photos.py GIT_DIR OUT

``GIT_DIR`` is a clone (or bare mirror) of aaronzink/tensorflow-visual-inspection (Apache-2.0),
the source of ``../shared/data/photos/screws_in_wood``; its ``datasets/screws/train_val_set`` holds
100 photos named ``<n>_<presence code>.jpg``.  The 11 the shared folder holds are the dev set
(``benchmarks/vision.py``, where the screw floor was chosen); the other 89 are written to ``OUT``
for ``benchmarks/vision.py --photos OUT``.  Nothing here is trained on.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "datasets/screws/train_val_set"
DEV = ROOT.parent / "shared" / "data" / "photos" / "screws_in_wood" / "images"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    git = ["git", "--git-dir", str(args.git_dir)]
    try:
        names = subprocess.run([*git, "ls-tree", "--name-only", "HEAD", f"{SOURCE}/"], check=True,
                               capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"cannot read {args.git_dir}: {exc}", file=sys.stderr)
        return 2
    dev = {p.name for p in DEV.glob("*.jpg")}
    args.out.mkdir(parents=True, exist_ok=True)
    kept = 0
    for name in names:
        base = Path(name).name
        if base.endswith(".jpg") and base not in dev:
            data = subprocess.run([*git, "show", f"HEAD:{name}"], check=True, capture_output=True).stdout
            (args.out / base).write_bytes(data)
            kept += 1
    print(f"{kept} photos written to {args.out} ({len(dev)} dev photos left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
