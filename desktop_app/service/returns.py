"""Return and exchange eligibility by the shop's rules, and filing a request exactly once.

Rules (mainland e-commerce practice):
- 7-day no-reason return (七天无理由) from delivery, except hygiene categories (skin care) and
  clearance items sold as final sale;
- quality problems, damage or a wrong item: return within 7 days, exchange within 15 days,
  in every category (the law does not let a final sale waive these);
- a size exchange for apparel within 7 days, except final sale;
- nothing can be returned before it is delivered, or twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotEligible
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.types import (
    ReturnDecision,
    ReturnKind,
    ReturnReason,
    ReturnRequestView,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderItem, ReturnRequest

log = logging.getLogger(__name__)

NO_REASON_DAYS = 7
QUALITY_RETURN_DAYS = 7
QUALITY_EXCHANGE_DAYS = 15
#: Opened cosmetics cannot be resold, so they are excluded from no-reason returns.
NO_REASON_EXCLUDED_CATEGORIES = frozenset({"skincare"})
QUALITY_REASONS = frozenset({ReturnReason.QUALITY, ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM})


def _decision(eligible: bool, kind: ReturnKind, reason: ReturnReason, rule: str, en: str, zh: str,
              deadline: datetime | None) -> ReturnDecision:
    return ReturnDecision(eligible, kind, reason, rule, en, zh, deadline)


def evaluate(order: Order, item: OrderItem, kind: ReturnKind, reason: ReturnReason, now: datetime) -> ReturnDecision:
    """Pure rule evaluation, separate from I/O so every rule is unit-testable."""
    product = item.product
    if order.status == "returned":
        return _decision(False, kind, reason, "already_returned", "This order has already been returned.",
                         "该订单已经退货。", None)
    if order.status != "delivered" or order.delivered_at is None:
        return _decision(False, kind, reason, "not_delivered",
                         "This order has not been delivered yet; you can refuse it at delivery or ask us to cancel.",
                         "该订单尚未签收；您可以拒收或申请取消订单。", None)
    delivered = order.delivered_at
    days = (now - delivered).total_seconds() / 86400

    if reason in QUALITY_REASONS:
        window = QUALITY_RETURN_DAYS if kind == ReturnKind.RETURN else QUALITY_EXCHANGE_DAYS
        deadline = delivered + timedelta(days=window)
        if days <= window:
            return _decision(True, kind, reason, f"quality_{kind.value}_{window}d",
                             f"Eligible: quality problems can be {'returned' if kind == ReturnKind.RETURN else 'exchanged'} "
                             f"within {window} days of delivery.",
                             f"符合条件：质量问题可在签收后 {window} 天内{'退货' if kind == ReturnKind.RETURN else '换货'}。",
                             deadline)
        return _decision(False, kind, reason, f"quality_{kind.value}_{window}d",
                         f"The {window}-day window for quality {'returns' if kind == ReturnKind.RETURN else 'exchanges'} "
                         f"ended on {deadline:%Y-%m-%d}. Our staff can still help with warranty repair.",
                         f"质量问题{'退货' if kind == ReturnKind.RETURN else '换货'}期限（{window} 天）已于 {deadline:%Y-%m-%d} 结束，"
                         "人工客服可协助保修。", deadline)

    if product.final_sale:
        return _decision(False, kind, reason, "final_sale",
                         "This item was sold as final sale (clearance) and can only be returned for quality problems.",
                         "该商品为清仓特价商品，仅支持质量问题退换。", None)
    if reason == ReturnReason.SIZE:
        if product.category != "apparel" or kind != ReturnKind.EXCHANGE:
            return _decision(False, kind, reason, "size_exchange_apparel",
                             "Size exchanges apply to clothing only; other items can use the 7-day no-reason return.",
                             "尺码换货仅适用于服饰；其他商品可申请七天无理由退货。", None)
        deadline = delivered + timedelta(days=NO_REASON_DAYS)
        ok = days <= NO_REASON_DAYS
        return _decision(ok, kind, reason, "size_exchange_7d",
                         "Eligible: clothing can be exchanged for another size within 7 days of delivery." if ok else
                         f"The 7-day size-exchange window ended on {deadline:%Y-%m-%d}.",
                         "符合条件：服饰签收后 7 天内可换尺码。" if ok else f"换码期限已于 {deadline:%Y-%m-%d} 结束。",
                         deadline)
    # NO_REASON
    if kind != ReturnKind.RETURN:
        return _decision(False, kind, reason, "no_reason_is_return",
                         "A no-reason request is a return; for an exchange, tell us what is wrong with the item.",
                         "无理由申请仅支持退货；如需换货，请说明商品问题。", None)
    if product.category in NO_REASON_EXCLUDED_CATEGORIES:
        return _decision(False, kind, reason, "hygiene_excluded",
                         "For hygiene reasons skin-care products have no no-reason return; quality problems are still covered.",
                         "出于卫生原因，护肤品不支持七天无理由退货；质量问题仍可退换。", None)
    deadline = delivered + timedelta(days=NO_REASON_DAYS)
    if days <= NO_REASON_DAYS:
        return _decision(True, kind, reason, "no_reason_7d",
                         f"Eligible: 7-day no-reason return until {deadline:%Y-%m-%d}. Keep the item unused with its packaging.",
                         f"符合七天无理由退货，截止 {deadline:%Y-%m-%d}。请保持商品完好及包装齐全。", deadline)
    return _decision(False, kind, reason, "no_reason_7d",
                     f"The 7-day no-reason return window ended on {deadline:%Y-%m-%d}.",
                     f"七天无理由退货期限已于 {deadline:%Y-%m-%d} 结束。", deadline)


class ReturnService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy

    def check(self, order_ref: str, *, kind: ReturnKind, reason: ReturnReason, item_id: int | None = None,
              customer_code: str | None = None, phone_last4: str | None = None) -> ReturnDecision:
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            return evaluate(order, item, kind, reason, self._clock.now())

    def file(self, order_ref: str, *, kind: ReturnKind, reason: ReturnReason, item_id: int | None = None,
             customer_code: str | None = None, phone_last4: str | None = None) -> ReturnRequestView:
        """File once: a second identical submission returns the first request (``created=False``)."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            existing = self._existing(s, item.id, kind)
            if existing is not None:
                return self._view(order, item, existing, created=False)
            decision = evaluate(order, item, kind, reason, self._clock.now())
            if not decision.eligible:
                raise NotEligible(decision.explanation_en, message_zh=decision.explanation_zh)
            request = ReturnRequest(order_item_id=item.id, kind=kind.value, reason_code=reason.value,
                                    status="submitted", created_at=self._clock.now())
            s.add(request)
            try:
                s.flush()
            except IntegrityError:
                # A concurrent submission won the race; hand back the stored one.
                s.rollback()
                order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
                item = self._item(order, item.id)
                stored = self._existing(s, item.id, kind)
                assert stored is not None
                return self._view(order, item, stored, created=False)
            log.info("filed %s request %d (%s)", kind.value, request.id, reason.value)
            return self._view(order, item, request, created=True)

    def requests_for(self, order_ref: str, *, customer_code: str | None = None,
                     phone_last4: str | None = None) -> tuple[ReturnRequestView, ...]:
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            items = {i.id: i for i in order.items}
            rows = s.scalars(select(ReturnRequest).where(ReturnRequest.order_item_id.in_(items))).all()
            return tuple(self._view(order, items[r.order_item_id], r, created=False) for r in rows)

    @staticmethod
    def _item(order: Order, item_id: int | None) -> OrderItem:
        if item_id is None:
            if len(order.items) == 1:
                return order.items[0]
            raise InvalidInput("This order has several items; please say which one.",
                               message_zh="该订单包含多件商品，请指明是哪一件。")
        for item in order.items:
            if item.id == item_id:
                return item
        raise InvalidInput("That item is not part of this order.", message_zh="该商品不在此订单中。")

    @staticmethod
    def _existing(s: Session, item_id: int, kind: ReturnKind) -> ReturnRequest | None:
        return s.scalar(select(ReturnRequest).where(ReturnRequest.order_item_id == item_id,
                                                    ReturnRequest.kind == kind.value))

    @staticmethod
    def _view(order: Order, item: OrderItem, r: ReturnRequest, *, created: bool) -> ReturnRequestView:
        return ReturnRequestView(request_id=r.id, order_number=order.order_number, item_id=item.id,
                                 product_name_en=item.product.name_en, product_name_zh=item.product.name_zh,
                                 kind=ReturnKind(r.kind), reason=ReturnReason(r.reason_code), status=r.status,
                                 created_at=r.created_at, created=created)
