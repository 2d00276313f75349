"""Payment problems: the unpaid order's deadline, failed payments, duplicate charges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop_app.dialogue.reply import ServiceAction
from desktop_app.service.payments import UNPAID_AUTO_CANCEL_HOURS, PaymentDue, duration_text, payment_due
from desktop_app.service.types import OrderStatus


def _order(app, code, status):
    return next(v for v in app.orders.orders_of(code) if v.status == status)


def test_payment_due_counts_down_to_the_auto_cancel(app):
    view = _order(app, "C002", OrderStatus.UNPAID)
    now = view.placed_at + timedelta(hours=2, minutes=30)
    due = payment_due(view, now)
    assert due.cancel_at == view.placed_at + timedelta(hours=UNPAID_AUTO_CANCEL_HOURS)
    assert due.minutes_left == (UNPAID_AUTO_CANCEL_HOURS - 2) * 60 - 30 and due.amount_fen == view.total_fen
    assert payment_due(view, view.placed_at + timedelta(days=3)).minutes_left == 0
    assert duration_text(95, "zh") == "1 小时 35 分钟" and duration_text(5, "en") == "5 min"
    with pytest.raises(ValueError):
        payment_due(_order(app, "C002", OrderStatus.PAID), now)


def test_unpaid_order_shows_amount_and_time_left(app):
    view = _order(app, "C002", OrderStatus.UNPAID)
    st = app.assistant.new_session(language="en", customer_code="C002")
    reply = app.assistant.ask(st, "how long do I have to pay for my order").reply
    due = next(c for c in reply.cards if isinstance(c, PaymentDue))
    assert due.order_number == view.order_number and ServiceAction.PAYMENT_HELPED in reply.actions
    assert f"{UNPAID_AUTO_CANCEL_HOURS} hours" in reply.text and f"{due.cancel_at:%m-%d %H:%M}" in reply.text


def test_failed_payment_gives_steps_and_offers_a_person(app):
    st = app.assistant.new_session(language="zh")
    reply = app.assistant.ask(st, "付款失败了").reply
    assert ServiceAction.PAYMENT_HELPED in reply.actions
    assert "限额" in reply.text and "微信支付" in reply.text and "转人工" in reply.suggestions


def test_duplicate_charge_is_refunded_automatically_with_a_person_on_offer(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st, "I was charged twice").reply
    assert "refunded automatically" in reply.text and "Talk to a person" in reply.suggestions
    assert not any(isinstance(c, PaymentDue) for c in reply.cards)


def test_no_unpaid_order_is_said_plainly(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st, "how long do I have to pay for my order").reply
    assert "None of your orders is waiting for payment" in reply.text
