"""The bodies of the schema upgrades that predate alembic, shared by their revisions.

They were written before the store had alembic and keep working on the stores those versions made;
each runs on the migration's connection inside its transaction (``runner.upgrade``). They create
their new tables from today's models, which is right only while those tables keep the shape they
had at that version: a later change to such a table is its own revision with explicit DDL.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError, SchemaMismatch
from desktop_app.store.rekey import seal_plain_columns
from desktop_app.store.schema import Base

#: The tables schema v2 added (created from the models).
V2_TABLES = ("price_history", "refunds", "order_changes", "invoices", "price_protection_claims", "coupons",
             "coupon_uses", "warranty_tickets", "installation_bookings", "restock_alerts")
#: The tables schema v3 added (created from the models).
V3_TABLES = ("access_attempts", "conversation_orders", "agents", "desk_tickets", "desk_events", "canned_replies")
#: The tables schema v4 added (created from the models).
V4_TABLES = ("guide_viewings", "fairness_reviews", "nlu_review_items", "nlu_model_versions")


def record_version(conn: Connection, version: int) -> None:
    """Keep ``schema_meta.schema_version`` (what the app and older builds read) equal to the revision."""
    done = conn.execute(text("UPDATE schema_meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)})
    if done.rowcount == 0:
        conn.execute(text("INSERT INTO schema_meta (key, value) VALUES ('schema_version', :v)"), {"v": str(version)})


def irreversible() -> None:
    """Downgrades are not offered: v3 encrypts personal data in place; the way back is the backup."""
    raise SchemaMismatch("Schema downgrades are not supported; restore the backup taken before the upgrade.",
                         message_zh="不支持降级数据库结构；请恢复升级前的备份。")


def v1_to_v2(conn: Connection, _keys: StoreKeys | None) -> None:
    """After-sales: payment facts on orders, return exclusions on products, one case per item,
    and the tables for refunds, order changes, invoices, price protection, coupons, warranty,
    installation and restock alerts."""
    timestamp = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITHOUT TIME ZONE"
    conn.execute(text("ALTER TABLE products ADD COLUMN return_exclusion VARCHAR(24)"))
    conn.execute(text(f"ALTER TABLE orders ADD COLUMN paid_at {timestamp}"))
    conn.execute(text("ALTER TABLE orders ADD COLUMN pay_channel VARCHAR(16) NOT NULL DEFAULT 'alipay'"))
    conn.execute(text("UPDATE orders SET paid_at = placed_at"))  # every v1 order was paid
    conn.execute(text("CREATE UNIQUE INDEX uq_case_per_item ON return_requests (order_item_id)"))
    Base.metadata.create_all(conn, tables=[Base.metadata.tables[name] for name in V2_TABLES])


def v2_to_v3(conn: Connection, keys: StoreKeys | None) -> None:
    """Trust: failed ownership checks counted in the store (shared by every process and kiosk); the
    orders proven in a conversation (so an anonymous kiosk conversation is exported and deleted with
    its customer); the agents' desk; names, phones and addresses encrypted in place, with blind
    indexes of the phones' last four digits (PostgreSQL enforces VARCHAR lengths, so those columns
    become TEXT first)."""
    sealed = {"customers": ("name", "phone", "address"), "orders": ("contact_phone", "ship_address")}
    indexes = {"customers": {"phone_index": ("phone", "phone_last4")},
               "orders": {"contact_phone_index": ("contact_phone", "phone_last4")}}
    if keys is None and any(conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in sealed):
        raise ConfigError("The store's key is not loaded, so its personal data cannot be encrypted.",
                          message_zh="未加载数据库密钥，无法加密个人信息。")
    Base.metadata.create_all(conn, tables=[Base.metadata.tables[name] for name in V3_TABLES])
    if conn.dialect.name == "sqlite":  # zero the plain text the rewrite frees instead of leaving it in the file
        conn.execute(text("PRAGMA secure_delete = ON"))
    for table, columns in sealed.items():
        present = {c["name"] for c in inspect(conn).get_columns(table)}
        for index in indexes[table]:
            if index not in present:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {index} VARCHAR(32)"))
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{table}_{index} ON {table} ({index})"))
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE TEXT" for c in columns)))
        seal_plain_columns(conn, keys, table, columns, indexes[table])


def v3_to_v4(conn: Connection, _keys: StoreKeys | None) -> None:
    """The merchant's view: guide viewings (abandoned at a step), supervisors' fairness reviews, and
    the review queue and model versions of learning from agents. New tables only."""
    Base.metadata.create_all(conn, tables=[Base.metadata.tables[name] for name in V4_TABLES])
