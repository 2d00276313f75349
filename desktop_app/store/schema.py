"""The store's schema (SQLAlchemy 2.x declarative).

Portable on purpose: nothing SQLite-only, so a chain of kiosks can share one PostgreSQL server.
Attributes live in their own table (one row per value) rather than a JSON column, so
multi-condition searches are plain indexed SQL on either backend.
Money is integer fen (cents) to avoid float rounding in totals and refunds.
Personal fields (names, phones, addresses) are ``SealedText``: encrypted at rest (store/sealed.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.store.base import Base as Base

# The after-sales and desk tables are part of the same schema; importing them here registers them on
# ``Base`` and keeps ``from desktop_app.store.schema import Refund`` working everywhere.
from desktop_app.store.schema_after_sales import (
    Coupon as Coupon,
    CouponUse as CouponUse,
    InstallationBooking as InstallationBooking,
    Invoice as Invoice,
    OrderChange as OrderChange,
    PriceHistory as PriceHistory,
    PriceProtectionClaim as PriceProtectionClaim,
    Refund as Refund,
    RestockAlert as RestockAlert,
    WarrantyTicket as WarrantyTicket,
)
from desktop_app.store.schema_desk import (
    Agent as Agent,
    CannedReply as CannedReply,
    DeskEvent as DeskEvent,
    DeskTicket as DeskTicket,
)
from desktop_app.store.schema_merchant import (
    FairnessReview as FairnessReview,
    GuideViewing as GuideViewing,
    NluModelVersion as NluModelVersion,
    NluReviewItem as NluReviewItem,
)
from desktop_app.store.sealed import SealedText, blind_index_of

#: Bump with every schema change and add the alembic revision ``v<N>`` to ``store/migrations/versions``.
SCHEMA_VERSION = 4


class SchemaMeta(Base):
    __tablename__ = "schema_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text)
    description_zh: Mapped[str] = mapped_column(Text)
    brand: Mapped[str] = mapped_column(String(64), index=True)
    origin_region: Mapped[str] = mapped_column(String(64))
    ship_from: Mapped[str] = mapped_column(String(64))
    price_fen: Mapped[int] = mapped_column(Integer, index=True)
    stock: Mapped[int] = mapped_column(Integer)
    rating: Mapped[float] = mapped_column(Float)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    sales_count: Mapped[int] = mapped_column(Integer, default=0)
    needs_assembly: Mapped[bool] = mapped_column(Boolean, default=False)
    final_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why the 7-day no-reason return never applies (custom_made, perishable, digital, periodical), or NULL.
    #: Categories whose opening rules them out are in the policy file, not here.
    return_exclusion: Mapped[str | None] = mapped_column(String(24), nullable=True, default=None)
    attributes: Mapped[list[ProductAttribute]] = relationship(
        back_populates="product", cascade="all, delete-orphan", lazy="selectin"
    )


class ProductAttribute(Base):
    __tablename__ = "product_attributes"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(48))
    value: Mapped[str] = mapped_column(String(96))
    #: Numeric twin of ``value`` for range filters (battery mAh, capacity L...); NULL otherwise.
    value_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    product: Mapped[Product] = relationship(back_populates="attributes")
    __table_args__ = (
        Index("ix_attr_key_value", "key", "value"),
        Index("ix_attr_product", "product_id"),
    )


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(SealedText)
    phone: Mapped[str] = mapped_column(SealedText)
    city: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(SealedText)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    phone_index: Mapped[str | None] = blind_index_of("phone", "phone_last4")  # lookups by the last four digits


class BrowsingEvent(Base):
    __tablename__ = "browsing_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(DateTime)
    dwell_seconds: Mapped[int] = mapped_column(Integer)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_number: Mapped[str] = mapped_column(String(24), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True, nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    promised_by: Mapped[datetime] = mapped_column(DateTime)
    carrier: Mapped[str] = mapped_column(String(32))
    tracking_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    contact_phone: Mapped[str] = mapped_column(SealedText)
    ship_city: Mapped[str] = mapped_column(String(64))
    ship_address: Mapped[str] = mapped_column(SealedText)
    total_fen: Mapped[int] = mapped_column(Integer)
    #: When the money arrived (NULL while unpaid) and how: refunds go back the same way.
    paid_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, default=None)
    pay_channel: Mapped[str] = mapped_column(String(16), default="alipay")
    contact_phone_index: Mapped[str | None] = blind_index_of("contact_phone", "phone_last4")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", lazy="selectin"
    )
    events: Mapped[list[LogisticsEvent]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="LogisticsEvent.occurred_at",
        lazy="selectin",
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str | None] = mapped_column(String(32), nullable=True)
    size: Mapped[str | None] = mapped_column(String(16), nullable=True)
    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship(lazy="joined")


class LogisticsEvent(Base):
    __tablename__ = "logistics_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    code: Mapped[str] = mapped_column(String(24))
    location_en: Mapped[str] = mapped_column(String(64))
    location_zh: Mapped[str] = mapped_column(String(64))
    description_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(String(200))
    order: Mapped[Order] = relationship(back_populates="events")


class ReturnRequest(Base):
    __tablename__ = "return_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # return | exchange
    reason_code: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: One after-sales case per order item: a return and an exchange cannot both be open, and a
    #: double-submitted form is stored once.
    __table_args__ = (Index("uq_case_per_item", "order_item_id", unique=True),)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_key: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Message.id"
    )


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # customer | assistant | agent
    #: Fernet token; the plain text never touches the database.
    text_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class HandoffTicket(Base):
    __tablename__ = "handoff_tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    priority: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(32))
    summary_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), nullable=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    text_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class GuideStepTime(Base):
    """Seconds a customer spent on one step of an assembly guide: slow steps show the merchant
    where the instructions (or the furniture) need work. Anonymous by design."""

    __tablename__ = "guide_step_times"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_sku: Mapped[str] = mapped_column(String(32), index=True)
    step: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    visits: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class AccessAttempt(Base):
    """Failed ownership checks (order digits, phone digits), counted in the store so every process,
    kiosk and CLI run shares one count and one lockout. ``scope`` names what is being guessed at:
    an order, a partial order reference, a session or a device (never a phone number)."""

    __tablename__ = "access_attempts"
    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(DateTime)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ConversationOrder(Base):
    """An order whose ownership was proven in a conversation. A kiosk visitor never signs in, so this
    link is what makes the conversation hers: export lists it and delete removes it with her."""

    __tablename__ = "conversation_orders"
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True, index=True)
