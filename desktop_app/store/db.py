"""Opening the store: engine, SQLite pragmas, and the schema-version gate.

A database written by another schema version is migrated step by step when a migration exists
and refused otherwise; it is never used as is, so the schema cannot drift silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from desktop_app.core.errors import SchemaMismatch
from desktop_app.store.schema import SCHEMA_VERSION, Base, SchemaMeta

log = logging.getLogger(__name__)


def _v1_to_v2(s: Session) -> None:
    """After-sales: payment facts on orders, return exclusions on products, one case per item,
    and the tables for refunds, order changes, invoices, price protection, coupons, warranty,
    installation and restock alerts."""
    from desktop_app.store import schema

    conn = s.connection()
    timestamp = "DATETIME" if conn.dialect.name == "sqlite" else "TIMESTAMP WITHOUT TIME ZONE"
    conn.execute(text("ALTER TABLE products ADD COLUMN return_exclusion VARCHAR(24)"))
    conn.execute(text(f"ALTER TABLE orders ADD COLUMN paid_at {timestamp}"))
    conn.execute(text("ALTER TABLE orders ADD COLUMN pay_channel VARCHAR(16) NOT NULL DEFAULT 'alipay'"))
    conn.execute(text("UPDATE orders SET paid_at = placed_at"))  # every v1 order was paid
    conn.execute(text("CREATE UNIQUE INDEX uq_case_per_item ON return_requests (order_item_id)"))
    new_tables = ("price_history", "refunds", "order_changes", "invoices", "price_protection_claims", "coupons",
                  "coupon_uses", "warranty_tickets", "installation_bookings", "restock_alerts")
    Base.metadata.create_all(conn, tables=[schema.Base.metadata.tables[name] for name in new_tables])


#: ``MIGRATIONS[n]`` upgrades a version-``n`` database to ``n + 1`` inside one transaction.
MIGRATIONS: dict[int, Callable[[Session], None]] = {1: _v1_to_v2}


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The store's engine and session factory; one per process, shared by the services."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def is_empty(self) -> bool:
        return not inspect(self.engine).has_table("schema_meta")

    def prepare(self) -> None:
        """Create the schema on an empty database, migrate an older one, refuse a newer one."""
        if self.is_empty():
            Base.metadata.create_all(self.engine)
            with self.session() as s:
                s.add(SchemaMeta(key="schema_version", value=str(SCHEMA_VERSION)))
            log.info("created store schema v%d", SCHEMA_VERSION)
            return
        version = self.schema_version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise SchemaMismatch(
                f"The store was written by a newer version (schema v{version}; this app reads "
                f"v{SCHEMA_VERSION}). Update the app.",
                message_zh=f"数据库版本（v{version}）比本程序新（v{SCHEMA_VERSION}），请升级程序。",
            )
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise SchemaMismatch(
                    f"No migration from schema v{version} to v{version + 1}.",
                    message_zh=f"缺少从 v{version} 到 v{version + 1} 的数据库迁移。",
                )
            with self.session() as s:
                step(s)
                meta = s.get(SchemaMeta, "schema_version")
                assert meta is not None
                meta.value = str(version + 1)
            version += 1
            log.info("migrated store to schema v%d", version)

    def schema_version(self) -> int:
        with self.session() as s:
            meta = s.get(SchemaMeta, "schema_version")
            if meta is None:
                raise SchemaMismatch("The store has no schema version; it was not made by this app.")
            return int(meta.value)

    def get_meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.get(SchemaMeta, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.session() as s:
            row = s.get(SchemaMeta, key)
            if row is None:
                s.add(SchemaMeta(key=key, value=value))
            else:
                row.value = value

    def has_products(self) -> bool:
        from desktop_app.store.schema import Product

        with self.session() as s:
            return s.scalar(select(Product.id).limit(1)) is not None

    def dispose(self) -> None:
        self.engine.dispose()
