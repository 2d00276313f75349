"""Schema v4: the merchant's view (guide viewings, fairness reviews, the NLU review queue and model
versions); new tables only."""

from __future__ import annotations

from alembic import context, op

from desktop_app.store.migrations.steps import irreversible, record_version, v3_to_v4

revision = "v4"
down_revision = "v3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    v3_to_v4(conn, context.config.attributes.get("keys"))
    record_version(conn, 4)


def downgrade() -> None:
    irreversible()
