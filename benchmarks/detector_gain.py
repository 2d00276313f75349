"""Held-out accuracy of two detectors, image by image: is a new stage's gain more than noise?

    xvfb-run -a .venv/bin/python benchmarks/detector_gain.py OLD_WEIGHTS_DIR [NEW_WEIGHTS_DIR]

Re-renders the held-out split in memory (the images training scored, same seeds, from
NEW's metrics.json), runs both detectors on every image with the app's own code (ONNX Runtime
when available; tools/detector/evaluate.py's metric), then resamples the images with replacement, the
same resample for both (a paired bootstrap), and reports the mAP50 difference's 95 % interval.
The 400-image score moves with which images were drawn; only a gain whose interval clears zero
says the weights, not the draw, got better.  Scores differ slightly from ultralytics' own
validation (letterboxing and NMS details), so compare rows of this table with each other.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import print_table
from desktop_app.vision.classes import CLASSES
from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR, PartDetector
from tools.detector.evaluate import mean_ap50
from tools.detector.held_out import held_out_images, image_records, score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="weights directory to compare against")
    parser.add_argument("new", type=Path, nargs="?", default=DEFAULT_WEIGHTS_DIR)
    parser.add_argument("--images", type=int, default=400, help="first N held-out images (training scores 400)")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    training = json.loads((args.new / "metrics.json").read_text(encoding="utf-8"))["training"]
    images = held_out_images(training, args.images)
    old, new = PartDetector(args.old), PartDetector(args.new)
    rec_old, rec_new = image_records(old, images), image_records(new, images)
    s_old, s_new = score(rec_old), score(rec_new)
    print(f"held-out images: {args.images}; old: {args.old} ({old.backend_name}); new: {args.new} ({new.backend_name})\n")
    rows: list[list[object]] = [[c, a.ground_truth, f"{a.ap50:.3f}", f"{b.ap50:.3f}", f"{b.ap50 - a.ap50:+.3f}"]
                                for c, a, b in zip(CLASSES, s_old, s_new)]
    m_old, m_new = mean_ap50(s_old), mean_ap50(s_new)
    rows.append(["mAP50", sum(s.ground_truth for s in s_old), f"{m_old:.4f}", f"{m_new:.4f}", f"{m_new - m_old:+.4f}"])
    print_table(["class", "truth", "old AP50", "new AP50", "new - old"], rows)

    rng = np.random.default_rng(args.seed)
    diffs, news = [], []
    for _ in range(args.resamples):
        picks = rng.integers(0, args.images, args.images)
        a, b = mean_ap50(score(rec_old, picks)), mean_ap50(score(rec_new, picks))
        diffs.append(b - a)
        news.append(b)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    n_lo, n_hi = np.percentile(news, [2.5, 97.5])
    print(f"\nPaired bootstrap over images ({args.resamples} resamples)")
    print_table(["quantity", "estimate", "95% low", "95% high", "share > 0"],
                [["new - old mAP50", f"{m_new - m_old:+.4f}", f"{lo:+.4f}", f"{hi:+.4f}", f"{np.mean(np.array(diffs) > 0):.3f}"],
                 ["new mAP50", f"{m_new:.4f}", f"{n_lo:.4f}", f"{n_hi:.4f}", "-"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
