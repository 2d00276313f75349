"""Order status and logistics timeline, shown only to someone who has proven the order is theirs.

A kiosk has no login: the caller proves ownership with the last four digits of the order's phone
number. Wrong guesses are counted per order, so the four digits cannot be brute-forced at a kiosk.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import defaultdict, deque

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied, InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.convert import summary
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, TimelineEvent
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Order

log = logging.getLogger(__name__)

FULL_ORDER_DIGITS = 16
MAX_FAILED_ATTEMPTS = 5
LOCKOUT_SECONDS = 15 * 60


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


class _AttemptLimiter:
    """Counts failed phone checks per order in a sliding window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def locked(self, key: str) -> bool:
        with self._lock:
            window = self._failures[key]
            cutoff = time.monotonic() - LOCKOUT_SECONDS
            while window and window[0] < cutoff:
                window.popleft()
            return len(window) >= MAX_FAILED_ATTEMPTS

    def fail(self, key: str) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class OrderService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._limiter = _AttemptLimiter()

    def lookup(
        self, order_ref: str, *, customer_code: str | None = None, phone_last4: str | None = None
    ) -> OrderView:
        """The order and its timeline, for its signed-in customer or a caller with the phone digits."""
        with self._db.session() as s:
            return self._view(self.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4))

    def load_verified(
        self, s: Session, order_ref: str, *, customer_code: str | None, phone_last4: str | None
    ) -> Order:
        """The ORM order inside the caller's session, after the ownership check; for sibling services."""
        digits = normalize_order_ref(order_ref)
        last4 = normalize_last4(phone_last4)
        order = self._find(s, digits, customer_code, last4)
        self._authorize(s, order, customer_code, last4)
        return order

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

    def _find(self, s: Session, digits: str, customer_code: str | None, last4: str | None) -> Order:
        if len(digits) == FULL_ORDER_DIGITS:
            order = s.scalar(select(Order).where(Order.order_number == digits))
        else:
            # A partial reference ("订单4582") needs a narrowing fact: the signed-in customer or phone digits.
            stmt = select(Order).where(Order.order_number.endswith(digits))
            if customer_code:
                stmt = stmt.join(Customer, Order.customer_id == Customer.id).where(Customer.code == customer_code)
            elif last4:
                stmt = stmt.where(Order.contact_phone.endswith(last4))
            else:
                raise InvalidInput(
                    "Please give the full 16-digit order number, or add your phone's last four digits.",
                    message_zh="请提供完整的 16 位订单号，或同时提供手机尾号后四位。",
                )
            matches = s.scalars(stmt.limit(2)).all()
            if len(matches) > 1:
                raise InvalidInput(
                    "Several orders end in those digits; please give the full order number.",
                    message_zh="有多个订单以这些数字结尾，请提供完整订单号。",
                )
            order = matches[0] if matches else None
        if order is None:
            raise NotFound(
                "We could not find that order. Please check the number.", message_zh="没有找到该订单，请核对订单号。"
            )
        return order

    def _authorize(self, s: Session, order: Order, customer_code: str | None, last4: str | None) -> None:
        if customer_code and order.customer_id is not None:
            owner = s.get(Customer, order.customer_id)
            if owner is not None and owner.code == customer_code:
                return
        key = order.order_number
        if self._limiter.locked(key):
            raise AccessDenied(
                "Too many wrong attempts for this order. Please try again later or ask a staff member.",
                message_zh="验证失败次数过多，请稍后再试或联系工作人员。",
            )
        if last4 is None:
            raise AccessDenied(
                "To protect your privacy, please confirm the last four digits of the order's phone number.",
                message_zh="为保护您的隐私，请提供下单手机号的后四位。",
            )
        if order.contact_phone[-4:] != last4:
            self._limiter.fail(key)
            log.info("order verification failed for order id %d", order.id)
            raise AccessDenied(
                "Those digits do not match this order's phone number.", message_zh="手机尾号与该订单不符。"
            )
        self._limiter.reset(key)

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
