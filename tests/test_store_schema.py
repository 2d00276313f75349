from __future__ import annotations

import pytest

from desktop_app.core.errors import SchemaMismatch
from desktop_app.store import db as dbmod
from desktop_app.store.db import Database
from desktop_app.store.schema import SCHEMA_VERSION


def _fresh(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    db.prepare()
    return db


def test_new_store_uses_wal_and_records_version(tmp_path):
    db = _fresh(tmp_path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert db.schema_version() == SCHEMA_VERSION
    db.prepare()  # idempotent
    db.dispose()


def test_newer_store_is_refused(tmp_path):
    db = _fresh(tmp_path)
    db.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(SchemaMismatch, match="newer"):
        Database(db.url).prepare()


def test_older_store_without_migration_is_refused_and_with_one_is_migrated(tmp_path, monkeypatch):
    db = _fresh(tmp_path)
    db.set_meta("schema_version", str(SCHEMA_VERSION - 1))
    with pytest.raises(SchemaMismatch, match="No migration"):
        Database(db.url).prepare()
    ran = []
    monkeypatch.setitem(dbmod.MIGRATIONS, SCHEMA_VERSION - 1, lambda s: ran.append(True))
    migrated = Database(db.url)
    migrated.prepare()
    assert ran == [True] and migrated.schema_version() == SCHEMA_VERSION
