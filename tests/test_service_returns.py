from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible
from desktop_app.service.policy import Policy, ReturnRules
from desktop_app.service.returns import ReturnFacts, evaluate
from desktop_app.service.types import ReturnKind, ReturnReason
from desktop_app.store.schema import Product, ReturnRequest
from tests.service_helpers import delivered_within, matching_item, order_where, wrong_last4

NO_REASON = dict(kind=ReturnKind.RETURN, reason=ReturnReason.NO_REASON)
QUALITY_RETURN = dict(kind=ReturnKind.RETURN, reason=ReturnReason.QUALITY)
QUALITY_EXCHANGE = dict(kind=ReturnKind.EXCHANGE, reason=ReturnReason.QUALITY)
NOT_OPENED_CATEGORIES = ("phone", "camping", "apparel", "smartwatch", "furniture")


def _recent_returnable(app):
    """A recent delivery with a no-reason-returnable item, and that item's id."""
    for category in NOT_OPENED_CATEGORIES:
        try:
            order, customer = order_where(app, delivered_within(0, 6.5, category=category, final_sale=False))
        except AssertionError:
            continue
        return order, customer, matching_item(order, category, final_sale=False).id
    raise AssertionError("no recently delivered order with a no-reason-returnable item")


def _requests_on(app, item_id: int) -> int:
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(ReturnRequest).where(ReturnRequest.order_item_id == item_id))


# -- the rules as pure functions -------------------------------------------------------------

SIGNED = datetime(2026, 11, 1, 23, 0)
PHONE = ReturnFacts("Phone", "手机", "phone", order_status="delivered", signed_at=SIGNED, pay_channel="wechat")


@pytest.mark.parametrize("now, eligible", [
    (datetime(2026, 11, 1, 23, 30), True),   # the day of signing does not count
    (datetime(2026, 11, 8, 23, 59), True),   # day 7 counted from the day after signing
    (datetime(2026, 11, 9, 0, 1), False),
])
def test_the_seven_days_count_from_the_day_after_signing(now, eligible):
    decision = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy())
    assert decision.eligible is eligible
    assert decision.deadline is not None and decision.deadline.date() == datetime(2026, 11, 8).date()
    assert "2026-11-08" in decision.explanation_en and "签收次日" in decision.explanation_zh


def test_a_decision_says_who_pays_shipping_and_when_the_refund_comes():
    now = SIGNED + timedelta(days=2)
    no_reason = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy())
    assert "you pay the return shipping" in no_reason.explanation_en and "由您承担" in no_reason.explanation_zh
    assert "within 7 days of receiving" in no_reason.explanation_en and "微信支付" in no_reason.explanation_zh
    quality = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.QUALITY, now, Policy())
    assert "we pay the return shipping" in quality.explanation_en and "由我们承担" in quality.explanation_zh
    generous = Policy(returns=ReturnRules(buyer_pays_no_reason_shipping=False, refund_days=3))
    free = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.NO_REASON, now, generous)
    assert "We pay the return shipping" in free.explanation_en and "within 3 days" in free.explanation_en


def test_quality_windows_come_from_the_policy_and_a_late_return_is_offered_an_exchange():
    late = SIGNED + timedelta(days=10)
    refused = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.QUALITY, late, Policy())
    assert not refused.eligible and "exchange it or have it repaired" in refused.explanation_en
    assert evaluate(PHONE, ReturnKind.EXCHANGE, ReturnReason.QUALITY, late, Policy()).eligible
    longer = Policy(returns=ReturnRules(quality_return_days=12))
    assert evaluate(PHONE, ReturnKind.RETURN, ReturnReason.QUALITY, late, longer).eligible
    too_late = evaluate(PHONE, ReturnKind.EXCHANGE, ReturnReason.QUALITY, SIGNED + timedelta(days=17), Policy())
    assert not too_late.eligible and "2026-11-16" in too_late.explanation_en


