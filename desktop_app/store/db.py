"""Opening the store: engine, SQLite pragmas, and the schema-version gate.

A database written by another schema version is refused (``prepare``): it is never used as is, so
the schema cannot drift silently, and never upgraded behind an operator's back; ``desktop-app db
upgrade`` runs the alembic migrations (``store.migrations``) deliberately, under the store lock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError, SchemaMismatch, StoreUnavailable
from desktop_app.core.keyfile import secure_dir
from desktop_app.store.migrations import runner
from desktop_app.store.schema import SCHEMA_VERSION, Base, SchemaMeta

log = logging.getLogger(__name__)

#: ``schema_meta`` key holding the fingerprint of the key the store's encrypted data is sealed with.
FINGERPRINT_META = "key_fingerprint"


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_manual_transactions(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    dbapi_conn.isolation_level = None  # pysqlite: no implicit BEGIN/COMMIT


def _sqlite_begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str, *, transactional_ddl: bool = False) -> Engine:
    """The store's engine. ``transactional_ddl`` (SQLite): pysqlite commits before DDL and starts
    transactions only for DML, so a migration that fails after an ALTER TABLE would keep it; this
    engine turns that off and emits BEGIN IMMEDIATE itself (SQLAlchemy's documented recipe), so a
    transaction covers DDL too and holds the write lock from its start. Used for upgrades only: the
    app's own engine keeps pysqlite's default, which never holds a read snapshot between writes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not Path(parsed.database).parent.exists():
            secure_dir(Path(parsed.database).parent)  # a folder made for the store is private (0700)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        if transactional_ddl:
            event.listen(engine, "connect", _sqlite_manual_transactions)
            event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def unreachable(exc: DBAPIError, dialect: str) -> bool:
    """The server went away or cannot be reached (not a bad statement or a conflict): a dropped
    connection, or on PostgreSQL a client-side failure or SQLSTATE class 08 / 57P (shut down, starting)."""
    if exc.connection_invalidated:
        return True
    if dialect != "postgresql":
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is None:
        return isinstance(exc, (OperationalError, InterfaceError))
    return str(sqlstate).startswith(("08", "57P"))


class Database:
    """The store's engine and session factory; one per process, shared by the services."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._keys: StoreKeys | None = None

    def bind_keys(self, keys: StoreKeys) -> None:
        """Attach the store's keys; encrypted columns read them from the engine's dialect."""
        self._keys = keys
        self.engine.dialect.desktop_app_keys = keys  # type: ignore[attr-defined]

    @property
    def keys(self) -> StoreKeys:
        if self._keys is None:
            raise ConfigError("The store's key has not been loaded.")
        return self._keys

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            try:
                session.rollback()
            except DBAPIError:
                pass  # the connection is gone; the pool discards it
            if unreachable(exc, self.engine.dialect.name):  # a typed error: one line, retried by the caller
                log.info("store unreachable (%s)", type(exc.orig).__name__)
                raise StoreUnavailable() from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def single_transaction(self) -> Iterator[None]:
        """Everything done through :meth:`session` inside this block is one transaction on one
        connection (each session's commit only releases a savepoint): on PostgreSQL, whose DDL is
        transactional, a first start killed half-way then leaves nothing behind."""
        with self.engine.connect() as conn, conn.begin():
            previous = self._sessions
            self._sessions = sessionmaker(bind=conn, expire_on_commit=False,
                                          join_transaction_mode="create_savepoint")
            try:
                yield
            finally:
                self._sessions = previous

    def is_empty(self) -> bool:
        return not inspect(self.engine).has_table("schema_meta")

    def is_blank(self) -> bool:
        """No store here yet: no database file, or no schema version and not one row in any table
        (what a first start of older versions left when killed). Never creates a SQLite file."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            if not path.exists() or path.stat().st_size == 0:
                return True
        insp = inspect(self.engine)
        names = insp.get_table_names()
        with self.engine.connect() as conn:
            if "schema_meta" in names and conn.execute(
                    select(SchemaMeta.value).where(SchemaMeta.key == "schema_version")).first() is not None:
                return False
            return all(conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is None for name in names)

    def prepare(self) -> None:
        """Create the schema at head on an empty database (stamped for alembic); refuse one at any
        other revision without writing: a store is upgraded deliberately, once, by ``desktop-app db
        upgrade`` (``store.upgrade``), never as a side effect of a start."""
        if self.is_empty():
            with self.session() as s:  # one transaction where the database has transactional DDL
                conn = s.connection()
                Base.metadata.create_all(conn)
                s.add(SchemaMeta(key="schema_version", value=str(SCHEMA_VERSION)))
                if self._keys is not None:
                    s.add(SchemaMeta(key=FINGERPRINT_META, value=self._keys.fingerprint))
                runner.stamp_head(conn)
            log.info("created store schema v%d", SCHEMA_VERSION)
            return
        self.check_schema()

    def check_schema(self) -> None:
        """Refuse (one line, nothing written) a store whose schema is behind or ahead of the code;
        an empty database passes (``prepare`` creates it)."""
        if self.is_empty():
            return
        with self.engine.connect() as conn:
            runner.require_current(conn)

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
