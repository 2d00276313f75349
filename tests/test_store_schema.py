"""The schema gate of ``Database.prepare`` (create at head, refuse any other revision) and the alembic
migrations that upgrade a store step by step, in one transaction, on SQLite (PostgreSQL: test_db_upgrade)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet
from migration_helpers import scripts_with, upgrade
from sqlalchemy import inspect, select, text

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError, SchemaMismatch
from desktop_app.store.db import Database
from desktop_app.store.migrations import runner
from desktop_app.store.schema import SCHEMA_VERSION, Base, Customer, Order

#: sha256 of the created schema (tables, columns, types, nullability) for each schema version.
#: A failure here means the schema changed: bump SCHEMA_VERSION, add revision v<N> to store/migrations/versions,
#: add the new hash. (``alembic_version``, the migrations' bookkeeping, is not part of the schema.)
SCHEMA_FINGERPRINTS = {1: "8cc6e07efb4aebac1ebb386c941736c89ee0c9b50399537459b939e298f76c6b",
                       2: "805b3a6b9f349d896477f24b89a5f8f3d97bb7bc8e306204e80210b626151372",
                       3: "504a6bff5f30b99d043fe6775ef2050937a608aa126c2df3c2d17195d39fc36b",
                       4: "4a739c77fe6c43de7cf8f9906d9307e9d3486bd8cbbbe68019e8e20d8a4cf157"}


def _fresh(tmp_path: Path, name: str = "x.sqlite3") -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    db.prepare()
    return db


def _columns(db: Database, table: str) -> list[str]:
    return [c["name"] for c in inspect(db.engine).get_columns(table)]


def _fingerprint(db: Database, text_types: frozenset[str] | set[str] = frozenset()) -> str:
    """Hash of every table's columns, types and nullability; ``text_types`` ("table.column") read as TEXT."""
    insp = inspect(db.engine)
    rows = [f"{t}.{c['name']}:{'TEXT' if t + '.' + c['name'] in text_types else c['type']}:{c['nullable']}"
            for t in sorted(insp.get_table_names()) if t != runner.VERSION_TABLE for c in insp.get_columns(t)]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_new_store_uses_wal_and_records_version(tmp_path):
    db = _fresh(tmp_path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert db.schema_version() == SCHEMA_VERSION
    db.prepare()  # idempotent
    assert db.schema_version() == SCHEMA_VERSION
    db.dispose()


def test_new_store_has_every_table_and_column_of_the_models(tmp_path):
    db = _fresh(tmp_path)
    assert set(inspect(db.engine).get_table_names()) == set(Base.metadata.tables) | {runner.VERSION_TABLE}
    for name, table in Base.metadata.tables.items():
        assert _columns(db, name) == [c.name for c in table.columns], name
    db.dispose()


def test_schema_changes_come_with_a_version_bump_and_a_migration(tmp_path):
    """The revisions are one line v1 … vN with N the schema version, a new store is stamped at vN,
    and the current schema is the one recorded for it."""
    directory = runner.scripts()
    chain = [rev.revision for rev in reversed(list(directory.walk_revisions()))]
    assert chain == [f"v{n}" for n in range(1, SCHEMA_VERSION + 1)] and directory.get_heads() == [chain[-1]]
    db = _fresh(tmp_path)
    assert _fingerprint(db) == SCHEMA_FINGERPRINTS[SCHEMA_VERSION]
    with db.engine.connect() as conn:
        assert runner.state(conn).store == runner.head_revision() == f"v{SCHEMA_VERSION}"
    db.dispose()


def test_the_migrations_from_nothing_build_each_versions_schema(tmp_path):
    """Revision v1 builds schema v1 and each later one the next version's, ending at the models'."""
    url = f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    config = Config()
    config.set_main_option("script_location", str(runner.SCRIPTS))
    db = Database(url)
    for version in range(1, SCHEMA_VERSION + 1):
        with db.engine.begin() as conn:
            config.attributes.update(connection=conn, keys=None)
            command.upgrade(config, f"v{version}")
        sealed = {f"{t}.{c}" for t, cs in _V2_DECLARED.items() for c in cs} if version >= 3 else set()
        assert _fingerprint(db, text_types=sealed) == SCHEMA_FINGERPRINTS[version], version
        assert db.schema_version() == version
    db.prepare()  # at head: accepted as is
    db.dispose()


def test_newer_store_is_refused_and_left_untouched(tmp_path):
    db = _fresh(tmp_path)
    db.set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE alembic_version SET version_num = 'v{SCHEMA_VERSION + 1}'"))
    before = _fingerprint(db)
    with pytest.raises(SchemaMismatch, match=rf"newer.*v{SCHEMA_VERSION + 1}.*v{SCHEMA_VERSION}\b") as refused:
        Database(db.url).prepare()
    assert refused.value.message_zh and "升级" in refused.value.message_zh
    with pytest.raises(SchemaMismatch, match="newer"):  # and the upgrade refuses it too
        upgrade(db.url)
    assert db.schema_version() == SCHEMA_VERSION + 1 and _fingerprint(db) == before
    db.dispose()


def test_store_without_a_version_row_is_refused(tmp_path):
    db = _fresh(tmp_path)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM schema_meta WHERE key = 'schema_version'"))
    with pytest.raises(SchemaMismatch, match="no schema version"):
        Database(db.url).prepare()
    db.dispose()


def test_an_older_store_is_refused_at_start_and_not_changed(tmp_path):
    old = _v2_store(tmp_path)
    before = _fingerprint(old)
    with pytest.raises(SchemaMismatch, match="db upgrade") as refused:
        Database(old.url).prepare()
    assert "\n" not in str(refused.value) and "db upgrade" in refused.value.message_zh
    assert _fingerprint(old) == before and old.schema_version() == 2
    assert runner.VERSION_TABLE not in inspect(old.engine).get_table_names()
    old.dispose()


def test_older_store_is_upgraded_step_by_step(tmp_path):
    """A store written at today's version, upgraded by a build two revisions ahead, runs both real
    steps in order (the second needs the first's column), keeps its rows and records the new version."""
    old = _fresh(tmp_path)
    with old.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO products (sku, category, name_en, name_zh, description_en, description_zh, brand, "
            "origin_region, ship_from, price_fen, stock, rating, rating_count, sales_count, needs_assembly, "
            "final_sale) VALUES ('T-1', 'phone', 'T', 'T', '', '', 'B', 'R', 'S', 12340, 1, 4.0, 0, 0, 0, 0)"))
    old.dispose()
    n = SCHEMA_VERSION
    later = scripts_with(tmp_path, {
        n + 1: "conn.execute(text('ALTER TABLE products ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0'))",
        n + 2: "conn.execute(text('UPDATE products SET discount_fen = price_fen / 10'))"})
    with pytest.raises(SchemaMismatch, match="db upgrade"):  # that build refuses it at start
        with old.engine.connect() as conn:
            runner.require_current(conn, later)
    assert upgrade(old.url, location=later) == (f"v{n}", f"v{n + 2}")
    upgraded = Database(old.url)
    assert upgraded.schema_version() == n + 2
    assert "discount_fen" in _columns(upgraded, "products")
    with upgraded.engine.connect() as conn:
        assert conn.execute(text("SELECT sku, discount_fen FROM products")).all() == [("T-1", 1234)]
        runner.require_current(conn, later)
    # Upgraded again, nothing runs twice (a second ADD COLUMN would fail).
    assert upgrade(old.url, location=later) == (f"v{n + 2}", f"v{n + 2}")
    with pytest.raises(SchemaMismatch, match="newer"):  # and today's build refuses the upgraded store
        Database(old.url).prepare()
    upgraded.dispose()


