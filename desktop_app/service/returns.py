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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.types import (
    ReturnDecision,
    ReturnKind,
    ReturnReason,
    ReturnRequestView,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Order, OrderItem, Product, ReturnRequest

log = logging.getLogger(__name__)

QUALITY_REASONS = frozenset({ReturnReason.QUALITY, ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM})
#: The seller's fault in the customer's words, for the quality decisions.
_PROBLEMS = {ReturnReason.QUALITY: ("a quality problem", "质量问题"),
             ReturnReason.DAMAGED: ("an item damaged in delivery", "运输破损的商品"),
             ReturnReason.WRONG_ITEM: ("a wrong item sent", "发错的商品")}

#: A product's ``return_exclusion`` in the customer's words.
EXCLUSION_NAMES: dict[str, tuple[str, str]] = {
    "custom_made": ("made to your order", "定制商品"),
    "perishable": ("fresh or perishable", "鲜活易腐商品"),
    "digital": ("digital content", "数字化商品"),
    "periodical": ("a newspaper or periodical", "报纸期刊"),
}

#: The channels money goes back by, in the customer's words.
PAY_CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    "alipay": ("Alipay", "支付宝"),
    "wechat": ("WeChat Pay", "微信支付"),
    "card": ("your bank card", "银行卡"),
}


@dataclass(frozen=True)
class ReturnFacts:
    """What the rules need to know about one item: from an order line, or a product (or a whole
    category) asked about before any order exists, so the FAQ is judged by the same ``evaluate``."""

    name_en: str
    name_zh: str
    category: str
    final_sale: bool = False
    return_exclusion: str | None = None
    #: None: no order yet (a policy question about a product): the windows are stated, not dated.
    order_status: str | None = None
    signed_at: datetime | None = None
    pay_channel: str | None = None

    @classmethod
    def of_item(cls, order: Order, item: OrderItem) -> ReturnFacts:
        p = item.product
        return cls(p.name_en, p.name_zh, p.category, p.final_sale, p.return_exclusion, order.status,
                   order.delivered_at, order.pay_channel)

    @classmethod
    def of_product(cls, product: Product) -> ReturnFacts:
        return cls(product.name_en, product.name_zh, product.category, product.final_sale, product.return_exclusion)

    @classmethod
    def of_category(cls, category: str) -> ReturnFacts:
        term = CATEGORIES.get(category)
        en, zh = (term.en, f"{term.zh}类商品") if term else (category, category)
        return cls(en, zh, category)

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


def last_day(signed_at: datetime, days: int) -> date:
    """The last day of a window of ``days`` counted from the day after signing (签收次日)."""
    return signed_at.date() + timedelta(days=days)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def _channel(channel: str | None) -> tuple[str, str]:
    en, zh = PAY_CHANNEL_NAMES.get(channel or "", ("", ""))
    return (f"your original payment method ({en})" if en else "your original payment method",
            f"原支付渠道（{zh}）" if zh else "原支付渠道")


def shipping_text(policy: Policy, *, quality: bool) -> tuple[str, str]:
    """Who pays to send the item back, in both languages."""
    if quality:
        return ("For a quality problem, damage or a wrong item, we pay the return shipping.",
                "质量问题（含运输破损、发错商品）的退回运费由我们承担。")
    if policy.returns.buyer_pays_no_reason_shipping:
        return ("For a no-reason return or exchange you pay the return shipping.",
                "无理由退换的寄回运费由您承担。")
    return "We pay the return shipping.", "寄回运费由我们承担。"


def refund_text(policy: Policy, channel: str | None = None) -> tuple[str, str]:
    """When and how the money comes back once the item reaches us."""
    days = policy.returns.refund_days
    en, zh = _channel(channel)
    return (f"We refund to {en} within {days} days of receiving the item.",
            f"我们收到退货后 {days} 天内原路退款至{zh}。")


