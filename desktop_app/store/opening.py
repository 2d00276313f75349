"""Opening the store at start: first-start creation that a kill cannot leave half done, concurrent
starts that wait for one another, the key check, and private file modes.

SQLite: the schema, the key's fingerprint and the demo data are built in a temporary file beside
the store, checkpointed out of its WAL, fsynced and renamed onto the store's name, so at any
moment there is either no store or a complete one; temporary files of a killed start are removed
by the next. PostgreSQL: the same steps run in one transaction (its DDL is transactional), so a
killed start leaves nothing. Both run under the store-wide lock (``store.locking``), so only one
process creates the key and the store while the others wait and then open what it made.
"""

from __future__ import annotations

import glob
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import MetaData, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError
from desktop_app.core.files import fsync_path
from desktop_app.core.keyfile import (
    FILE_MODE,
    create_key,
    read_key,
    remove_stale_temps,
    secure_dir,
    tighten_file,
)
from desktop_app.store.db import Database
from desktop_app.store.keys import check_key
from desktop_app.store.locking import sqlite_path, store_lock, unreachable

log = logging.getLogger(__name__)

#: Fills a freshly created, empty store (the demo data); runs inside the creation's transaction.
Seeder = Callable[[Database], object]

#: Infix of the temporary files a SQLite first start builds in (``store.sqlite3.building-<pid>``).
BUILDING = ".building-"
SIDE_FILES = ("-wal", "-shm", "-journal")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _secure_folders(url: str, key_path: Path, data_dir: Path) -> None:
    """The data folder, and the folders of the key and the database when they live inside it or are
    new, are 0700: nobody else may list or read them, whatever the umask."""
    secure_dir(data_dir)
    if key_path.is_dir():
        read_key(key_path)  # the one-line "is a directory" refusal, before anything is created
    for folder in (key_path.parent, *((db.parent,) if (db := sqlite_path(url)) else ())):
        if not folder.exists() or _inside(folder, data_dir):
            secure_dir(folder)


def remove_stale_builds(path: Path) -> None:
    """Temporary stores of starts that were killed (only called with the store lock held)."""
    for stale in path.parent.glob(glob.escape(path.name + BUILDING) + "*"):
        stale.unlink(missing_ok=True)
        log.info("removed the temporary store of an interrupted first start")


def build_sqlite_store(path: Path, keys: StoreKeys, seed: Seeder | None) -> None:
    """Create the complete store in a temporary file and publish it under ``path`` in one rename."""
    tmp = path.with_name(f"{path.name}{BUILDING}{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)  # an empty file is an empty database
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    db = Database(f"sqlite:///{tmp}")
    db.bind_keys(keys)
    try:
        db.prepare()
        if seed is not None:
            seed(db)
        with db.engine.connect() as conn:  # everything into the main file; no WAL left to lose in the rename
            mode = conn.exec_driver_sql("PRAGMA journal_mode=DELETE").scalar()
        if str(mode).lower() != "delete":
            raise ConfigError(f"The new store {tmp} could not be checkpointed (journal mode {mode}).",
                              message_zh=f"新数据库 {tmp} 无法完成写入（日志模式 {mode}）。")
    except BaseException:
        db.dispose()
        for leftover in (tmp, *(tmp.with_name(tmp.name + side) for side in SIDE_FILES)):
            leftover.unlink(missing_ok=True)
        raise
    db.dispose()
    fsync_path(tmp)
    for side in SIDE_FILES:  # a WAL left by an older store of this name must not be replayed onto the new one
        path.with_name(path.name + side).unlink(missing_ok=True)
    os.replace(tmp, path)
    fsync_path(path.parent)
    log.info("published a new store (key %s)", keys.fingerprint)


def _new_keys(key_path: Path) -> StoreKeys:
    """The key for an empty store: one restored beforehand, else a new one (race-free)."""
    return StoreKeys.from_key(read_key(key_path) or create_key(key_path))


def _create_in_transaction(db: Database, key_path: Path, seed: Seeder | None) -> None:
    """PostgreSQL (and other servers): leftovers of an old interrupted start dropped, schema,
    fingerprint and demo data created, all in one transaction."""
    db.bind_keys(_new_keys(key_path))
    with db.single_transaction():
        with db.session() as s:
            leftovers = MetaData()
            leftovers.reflect(s.connection())
            leftovers.drop_all(s.connection())
        db.prepare()
        if seed is not None:
            seed(db)
    log.info("created the store (key %s)", db.keys.fingerprint)


def _open_locked(url: str, key_path: Path, seed: Seeder | None) -> Database:
    if key_path.parent.is_dir():
        remove_stale_temps(key_path)
    path = sqlite_path(url)
    created = False
    if path is not None:
        remove_stale_builds(path)
        probe = Database(url)
        try:
            blank = probe.is_blank()  # never creates the file
        finally:
            probe.dispose()
        if blank:
            build_sqlite_store(path, _new_keys(key_path), seed)
            created = True
    db = Database(url)
    try:
        if path is None and db.is_blank():
            _create_in_transaction(db, key_path, seed)
            return db
        db.check_schema()  # behind or ahead: refused before the key check could record anything
        db.bind_keys(StoreKeys.from_key(check_key(db, key_path)))
        db.prepare()
        if seed is not None and not created and not db.has_products():
            seed(db)  # a store an older version created but did not get to seed
    except BaseException:
        db.dispose()
        raise
    return db


def open_store(url: str, key_path: Path, *, data_dir: Path, seed: Seeder | None) -> Database:
    """The store at ``url`` with its key checked and bound, created (and seeded by ``seed``) if it
    does not exist yet. Refusals are one-line :class:`ConfigError`\\s and change nothing."""
    try:
        _secure_folders(url, key_path, data_dir)
        with store_lock(url):
            db = _open_locked(url, key_path, seed)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"The store address is not a database URL this app can use: {exc}",
                          message_zh=f"数据库地址无法使用：{exc}") from exc
    except (OperationalError, sqlite3.DatabaseError) as exc:
        raise unreachable(url, exc) from exc
    path = sqlite_path(url)
    if path is not None:
        for file in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
            tighten_file(file)
    return db


def probe_store(url: str) -> Database:
    """The store at ``url`` opened without the key check or any write (for the key commands)."""
    db = Database(url)
    try:
        if not db.is_blank():
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        db.dispose()
        raise unreachable(url, exc) from exc
    return db
