from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.types import ComplaintTopic, Priority
from desktop_app.store.schema import Customer, Order, OrderItem


def _owned(app, code):
    with app.db.session() as s:
        return set(s.scalars(select(OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
                             .join(Customer, Customer.id == Order.customer_id).where(Customer.code == code)).all())


def test_recommendations_come_with_reasons_and_skip_owned_items(app):
    recs = app.recommendations.for_customer("C001", limit=5)
    assert 1 <= len(recs) <= 5
    owned = _owned(app, "C001")
    for r in recs:
        assert r.product.product_id not in owned
        assert r.product.stock > 0
        assert r.signals and r.score == pytest.approx(sum(s.weight for s in r.signals), abs=1e-3)
        assert r.why("en") and r.why("zh")
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_recommendations_follow_each_customers_interests(app):
    """Different histories give different lists, and the top pick's category is one the customer used."""
    with app.db.session() as s:
        codes = s.scalars(select(Customer.code).order_by(Customer.code)).all()
    tops = {}
    for code in codes:
        recs = app.recommendations.for_customer(code, limit=3)
        if recs:
            tops[code] = tuple(r.product.sku for r in recs)
            assert any(sig.name == "category" for sig in recs[0].signals) or any(
                sig.name == "co_purchase" for sig in recs[0].signals)
    assert len(tops) == len(codes)  # every demo customer has a history to go on
    assert len(set(tops.values())) >= len(tops) // 2


def test_unknown_customer(app):
    with pytest.raises(NotFound):
        app.recommendations.for_customer("C999")


def test_handoff_queue_orders_by_priority_then_age(app):
    low = app.handoff.open_ticket(reason="customer_request", priority=Priority.LOW, summary="wants a person")
    urgent = app.handoff.open_ticket(reason="angry", priority=Priority.URGENT, summary="parcel lost, very upset")
    normal = app.handoff.open_ticket(reason="repeated_failure", priority=Priority.NORMAL)
    queue = app.handoff.queue()
    ids = [t.ticket_id for t in queue]
    assert ids.index(urgent.ticket_id) < ids.index(normal.ticket_id) < ids.index(low.ticket_id)
    assert urgent.queue_position == 1
    app.handoff.close_ticket(urgent.ticket_id)
    assert urgent.ticket_id not in [t.ticket_id for t in app.handoff.queue()]


def test_handoff_refuses_unknown_reason_and_order(app):
    with pytest.raises(InvalidInput):
        app.handoff.open_ticket(reason="boredom", priority=Priority.LOW)
    with pytest.raises(NotFound):
        app.handoff.open_ticket(reason="angry", priority=Priority.HIGH, order_number="0000000000000000")


def test_complaints_are_counted_by_topic(app):
    before = app.handoff.complaint_topics().get("delivery_delay", 0)
    app.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="还没到，等了一周了", customer_code="C001")
    app.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="x" * 10_000)
    assert app.handoff.complaint_topics()["delivery_delay"] == before + 2
