"""``desktop-app db upgrade`` and ``db status``: the deliberate schema upgrade of an existing store.

A chain's kiosks share one store, so the upgrade is a step an operator takes once (after a backup),
not something every kiosk tries at start: it runs under the store lock (no start or other upgrade
interleaves), with the store's checked key (a step may re-encrypt data), and in one transaction on
both backends (PostgreSQL's DDL is transactional; SQLite gets an engine that makes it so), so a
failing step leaves the store at its old revision.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError
from desktop_app.store.db import Database, create_db_engine
from desktop_app.store.keys import check_key
from desktop_app.store.locking import store_label, store_lock
from desktop_app.store.migrations import runner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaReport:
    """The store's revision (None: none recorded) and the code's head, before and after a command."""

    store: str | None
    head: str
    upgraded_from: str | None = None
    ahead: bool = False  # written by a newer build

    @property
    def current(self) -> bool:
        return self.store == self.head


def _no_store(url: str) -> ConfigError:
    return ConfigError(f"There is no store at {store_label(url)} yet; start the app once to create it.",
                       message_zh=f"{store_label(url)} 还没有数据库；请先启动一次程序来创建它。")


def schema_status(url: str, *, location: Path | None = None) -> SchemaReport:
    """Read-only: the store's revision and the code's head."""
    db = Database(url)
    try:
        if db.is_blank():
            raise _no_store(url)
        with db.engine.connect() as conn:
            now = runner.state(conn, location)
    finally:
        db.dispose()
    return SchemaReport(store=now.store, head=now.head, ahead=now.ahead)


def upgrade_store(url: str, key_path: Path, *, location: Path | None = None) -> SchemaReport:
    """Bring the store to the code's head (a no-op at head); refusals are one line and change nothing."""
    with store_lock(url):
        db = Database(url)
        try:
            if db.is_blank():
                raise _no_store(url)
            keys = StoreKeys.from_key(check_key(db, key_path))
        finally:
            db.dispose()
        engine = create_db_engine(url, transactional_ddl=True)
        engine.dialect.desktop_app_keys = keys  # type: ignore[attr-defined]  # what SealedText reads
        try:
            with engine.connect() as conn, conn.begin():
                before, after = runner.upgrade(conn, keys, location)
        finally:
            engine.dispose()
    if before != after:
        log.info("store %s upgraded from %s to %s", store_label(url), before, after)
    return SchemaReport(store=after, head=runner.head_revision(location), upgraded_from=before)
