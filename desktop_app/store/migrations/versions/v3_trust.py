"""Schema v3: trust and the agents' desk; names, phones and addresses encrypted in place with the
store's keys (passed in ``config.attributes["keys"]`` by ``runner.upgrade``)."""

from __future__ import annotations

from alembic import context, op

from desktop_app.store.migrations.steps import irreversible, record_version, v2_to_v3

revision = "v3"
down_revision = "v2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    v2_to_v3(conn, context.config.attributes.get("keys"))
    record_version(conn, 3)


def downgrade() -> None:
    irreversible()