def window_text(days: int, facts: ReturnFacts) -> tuple[str, str]:
    """"until 11-27 (7 days from the day after signing)", or the rule alone when there is no order."""
    if facts.signed_at is None:
        return (f"within {days} days of signing for it (counted from the day after)",
                f"签收次日起 {days} 天内")
    end = last_day(facts.signed_at, days)
    return (f"until {end:%Y-%m-%d} ({days} days counted from the day after you signed for it)",
            f"截止 {end:%Y-%m-%d}（自签收次日起 {days} 天）")


def _within(facts: ReturnFacts, days: int, now: datetime) -> bool:
    return facts.signed_at is None or now.date() <= last_day(facts.signed_at, days)


def _deadline(facts: ReturnFacts, days: int) -> datetime | None:
    return None if facts.signed_at is None else _end_of(last_day(facts.signed_at, days))


def _warranty_hint(facts: ReturnFacts, policy: Policy) -> tuple[str, str]:
    months = policy.warranty.months_for(facts.category)
    if months <= 0:
        return ("Our staff can look at it with you.", "人工客服可以为您进一步处理。")
    return (f"Free repair under the {months}-month warranty may still apply: ask for a warranty repair.",
            f"在 {months} 个月保修期内可申请免费维修。")


class _Decide:
    """Builds decisions for one evaluation, so every one carries the same kind and reason."""

    def __init__(self, kind: ReturnKind, reason: ReturnReason) -> None:
        self.kind, self.reason = kind, reason

    def __call__(self, eligible: bool, rule: str, en: str, zh: str, deadline: datetime | None = None,
                 ) -> ReturnDecision:
        return ReturnDecision(eligible, self.kind, self.reason, rule, en, zh, deadline)


def evaluate(facts: ReturnFacts, kind: ReturnKind, reason: ReturnReason, now: datetime, policy: Policy,
             *, opened: bool | None = None) -> ReturnDecision:
    """Pure rule evaluation (no I/O), so every rule is unit-testable and the FAQ can ask it too.

    ``opened`` answers "has it been opened?" for the categories where that decides; None while unknown.
    """
    decide = _Decide(kind, reason)
    status = facts.order_status
    if status == "returned":
        return decide(False, "already_returned", "This order has already been returned.", "该订单已经退货。")
    if status is not None and (status != "delivered" or facts.signed_at is None):
        if status in ("unpaid", "cancelled"):
            return decide(False, "not_delivered",
                          "This order was never shipped, so there is nothing to return.",
                          "该订单未发货，无需退货。")
        return decide(False, "not_delivered",
                      "This order has not been delivered yet; you can refuse it at delivery, or apply for a return "
                      "once you have signed for it.",
                      "该订单尚未签收；您可以在派送时拒收，或签收后再申请退货。")
    if reason in QUALITY_REASONS:
        return _quality(facts, decide, now, policy)
    if reason == ReturnReason.SIZE and kind == ReturnKind.EXCHANGE:
        return _size_exchange(facts, decide, now, policy)
    if kind == ReturnKind.EXCHANGE:
        return decide(False, "no_reason_is_return",
                      "An exchange needs a reason: a quality problem, damage, a wrong item, or a wrong size for "
                      "clothing. Without a reason you can return it instead.",
                      "换货需要原因：质量问题、运输破损、发错商品，或服饰尺码不合适；若无理由，可以申请退货。")
    return _no_reason_return(facts, decide, now, policy, opened)


