"""Return and exchange decisions by the store's policy and the law: pure rules, no I/O.

Split from ``returns`` so every rule is unit-testable on its own and the FAQ (``return_policy``)
asks the very same ``evaluate`` the service files cases with: the answer and the decision cannot
disagree. Every number comes from ``Policy.returns``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from desktop_app.service.policy import Policy
from desktop_app.service.return_facts import (
    EXCLUSION_NAMES,
    ReturnFacts,
    last_day,
    refund_text,
    shipping_text,
    window_text,
)
from desktop_app.service.types import ReturnDecision, ReturnKind, ReturnReason
from desktop_app.store.schema import ReturnRequest

QUALITY_REASONS = frozenset({ReturnReason.QUALITY, ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM})
#: The seller's fault in the customer's words, for the quality decisions.
_PROBLEMS = {ReturnReason.QUALITY: ("a quality problem", "质量问题"),
             ReturnReason.DAMAGED: ("an item damaged in delivery", "运输破损的商品"),
             ReturnReason.WRONG_ITEM: ("a wrong item sent", "发错的商品")}



def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))



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