@pytest.mark.parametrize("exclusion", ["custom_made", "perishable", "digital", "periodical"])
def test_the_laws_exclusions_never_allow_a_no_reason_return_but_quality_is_covered(exclusion):
    facts = replace(PHONE, return_exclusion=exclusion)
    now = SIGNED + timedelta(days=1)
    decision = evaluate(facts, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy())
    assert not decision.eligible and decision.rule == "legal_exclusion"
    assert evaluate(facts, ReturnKind.RETURN, ReturnReason.QUALITY, now, Policy()).eligible
    lenient = Policy(returns=ReturnRules(never_no_reason=frozenset({"periodical"} - {exclusion})))
    assert evaluate(facts, ReturnKind.RETURN, ReturnReason.NO_REASON, now, lenient).eligible


def test_opened_skin_care_is_asked_about_and_only_unopened_returns_without_reason():
    cream = ReturnFacts("Cream", "面霜", "skincare", order_status="delivered", signed_at=SIGNED)
    now = SIGNED + timedelta(days=3)
    unknown = evaluate(cream, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy())
    assert not unknown.eligible and unknown.rule == "ask_opened" and "opened" in unknown.explanation_en
    sealed = evaluate(cream, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy(), opened=False)
    assert sealed.eligible and "unopened" in sealed.explanation_en
    opened = evaluate(cream, ReturnKind.RETURN, ReturnReason.NO_REASON, now, Policy(), opened=True)
    assert not opened.eligible and opened.rule == "opened_excluded"
    assert evaluate(cream, ReturnKind.RETURN, ReturnReason.QUALITY, now, Policy(), opened=True).eligible
    no_rule = Policy(returns=ReturnRules(opened_not_returnable_categories=frozenset()))
    assert evaluate(cream, ReturnKind.RETURN, ReturnReason.NO_REASON, now, no_rule, opened=True).eligible


def test_final_sale_follows_the_policy_and_never_waives_quality():
    clearance = replace(PHONE, category="apparel", final_sale=True)
    now = SIGNED + timedelta(days=1)
    for kind, reason in ((ReturnKind.RETURN, ReturnReason.NO_REASON), (ReturnKind.EXCHANGE, ReturnReason.SIZE)):
        decision = evaluate(clearance, kind, reason, now, Policy())
        assert not decision.eligible and decision.rule == "final_sale"
    assert evaluate(clearance, ReturnKind.EXCHANGE, ReturnReason.QUALITY, now, Policy()).eligible
    allowed = Policy(returns=ReturnRules(final_sale_no_reason=True))
    assert evaluate(clearance, ReturnKind.RETURN, ReturnReason.NO_REASON, now, allowed).eligible


def test_size_exchange_is_for_clothing_and_a_size_return_is_a_no_reason_return():
    now = SIGNED + timedelta(days=2)
    shirt = replace(PHONE, category="apparel")
    assert evaluate(shirt, ReturnKind.EXCHANGE, ReturnReason.SIZE, now, Policy()).eligible
    assert evaluate(PHONE, ReturnKind.EXCHANGE, ReturnReason.SIZE, now, Policy()).rule == "size_exchange_apparel"
    size_return = evaluate(PHONE, ReturnKind.RETURN, ReturnReason.SIZE, now, Policy())
    assert size_return.eligible and size_return.rule == "no_reason_window"
    assert evaluate(PHONE, ReturnKind.EXCHANGE, ReturnReason.NO_REASON, now, Policy()).rule == "no_reason_is_return"


# -- the service on the seeded store ---------------------------------------------------------


def test_recent_delivery_is_eligible_for_no_reason_return(app):
    order, customer, item_id = _recent_returnable(app)
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert decision.eligible, decision.explanation_en
    assert decision.rule == "no_reason_window"
    assert decision.deadline is not None and decision.deadline.date() == (order.delivered_at + timedelta(days=7)).date()


