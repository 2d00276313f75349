"""What checking the model files costs: a full sha256 versus a stamp that still vouches for the file.

Run: .venv/bin/python benchmarks/model_checks.py [--runs 5]
Works on a private copy of the speech model cache in a temporary directory (the app's own
cache is only read). "cold" evicts the copy from the page cache first (posix_fadvise on that
file alone), so the hash reads from disk as on a first start after boot; "warm" hashes from
memory; "stamped" is a start whose stamp still vouches (stat calls only). The machine is
shared; read medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import print_table  # noqa: E402
from desktop_app.core import checksums  # noqa: E402
from desktop_app.core.checksums import StampBook, mismatch  # noqa: E402
from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR  # noqa: E402
from desktop_app.vision.weights_check import check_weights  # noqa: E402
from desktop_app.voice.model_files import CACHE_SHA256, MODEL_DIRNAME, ensure_ct2_model  # noqa: E402


def _evict(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _ms(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    checksums.RACY_WINDOW_NS = 0  # the copy was written a moment ago; ext4 keeps nanosecond ctimes
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        ensure_ct2_model(cache)  # assemble the copy from the packages
        directory = cache / MODEL_DIRNAME
        model_bin = directory / "model.bin"
        size_mb = model_bin.stat().st_size / 1e6

        def hash_model() -> None:
            checksums.forget_checks()
            assert mismatch(model_bin, CACHE_SHA256["model.bin"]) is None

        cold = []
        for _ in range(args.runs):
            _evict(model_bin)
            cold.append(_ms(hash_model))
        warm = [_ms(hash_model) for _ in range(args.runs)]
        rows.append([f"model.bin {size_mb:.0f} MB: sha256, cold (from disk)", args.runs, statistics.median(cold)])
        rows.append([f"model.bin {size_mb:.0f} MB: sha256, warm (page cache)", args.runs, statistics.median(warm)])

        def start_without_stamp() -> None:
            (directory / ".verified.json").unlink(missing_ok=True)
            checksums.forget_checks()
            ensure_ct2_model(cache)

        def start_with_stamp() -> None:
            checksums.forget_checks()  # a new process: only the stamp file on disk
            ensure_ct2_model(cache)

        first = [_ms(start_without_stamp) for _ in range(args.runs)]
        stamped = [_ms(start_with_stamp) for _ in range(args.runs)]
        book = StampBook(directory / ".verified.json")
        assert all(book.vouches_for(p.resolve(), checksums.FileIdentity.of(p), CACHE_SHA256[p.name])
                   for p in (directory / n for n in CACHE_SHA256))
        rows.append(["speech model start: all 4 files hashed (no stamp)", args.runs, statistics.median(first)])
        rows.append(["speech model start: stamped (stat only)", args.runs, statistics.median(stamped)])

        weights = Path(tmp) / "detector"
        shutil.copytree(DEFAULT_WEIGHTS_DIR, weights)

        def check_detector() -> None:
            checksums.forget_checks()
            for name in ("classes.txt", "parts.onnx"):
                check_weights(weights / name)

        detector = [_ms(check_detector) for _ in range(args.runs)]
        rows.append(["detector weights (parts.onnx + classes.txt), every load", args.runs, statistics.median(detector)])
    print_table(["check", "runs", "median ms"], rows)


if __name__ == "__main__":
    main()