def test_failed_migration_step_keeps_the_old_version(tmp_path):
    db = _fresh(tmp_path)
    broken = scripts_with(tmp_path, {SCHEMA_VERSION + 1: "conn.execute(text('UPDATE products SET stock = stock'))\n"
                                                         "raise RuntimeError('step failed')"})
    with pytest.raises(RuntimeError, match="step failed"):
        upgrade(db.url, location=broken)
    assert db.schema_version() == SCHEMA_VERSION
    with db.engine.connect() as conn:
        assert runner.state(conn, broken).store == f"v{SCHEMA_VERSION}"
    db.dispose()


def test_failed_migration_step_rolls_back_its_ddl(tmp_path):
    """The upgrade engine makes SQLite's DDL transactional: a step failing after an ALTER TABLE
    leaves no column behind (pysqlite alone would have committed it)."""
    db = _fresh(tmp_path)
    half_done = scripts_with(tmp_path, {SCHEMA_VERSION + 1: (
        "conn.execute(text('ALTER TABLE products ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0'))\n"
        "conn.execute(text('CREATE TABLE scratch (id INTEGER PRIMARY KEY)'))\n"
        "raise RuntimeError('step failed')")})
    with pytest.raises(RuntimeError):
        upgrade(db.url, location=half_done)
    try:
        assert "discount_fen" not in _columns(db, "products")
        assert "scratch" not in inspect(db.engine).get_table_names()
        assert db.schema_version() == SCHEMA_VERSION
    finally:
        db.dispose()


