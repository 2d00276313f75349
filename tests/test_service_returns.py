from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import AccessDenied, NotEligible
from desktop_app.service.types import ReturnKind, ReturnReason
from desktop_app.store.schema import ReturnRequest
from tests.service_helpers import delivered_within, matching_item, order_where, wrong_last4

NO_REASON = dict(kind=ReturnKind.RETURN, reason=ReturnReason.NO_REASON)


def _recent_returnable(app):
    """A recent delivery with a no-reason-returnable item, and that item's id."""
    for category in ("phone", "camping", "apparel", "smartwatch", "furniture"):
        try:
            order, customer = order_where(app, delivered_within(0, 6.5, category=category, final_sale=False))
        except AssertionError:
            continue
        return order, customer, matching_item(order, category, final_sale=False).id
    raise AssertionError("no recently delivered order with a no-reason-returnable item")


def test_recent_delivery_is_eligible_for_no_reason_return(app):
    order, customer, item_id = _recent_returnable(app)
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert decision.eligible, decision.explanation_en
    assert decision.rule == "no_reason_7d"
    assert decision.deadline is not None and decision.deadline > order.delivered_at


def test_filing_twice_persists_once(app):
    order, customer, item_id = _recent_returnable(app)
    first = app.returns.file(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    second = app.returns.file(order.order_number, phone_last4=customer.phone[-4:], item_id=item_id, **NO_REASON)
    assert first.created and not second.created
    assert first.request_id == second.request_id
    with app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReturnRequest)
                        .where(ReturnRequest.order_item_id == first.item_id)) == 1


def test_return_outside_the_window_is_refused(app):
    order, customer = order_where(app, delivered_within(16, 400))
    item_id, last4 = order.items[0].id, customer.phone[-4:]
    decision = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert not decision.eligible
    with pytest.raises(NotEligible):
        app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    quality = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id,
                                kind=ReturnKind.EXCHANGE, reason=ReturnReason.QUALITY)
    assert not quality.eligible and "15" in quality.explanation_en


def test_quality_exchange_window_is_longer_than_no_reason(app):
    order, customer = order_where(app, delivered_within(8, 14.5, final_sale=False))
    last4, item_id = customer.phone[-4:], matching_item(order, final_sale=False).id
    assert not app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON).eligible
    assert app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, kind=ReturnKind.EXCHANGE,
                             reason=ReturnReason.QUALITY).eligible


def test_skin_care_has_no_no_reason_return_but_quality_is_covered(app):
    order, customer = order_where(app, delivered_within(0, 6.5, category="skincare"))
    last4, item_id = customer.phone[-4:], matching_item(order, "skincare").id
    decision = app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert not decision.eligible and decision.rule == "hygiene_excluded"
    with pytest.raises(NotEligible):
        app.returns.file(order.order_number, phone_last4=last4, item_id=item_id, **NO_REASON)
    assert app.returns.check(order.order_number, phone_last4=last4, item_id=item_id, kind=ReturnKind.RETURN,
                             reason=ReturnReason.QUALITY).eligible


def test_final_sale_item_is_not_returnable_without_reason(app):
    order, customer = order_where(app, delivered_within(0, 6.5, final_sale=True))
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:],
                                 item_id=matching_item(order, final_sale=True).id, **NO_REASON)
    assert not decision.eligible and decision.rule == "final_sale"


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
    from desktop_app.core.errors import InvalidInput

    order, customer = order_where(app, lambda o, now: o.status == "delivered" and len(o.items) > 1)
    with pytest.raises(InvalidInput, match="several items"):
        app.returns.check(order.order_number, phone_last4=customer.phone[-4:], **NO_REASON)
