"""A large word → number table kept in an SQLite file and read one entry at a time.

jieba's dictionary (about 500,000 words and prefixes) and the sentence encoder's piece table
(250,000 prefixes) are plain dicts that each cold start rebuilds whole: 0.2-0.8 s before a
one-line ``desktop-app ask`` can answer, for a question that looks up a few dozen entries. Kept
as an SQLite table (a B-tree keyed by the word) they open in a millisecond and answer a lookup in
microseconds; every answer, a miss included, is remembered, so a word is read once per process.

The tables are derived files, checked like every model file by their owners (``core.checksums``)
before they are opened; the file is then opened immutable, since nothing writes it again.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path


class StoredTable:
    """``key in t``, ``t[key]``, ``t.get(key)`` and ``t[key] = n`` over a stored table.

    Exactly what the tokenizers do with their dicts, and answered exactly as their dict would:
    a stored 0 is a present key with value 0, distinct from a missing key. Keys set here shadow
    the file (jieba adds the shop's own words). Thread-safe: the window's workers share a tokenizer.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._db.execute("SELECT 1 FROM entries LIMIT 1")  # a file that is no such table fails here, not mid-turn
        self._known: dict[str, int | None] = {}
        self._lock = threading.Lock()

    def _lookup(self, key: str) -> int | None:
        try:
            return self._known[key]
        except KeyError:
            pass
        with self._lock:
            row = self._db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        value = None if row is None else int(row[0])
        self._known[key] = value
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not None

    def __getitem__(self, key: str) -> int:
        value = self._lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: int | None = None) -> int | None:
        value = self._lookup(key)
        return default if value is None else value

    def __setitem__(self, key: str, value: int) -> None:
        self._known[key] = value

    def close(self) -> None:
        self._db.close()


def write_table(path: Path, items: Iterable[tuple[str, int]]) -> None:
    """Write ``items`` as the table at ``path``, replacing it by rename (readers never see half a file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        try:
            with db:
                db.execute("PRAGMA journal_mode=OFF")
                db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID")
                db.executemany("INSERT INTO entries VALUES (?, ?)", sorted(items))
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
