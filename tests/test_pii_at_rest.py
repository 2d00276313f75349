"""Names, phones and addresses are encrypted at rest, field by field; phone lookups go through a keyed
blind index; key rotation re-encrypts every encrypted column and recomputes the indexes."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from migration_helpers import upgrade
from sqlalchemy import LargeBinary, Text, select, text
from sqlalchemy.orm import Session

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError, SchemaMismatch
from desktop_app.service.types import ComplaintTopic, Priority
from desktop_app.store.db import Database
from desktop_app.store.rekey import encrypted_binary_columns, rekey, rewrite_rows
from desktop_app.store.schema import SCHEMA_VERSION, Base, Customer, Order
from desktop_app.store.sealed import (
    BLIND_INDEX_OF,
    NORMALISED_BY,
    NORMALISERS,
    SealedText,
    blind_index_columns,
    phone_last_four,
    sealed_columns,
)


def _personal(app: Any) -> list[str]:
    """Every name, phone and address in the store, read through the app (decrypted)."""
    with app.db.session() as s:
        people = [v for c in s.scalars(select(Customer)) for v in (c.name, c.phone, c.address)]
        orders = [v for o in s.scalars(select(Order)) for v in (o.contact_phone, o.ship_address)]
    return sorted(set(people + orders))


def _raw_rows(app: Any) -> str:
    """Every row of every table as the database holds it, bypassing the ORM's types."""
    with app.db.engine.connect() as conn:
        return "\n".join(repr(row) for name in Base.metadata.tables
                         for row in conn.execute(text(f"SELECT * FROM {name}")))  # noqa: S608 (schema names)


def _raw_store(app: Any, backend: str) -> bytes:
    if backend == "sqlite":
        app.db.engine.dispose()  # the last connection checkpoints the WAL; the files are read with it anyway
        return b"".join(p.read_bytes() for p in app.settings.data_dir.glob("store.sqlite3*"))
    return _raw_rows(app).encode()


def test_no_name_phone_or_address_is_readable_in_the_database(app, backend):
    personal = _personal(app)
    assert len(personal) > 50 and any("路" in v for v in personal)  # the seeded people and their orders
    raw = _raw_store(app, backend)
    rows = _raw_rows(app)
    for value in personal:
        assert value.encode() not in raw and value not in rows, value
    for value in personal:  # nor the distinctive part of an address (its street and number)
        assert value[-8:].encode() not in raw, value


def test_the_app_still_shows_personal_data_to_those_allowed(app):
    with app.db.session() as s:
        order = s.scalars(select(Order).where(Order.customer_id.is_not(None)).order_by(Order.id)).first()
        customer = s.get(Customer, order.customer_id)
    view = app.orders.lookup(order.order_number, customer_code=customer.code)
    assert view.masked_phone.endswith(order.contact_phone[-4:]) and "****" in view.masked_phone
    exported = app.privacy.export_customer(customer.code)
    assert (exported["customer"]["name"], exported["customer"]["phone"]) == (customer.name, customer.phone)
    assert exported["customer"]["address"] == customer.address and customer.address
    assert order.ship_address in {o["ship_address"] for o in exported["orders"]}


def test_orders_are_found_by_phone_last_four_through_the_blind_index(app):
    with app.db.session() as s:
        orders = s.scalars(select(Order)).all()
        last4 = orders[0].contact_phone[-4:]
        found = s.scalars(select(Order).where(Order.contact_phone_index == app.db.keys.blind_index(last4))).all()
        assert {o.id for o in found} == {o.id for o in orders if o.contact_phone[-4:] == last4}
        assert all(o.contact_phone_index != last4 for o in orders)
        with pytest.raises(TypeError, match="encrypted at rest"):  # never a silent empty answer
            select(Order).where(Order.contact_phone.endswith(last4))
        with pytest.raises(TypeError, match="encrypted at rest"):
            select(Customer).where(Customer.name == "李明轩")


def test_the_index_follows_the_phone_and_erasing_it_clears_the_index(app):
    keys = app.db.keys
    with app.db.session() as s:
        customer = s.scalars(select(Customer).order_by(Customer.id)).first()
        customer.phone = "+86 139-0000-4321"
    with app.db.session() as s:
        assert s.scalars(select(Customer).where(Customer.phone_index == keys.blind_index("4321"))).one().id == customer.id
        s.get(Customer, customer.id).phone = "[erased]"
    with app.db.session() as s:
        assert s.get(Customer, customer.id).phone_index is None
    assert phone_last_four("138 0013 8000") == "8000" and phone_last_four("12") is None


def _fill_encrypted_columns(app: Any) -> None:
    """A conversation, a handoff summary and a complaint: the seed leaves the encrypted tables empty."""
    with app.db.session() as s:
        customer = s.scalars(select(Customer).order_by(Customer.id)).first().code
    conv_id, _ = app.conversations.start(channel="kiosk", language="zh", customer_code=customer)
    app.conversations.add(conv_id, "customer", "我的快递三天没动了", intent="logistics_delay", confidence=0.9)
    app.handoff.open_ticket(reason="customer_request", priority=Priority.HIGH, summary="顾客要求人工",
                            customer_code=customer, conversation_id=conv_id)
    app.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="快递太慢", customer_code=customer)


