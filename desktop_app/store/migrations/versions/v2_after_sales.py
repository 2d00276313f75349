"""Schema v2: after-sales (refunds, order changes, invoices, price protection, coupons, warranty,
installation, restock alerts; payment facts on orders)."""

from __future__ import annotations

from alembic import context, op

from desktop_app.store.migrations.steps import irreversible, record_version, v1_to_v2

revision = "v2"
down_revision = "v1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    v1_to_v2(conn, context.config.attributes.get("keys"))
    record_version(conn, 2)


def downgrade() -> None:
    irreversible()