_V2_TABLES = ("price_history", "refunds", "order_changes", "invoices", "price_protection_claims", "coupons",
              "coupon_uses", "warranty_tickets", "installation_bookings", "restock_alerts")


#: What schema v3 changed, undone to build a v2 store: its new tables, the blind index columns, and
#: the VARCHAR declarations of the columns that became encrypted TEXT.
_V3_TABLES = ("access_attempts", "conversation_orders", "desk_events", "desk_tickets", "canned_replies", "agents")
#: The tables schema v4 added (dropped first to go back to v3).
_V4_TABLES = ("guide_viewings", "fairness_reviews", "nlu_review_items", "nlu_model_versions")
_V3_INDEXES = {"customers": "phone_index", "orders": "contact_phone_index"}
_V2_DECLARED = {"customers": {"name": "VARCHAR(64)", "phone": "VARCHAR(20)", "address": "VARCHAR(200)"},
                "orders": {"contact_phone": "VARCHAR(20)", "ship_address": "VARCHAR(200)"}}


def _v2_store(tmp_path: Path, name: str = "v2.sqlite3") -> Database:
    """A store exactly as schema v2 made it (its fingerprint is checked), empty."""
    db = _fresh(tmp_path, name)
    with db.engine.begin() as conn:
        for table in (*_V4_TABLES, *_V3_TABLES):
            conn.execute(text(f"DROP TABLE {table}"))
        for table, column in _V3_INDEXES.items():
            conn.execute(text(f"DROP INDEX ix_{table}_{column}"))
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'"))
        conn.execute(text(f"DROP TABLE {runner.VERSION_TABLE}"))  # as builds before alembic left it
    db.dispose()
    # SQLite cannot change a declared type; the CREATE TABLE text is rewritten as its documentation
    # describes for changes that leave the stored data as it is (TEXT and VARCHAR share an affinity).
    raw = sqlite3.connect(str(tmp_path / name))
    with raw:
        raw.execute("PRAGMA writable_schema = ON")
        for table, columns in _V2_DECLARED.items():
            (sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 (table,)).fetchone()
            for column, declared in columns.items():
                assert f"\t{column} TEXT NOT NULL" in sql
                sql = sql.replace(f"\t{column} TEXT NOT NULL", f"\t{column} {declared} NOT NULL")
            raw.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
        version = raw.execute("PRAGMA schema_version").fetchone()[0]
        raw.execute(f"PRAGMA schema_version = {version + 1}")
        raw.execute("PRAGMA writable_schema = OFF")
    raw.close()
    db = Database(db.url)
    assert _fingerprint(db) == SCHEMA_FINGERPRINTS[2]
    return db


def _v1_store(tmp_path: Path) -> Database:
    """A store exactly as schema v1 made it (its fingerprint is checked), with one paid order."""
    db = _v2_store(tmp_path, "v1.sqlite3")
    with db.engine.begin() as conn:
        for table in _V2_TABLES:
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("ALTER TABLE products DROP COLUMN return_exclusion"))
        conn.execute(text("ALTER TABLE orders DROP COLUMN paid_at"))
        conn.execute(text("ALTER TABLE orders DROP COLUMN pay_channel"))
        conn.execute(text("DROP INDEX uq_case_per_item"))
        conn.execute(text("UPDATE schema_meta SET value = '1' WHERE key = 'schema_version'"))
        conn.execute(text(
            "INSERT INTO orders (order_number, status, placed_at, promised_by, carrier, contact_phone, ship_city, "
            "ship_address, total_fen) VALUES ('2611000000000001', 'paid', '2026-11-01 10:00:00.000000', "
            "'2026-11-05 10:00:00.000000', 'SF', '13800000000', '上海', 'x', 100)"))
    assert _fingerprint(db) == SCHEMA_FINGERPRINTS[1]
    return db


