"""Order status and logistics timeline, shown only to someone who has proven the order is theirs.

A kiosk has no login: the caller proves ownership with the last four digits of the order's phone
number. Every failed proof is counted in the store (``access_guard``), per order, reference,
conversation and machine, so the four digits cannot be brute-forced from a chat, a CLI loop or a
second kiosk. An anonymous caller gets one answer for "no such order", "wrong digits" and "nothing
ends in those digits", so answers never tell real order numbers apart. A signed-in customer asking
about their own orders is not guessing and gets the helpful answers.
"""

from __future__ import annotations

import hmac
import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied, InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.access_guard import DEFAULT_RULES, AccessGuard, Attempt, OwnershipNotProven, ScopeKind
from desktop_app.service.convert import summary
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, TimelineEvent
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Order

log = logging.getLogger(__name__)

FULL_ORDER_DIGITS = 16
#: Wrong tries on one order before it locks (see ``access_guard.DEFAULT_RULES`` for the rest).
MAX_FAILED_ATTEMPTS = DEFAULT_RULES[ScopeKind.ORDER].max_failures
#: Most orders one partial reference counts a failure against (a suffix shared by more is rare).
MAX_TARGETS = 50


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def normalize_order_ref(ref: str) -> str:
    """Digits only; accepts "2611 1512 3456 7890" or "#2611151234567890"."""
    digits = re.sub(r"[\s\-#]", "", clean_text(ref, max_chars=64))
    if not digits:
        raise InvalidInput("Please give an order number.", message_zh="请提供订单号。")
    if not digits.isdigit() or not (4 <= len(digits) <= FULL_ORDER_DIGITS):
        raise InvalidInput(
            "An order number is 16 digits (or its last 4 with your phone's last 4).",
            message_zh="订单号为 16 位数字（或订单号后四位加手机尾号）。",
        )
    return digits


def normalize_last4(value: str | None) -> str | None:
    if value is None:
        return None
    digits = clean_text(value, max_chars=16)
    if not re.fullmatch(r"\d{4}", digits):
        raise InvalidInput(
            "Please give exactly the last four digits of the phone number.", message_zh="请输入手机号后四位数字。"
        )
    return digits


def _digits_needed() -> AccessDenied:
    return AccessDenied(
        "To protect your privacy, please confirm the last four digits of the order's phone number.",
        message_zh="为保护您的隐私，请提供下单手机号的后四位。",
    )


def _several() -> InvalidInput:
    return InvalidInput(
        "Several orders end in those digits; please give the full order number.",
        message_zh="有多个订单以这些数字结尾，请提供完整订单号。",
    )


