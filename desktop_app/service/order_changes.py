"""Cancel, change the address of, urge, or intercept an order, under the store's order rules.

What may change depends only on how far the parcel has gone: before shipment the store itself can
cancel (refunding by the original channel) or rewrite the address; once the carrier has it, only
the carrier can stop or redirect it (for a fee, and it may fail), and after delivery the return
rules take over. Every refusal says which of these applies and changes nothing; every change is
written as an ``OrderChange`` row, with a new address encrypted because it is personal data.

The address check is in ``address_check``, the result types in ``order_change_types`` and the
customer's sentences in ``order_change_text``; the public names stay importable from here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import NotEligible
from desktop_app.service.address_check import (
    ADDRESS_MAX_CHARS as ADDRESS_MAX_CHARS,
    ADDRESS_MIN_CHARS as ADDRESS_MIN_CHARS,
    ShippingAddress,
    looks_like_address,
    parse_address,
    same_address,
)
from desktop_app.service.order_change_text import explain_change, no_intercept_text, no_urge_text
from desktop_app.service.order_change_types import (
    BEFORE_SHIPMENT as BEFORE_SHIPMENT,
    ON_THE_WAY as ON_THE_WAY,
    AddressChangeResult,
    CancelResult,
    ChangeCheck,
    ChangeRefused,
    ChangeRule,
    InterceptResult,
    UrgeResult,
    goods_text,
)
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.refunds import RefundService, coupon_discount_fen, day_text
from desktop_app.service.types import OrderStatus
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderChange, Refund

log = logging.getLogger(__name__)


def _rule(status: OrderStatus) -> ChangeRule:
    if status in ON_THE_WAY:
        return ChangeRule.SHIPPED
    return ChangeRule(status.value)


def _items(order: Order, language: str) -> tuple[str, ...]:
    return tuple((i.product.name_zh if language == "zh" else i.product.name_en)
                 + (f" ×{i.quantity}" if i.quantity > 1 else "") for i in order.items)



class OrderChangeService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, refunds: RefundService, policy: Policy,
                 cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._refunds = refunds
        self._policy = policy
        self._cipher = cipher

    # -- cancel ----------------------------------------------------------------------------

    def check_cancel(self, order_ref: str, *, customer_code: str | None = None,
                     phone_last4: str | None = None) -> ChangeCheck:
        """What cancelling would do (refund, channel, date) or why it cannot be; changes nothing."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._check(s, order, "cancel")

    def cancel(self, order_ref: str, *, customer_code: str | None = None,
               phone_last4: str | None = None) -> CancelResult:
        """Cancel an order not yet shipped; a paid one is refunded in full by the channel it was paid with.

        Anything else raises ``ChangeRefused`` (a ``NotEligible``) with what is possible instead, and
        changes nothing; a second cancel is refused as already cancelled.
        """
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            check = self._check(s, order, "cancel")
            if not check.allowed:
                raise ChangeRefused(check)
            now = self._clock.now()
            # Only from the state just checked: of two cancels racing, one changes the row, the other is told.
            moved = s.execute(update(Order).where(Order.id == order.id, Order.status == order.status)
                              .values(status=OrderStatus.CANCELLED.value)
                              .execution_options(synchronize_session="fetch"))
            if getattr(moved, "rowcount", 1) != 1:
                raise NotEligible("This order changed a moment ago; nothing was cancelled. Please check it again.",
                                  message_zh="该订单刚刚发生了变化，本次未取消，请重新查看订单。")
            s.add(OrderChange(order_id=order.id, kind="cancel", status="done", created_at=now))
            refund = self._refunds.record(s, order, None, "cancel", check.refund_fen) if check.refund_fen else None
            s.commit()
            log.info("order id %d cancelled (refund %s)", order.id, "booked" if refund else "none")
            return CancelResult(order_number=order.order_number, items_en=check.items_en, items_zh=check.items_zh,
                                total_fen=order.total_fen, cancelled_at=now, refund=refund)

    # -- address ---------------------------------------------------------------------------

    def check_address(self, order_ref: str, *, customer_code: str | None = None,
                      phone_last4: str | None = None) -> ChangeCheck:
        """Whether the order's address can still be changed (before shipment), or what to do instead."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            return self._check(s, order, "address")

    def change_address(self, order_ref: str, new_address: str, *, customer_code: str | None = None,
                       phone_last4: str | None = None) -> AddressChangeResult:
        """Send a not-yet-shipped order to a new address. The change record keeps the address encrypted; the
        order's own delivery columns hold it as they hold every order's address (their encryption at rest
        is the trust work's, for all addresses at once)."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            check = self._check(s, order, "address")
            if not check.allowed:
                raise ChangeRefused(check)
            address = parse_address(new_address)
            if same_address(address.text, order.ship_address):
                raise NotEligible("That is already the delivery address of this order; nothing was changed.",
                                  message_zh="这已经是该订单的收货地址了，无需修改。")
            now = self._clock.now()
            order.ship_address = address.text
            order.ship_city = address.city
            s.add(OrderChange(order_id=order.id, kind="address", status="done",
                              detail_encrypted=self._cipher.encrypt(address.text), created_at=now))
            s.commit()
            log.info("order id %d: delivery address changed", order.id)
            return AddressChangeResult(order_number=order.order_number, address=address.text, city=address.city,
                                       changed_at=now)

    # -- interception ----------------------------------------------------------------------

    def intercept(self, order_ref: str, *, new_address: str | None = None, customer_code: str | None = None,
                  phone_last4: str | None = None) -> InterceptResult:
        """Ask the carrier to stop a parcel on its way: back to the store (then a refund), or to
        ``new_address``. A request already standing is returned as it is, not made twice."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            status = OrderStatus(order.status)
            if status not in ON_THE_WAY:
                en, zh = no_intercept_text(order, status)
                raise NotEligible(en, message_zh=zh)
            address = parse_address(new_address) if new_address is not None else None
            fee = self._policy.orders.intercept_fee_fen
            refund = max(0, order.total_fen - coupon_discount_fen(s, order) - self._refunded(s, order) - fee)
            existing = s.scalar(select(OrderChange).where(OrderChange.order_id == order.id,
                                                          OrderChange.kind == "intercept",
                                                          OrderChange.status == "requested"))
            if existing is not None:
                old = self._cipher.decrypt(existing.detail_encrypted) if existing.detail_encrypted else None
                old_city = parse_address(old).city if old else None
                return InterceptResult(order_number=order.order_number, carrier=order.carrier, fee_fen=fee,
                                       purpose="redirect" if old else "return", new_city=old_city,
                                       requested_at=existing.created_at, refund_fen=refund,
                                       channel=order.pay_channel, created=False)
            now = self._clock.now()
            s.add(OrderChange(order_id=order.id, kind="intercept", status="requested", created_at=now,
                              detail_encrypted=self._cipher.encrypt(address.text) if address else None))
            s.commit()
            log.info("order id %d: interception requested", order.id)
            return InterceptResult(order_number=order.order_number, carrier=order.carrier, fee_fen=fee,
                                   purpose="redirect" if address else "return",
                                   new_city=address.city if address else None, requested_at=now,
                                   refund_fen=refund, channel=order.pay_channel, created=True)

    # -- urge ------------------------------------------------------------------------------

    def urge(self, order_ref: str, *, customer_code: str | None = None,
             phone_last4: str | None = None) -> UrgeResult:
        """Remind the warehouse to ship a paid order (once a day is enough) and say when it is due to
        leave; an order already on its way gets its logistics state instead."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            status = OrderStatus(order.status)
            now = self._clock.now()
            if status in ON_THE_WAY:
                return _urge_result(order, ship_by=None, overdue=False, created=False, already=False)
            if status != OrderStatus.PAID:
                en, zh = no_urge_text(order, status, self._policy.orders.ship_within_hours)
                raise NotEligible(en, message_zh=zh)
            ship_by = (order.paid_at or order.placed_at) + timedelta(hours=self._policy.orders.ship_within_hours)
            day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
            earlier = s.scalar(select(OrderChange).where(OrderChange.order_id == order.id, OrderChange.kind == "urge",
                                                         OrderChange.created_at >= day_start).limit(1))
            if earlier is None:
                s.add(OrderChange(order_id=order.id, kind="urge", status="requested", created_at=now))
                s.commit()
                log.info("order id %d: shipping urged", order.id)
            return _urge_result(order, ship_by=ship_by, overdue=now > ship_by, created=earlier is None,
                                already=earlier is not None)

    # -- internals -------------------------------------------------------------------------

    def _refunded(self, s: Session, order: Order) -> int:
        """Money already paid back on this order (a price difference), which a cancel must not pay twice."""
        rows = s.scalars(select(Refund.amount_fen).where(Refund.order_id == order.id)).all()
        return sum(rows)

    def _check(self, s: Session, order: Order, kind: str) -> ChangeCheck:
        status = OrderStatus(order.status)
        rule = _rule(status)
        allowed = status in BEFORE_SHIPMENT
        paid = order.paid_at is not None and status == OrderStatus.PAID
        refund = (max(0, order.total_fen - coupon_discount_fen(s, order) - self._refunded(s, order))
                  if allowed and paid and kind == "cancel" else 0)
        days = self._policy.orders.refund_days_after_cancel
        fee = self._policy.orders.intercept_fee_fen if rule == ChangeRule.SHIPPED else None
        en, zh = explain_change(kind, rule, order, refund=refund, days=days, fee=fee,
                          no_reason_days=self._policy.returns.no_reason_days)
        return ChangeCheck(kind=kind, order_number=order.order_number, status=status, rule=rule, allowed=allowed,
                           items_en=_items(order, "en"), items_zh=_items(order, "zh"), total_fen=order.total_fen,
                           refund_fen=refund, channel=order.pay_channel, refund_days=days, intercept_fee_fen=fee,
                           carrier=order.carrier, delivered_at=order.delivered_at,
                           explanation_en=en, explanation_zh=zh)


def _urge_result(order: Order, *, ship_by: datetime | None, overdue: bool, created: bool,
                 already: bool) -> UrgeResult:
    latest = order.events[-1] if order.events else None
    return UrgeResult(
        order_number=order.order_number, status=OrderStatus(order.status), items_en=_items(order, "en"),
        items_zh=_items(order, "zh"), ship_by=ship_by, overdue=overdue, created=created, already_urged=already,
        carrier=order.carrier, tracking_number=order.tracking_number, promised_by=order.promised_by,
        latest_en=f"{latest.description_en} ({latest.location_en}, {latest.occurred_at:%m-%d %H:%M})" if latest else None,
        latest_zh=f"{latest.description_zh}（{latest.location_zh}，{latest.occurred_at:%m-%d %H:%M}）" if latest else None)


__all__ = ["AddressChangeResult", "CancelResult", "ChangeCheck", "ChangeRefused", "ChangeRule", "InterceptResult",
           "OrderChangeService", "ShippingAddress", "UrgeResult", "day_text", "goods_text", "looks_like_address",
           "parse_address"]
