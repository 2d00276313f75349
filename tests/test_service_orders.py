from __future__ import annotations

import pytest

from desktop_app.core.errors import AccessDenied, InvalidInput, NotFound
from desktop_app.service.access_guard import OwnershipNotProven, TooManyAttempts
from desktop_app.service.orders import MAX_FAILED_ATTEMPTS
from desktop_app.service.types import OrderStatus
from tests.service_helpers import order_where, wrong_last4


def test_owner_with_phone_digits_sees_order_and_ordered_timeline(app):
    order, customer = order_where(app, lambda o, now: o.status == "in_transit")
    view = app.orders.lookup(order.order_number, phone_last4=customer.phone[-4:])
    assert view.order_number == order.order_number
    assert view.status is OrderStatus.IN_TRANSIT
    assert len(view.timeline) >= 2
    times = [e.occurred_at for e in view.timeline]
    assert times == sorted(times)
    assert view.masked_phone.endswith(customer.phone[-4:]) and "****" in view.masked_phone
    assert customer.phone not in repr(view)


def test_signed_in_customer_needs_no_digits(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    assert app.orders.lookup(order.order_number, customer_code=customer.code).order_number == order.order_number


def test_partial_reference_with_phone_digits(app):
    order, customer = order_where(app, lambda o, now: o.status == "shipped")
    view = app.orders.lookup(order.order_number[-4:], phone_last4=customer.phone[-4:])
    assert view.order_number == order.order_number


def test_partial_reference_alone_is_refused(app):
    order, _ = order_where(app, lambda o, now: True)
    with pytest.raises(InvalidInput):
        app.orders.lookup(order.order_number[-4:])


def test_delayed_order_is_flagged_late(app):
    order, customer = order_where(app, lambda o, now: o.status == "delayed")
    view = app.orders.lookup(order.order_number, phone_last4=customer.phone[-4:])
    assert view.is_late
    assert any(e.code == "exception" for e in view.timeline)


def test_unknown_order_is_refused_like_wrong_digits(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    with pytest.raises(OwnershipNotProven) as unknown:
        app.orders.lookup("9999999999999999", phone_last4="1234")
    with pytest.raises(OwnershipNotProven) as wrong:
        app.orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
    assert (unknown.value.message, unknown.value.message_zh) == (wrong.value.message, wrong.value.message_zh)


def test_signed_in_customer_hears_when_none_of_their_orders_match(app):
    _, customer = order_where(app, lambda o, now: True)
    mine = {o.order_number[-4:] for o in app.orders.orders_of(customer.code)}
    tail = next(f"{n:04d}" for n in range(10_000) if f"{n:04d}" not in mine)
    with pytest.raises(NotFound, match="None of your orders"):
        app.orders.lookup(tail, customer_code=customer.code)


def test_someone_elses_order_needs_the_right_digits(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    with pytest.raises(AccessDenied):
        app.orders.lookup(order.order_number)
    with pytest.raises(AccessDenied):
        app.orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
    other, _ = order_where(app, lambda o, now: o.customer_id != order.customer_id)
    with pytest.raises(AccessDenied):
        app.orders.lookup(other.order_number, customer_code=customer.code)


def test_repeated_wrong_digits_lock_the_order(app):
    order, customer = order_where(app, lambda o, now: o.status == "paid")
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(AccessDenied):
            app.orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
    with pytest.raises(TooManyAttempts):
        app.orders.lookup(order.order_number, phone_last4=customer.phone[-4:])


@pytest.mark.parametrize(
    "ref",
    ["", "   ", "x" * 10_000, "2611\x00151234567890", "1' OR '1'='1", "'; DROP TABLE orders; --", "１２３"],
)
def test_bad_order_references_are_refused_cleanly(app, ref):
    with pytest.raises((InvalidInput, OwnershipNotProven)):
        app.orders.lookup(ref, phone_last4="1234")


@pytest.mark.parametrize("digits", ["", "12", "12345", "abcd", "12\x0734", "' OR 1=1"])
def test_bad_phone_digits_are_refused(app, digits):
    order, _ = order_where(app, lambda o, now: True)
    with pytest.raises(InvalidInput):
        app.orders.lookup(order.order_number, phone_last4=digits)
