"""${message}"""

from __future__ import annotations

from alembic import op

from desktop_app.store.migrations.steps import irreversible, record_version

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    # The change as explicit DDL/DML on ``conn`` (not from the models, which move on). A step that
    # rewrites sealed data takes the store's keys from ``alembic.context.config.attributes["keys"]``.
    record_version(conn, int(revision.removeprefix("v")))


def downgrade() -> None:
    irreversible()