def _quality(facts: ReturnFacts, decide: _Decide, now: datetime, policy: Policy) -> ReturnDecision:
    rules = policy.returns
    ship_en, ship_zh = shipping_text(policy, quality=True)
    problem_en, problem_zh = _PROBLEMS[decide.reason]
    if decide.kind == ReturnKind.RETURN:
        days = rules.quality_return_days
        win_en, win_zh = window_text(days, facts)
        if _within(facts, days, now):
            ref_en, ref_zh = refund_text(policy, facts.pay_channel)
            return decide(True, "quality_return",
                          f"Eligible: {problem_en} can be returned {win_en}. {ship_en} {ref_en}",
                          f"符合条件：{problem_zh}可退货，{win_zh}。{ship_zh}{ref_zh}", _deadline(facts, days))
        assert facts.signed_at is not None  # with no order every window is open
        ended = last_day(facts.signed_at, days)
        if _within(facts, rules.quality_exchange_days, now):
            ex_en, ex_zh = window_text(rules.quality_exchange_days, facts)
            return decide(False, "quality_return",
                          f"The {days}-day window for quality returns ended on {ended:%Y-%m-%d}, but you can still "
                          f"exchange it or have it repaired {ex_en}.",
                          f"质量问题退货期限（签收次日起 {days} 天）已于 {ended:%Y-%m-%d} 结束；"
                          f"仍可换货或维修，{ex_zh}。", _deadline(facts, days))
        hint_en, hint_zh = _warranty_hint(facts, policy)
        return decide(False, "quality_return",
                      f"The {days}-day window for quality returns ended on {ended:%Y-%m-%d}. {hint_en}",
                      f"质量问题退货期限（签收次日起 {days} 天）已于 {ended:%Y-%m-%d} 结束。{hint_zh}",
                      _deadline(facts, days))
    days = rules.quality_exchange_days
    win_en, win_zh = window_text(days, facts)
    if _within(facts, days, now):
        return decide(True, "quality_exchange",
                      f"Eligible: {problem_en} can be exchanged {win_en}. {ship_en}",
                      f"符合条件：{problem_zh}可换货，{win_zh}。{ship_zh}", _deadline(facts, days))
    assert facts.signed_at is not None
    ended = last_day(facts.signed_at, days)
    hint_en, hint_zh = _warranty_hint(facts, policy)
    return decide(False, "quality_exchange",
                  f"The {days}-day window for quality exchanges ended on {ended:%Y-%m-%d}. {hint_en}",
                  f"质量问题换货期限（签收次日起 {days} 天）已于 {ended:%Y-%m-%d} 结束。{hint_zh}",
                  _deadline(facts, days))


def _not_no_reason(facts: ReturnFacts, decide: _Decide, policy: Policy) -> ReturnDecision | None:
    """The categorical refusals shared by no-reason returns and size exchanges, or None."""
    quality_en = (f"Quality problems are still covered: return within {policy.returns.quality_return_days} days, "
                  f"exchange within {policy.returns.quality_exchange_days} days of signing.")
    quality_zh = (f"如有质量问题，签收次日起 {policy.returns.quality_return_days} 天内可退货、"
                  f"{policy.returns.quality_exchange_days} 天内可换货。")
    exclusion = facts.return_exclusion
    if exclusion and exclusion in policy.returns.never_no_reason:
        what_en, what_zh = EXCLUSION_NAMES.get(exclusion, (exclusion, exclusion))
        return decide(False, "legal_exclusion",
                      f"This item is {what_en}, which the law excludes from no-reason returns and exchanges. {quality_en}",
                      f"该商品属于{what_zh}，依法不适用无理由退换。{quality_zh}")
    if facts.final_sale and not policy.returns.final_sale_no_reason:
        return decide(False, "final_sale",
                      f"This item was sold as final sale (clearance), as shown when you bought it: it can be returned "
                      f"or exchanged only for a quality problem. {quality_en}",
                      f"该商品为清仓特价（购买时已注明不支持无理由退换），仅支持质量问题退换。{quality_zh}")
    return None


