"""Return and exchange eligibility by the store's policy and the law, and filing a case exactly once.

Every number comes from the policy file (``Policy.returns``), so a merchant changes a rule without a
code change and the FAQ answers (service/return_policy.py, which call the same ``evaluate``) can
never disagree with the decisions. The rules, after 网络购买商品七日无理由退货暂行办法 and 三包:

- a no-reason return is possible for ``no_reason_days`` counted from the day after signing
  (签收次日): signed on the 1st with 7 days, the last day is the 8th;
- never without reason: products whose ``return_exclusion`` is in ``never_no_reason`` (made to
  order, perishable, digital, periodicals);
- categories in ``opened_not_returnable_categories`` (skin care): without reason only while
  unopened, because the customer confirmed that at purchase; until we know whether it was opened
  the decision is a question (rule ``ask_opened``), never a guess;
- final sale (clearance): quality problems only, unless ``final_sale_no_reason``;
- quality problems, damage or a wrong item (三包): return within ``quality_return_days``, exchange
  within ``quality_exchange_days``, in every category (no sale condition waives them);
- a size exchange for clothing within the no-reason window;
- who pays the return shipping (no reason: the buyer unless the policy says otherwise; quality:
  the seller) and when the refund arrives (``refund_days`` after the goods reach us, by the
  original payment channel) are part of every decision's text;
- one after-sales case per order item: a return and an exchange cannot both be filed, and a
  repeated identical submission returns the first one.

The facts and shared sentences are in ``return_facts`` and the rules in ``return_rules``; their
public names stay importable from here.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.return_facts import (
    EXCLUSION_NAMES as EXCLUSION_NAMES,
    PAY_CHANNEL_NAMES as PAY_CHANNEL_NAMES,
    ReturnFacts as ReturnFacts,
    last_day as last_day,
    refund_text as refund_text,
    shipping_text as shipping_text,
    window_text as window_text,
)
from desktop_app.service.return_rules import (
    QUALITY_REASONS as QUALITY_REASONS,
    case_open_decision as case_open_decision,
    evaluate as evaluate,
)
from desktop_app.service.types import (
    ReturnDecision,
    ReturnKind,
    ReturnReason,
    ReturnRequestView,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderItem, Product, ReturnRequest

log = logging.getLogger(__name__)


class ReturnService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy

    def check(self, order_ref: str, *, kind: ReturnKind, reason: ReturnReason, item_id: int | None = None,
              customer_code: str | None = None, phone_last4: str | None = None,
              opened: bool | None = None) -> ReturnDecision:
        """The decision for one item; ``opened`` answers "has it been opened?" (None: not asked yet)."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            case = self._case(s, item.id)
            if case is not None and order.status != "returned" and not _same(case, kind, reason):
                return case_open_decision(kind, reason, case)
            return evaluate(ReturnFacts.of_item(order, item), kind, reason, self._clock.now(), self._policy,
                            opened=opened)

    def file(self, order_ref: str, *, kind: ReturnKind, reason: ReturnReason, item_id: int | None = None,
             customer_code: str | None = None, phone_last4: str | None = None,
             opened: bool | None = None) -> ReturnRequestView:
        """File once: a second identical submission returns the first request (``created=False``);
        any other request on an item that already has a case is refused."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            item = self._item(order, item_id)
            case = self._case(s, item.id)
            if case is not None:
                return self._existing_or_refuse(order, item, case, kind, reason)
            decision = evaluate(ReturnFacts.of_item(order, item), kind, reason, self._clock.now(), self._policy,
                                opened=opened)
            if decision.rule == "ask_opened":
                raise InvalidInput(decision.explanation_en, message_zh=decision.explanation_zh)
            if not decision.eligible:
                raise NotEligible(decision.explanation_en, message_zh=decision.explanation_zh)
            request = ReturnRequest(order_item_id=item.id, kind=kind.value, reason_code=reason.value,
                                    status="submitted", created_at=self._clock.now())
            s.add(request)
            try:
                s.flush()
            except IntegrityError:
                # A concurrent submission won the race (the database allows one case per item).
                s.rollback()
                order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
                item = self._item(order, item.id)
                stored = self._case(s, item.id)
                if stored is None:
                    raise
                return self._existing_or_refuse(order, item, stored, kind, reason)
            log.info("filed %s request %d (%s)", kind.value, request.id, reason.value)
            return self._view(order, item, request, created=True)

    def product_facts(self, sku: str) -> ReturnFacts:
        """A product's return facts, for a policy question asked before any order exists."""
        with self._db.session() as s:
            product = s.scalar(select(Product).where(Product.sku == sku))
            if product is None:
                raise NotFound(f"No product {sku}.", message_zh=f"没有找到商品 {sku}。")
            return ReturnFacts.of_product(product)

    def requests_for(self, order_ref: str, *, customer_code: str | None = None,
                     phone_last4: str | None = None) -> tuple[ReturnRequestView, ...]:
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            items = {i.id: i for i in order.items}
            rows = s.scalars(select(ReturnRequest).where(ReturnRequest.order_item_id.in_(items))).all()
            return tuple(self._view(order, items[r.order_item_id], r, created=False) for r in rows)

    def _existing_or_refuse(self, order: Order, item: OrderItem, case: ReturnRequest, kind: ReturnKind,
                            reason: ReturnReason) -> ReturnRequestView:
        if _same(case, kind, reason):
            return self._view(order, item, case, created=False)
        refusal = case_open_decision(kind, reason, case)
        raise NotEligible(refusal.explanation_en, message_zh=refusal.explanation_zh)

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
    def _case(s: Session, item_id: int) -> ReturnRequest | None:
        return s.scalar(select(ReturnRequest).where(ReturnRequest.order_item_id == item_id))

    @staticmethod
    def _view(order: Order, item: OrderItem, r: ReturnRequest, *, created: bool) -> ReturnRequestView:
        return ReturnRequestView(request_id=r.id, order_number=order.order_number, item_id=item.id,
                                 product_name_en=item.product.name_en, product_name_zh=item.product.name_zh,
                                 kind=ReturnKind(r.kind), reason=ReturnReason(r.reason_code), status=r.status,
                                 created_at=r.created_at, created=created)


def _same(case: ReturnRequest, kind: ReturnKind, reason: ReturnReason) -> bool:
    return case.kind == kind.value and case.reason_code == reason.value