def test_filing_twice_persists_once(app):
    order, customer, item_id = _recent_returnable(app)
    first = app.returns.file(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    second = app.returns.file(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert first.created and not second.created
    assert first.request_id == second.request_id
    assert _requests_on(app, first.item_id) == 1


def test_one_after_sales_case_per_item(app):
    order, customer, item_id = _recent_returnable(app)
    last4 = customer.phone[-4:]
    exchange = app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **QUALITY_EXCHANGE)
    assert exchange.created
    decision = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert not decision.eligible and decision.rule == "case_open"
    filed_on = f"{exchange.created_at:%Y-%m-%d}"
    assert "already an exchange request for this item" in decision.explanation_en and filed_on in decision.explanation_en
    for other in (NO_REASON, QUALITY_RETURN, dict(kind=ReturnKind.EXCHANGE, reason=ReturnReason.DAMAGED)):
        with pytest.raises(NotEligible, match=f"already an exchange request for this item \\(filed {filed_on}\\)"):
            app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **other)
    assert _requests_on(app, item_id) == 1
    again = app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **QUALITY_EXCHANGE)
    assert not again.created and again.request_id == exchange.request_id


def test_return_outside_the_window_is_refused(app):
    order, customer = order_where(app, delivered_within(16, 400))
    item_id, last4 = order.items[0].id, customer.phone[-4:]
    decision = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert not decision.eligible
    with pytest.raises(NotEligible):
        app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    quality = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **QUALITY_EXCHANGE)
    assert not quality.eligible and "15" in quality.explanation_en
    assert _requests_on(app, item_id) == 0


def test_quality_exchange_window_is_longer_than_no_reason(app):
    order, customer = order_where(app, delivered_within(8, 14.5, final_sale=False))
    last4, item_id = customer.phone[-4:], matching_item(order, final_sale=False).id
    assert not app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON).eligible
    assert app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **QUALITY_EXCHANGE).eligible


def test_skin_care_needs_the_opened_answer(app):
    order, customer = order_where(app, delivered_within(0, 6.5, category="skincare"))
    last4, item_id = customer.phone[-4:], matching_item(order, "skincare").id
    ask = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert not ask.eligible and ask.rule == "ask_opened"
    with pytest.raises(InvalidInput, match="opened"):
        app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    with pytest.raises(NotEligible):
        app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, opened=True, **NO_REASON)
    assert _requests_on(app, item_id) == 0
    assert app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, opened=True,
                             **QUALITY_RETURN).eligible
    filed = app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, opened=False, **NO_REASON)
    assert filed.created and _requests_on(app, item_id) == 1


def test_final_sale_item_is_not_returnable_without_reason(app):
    order, customer = order_where(app, delivered_within(0, 6.5, final_sale=True))
    item_id = matching_item(order, final_sale=True).id
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert not decision.eligible and decision.rule == "final_sale"
    assert app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id,
                             **QUALITY_RETURN).eligible


def test_a_product_marked_custom_made_is_refused_by_law(app):
    order, customer, item_id = _recent_returnable(app)
    sku = matching_item(order, final_sale=False).product.sku
    with app.db.session() as s:
        s.scalar(select(Product).where(Product.sku == sku)).return_exclusion = "custom_made"
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert not decision.eligible and decision.rule == "legal_exclusion" and "定制" in decision.explanation_zh
    assert app.returns.product_facts(sku).return_exclusion == "custom_made"


def test_undelivered_order_cannot_be_returned(app):
    order, customer = order_where(app, lambda o, now: o.status == "in_transit")
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=order.items[0].id,
                                 **NO_REASON)
    assert not decision.eligible and decision.rule == "not_delivered"


def test_returned_order_cannot_be_returned_again(app):
    order, customer = order_where(app, lambda o, now: o.status == "returned")
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=order.items[0].id,
                                 **NO_REASON)
    assert not decision.eligible and decision.rule == "already_returned"