def _no_reason_return(facts: ReturnFacts, decide: _Decide, now: datetime, policy: Policy,
                      opened: bool | None) -> ReturnDecision:
    rules = policy.returns
    days = rules.no_reason_days
    refused = _not_no_reason(facts, decide, policy)
    if refused is not None:
        return refused
    win_en, win_zh = window_text(days, facts)
    if not _within(facts, days, now):
        assert facts.signed_at is not None
        ended = last_day(facts.signed_at, days)
        return decide(False, "no_reason_window",
                      f"The {days}-day no-reason return window ended on {ended:%Y-%m-%d} (counted from the day after "
                      f"you signed for it). Quality problems are covered for {rules.quality_exchange_days} days "
                      "(exchange or repair).",
                      f"{days}天无理由退货期限（自签收次日起算）已于 {ended:%Y-%m-%d} 结束；如有质量问题，"
                      f"签收次日起 {rules.quality_exchange_days} 天内可换货或维修。", _deadline(facts, days))
    sealed_en = sealed_zh = ""
    if facts.category in rules.opened_not_returnable_categories:
        category = ReturnFacts.of_category(facts.category)
        label_en, label_zh = category.name_en.lower(), category.name_zh
        if opened is None:
            return decide(False, "ask_opened",
                          f"Has it been opened? Unopened {label_en} can be returned without a reason {win_en}; "
                          "once opened it cannot, as you confirmed when you bought it.",
                          f"请问商品拆封了吗？{label_zh}未拆封的，{win_zh}可无理由退货；"
                          "拆封后不支持无理由退货（购买时您已确认）。", _deadline(facts, days))
        if opened:
            return decide(False, "opened_excluded",
                          f"Opened {label_en} cannot be returned without a reason, as you confirmed when you bought "
                          f"it. Quality problems are still covered: return within {rules.quality_return_days} days, "
                          f"exchange within {rules.quality_exchange_days} days of signing.",
                          f"{label_zh}拆封后不支持无理由退货（购买时您已确认）；如有质量问题，签收次日起 "
                          f"{rules.quality_return_days} 天内可退货、{rules.quality_exchange_days} 天内可换货。")
        sealed_en, sealed_zh = " It must still be unopened.", "商品需保持未拆封。"
    ship_en, ship_zh = shipping_text(policy, quality=False)
    ref_en, ref_zh = refund_text(policy, facts.pay_channel)
    return decide(True, "no_reason_window",
                  f"Eligible: a {days}-day no-reason return {win_en}.{sealed_en} Keep it complete: opening it to "
                  f"inspect is fine; include the accessories and tags. {ship_en} {ref_en}",
                  f"符合{days}天无理由退货，{win_zh}。{sealed_zh}请保持商品完好（拆封查验不影响），配件、吊牌齐全。"
                  f"{ship_zh}{ref_zh}", _deadline(facts, days))


def _size_exchange(facts: ReturnFacts, decide: _Decide, now: datetime, policy: Policy) -> ReturnDecision:
    days = policy.returns.no_reason_days
    if facts.category != "apparel":
        return decide(False, "size_exchange_apparel",
                      f"Size exchanges are for clothing; other items can use the {days}-day no-reason return.",
                      f"尺码换货仅适用于服饰；其他商品可申请{days}天无理由退货。")
    refused = _not_no_reason(facts, decide, policy)
    if refused is not None:
        return refused
    win_en, win_zh = window_text(days, facts)
    if not _within(facts, days, now):
        assert facts.signed_at is not None
        ended = last_day(facts.signed_at, days)
        return decide(False, "size_exchange_window",
                      f"The {days}-day size-exchange window ended on {ended:%Y-%m-%d} (counted from the day after you "
                      "signed for it).",
                      f"换码期限（自签收次日起 {days} 天）已于 {ended:%Y-%m-%d} 结束。", _deadline(facts, days))
    ship_en, ship_zh = shipping_text(policy, quality=False)
    return decide(True, "size_exchange_window",
                  f"Eligible: clothing can be exchanged for another size {win_en}, unworn with its tags. {ship_en}",
                  f"符合条件：服饰可换尺码，{win_zh}，需未穿着、吊牌完好。{ship_zh}", _deadline(facts, days))


def case_open_decision(kind: ReturnKind, reason: ReturnReason, case: ReturnRequest) -> ReturnDecision:
    """The refusal when the item already has an after-sales case (one per item)."""
    existing_en = "an exchange" if case.kind == ReturnKind.EXCHANGE.value else "a return"
    existing_zh = "换货" if case.kind == ReturnKind.EXCHANGE.value else "退货"
    return ReturnDecision(
        False, kind, reason, "case_open",
        f"There is already {existing_en} request for this item (filed {case.created_at:%Y-%m-%d}); an item can have "
        "one after-sales case at a time. A colleague can change that request for you.",
        f"该商品已有一个{existing_zh}申请（{case.created_at:%Y-%m-%d} 提交），每件商品同一时间只能有一个售后申请；"
        "如需更改，人工客服可以为您处理。", None)


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
