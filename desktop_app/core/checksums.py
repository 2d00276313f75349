"""Is this model file exactly the one we pinned? sha256, with a stamp that a kept timestamp cannot fool.

Every model file (the speech model and its tokenizer/config, the converted openai-whisper
checkpoint, the parts detector) is checked against a digest that comes from somewhere other
than the file itself: a digest pinned in the code or a committed manifest, or, for a file this
app derived (a conversion, an export), the digest recorded when it was written.

Hashing the 145 MB speech model costs 0.1-0.5 s, so a successful check is remembered in a
stamp: the file's size, mtime_ns, **ctime_ns**, inode and device. A stamp with only size and
mtime is fooled by a damaged file whose timestamp was put back (``os.utime``, ``touch -r``,
``cp -p``, ``rsync -t``): that is how a corrupted model once ran with "!!!!" at confidence 1.0.
The ctime cannot be put back that way: the kernel sets it to *now* on every write, chmod and
``utime`` call, and only a change of the system clock could rewind it. A file replaced by a
rename has a new inode. So any change made through the filesystem after the check misses the
stamp and the file is hashed again.

One gap remains, the one git calls "racily clean": on a file system with coarse timestamps, a
write in the same tick as the file's last change leaves ctime unchanged. A stamp is therefore
trusted only when the check happened at least ``RACY_WINDOW_NS`` after the file's ctime (a
freshly written file is simply hashed again on the next start, then stamped for good). What a
stamp does not defend against is someone with write access to the cache forging the stamp
file itself, or bit rot below the file system; such a person could replace the code as well.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop_app.core.files import atomic_write

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
#: A stamp taken less than this after the file's last change is not trusted (coarse clocks: FAT 2 s).
RACY_WINDOW_NS = 2_000_000_000


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileIdentity:
    """What must not change for a past check to still hold (see the module docstring)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


@dataclass(frozen=True)
class _Stamp:
    identity: FileIdentity
    sha256: str
    checked_ns: int  # wall clock when hashing began

    def vouches_for(self, identity: FileIdentity, expected: str) -> bool:
        return (self.sha256 == expected and self.identity == identity
                and self.checked_ns - identity.ctime_ns >= RACY_WINDOW_NS)


class StampBook:
    """Stamps of the files in one directory, kept in a small JSON file there (or in memory only).

    Callers serialise writers (the model caches hold a file lock while they check); a damaged
    or unreadable stamp file just means every file is hashed again.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamps: dict[str, _Stamp] = {}
        self._dirty = False
        if path is not None:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self._stamps = {name: _Stamp(FileIdentity(**s["identity"]), str(s["sha256"]), int(s["checked_ns"]))
                                for name, s in raw.items()}
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                self._stamps = {}

    def vouches_for(self, file: Path, identity: FileIdentity, expected: str) -> bool:
        stamp = self._stamps.get(str(file))
        return stamp is not None and stamp.vouches_for(identity, expected)

    def record(self, file: Path, identity: FileIdentity, sha256: str, checked_ns: int) -> None:
        self._stamps[str(file)] = _Stamp(identity, sha256, checked_ns)
        self._dirty = True

    def forget(self, file: Path) -> None:
        self._dirty |= self._stamps.pop(str(file), None) is not None

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        data = {name: {"identity": asdict(s.identity), "sha256": s.sha256, "checked_ns": s.checked_ns}
                for name, s in self._stamps.items()}
        try:
            atomic_write(self.path, json.dumps(data, indent=1).encode("utf-8"))
            self._dirty = False
        except OSError:
            log.warning("could not save the checksum stamps in %s; files will be hashed again", self.path.parent)


#: Files checked in this process: a second detector or transcriber in one run does not hash again.
_memo = StampBook(None)
_memo_lock = threading.Lock()


def mismatch(path: Path, expected: str, *, stamps: StampBook | None = None) -> str | None:
    """``None`` when ``path`` holds exactly the content whose sha256 is ``expected``; else why not.

    The reason is short and safe to show ("missing", "sha256 1a2b3c4d5e6f…"). A stamp (in
    ``stamps``, or from earlier in this process) that still vouches for the file skips hashing.
    """
    path = Path(path)
    key = path.resolve()
    try:
        before = FileIdentity.of(path)
    except OSError:
        return "missing"
    with _memo_lock:
        if _memo.vouches_for(key, before, expected):
            return None
    if stamps is not None and stamps.vouches_for(key, before, expected):
        return None
    checked_ns = time.time_ns()
    try:
        got = sha256_file(path)
        after = FileIdentity.of(path)
    except OSError:
        return "unreadable"
    if got != expected:
        if stamps is not None:
            stamps.forget(key)
        return f"sha256 {got[:12]}…"
    if after != before:  # written to while we read it: the digest may belong to no version of the file
        return "changed while being checked"
    with _memo_lock:
        _memo.record(key, before, got, checked_ns)
    if stamps is not None:
        stamps.record(key, before, got, checked_ns)
    return None


def forget_checks() -> None:
    """Drop this process's memory of checked files (tests that damage a file within one run)."""
    with _memo_lock:
        _memo._stamps.clear()


def read_manifest(path: Path) -> dict[str, str]:
    """A ``sha256sum``-style manifest (``<hex digest>  <file name>`` per line) as name → digest."""
    out: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and len(parts[0]) == 64:
            out[parts[1].lstrip("*")] = parts[0].lower()
    return out
