"""Rebuild the intent and emotion models from desktop_app/nlu/data and cache them (make train-nlu).

The app trains them itself on first use when the cache misses (the cache key is the data files'
sha256, the scikit-learn version and the model version), so this is only needed to rebuild on
purpose or to see the digests. Training is deterministic: the same data gives the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.nlu.classifier import default_cache_dir, load_or_train
from desktop_app.nlu.emotion import load_or_train_emotion


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: the app's cache dir + /nlu")
    parser.add_argument("--force", action="store_true", help="delete cached models first")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.force:
        directory = args.cache_dir or default_cache_dir()
        for old in [*directory.glob("intent-*"), *directory.glob("emotion-*")]:
            old.unlink()
    for name, build in (("intent", load_or_train), ("emotion", load_or_train_emotion)):
        started = time.perf_counter()
        model = build(cache_dir=args.cache_dir)
        blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"{name}: {len(model.classes)} labels, {len(blob) / 1e6:.1f} MB, "
              f"sha256 {hashlib.sha256(blob).hexdigest()[:16]}, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
