"""Schema v1, the store's first shape: catalogue, customers, orders, returns, conversations.

Stores made before alembic are stamped at their recorded version instead of running this; it
builds v1 from nothing, so the chain v1 → head can be checked against the models (tests).
Written out in full (not from the models, which are at head).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop_app.store.migrations.steps import irreversible, record_version

revision = "v1"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(16), nullable=False),
    sa.Column('name', sa.String(64), nullable=False),
    sa.Column('phone', sa.String(20), nullable=False),
    sa.Column('city', sa.String(64), nullable=False),
    sa.Column('address', sa.String(200), nullable=False),
    sa.Column('language', sa.String(8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('guide_step_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_sku', sa.String(32), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_guide_step_times_product_sku', 'guide_step_times', ['product_sku'], unique=False)
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(32), nullable=False),
    sa.Column('category', sa.String(32), nullable=False),
    sa.Column('name_en', sa.String(200), nullable=False),
    sa.Column('name_zh', sa.String(200), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('brand', sa.String(64), nullable=False),
    sa.Column('origin_region', sa.String(64), nullable=False),
    sa.Column('ship_from', sa.String(64), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Float(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=False),
    sa.Column('sales_count', sa.Integer(), nullable=False),
    sa.Column('needs_assembly', sa.Boolean(), nullable=False),
    sa.Column('final_sale', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sku')
    )
    op.create_index('ix_products_brand', 'products', ['brand'], unique=False)
    op.create_index('ix_products_category', 'products', ['category'], unique=False)
    op.create_index('ix_products_price_fen', 'products', ['price_fen'], unique=False)
    op.create_table('schema_meta',
    sa.Column('key', sa.String(64), nullable=False),
    sa.Column('value', sa.String(256), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('browsing_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('viewed_at', sa.DateTime(), nullable=False),
    sa.Column('dwell_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_browsing_events_customer_id', 'browsing_events', ['customer_id'], unique=False)
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_key', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(16), nullable=False),
    sa.Column('language', sa.String(8), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_key')
    )
    op.create_index('ix_conversations_customer_id', 'conversations', ['customer_id'], unique=False)
    op.create_index('ix_conversations_started_at', 'conversations', ['started_at'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_number', sa.String(24), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('promised_by', sa.DateTime(), nullable=False),
    sa.Column('carrier', sa.String(32), nullable=False),
    sa.Column('tracking_number', sa.String(32), nullable=True),
    sa.Column('contact_phone', sa.String(20), nullable=False),
    sa.Column('ship_city', sa.String(64), nullable=False),
    sa.Column('ship_address', sa.String(200), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_number')
    )
    op.create_index('ix_orders_customer_id', 'orders', ['customer_id'], unique=False)
    op.create_index('ix_orders_status', 'orders', ['status'], unique=False)
    op.create_table('product_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(48), nullable=False),
    sa.Column('value', sa.String(96), nullable=False),
    sa.Column('value_num', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_attr_key_value', 'product_attributes', ['key', 'value'], unique=False)
    op.create_index('ix_attr_product', 'product_attributes', ['product_id'], unique=False)
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.String(32), nullable=False),
    sa.Column('text_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_complaints_topic', 'complaints', ['topic'], unique=False)
    op.create_table('handoff_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(32), nullable=False),
    sa.Column('summary_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_handoff_tickets_priority', 'handoff_tickets', ['priority'], unique=False)
    op.create_index('ix_handoff_tickets_status', 'handoff_tickets', ['status'], unique=False)
    op.create_table('logistics_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('code', sa.String(24), nullable=False),
    sa.Column('location_en', sa.String(64), nullable=False),
    sa.Column('location_zh', sa.String(64), nullable=False),
    sa.Column('description_en', sa.String(200), nullable=False),
    sa.Column('description_zh', sa.String(200), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_logistics_events_order_id', 'logistics_events', ['order_id'], unique=False)
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(16), nullable=False),
    sa.Column('text_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('intent', sa.String(32), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('outcome', sa.String(24), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_messages_conversation_id', 'messages', ['conversation_id'], unique=False)
    op.create_table('order_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('colour', sa.String(32), nullable=True),
    sa.Column('size', sa.String(16), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_order_items_order_id', 'order_items', ['order_id'], unique=False)
    op.create_table('return_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(16), nullable=False),
    sa.Column('reason_code', sa.String(24), nullable=False),
    sa.Column('status', sa.String(16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_item_id'], ['order_items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    record_version(op.get_bind(), 1)


def downgrade() -> None:
    irreversible()