class OrderService:
    def __init__(self, db: Database, clock: Clock, *, device_id: str, guard: AccessGuard | None = None) -> None:
        self._db = db
        self._clock = clock
        self._guard = guard or AccessGuard(db, clock, device_id=device_id)

    def lookup(
        self, order_ref: str, *, customer_code: str | None = None, phone_last4: str | None = None,
        session_key: str | None = None,
    ) -> OrderView:
        """The order and its timeline, for its signed-in customer or a caller with the phone digits;
        ``session_key`` names the conversation the check comes from (its failures count together)."""
        with self._db.session() as s:
            return self._view(self.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4,
                                                 session_key=session_key))

    def load_verified(
        self, s: Session, order_ref: str, *, customer_code: str | None, phone_last4: str | None,
        session_key: str | None = None,
    ) -> Order:
        """The ORM order inside the caller's session, after the ownership check; for sibling services.

        Raises ``OwnershipNotProven`` alike for an unknown order and wrong digits, ``TooManyAttempts``
        when this caller has failed too often, and asks for the digits (``AccessDenied``) before
        looking anything up when an anonymous caller gave none.
        """
        digits = normalize_order_ref(order_ref)
        last4 = normalize_last4(phone_last4)
        if customer_code:
            own = self._own_order(s, digits, customer_code)
            if own is not None:
                return own
            if last4 is None:
                if len(digits) == FULL_ORDER_DIGITS:
                    raise _digits_needed()  # the same for someone else's order and for no order at all
                raise NotFound("None of your orders ends in those digits. For someone else's order, add the last "
                               "four digits of its phone number.",
                               message_zh="您的订单中没有以这些数字结尾的。如是他人的订单，请同时提供下单手机号后四位。")
        elif last4 is None:
            if len(digits) == FULL_ORDER_DIGITS:
                raise _digits_needed()
            raise InvalidInput(
                "Please give the full 16-digit order number, or add your phone's last four digits.",
                message_zh="请提供完整的 16 位订单号，或同时提供手机尾号后四位。",
            )
        assert last4 is not None
        opened, targets = self._match(s, digits, last4)
        attempt = Attempt(ref_key=self._db.keys.blind_index(f"order-ref:{digits}"), order_ids=targets,
                          session=session_key, exact=len(digits) == FULL_ORDER_DIGITS)
        if not self._guard.settle(attempt, verified=bool(opened)):
            raise OwnershipNotProven()
        if len(opened) > 1:
            raise _several()  # the phone digits were right, for more than one order ending so
        return opened[0]

    def orders_of(self, customer_code: str) -> tuple[OrderView, ...]:
        with self._db.session() as s:
            customer = s.scalar(select(Customer).where(Customer.code == customer_code))
            if customer is None:
                raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
            orders = s.scalars(
                select(Order).where(Order.customer_id == customer.id).order_by(Order.placed_at.desc())
            ).all()
            return tuple(self._view(o) for o in orders)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _own_order(s: Session, digits: str, customer_code: str) -> Order | None:
        """The signed-in customer's order with this number (or ending in these digits), or None."""
        stmt = (select(Order).join(Customer, Order.customer_id == Customer.id)
                .where(Customer.code == customer_code))
        if len(digits) == FULL_ORDER_DIGITS:
            return s.scalar(stmt.where(Order.order_number == digits))
        matches = s.scalars(stmt.where(Order.order_number.endswith(digits)).limit(2)).all()
        if len(matches) > 1:
            raise _several()
        return matches[0] if matches else None

    def _match(self, s: Session, digits: str, last4: str) -> tuple[list[Order], tuple[int, ...]]:
        """The orders these digits open (none, one, or two when a partial number is ambiguous) and
        the ids of the orders the guess was aimed at, whose counts a failure raises."""
        if len(digits) == FULL_ORDER_DIGITS:
            order = s.scalar(select(Order).where(Order.order_number == digits))
            if order is None:
                return [], ()
            opened = hmac.compare_digest(re.sub(r"\D", "", order.contact_phone)[-4:], last4)
            return ([order] if opened else []), (order.id,)
        targets = tuple(s.scalars(select(Order.id).where(Order.order_number.endswith(digits))
                                  .order_by(Order.id).limit(MAX_TARGETS)).all())
        matches = s.scalars(select(Order).where(Order.order_number.endswith(digits),
                                                Order.contact_phone_index == self._db.keys.blind_index(last4))
                            .order_by(Order.id).limit(2)).all()
        return list(matches), targets

    def _view(self, order: Order) -> OrderView:
        now = self._clock.now()
        status = OrderStatus(order.status)
        undelivered = status in {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED}
        return OrderView(
            order_number=order.order_number,
            status=status,
            placed_at=order.placed_at,
            shipped_at=order.shipped_at,
            delivered_at=order.delivered_at,
            promised_by=order.promised_by,
            carrier=order.carrier,
            tracking_number=order.tracking_number,
            ship_city=order.ship_city,
            masked_phone=mask_phone(order.contact_phone),
            total_fen=order.total_fen,
            lines=tuple(
                OrderLine(
                    item_id=i.id,
                    product=summary(i.product),
                    quantity=i.quantity,
                    unit_price_fen=i.unit_price_fen,
                    colour=i.colour,
                    size=i.size,
                )
                for i in order.items
            ),
            timeline=tuple(
                TimelineEvent(
                    occurred_at=e.occurred_at,
                    code=e.code,
                    location_en=e.location_en,
                    location_zh=e.location_zh,
                    description_en=e.description_en,
                    description_zh=e.description_zh,
                )
                for e in order.events
            ),
            is_late=status == OrderStatus.DELAYED or (undelivered and now > order.promised_by),
        )
