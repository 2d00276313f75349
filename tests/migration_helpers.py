"""Extra alembic revisions for tests: a copy of the app's migrations with revisions v4, v5 … added,
as a later build would ship them, so upgrades past today's head can be exercised for real."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from sqlalchemy import Engine

from desktop_app.core.crypto import StoreKeys
from desktop_app.store.db import create_db_engine
from desktop_app.store.migrations import runner
from desktop_app.store.schema import SCHEMA_VERSION


def scripts_with(tmp_path: Path, bodies: dict[int, str]) -> Path:
    """The app's script directory plus one revision per ``{version: python body of upgrade()}``."""
    location = tmp_path / "migrations"
    shutil.copytree(runner.SCRIPTS, location, ignore=shutil.ignore_patterns("__pycache__"))
    for version, body in bodies.items():
        assert version > SCHEMA_VERSION
        (location / "versions" / f"v{version}_test.py").write_text(
            "from alembic import op\nfrom sqlalchemy import text\n\n"
            "from desktop_app.store.migrations.steps import record_version\n\n"
            f"revision = 'v{version}'\ndown_revision = 'v{version - 1}'\n"
            "branch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n    conn = op.get_bind()\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ")
            + f"\n    record_version(conn, {version})\n\n\ndef downgrade():\n    pass\n")
    return location


def upgrade(url: str, keys: StoreKeys | None = None, location: Path | None = None,
            target: str = "head") -> tuple[str, str]:
    """``runner.upgrade`` in one transaction on the upgrade engine (what ``db upgrade`` does, without
    the lock and the key file)."""
    engine: Engine = create_db_engine(url, transactional_ddl=True)
    if keys is not None:
        engine.dialect.desktop_app_keys = keys  # type: ignore[attr-defined]
    try:
        with engine.connect() as conn, conn.begin():
            return runner.upgrade(conn, keys, location, target)
    finally:
        engine.dispose()
