"""``desktop-app db upgrade`` / ``db status`` and the start's schema gate, on SQLite and PostgreSQL.

A chain upgrades its one store deliberately, once: every start (window or command) refuses a store
whose schema is behind or ahead of the app with one line and writes nothing; ``db upgrade`` brings
an older store to head under the store lock, in one transaction, with its data intact.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from migration_helpers import scripts_with
from sqlalchemy import MetaData, inspect, select, text
from test_pii_at_rest import _back_to_v2, _personal, _raw_rows

from desktop_app.app import build_app
from desktop_app.core.errors import SchemaMismatch
from desktop_app.store.db import Database
from desktop_app.store.migrations.steps import V2_TABLES
from desktop_app.store.schema import SCHEMA_VERSION, Base, Order
from desktop_app.store.upgrade import upgrade_store

HEAD = f"v{SCHEMA_VERSION}"


def _back_to_v1(app: Any) -> None:
    """Then undo v2: its tables, its order and product columns, its index (as a v1 build left the store)."""
    _back_to_v2(app)
    with app.db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in V2_TABLES:
                conn.execute(text(f"DROP TABLE {table.name}"))
        conn.execute(text("DROP INDEX uq_case_per_item"))
        conn.execute(text("ALTER TABLE products DROP COLUMN return_exclusion"))
        conn.execute(text("ALTER TABLE orders DROP COLUMN paid_at"))
        conn.execute(text("ALTER TABLE orders DROP COLUMN pay_channel"))
        conn.execute(text("UPDATE schema_meta SET value = '1' WHERE key = 'schema_version'"))


def _snapshot(url: str) -> dict[str, list[str]]:
    """Every table the store has and its rows, as stored (whatever the schema version)."""
    db = Database(url)
    try:
        meta = MetaData()
        meta.reflect(db.engine)
        with db.engine.connect() as conn:
            return {name: sorted(map(repr, conn.execute(table.select()))) for name, table in meta.tables.items()}
    finally:
        db.dispose()


def _refused_at_start(app: Any, cli: Any, match: str) -> SchemaMismatch:
    """The window's start and any command refuse the store with one line, in both languages."""
    before = _snapshot(app.db.url)
    with pytest.raises(SchemaMismatch, match=match) as refused:
        build_app(app.settings).close()
    assert "\n" not in str(refused.value) and "\n" not in refused.value.message_zh
    code, out, err = cli("--lang", "en", "search", "--category", "phone")
    assert code == 1 and not out and err.count("\n") == 1 and match in err
    code, _, err = cli("--lang", "zh", "search", "--category", "phone")
    assert code == 1 and err.count("\n") == 1 and refused.value.message_zh in err
    assert _snapshot(app.db.url) == before  # nothing written
    return refused.value


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_store_is_refused_at_start_then_upgraded_once(app, cli, backend, version):
    people = _personal(app)
    with app.db.session() as s:
        orders = {o.order_number: (o.placed_at, o.total_fen) for o in s.scalars(select(Order))}
    (_back_to_v1 if version == 1 else _back_to_v2)(app)
    refusal = _refused_at_start(app, cli, "db upgrade")
    assert f"v{version}" in str(refusal) and "db upgrade" in refusal.message_zh

    code, out, _ = cli("--lang", "en", "db", "status")
    assert code == 1 and f"v{version}" in out and HEAD in out and "db upgrade" in out
    code, out, _ = cli("--lang", "en", "db", "upgrade")
    assert code == 0 and out == f"upgraded the store's schema from v{version} to {HEAD}.\n"
    code, out, _ = cli("--lang", "zh", "db", "upgrade")  # twice: nothing to do
    assert code == 0 and HEAD in out and "无需升级" in out
    code, out, _ = cli("db", "status", "--json")
    assert code == 0 and {k: v for k, v in json.loads(out).items() if k != "location"} == {
        "store": HEAD, "head": HEAD, "current": True}

    upgraded = build_app(app.settings)  # the start accepts it now; the data came through
    try:
        assert _personal(upgraded) == people
        assert not [value for value in people if value in _raw_rows(upgraded)]  # encrypted at rest
        with upgraded.db.session() as s:
            after = {o.order_number: o for o in s.scalars(select(Order))}
            assert {n: (o.placed_at, o.total_fen) for n, o in after.items()} == orders
            if version == 1:  # v2's step: every v1 order was paid when placed
                assert all(o.paid_at == o.placed_at and o.pay_channel == "alipay" for o in after.values())
            assert all(o.contact_phone_index == upgraded.db.keys.blind_index(o.contact_phone[-4:])
                       for o in after.values())
    finally:
        upgraded.close()


def test_a_store_written_by_a_newer_app_is_refused_and_not_upgraded(app, cli, backend):
    with app.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE alembic_version SET version_num = 'v{SCHEMA_VERSION + 1}'"))
        conn.execute(text(f"UPDATE schema_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"))
    refusal = _refused_at_start(app, cli, "Update the app")
    assert "请升级程序" in refusal.message_zh
    code, _, err = cli("--lang", "en", "db", "upgrade")
    assert code == 1 and "Update the app" in err and err.count("\n") == 1
    code, out, _ = cli("--lang", "en", "db", "status")
    assert code == 1 and f"v{SCHEMA_VERSION + 1}" in out and "update the app" in out
    assert app.db.schema_version() == SCHEMA_VERSION + 1


def test_db_status_of_a_current_store(cli, app):
    code, out, _ = cli("db", "status")
    assert code == 0 and out.count(HEAD) == 2 and "upgrade" not in out


def test_a_failing_step_leaves_the_store_at_its_old_revision(app, backend, tmp_path):
    """A later build whose new revision fails half-way (after DDL and a write): everything rolls
    back, on SQLite too (the upgrade engine makes its DDL transactional)."""
    later = scripts_with(tmp_path, {SCHEMA_VERSION + 1: (
        "conn.execute(text('ALTER TABLE products ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0'))\n"
        "conn.execute(text('UPDATE products SET stock = 0'))\n"
        "raise RuntimeError('step failed')")})
    stock = _stock(app)
    with pytest.raises(RuntimeError, match="step failed"):
        upgrade_store(app.db.url, app.settings.resolved_key_file, location=later)
    assert app.db.schema_version() == SCHEMA_VERSION and _stock(app) == stock
    columns = {c["name"] for c in inspect(app.db.engine).get_columns("products")}
    assert "discount_fen" not in columns
    with app.db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    # The same build's upgrade, fixed, then goes through.
    fixed = scripts_with(tmp_path / "fixed", {SCHEMA_VERSION + 1: (
        "conn.execute(text('ALTER TABLE products ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0'))")})
    report = upgrade_store(app.db.url, app.settings.resolved_key_file, location=fixed)
    assert (report.upgraded_from, report.store) == (HEAD, f"v{SCHEMA_VERSION + 1}")
    assert app.db.schema_version() == SCHEMA_VERSION + 1


def _stock(app: Any) -> list[int]:
    with app.db.engine.connect() as conn:
        return list(conn.execute(text("SELECT stock FROM products ORDER BY id")).scalars())
