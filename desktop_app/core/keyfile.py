"""The store's key on disk: read, create, install and back up, each atomically and mode 0600.

The key is the one secret that makes encrypted data readable, so every write goes to a temporary
file beside the target that is fsynced and then renamed or hard-linked into place: a crash never
leaves a half-written key, two processes creating a key at once end up sharing one, and a
backup or restore never leaves a world-readable copy. Modes are set explicitly (``fchmod``), so
they do not depend on the umask.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.fernet import Fernet

from desktop_app.core.errors import ConfigError
from desktop_app.core.files import atomic_write, fsync_path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def secure_dir(path: Path) -> None:
    """Create ``path`` (and parents) if needed and make it 0700, whatever the umask."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        if not path.is_dir():
            raise NotADirectoryError(str(path))
        info = path.stat()
        if info.st_mode & stat.S_ISVTX or info.st_uid != os.geteuid():
            # /tmp or another user's folder: tightening it would break everyone else who uses it; the
            # files the app puts there are 0600 and its secrets folder is its own, so leave it be.
            log.warning("not changing the mode of the shared directory %s", path)
            return
        if info.st_mode & 0o777 != DIR_MODE:
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise ConfigError(f"The directory {path} cannot be used: {exc.strerror or exc}.",
                          message_zh=f"目录 {path} 无法使用：{exc.strerror or exc}。") from exc


def tighten_file(path: Path) -> None:
    """Make an existing file 0600 (a missing one is left alone)."""
    with contextlib.suppress(FileNotFoundError):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o777 != FILE_MODE:  # never a directory or a link
            os.chmod(path, FILE_MODE)


def parse_key(raw: bytes, source: Path) -> bytes:
    key = raw.strip()
    try:
        Fernet(key)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"The key file {source} does not hold a valid key.",
                          message_zh=f"密钥文件 {source} 不是有效的密钥。") from exc
    return key


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no such file. A directory, an unreadable file or
    one that is not a key is a one-line :class:`ConfigError`. A key file readable by others is
    tightened to 0600."""
    if path.is_dir():
        raise ConfigError(f"The key file {path} is a directory; point DESKTOP_APP_KEY_FILE at a file.",
                          message_zh=f"密钥文件 {path} 是一个目录；请把 DESKTOP_APP_KEY_FILE 指向一个文件。")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"The key file {path} cannot be read: {exc.strerror or exc}.",
                          message_zh=f"无法读取密钥文件 {path}：{exc.strerror or exc}。") from exc
    key = parse_key(raw, path)
    try:
        tighten_file(path)
    except OSError:
        log.warning("could not tighten the key file's mode to 0600")
    return key


def _write_temp(directory: Path, stem: str, key: bytes) -> Path:
    """A fsynced 0600 file holding ``key`` in ``directory`` (same file system as the target)."""
    tmp = directory / f".{stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def _io_error(path: Path, exc: OSError) -> ConfigError:
    return ConfigError(f"The key file {path} cannot be written: {exc.strerror or exc}.",
                       message_zh=f"无法写入密钥文件 {path}：{exc.strerror or exc}。")


def write_key_exclusive(path: Path, key: bytes) -> bool:
    """Put ``key`` at ``path`` only if nothing is there (hard link of a complete temp file, so a
    reader never sees a partial key). False when ``path`` already exists."""
    try:
        tmp = _write_temp(path.parent, path.name, key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            tmp.unlink()
        fsync_path(path.parent)
        return True
    except OSError as exc:
        raise _io_error(path, exc) from exc


def install_key(path: Path, key: bytes) -> None:
    """Put ``key`` at ``path``, replacing whatever is there, in one rename."""
    try:
        atomic_write(path, key, mode=FILE_MODE, durable=True)
    except OSError as exc:
        raise _io_error(path, exc) from exc


def move_key(source: Path, target: Path) -> None:
    """Rename a complete key file onto ``target`` (finishing a rotation)."""
    try:
        os.replace(source, target)
        fsync_path(target.parent)
    except OSError as exc:
        raise _io_error(target, exc) from exc


def create_key(path: Path) -> bytes:
    """A new key at ``path``; if another process created one first, that key (theirs wins)."""
    if path.parent.exists():
        if not path.parent.is_dir():
            raise ConfigError(f"The key file's folder {path.parent} is not a directory.",
                              message_zh=f"密钥文件所在的 {path.parent} 不是目录。")
    else:
        secure_dir(path.parent)
    key = Fernet.generate_key()
    if write_key_exclusive(path, key):
        log.info("created a new store key")
        return key
    theirs = read_key(path)
    if theirs is None:  # created and removed again in between: a broken setup, not a race to hide
        raise ConfigError(f"The key file {path} vanished while it was being created.",
                          message_zh=f"密钥文件 {path} 在创建过程中消失了。")
    return theirs


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temps(path: Path) -> None:
    """Temporary copies of the key left by a process killed mid-write (a secret should not linger)."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}*.tmp"):
        parts = tmp.name.rsplit(".", 3)  # .<name>.<pid>.<random>.tmp
        if len(parts) == 4 and parts[1].isdigit() and not _alive(int(parts[1])):
            tmp.unlink(missing_ok=True)
            log.info("removed a key file's temporary copy left by an interrupted process")


def next_key_path(path: Path) -> Path:
    """Where a rotation writes the new key before the store switches to it."""
    return path.with_name(path.name + ".next")