def test_return_needs_ownership(app):
    order, customer, item_id = _recent_returnable(app)
    with pytest.raises(AccessDenied):
        app.returns.file(order.order_number, phone_last4=wrong_last4(customer.phone), item_id=item_id, **NO_REASON)


def test_several_items_need_an_item_choice(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered" and len(o.items) > 1)
    with pytest.raises(InvalidInput, match="several items"):
        app.returns.check(order.order_number, phone_last4=customer.phone[-4:], **NO_REASON)


# -- the returns dialogue --------------------------------------------------------------------


def _ask(app, st, text):
    return app.assistant.ask(st, text).reply


def test_a_signed_in_customer_picks_among_delivered_orders(app):
    from desktop_app.dialogue.reply import OrderPicker, Outcome
    from desktop_app.service.types import OrderStatus, ServiceAction

    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = _ask(app, st, "我要退货")
    pickers = [c for c in reply.cards if isinstance(c, OrderPicker)]
    assert pickers and ServiceAction.ORDER_PICKER_SHOWN in reply.actions and reply.outcome == Outcome.FORM
    assert len(pickers[0].options) > 1 and all(o.status == OrderStatus.DELIVERED for o in pickers[0].options)
    reason = _ask(app, st, "第一个")
    assert reason.outcome == Outcome.FORM and "原因" in reason.text
    assert st.current_order == pickers[0].options[0].order_number


def test_skin_care_is_asked_whether_it_was_opened_before_filing(app):
    from desktop_app.service.types import ServiceAction

    order, customer = order_where(app, delivered_within(0, 6.5, category="skincare"))
    st = app.assistant.new_session(language="zh", customer_code=customer.code)
    reply = _ask(app, st, f"订单{order.order_number}我要退货，无理由")
    if "哪一件" in reply.text:
        reply = _ask(app, st, "第一件")
    assert "拆封了吗" in reply.text
    confirm = _ask(app, st, "没拆封")
    assert "要为" in confirm.text and "未拆封" in confirm.text
    filed = _ask(app, st, "确认提交")
    assert ServiceAction.RETURN_FILED in filed.actions
    with app.db.session() as s:
        ids = [i.id for i in order.items]
        assert s.scalar(select(func.count()).select_from(ReturnRequest)
                        .where(ReturnRequest.order_item_id.in_(ids))) == 1


def test_a_refusal_offers_what_is_still_possible_and_changes_nothing(app):
    from desktop_app.dialogue.reply import Outcome
    from desktop_app.service.types import ServiceAction

    order, customer = order_where(app, delivered_within(8, 14.5, category="phone", final_sale=False))
    st = app.assistant.new_session(language="en")
    _ask(app, st, f"return order {order.order_number}")
    _ask(app, st, customer.phone[-4:])
    refused = _ask(app, st, "I changed my mind")
    assert refused.outcome == Outcome.REFUSED and ServiceAction.RETURN_REFUSED in refused.actions
    assert "can still be exchanged until" in refused.text
    assert {"It has a quality problem", "Warranty repair", "Talk to a person"} <= set(refused.suggestions)
    assert _requests_on(app, order.items[0].id) == 0 and st.form is None


def test_the_dialogue_refuses_a_second_case_on_one_item(app):
    from desktop_app.service.types import ServiceAction

    order, customer, item_id = _recent_returnable(app)
    first = app.returns.file(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **QUALITY_EXCHANGE)
    st = app.assistant.new_session(language="en")
    _ask(app, st, f"I want to return order {order.order_number}")
    reply = _ask(app, st, customer.phone[-4:])
    if "Which item" in reply.text:
        reply = _ask(app, st, str(next(n for n, i in enumerate(order.items, 1) if i.id == item_id)))
    refused = _ask(app, st, "it is faulty")
    assert ServiceAction.RETURN_REFUSED in refused.actions
    assert f"already an exchange request for this item (filed {first.created_at:%Y-%m-%d})" in refused.text
    assert _requests_on(app, item_id) == 1
