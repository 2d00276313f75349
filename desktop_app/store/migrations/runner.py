"""Where a store stands against the code's migrations, and the upgrade that brings it to head.

Revisions are named ``v<N>`` for schema version N and form one line; ``alembic_version`` holds the
store's revision and ``schema_meta.schema_version`` is kept equal to it (other code and older builds
read that). A store made before alembic has only ``schema_meta``: it is at ``v<schema_version>``,
and its first upgrade stamps that revision before running the later ones, in the same transaction.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import SchemaMismatch
from desktop_app.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:  # alembic takes ~0.2 s to import; a start at the code's head never needs it
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

#: The package's alembic script directory (env.py and versions/).
SCRIPTS = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"


def version_of(revision: str) -> int | None:
    """N for revision ``v<N>``; None for a name this code does not use."""
    number = revision.removeprefix("v")
    return int(number) if number.isdigit() else None


def _newer(a: str, b: str) -> bool:
    na, nb = version_of(a), version_of(b)
    return na is not None and nb is not None and na > nb


def scripts(location: Path | None = None) -> ScriptDirectory:
    """The revisions at ``location`` (the app's own by default), read once per process: every start
    checks the store against them, and reading the revision files is most of that check's cost."""
    return _scripts_at(str(location or SCRIPTS))


@functools.lru_cache(maxsize=16)
def _scripts_at(location: str) -> ScriptDirectory:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", location)
    directory = ScriptDirectory.from_config(config)
    directory.revision_map.heads  # noqa: B018  (loads the revision files now, under the cache)
    return directory


def head_revision(location: Path | None = None) -> str:
    head = scripts(location).get_current_head()
    if head is None:
        raise SchemaMismatch("The app has no schema migrations.", message_zh="程序缺少数据库迁移。")
    return head


@dataclass(frozen=True)
class SchemaState:
    """The store's revision (None: no version recorded), the code's head, and whether the store's
    revision is one the code knows."""

    store: str | None
    head: str
    known: bool
    stamped: bool  # False: a store from before alembic (``schema_meta`` only)

    @property
    def current(self) -> bool:
        return self.store == self.head

    @property
    def ahead(self) -> bool:
        return self.store is not None and (not self.known or _newer(self.store, self.head))


def state(conn: Connection, location: Path | None = None) -> SchemaState:
    """Read-only: where the store on ``conn`` stands."""
    from alembic.migration import MigrationContext
    from alembic.util import CommandError

    directory = scripts(location)
    head = head_revision(location)
    names = set(inspect(conn).get_table_names())
    stamped = VERSION_TABLE in names
    revision = MigrationContext.configure(conn).get_current_revision() if stamped else None
    recorded = None
    if "schema_meta" in names:
        value = conn.execute(text("SELECT value FROM schema_meta WHERE key = 'schema_version'")).scalar()
        recorded = f"v{value}" if value is not None else None
    if recorded is None or revision is None or _newer(recorded, revision):
        revision = recorded  # no version at all, a store from before alembic, or one a newer build wrote
    try:
        known = revision is not None and directory.get_revision(revision) is not None
    except CommandError:
        known = False
    return SchemaState(store=revision, head=head, known=known, stamped=stamped)


def require_current(conn: Connection, location: Path | None = None) -> None:
    """Refuse a store whose schema is not the code's (one line, both languages; nothing written)."""
    if location is None and _at_head(conn):
        return  # every ordinary start: both records name the code's version, no revision file is read
    now = state(conn, location)
    if now.store is None:
        raise SchemaMismatch("The store has no schema version; it was not made by this app.",
                             message_zh="数据库没有结构版本记录，不是本程序创建的。")
    if now.ahead:
        raise SchemaMismatch(
            f"The store was written by a newer version (schema {now.store}; this app reads {now.head}). "
            "Update the app.",
            message_zh=f"数据库版本（{now.store}）比本程序新（{now.head}），请升级程序。")
    if not now.current:
        raise SchemaMismatch(
            f"The store's schema is {now.store}, older than this app's {now.head}: back it up, then run "
            "`desktop-app db upgrade` once.",
            message_zh=f"数据库结构为 {now.store}，比本程序的 {now.head} 旧：请先备份，然后运行一次 "
                       "`desktop-app db upgrade`。")


def _at_head(conn: Connection) -> bool:
    """Whether ``alembic_version`` and ``schema_meta`` both say ``v<SCHEMA_VERSION>`` (the head's name)."""
    if not {VERSION_TABLE, "schema_meta"} <= set(inspect(conn).get_table_names()):
        return False
    revisions = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    recorded = conn.execute(text("SELECT value FROM schema_meta WHERE key = 'schema_version'")).scalar()
    return revisions == [f"v{SCHEMA_VERSION}"] and recorded == str(SCHEMA_VERSION)


def stamp_head(conn: Connection, location: Path | None = None) -> None:
    """Record a store just created from the models as being at head."""
    from alembic.migration import MigrationContext

    MigrationContext.configure(conn).stamp(scripts(location), "head")


def upgrade(conn: Connection, keys: StoreKeys | None, location: Path | None = None,
            target: str = "head") -> tuple[str, str]:
    """Run every revision after the store's up to ``target`` on ``conn``, inside the caller's
    transaction (the caller commits; an error leaves the store at its old revision). Returns (from, to)."""
    now = state(conn, location)
    if now.store is None or now.ahead:
        require_current(conn, location)  # the one-line refusal
    assert now.store is not None
    goal = now.head if target == "head" else target
    if now.store == goal and now.stamped:
        return now.store, now.store
    from alembic import command
    from alembic.config import Config
    from alembic.migration import MigrationContext

    if not now.stamped:
        MigrationContext.configure(conn).stamp(scripts(location), now.store)
    config = Config()
    config.set_main_option("script_location", str(location or SCRIPTS))
    config.attributes.update(connection=conn, keys=keys)
    command.upgrade(config, goal)
    log.info("upgraded the store's schema from %s to %s", now.store, goal)
    return now.store, goal
