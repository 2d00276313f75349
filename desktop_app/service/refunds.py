"""The refund ledger: what is owed back for a cancel, a return or a price drop, and when.

Every refund goes back by the channel the order was paid with (the law and the platforms require
it), so a refund row copies the order's ``pay_channel`` when it is created and never asks. The
date it is due comes from the store's policy for its cause, so the promise the customer hears is
the one the merchant configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import NotFound
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.types import yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import Coupon, CouponUse, Customer, Order, OrderItem, Refund

log = logging.getLogger(__name__)

#: What caused a refund; the ledger refuses anything else so a typo cannot create an unexplained row.
REFUND_SOURCES = ("cancel", "return", "price_protection")

_CHANNEL_EN = {"alipay": "Alipay", "wechat": "WeChat Pay", "card": "bank card"}
_CHANNEL_ZH = {"alipay": "支付宝", "wechat": "微信支付", "card": "银行卡"}
_SOURCE_EN = {"cancel": "cancelled order", "return": "returned item", "price_protection": "price protection"}
_SOURCE_ZH = {"cancel": "取消订单", "return": "退货退款", "price_protection": "价保退差价"}


def channel_text(channel: str, language: str) -> str:
    """A payment channel in the customer's words ("支付宝", "WeChat Pay"); never the stored code."""
    if language == "zh":
        return _CHANNEL_ZH.get(channel, "原支付账户")
    return _CHANNEL_EN.get(channel, "the original payment method")


def day_text(when: datetime, language: str) -> str:
    """A date the way a customer reads it: "11月21日" / "Nov 21"."""
    return f"{when.month}月{when.day}日" if language == "zh" else f"{when:%b} {when.day}"


@dataclass(frozen=True)
class RefundView:
    """One refund as its verified owner sees it; a fact card in the chat and the CLI."""

    refund_id: int
    order_number: str
    item_id: int | None
    product_name_en: str | None
    product_name_zh: str | None
    source: str
    amount_fen: int
    channel: str
    status: str
    created_at: datetime
    expected_by: datetime
    completed_at: datetime | None
    #: Still pending after the date promised: the customer is owed an apology and a colleague's look.
    overdue: bool

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def status_text(self, language: str) -> str:
        if self.completed:
            return "已退款到账" if language == "zh" else "refunded"
        if self.overdue:
            return "退款处理中（已超过预计时间）" if language == "zh" else "in progress (later than promised)"
        return "退款处理中" if language == "zh" else "in progress"

    def source_text(self, language: str) -> str:
        table = _SOURCE_ZH if language == "zh" else _SOURCE_EN
        return table.get(self.source, "退款" if language == "zh" else "refund")

    def card_title(self, language: str) -> str:
        return f"退款 {yuan(self.amount_fen)}" if language == "zh" else f"Refund {yuan(self.amount_fen)}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [f"订单：{self.masked_number}" if zh else f"Order: {self.masked_number}"]
        name = self.product_name_zh if zh else self.product_name_en
        if name:
            lines.append(f"商品：{name}" if zh else f"Item: {name}")
        lines += [
            f"原因：{self.source_text(language)}" if zh else f"For: {self.source_text(language)}",
            f"退回：{channel_text(self.channel, language)}（原路退回）" if zh
            else f"To: {channel_text(self.channel, language)} (the way you paid)",
            f"状态：{self.status_text(language)}" if zh else f"Status: {self.status_text(language)}",
            f"发起时间：{self.created_at:%Y-%m-%d}" if zh else f"Started: {self.created_at:%Y-%m-%d}",
        ]
        if self.completed_at is not None:
            lines.append(f"到账时间：{self.completed_at:%Y-%m-%d}" if zh else f"Completed: {self.completed_at:%Y-%m-%d}")
        else:
            lines.append(f"预计到账：{self.expected_by:%Y-%m-%d} 前" if zh else f"Expected by: {self.expected_by:%Y-%m-%d}")
        return tuple(lines)


class RefundService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy

    def refunds_for(self, order_ref: str, *, customer_code: str | None = None,
                    phone_last4: str | None = None) -> tuple[RefundView, ...]:
        """The refunds of one order, newest first, for its signed-in customer or a caller with the phone digits."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            rows = s.scalars(select(Refund).where(Refund.order_id == order.id)
                             .order_by(Refund.created_at.desc(), Refund.id.desc())).all()
            return tuple(self._view(order, r) for r in rows)

    def refunds_of(self, customer_code: str) -> tuple[RefundView, ...]:
        """Every refund of a signed-in customer, newest first: "where is my refund?" without an order number."""
        with self._db.session() as s:
            customer = s.scalar(select(Customer).where(Customer.code == customer_code))
            if customer is None:
                raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
            rows = s.execute(select(Refund, Order).join(Order, Refund.order_id == Order.id)
                             .where(Order.customer_id == customer.id)
                             .order_by(Refund.created_at.desc(), Refund.id.desc())).all()
            return tuple(self._view(order, refund) for refund, order in rows)

    def record(self, session: Session, order: Order, item: OrderItem | None, source: str,
               amount_fen: int) -> RefundView:
        """Add a pending refund inside the caller's session (a cancel, a received return, a price drop).

        The caller has already checked its own rules and ownership; this only books the money, back by
        the order's payment channel, due after the policy's days for that cause. Committed with the
        caller's change, so a refund never exists without the change that caused it.
        """
        if source not in REFUND_SOURCES:
            raise ValueError(f"unknown refund source {source!r}")
        if amount_fen <= 0:
            raise ValueError("a refund must be a positive amount")
        if item is not None and item.order_id != order.id:
            raise ValueError("the item is not part of the order")
        now = self._clock.now()
        row = Refund(order_id=order.id, order_item_id=item.id if item is not None else None, source=source,
                     amount_fen=amount_fen, channel=order.pay_channel, status="pending", created_at=now,
                     expected_by=now + timedelta(days=self.days_for(source)), completed_at=None)
        session.add(row)
        session.flush()
        log.info("refund %s booked for order id %d (%s)", row.id, order.id, source)
        return self._view(order, row)

    def days_for(self, source: str) -> int:
        """Days until a refund of this cause is due: a cancel (and a price difference, which is paid
        the same way, with nothing to wait for) by the order rules; a return once the goods are back."""
        if source == "return":
            return self._policy.returns.refund_days
        return self._policy.orders.refund_days_after_cancel

    def _view(self, order: Order, r: Refund) -> RefundView:
        item = next((i for i in order.items if i.id == r.order_item_id), None) if r.order_item_id else None
        return RefundView(
            refund_id=r.id, order_number=order.order_number, item_id=r.order_item_id,
            product_name_en=item.product.name_en if item else None,
            product_name_zh=item.product.name_zh if item else None,
            source=r.source, amount_fen=r.amount_fen, channel=r.channel, status=r.status,
            created_at=r.created_at, expected_by=r.expected_by, completed_at=r.completed_at,
            overdue=r.status != "completed" and self._clock.now() > r.expected_by,
        )


def coupon_discount_fen(s: Session, order: Order) -> int:
    """What a coupon took off the order: money the customer never paid, so never refunded in cash."""
    return int(s.scalar(select(func.coalesce(func.sum(Coupon.discount_fen), 0))
                        .join(CouponUse, CouponUse.coupon_id == Coupon.id).where(CouponUse.order_id == order.id)) or 0)
