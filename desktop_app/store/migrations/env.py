"""Alembic's environment for the store, run only by ``runner.upgrade``: on the connection it opened
(inside its one transaction, under the store lock) with the keys it passed. There is no alembic.ini
and no offline (SQL script) mode: a migration may need the store's keys to rewrite data."""

from __future__ import annotations

from alembic import context

from desktop_app.store.schema import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  transaction_per_migration=False)
with context.begin_transaction():  # joins the runner's transaction: it commits or rolls back all steps
    context.run_migrations()
