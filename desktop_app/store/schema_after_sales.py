"""After-sales records (schema v2): price history, refunds, order changes, invoices, price protection,
coupons, warranty, installation and restock alerts. Part of the one schema (``store.schema`` re-exports
them); kept apart so each module stays readable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.base import Base

# -- after-sales (schema v2) ---------------------------------------------------------------------


class PriceHistory(Base):
    """Every price a product has had, from ``effective_at`` on: price protection compares the price
    paid with the lowest price since the purchase."""

    __tablename__ = "price_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    price_fen: Mapped[int] = mapped_column(Integer)
    effective_at: Mapped[datetime] = mapped_column(DateTime)


class Refund(Base):
    """Money owed back to a customer, whatever caused it (a cancel, a return, a price drop)."""

    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), nullable=True
    )
    source: Mapped[str] = mapped_column(String(24))  # cancel | return | price_protection
    amount_fen: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | completed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expected_by: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class OrderChange(Base):
    """A change the customer asked for on an order: cancel, new address, urge, interception.
    The new address is personal data and is stored encrypted."""

    __tablename__ = "order_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # cancel | address | urge | intercept
    status: Mapped[str] = mapped_column(String(16))  # done | requested | refused
    detail_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Invoice(Base):
    """One invoice per order unless the previous one was voided (``revision`` counts re-issues)."""

    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))  # normal | vat_special
    title_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    tax_id: Mapped[str | None] = mapped_column(String(18), nullable=True)
    email_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="issued")  # issued | voided
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("order_id", "revision", name="uq_invoice_revision"),)


class PriceProtectionClaim(Base):
    __tablename__ = "price_protection_claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Once per order item, enforced by the database as well as the service.
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    paid_fen: Mapped[int] = mapped_column(Integer)
    lowest_fen: Mapped[int] = mapped_column(Integer)
    refund_fen: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Coupon(Base):
    """A store coupon: ``discount_fen`` off when the eligible amount reaches ``threshold_fen`` (满减)."""

    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    title_en: Mapped[str] = mapped_column(String(96))
    title_zh: Mapped[str] = mapped_column(String(96))
    #: NULL: every category.
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    threshold_fen: Mapped[int] = mapped_column(Integer)
    discount_fen: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_until: Mapped[datetime] = mapped_column(DateTime)
    per_customer_limit: Mapped[int] = mapped_column(Integer, default=1)


class CouponUse(Base):
    __tablename__ = "coupon_uses"
    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    used_at: Mapped[datetime] = mapped_column(DateTime)


class WarrantyTicket(Base):
    __tablename__ = "warranty_tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    problem_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime)
    warranty_until: Mapped[datetime] = mapped_column(DateTime)


class InstallationBooking(Base):
    __tablename__ = "installation_bookings"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(
        ForeignKey("order_items.id", ondelete="CASCADE"), unique=True
    )
    slot_start: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked | cancelled
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RestockAlert(Base):
    __tablename__ = "restock_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    __table_args__ = (UniqueConstraint("customer_id", "product_id", name="uq_restock_once"),)