def test_v1_store_is_migrated_to_v2_with_its_orders_marked_paid(tmp_path):
    old = _v1_store(tmp_path)
    old.dispose()
    assert upgrade(old.url, target="v2") == ("v1", "v2")
    db = Database(old.url)
    assert db.schema_version() == 2 and _fingerprint(db) == SCHEMA_FINGERPRINTS[2]
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT paid_at, placed_at, pay_channel FROM orders")).one()
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("return_requests")}
    assert row[0] == row[1] and row[2] == "alipay" and "uq_case_per_item" in indexes
    db.dispose()


#: Plain personal data written by a v2 build; after the upgrade not one of them may be left in the file.
_PLAIN = {"name": "欧阳静怡", "phone": "13912345678", "address": "上海市徐汇区漕溪北路88号7栋1203室",
          "contact_phone": "13698765432", "ship_address": "杭州市西湖区文三路259号昌地火炬大厦"}


def test_v2_store_is_migrated_to_v3_with_personal_data_encrypted_in_place(tmp_path):
    old = _v2_store(tmp_path)
    with old.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (code, name, phone, city, address, language, created_at) VALUES "
                          "('C9', :name, :phone, '上海', :address, 'zh', '2026-11-01 10:00:00.000000')"), _PLAIN)
        conn.execute(text(
            "INSERT INTO orders (order_number, customer_id, status, placed_at, promised_by, carrier, contact_phone, "
            "ship_city, ship_address, total_fen, pay_channel) VALUES ('2611000000000009', 1, 'paid', "
            "'2026-11-01 10:00:00.000000', '2026-11-05 10:00:00.000000', 'SF', :contact_phone, '杭州', "
            ":ship_address, 100, 'alipay')"), _PLAIN)
    old.dispose()
    keys = StoreKeys.from_key(Fernet.generate_key())
    assert upgrade(old.url, keys) == ("v2", f"v{SCHEMA_VERSION}")
    db = Database(old.url)
    db.bind_keys(keys)
    db.prepare()
    assert db.schema_version() == SCHEMA_VERSION
    # Same tables and columns as a new store; SQLite keeps the old VARCHAR declarations (it ignores them).
    sealed = {f"{t}.{c}" for t, cs in _V2_DECLARED.items() for c in cs}
    migrated = _fingerprint(db, text_types=sealed)
    fresh = _fresh(tmp_path, "fresh.sqlite3")
    assert migrated == _fingerprint(fresh) == SCHEMA_FINGERPRINTS[SCHEMA_VERSION]
    fresh.dispose()
    with db.session() as s:
        customer = s.scalars(select(Customer)).one()
        order = s.scalars(select(Order)).one()
        assert (customer.name, customer.phone, customer.address) == (_PLAIN["name"], _PLAIN["phone"], _PLAIN["address"])
        assert (order.contact_phone, order.ship_address) == (_PLAIN["contact_phone"], _PLAIN["ship_address"])
        assert customer.phone_index == keys.blind_index("5678") and order.contact_phone_index == keys.blind_index("5432")
        assert s.scalars(select(Order).where(Order.contact_phone_index == keys.blind_index("5432"))).one() is order
    db.dispose()  # the last connection checkpoints the WAL into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("v2.sqlite3*"))
    for value in _PLAIN.values():
        assert value.encode() not in raw, value
        assert value[-6:].encode() not in raw, value


def test_v2_store_with_personal_data_is_not_migrated_without_its_key(tmp_path):
    old = _v2_store(tmp_path)
    with old.engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (code, name, phone, city, address, language, created_at) VALUES "
                          "('C9', 'x', '1', '上海', 'y', 'zh', '2026-11-01 10:00:00.000000')"))
    old.dispose()
    with pytest.raises(ConfigError, match="key"):
        upgrade(old.url)
    assert Database(old.url).schema_version() == 2 and "phone_index" not in _columns(old, "customers")
    assert "access_attempts" not in inspect(old.engine).get_table_names()  # the whole step rolled back
    assert "guide_viewings" not in inspect(old.engine).get_table_names()
    keys = StoreKeys.from_key(Fernet.generate_key())
    upgrade(old.url, keys)  # with its key, the same store upgrades
    keyed = Database(old.url)
    keyed.bind_keys(keys)
    keyed.prepare()
    with keyed.session() as s:
        assert s.scalars(select(Customer.name)).one() == "x"
    keyed.dispose()
