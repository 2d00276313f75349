"""One store-wide lock around the steps that must not interleave between processes.

Creating a store (check empty → make the key → build → publish), migrating it and switching
its key are each done by one process at a time; every other process starting at that moment
waits and then opens the finished store. SQLite takes an ``flock`` on a lock file beside the
database (released by the kernel if the holder is killed); PostgreSQL takes a session advisory
lock on a dedicated connection (released by the server when that connection drops).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from desktop_app.core.errors import ConfigError
from desktop_app.core.keyfile import FILE_MODE, secure_dir

log = logging.getLogger(__name__)

#: The advisory lock's id: fixed, derived from a name so it cannot collide with another app's by chance.
PG_LOCK_ID = int.from_bytes(hashlib.sha256(b"desktop-app store opening").digest()[:8], "big", signed=True)


def sqlite_path(url: str) -> Path | None:
    """The database file of a file-backed SQLite URL; None for PostgreSQL or an in-memory store."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def store_label(url: str) -> str:
    """How messages name the store: its file, or its URL without a password."""
    path = sqlite_path(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def unreachable(url: str, exc: BaseException) -> ConfigError:
    detail = str(getattr(exc, "orig", None) or exc).strip()
    reason = detail.splitlines()[0] if detail else type(exc).__name__
    return ConfigError(f"The store {store_label(url)} cannot be opened: {reason}",
                       message_zh=f"无法打开数据库 {store_label(url)}：{reason}")


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise ConfigError(f"The store's lock file {lock_path} cannot be opened: {exc.strerror or exc}.",
                          message_zh=f"无法打开数据库锁文件 {lock_path}：{exc.strerror or exc}。") from exc
    try:
        os.fchmod(fd, FILE_MODE)
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _advisory_lock(url: str) -> Iterator[None]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        try:
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except SQLAlchemyError as exc:
            raise unreachable(url, exc) from exc
        with conn:
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": PG_LOCK_ID})
            try:
                yield
            finally:
                with contextlib.suppress(SQLAlchemyError):
                    conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": PG_LOCK_ID})
    finally:
        engine.dispose()


@contextlib.contextmanager
def store_lock(url: str) -> Iterator[None]:
    """Hold the store-wide lock for the block (waits for another holder to finish)."""
    path = sqlite_path(url)
    if path is not None:
        if not path.parent.exists():
            secure_dir(path.parent)
        elif not path.parent.is_dir():
            raise ConfigError(f"The store's folder {path.parent} is not a directory.",
                              message_zh=f"数据库所在的 {path.parent} 不是目录。")
        with _file_lock(path):
            yield
    elif make_url(url).get_backend_name() == "postgresql":
        with _advisory_lock(url):
            yield
    else:
        yield