def _tokens(s: Session) -> dict[tuple[str, str, Any], bytes]:
    """Every value in the database that is a Fernet token, wherever it is: (table, column, row) → token."""
    found = {}
    for t in Base.metadata.sorted_tables:
        for row in s.execute(text(f"SELECT * FROM {t.name}")).mappings():  # noqa: S608 (schema names)
            for column, value in row.items():
                raw = value.encode() if isinstance(value, str) else bytes(value) if isinstance(value, bytes | memoryview) else b""
                if raw.startswith(b"gAAAAA"):
                    found[(t.name, column, tuple(row.values())[0])] = raw
    return found


def test_rekey_reencrypts_every_token_and_recomputes_the_indexes(app):
    _fill_encrypted_columns(app)
    old, new = app.db.keys, StoreKeys.from_key(Fernet.generate_key())
    before = _personal(app)
    with app.db.session() as s:
        indexes_before = {o.id: o.contact_phone_index for o in s.scalars(select(Order))}
        tokens_before = _tokens(s)
    assert {table for table, _, _ in tokens_before} >= {"customers", "orders", "messages", "handoff_tickets",
                                                         "complaints"}
    with app.db.session() as s:
        touched = rekey(s, old, new)
    with app.db.session() as s:
        tokens_after = _tokens(s)
    assert touched >= len({(t, r) for t, _, r in tokens_before}) and tokens_after.keys() == tokens_before.keys()
    for where, token in tokens_after.items():
        assert new.cipher.decrypt(token) == old.cipher.decrypt(tokens_before[where]), where
        with pytest.raises(ConfigError):
            old.cipher.decrypt(token)
    app.db.bind_keys(new)
    assert _personal(app) == before
    with app.db.session() as s:
        for order in s.scalars(select(Order)):
            assert order.contact_phone_index != indexes_before[order.id]
            assert order.contact_phone_index == new.blind_index(order.contact_phone[-4:])


def test_rekey_with_the_wrong_old_key_changes_nothing(app):
    wrong, new = StoreKeys.from_key(Fernet.generate_key()), StoreKeys.from_key(Fernet.generate_key())
    before = _personal(app)
    with pytest.raises(ConfigError), app.db.session() as s:
        rekey(s, wrong, new)
    assert _personal(app) == before


def test_every_encrypted_or_indexed_column_is_covered_by_rekey():
    """Rekey finds encrypted data by type: ``SealedText`` columns and ``*_encrypted`` binary columns. A
    binary column named otherwise, or a table rekey cannot address row by row, would be left under the
    old key; a blind index must name a sealed source in its table and a known normaliser."""
    for t in Base.metadata.sorted_tables:
        binary = [c.name for c in t.columns if isinstance(c.type, LargeBinary)]
        assert binary == encrypted_binary_columns(t), f"{t.name}: binary column not named *_encrypted"
        sealed = sealed_columns(t)
        indexes = blind_index_columns(t)
        assert sealed == [c.name for c in t.columns if isinstance(c.type, SealedText)]  # rekey writes by name
        if sealed or binary or indexes:
            assert len(t.primary_key.columns) == 1, t.name
        for index in indexes:
            assert index.info[BLIND_INDEX_OF] in sealed and index.info[NORMALISED_BY] in NORMALISERS, index


#: Schema v2's declarations of the columns v3 encrypts (PostgreSQL enforces these lengths).
_V2_DECLARED = {"customers": {"name": 64, "phone": 20, "address": 200},
                "orders": {"contact_phone": 20, "ship_address": 200}}


def _back_to_v2(app: Any) -> None:
    """Turn the seeded v3 store into the v2 store an older build left: plain text, no blind indexes."""
    keys = app.db.keys
    with app.db.engine.begin() as conn:
        for table, columns in _V2_DECLARED.items():
            plain = {name: Text() for name in columns}
            rewrite_rows(conn, table, plain, lambda row, columns=columns: {
                name: keys.cipher.decrypt(row._mapping[name].encode()) for name in columns})
            index = {"customers": "phone_index", "orders": "contact_phone_index"}[table]
            conn.execute(text(f"DROP INDEX ix_{table}_{index}"))
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {index}"))
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"ALTER TABLE {table} " + ", ".join(
                    f"ALTER COLUMN {name} TYPE VARCHAR({length})" for name, length in columns.items())))
        for table in ("guide_viewings", "fairness_reviews", "nlu_review_items", "nlu_model_versions",  # v4
                      "access_attempts", "conversation_orders", "desk_events", "desk_tickets", "canned_replies",
                      "agents"):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'"))
        conn.execute(text("DROP TABLE alembic_version"))  # builds before alembic had none


def test_a_v2_store_is_upgraded_with_its_personal_data_encrypted_in_place(app, backend):
    before = _personal(app)
    _back_to_v2(app)
    with app.db.engine.connect() as conn:  # really plain text now
        assert set(conn.execute(text("SELECT name FROM customers")).scalars()) <= set(before)
    probe = Database(app.db.url)
    with pytest.raises(SchemaMismatch, match="db upgrade"):  # refused at start, nothing written
        probe.prepare()
    probe.dispose()  # (an open connection would keep the WAL, with the plain text, from being checkpointed)
    # `desktop-app db upgrade`; on PostgreSQL the VARCHAR columns must widen first: a token is longer than 64
    assert upgrade(app.db.url, app.db.keys) == ("v2", f"v{SCHEMA_VERSION}")
    assert app.db.schema_version() == SCHEMA_VERSION and _personal(app) == before
    raw, rows = _raw_store(app, backend), _raw_rows(app)
    assert not [value for value in before if value.encode() in raw or value in rows]
    with app.db.session() as s:
        order = s.scalars(select(Order).order_by(Order.id)).first()
        assert order.contact_phone_index == app.db.keys.blind_index(order.contact_phone[-4:])
