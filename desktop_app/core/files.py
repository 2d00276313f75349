"""Replacing a file so that a reader, or a crash, never sees it half written.

Model caches, digests, checksum stamps and keys are all written the same way: into a private
temporary file beside the target (same file system, so the rename is atomic), then renamed onto
the target in one step; if anything fails on the way, the temporary file is removed and the old
target stays as it was. Files holding something that must survive a power cut (keys, stores) are
also flushed to disk with their directory (``durable=True``); caches that can be rebuilt are not.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

#: Owner-only, like every file the app writes under its data and cache folders.
PRIVATE = 0o600


def fsync_path(path: Path) -> None:
    """Flush a file's data, or a directory's entries (a rename or a new link in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path, *, mode: int = PRIVATE, durable: bool = False) -> Iterator[BinaryIO]:
    """``with replacing(path) as fh: fh.write(...)`` — ``path`` becomes the written bytes at the end of
    the block, all at once; an exception inside the block leaves ``path`` untouched."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        fsync_path(path.parent)


def atomic_write(path: Path, data: bytes, *, mode: int = PRIVATE, durable: bool = False) -> None:
    """Replace ``path`` with ``data`` in one rename (see :func:`replacing`)."""
    with replacing(path, mode=mode, durable=durable) as fh:
        fh.write(data)
