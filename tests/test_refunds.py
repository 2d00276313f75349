"""The refund ledger and "where is my refund?": amounts, channels and dates in the customer's words."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import AccessDenied
from desktop_app.service.refunds import RefundView, channel_text
from desktop_app.service.types import OrderStatus, ReturnKind, ReturnReason, ReturnRequestView, ServiceAction, yuan
from desktop_app.store.schema import Customer, Order, Refund
from tests.service_helpers import delivered_within, order_where, wrong_last4

#: Stored codes that must never reach a customer's screen.
RAW = re.compile(r"\b(?:pending|completed|alipay|wechat|price_protection|submitted|cancel|return)\b")


def _returned(app):
    return order_where(app, lambda o, now: o.status == "returned")


def _refund_count(app):
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(Refund))


def test_a_returned_order_shows_its_refunds_in_words(app):
    order, customer = _returned(app)
    refunds = app.refunds.refunds_for(order.order_number, customer_code=customer.code)
    assert refunds and sum(r.amount_fen for r in refunds) == order.total_fen
    for r in refunds:
        assert r.channel == order.pay_channel and r.source == "return" and r.product_name_zh
        for language in ("zh", "en"):
            text = " ".join((r.card_title(language), *r.card_lines(language)))
            assert yuan(r.amount_fen) in text and channel_text(r.channel, language) in text
            assert not RAW.search(text), text
    assert channel_text("wechat", "zh") == "微信支付" and channel_text("card", "en") == "bank card"


def test_refunds_need_the_owner(app):
    order, customer = _returned(app)
    assert app.refunds.refunds_for(order.order_number[-4:], phone_last4=customer.phone[-4:])
    with pytest.raises(AccessDenied):
        app.refunds.refunds_for(order.order_number, phone_last4=wrong_last4(customer.phone))
    other = "C001" if customer.code != "C001" else "C002"
    with pytest.raises(AccessDenied):
        app.refunds.refunds_for(order.order_number, customer_code=other)


def test_record_books_a_pending_refund_due_by_the_policy(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    now = app.clock.now()
    with app.db.session() as s:
        row = s.scalar(select(Order).where(Order.order_number == order.order_number))
        assert row is not None
        item = row.items[0]
        back = app.refunds.record(s, row, item, "return", 4200)
        diff = app.refunds.record(s, row, None, "price_protection", 300)
        s.commit()
    assert isinstance(back, RefundView) and back.status == "pending" and not back.overdue
    assert back.item_id == item.id and back.channel == order.pay_channel
    assert abs(back.expected_by - (now + timedelta(days=app.policy.returns.refund_days))) < timedelta(minutes=1)
    assert abs(diff.expected_by - (now + timedelta(days=app.policy.orders.refund_days_after_cancel))) \
        < timedelta(minutes=1)
    listed = app.refunds.refunds_for(order.order_number, customer_code=customer.code)
    assert [r.refund_id for r in listed][:2] == [diff.refund_id, back.refund_id]


def test_record_refuses_what_cannot_be_a_refund(app):
    order, _ = order_where(app, lambda o, now: o.status == "delivered")
    other, _ = order_where(app, lambda o, now: o.status == "returned")
    before = _refund_count(app)
    with app.db.session() as s:
        row = s.scalar(select(Order).where(Order.order_number == order.order_number))
        foreign = s.scalar(select(Order).where(Order.order_number == other.order_number))
        assert row is not None and foreign is not None
        for source, amount, item in (("gift", 100, None), ("return", 0, None), ("return", -5, None),
                                     ("return", 100, foreign.items[0])):
            with pytest.raises(ValueError):
                app.refunds.record(s, row, item, source, amount)
        s.rollback()
    assert _refund_count(app) == before


def test_refunds_of_a_customer_and_a_late_one(app):
    order, customer = _returned(app)
    with app.db.session() as s:
        row = s.scalar(select(Refund).join(Order, Refund.order_id == Order.id)
                       .where(Order.order_number == order.order_number))
        assert row is not None
        row.status, row.completed_at = "pending", None
        row.expected_by = app.clock.now() - timedelta(days=2)
        s.commit()
    mine = app.refunds.refunds_of(customer.code)
    late = [r for r in mine if r.order_number == order.order_number and r.overdue]
    assert late and "超过预计时间" in late[0].status_text("zh") and "later than promised" in late[0].status_text("en")
    assert all(r.created_at >= b.created_at for r, b in zip(mine, mine[1:], strict=False))


# -- conversations --------------------------------------------------------------------------------


def _ask(app, st, text):
    return app.assistant.ask(st, text).reply


def test_signed_in_customer_asking_without_a_number_gets_their_refund(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = _ask(app, st, "我的退款什么时候到账")
    assert ServiceAction.REFUND_STATUS_SHOWN in reply.actions
    (returned,) = [v for v in app.orders.orders_of("C001") if v.status == OrderStatus.RETURNED]
    cards = [c for c in reply.cards if isinstance(c, RefundView)]
    assert cards and cards[0].order_number == returned.order_number
    assert yuan(returned.total_fen) in reply.text and "支付宝" in reply.text and "已于" in reply.text
    assert not RAW.search(reply.text)


def test_a_fresh_cancel_refund_is_pending_with_its_date(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    paid = next(v for v in app.orders.orders_of("C001") if v.status == OrderStatus.PAID)
    _ask(app, st, "cancel the order that hasn't shipped")
    _ask(app, st, "yes")
    reply = _ask(app, st, "where is my refund")
    assert ServiceAction.REFUND_STATUS_SHOWN in reply.actions
    assert yuan(paid.total_fen) in reply.text and "Alipay" in reply.text and "expected by" in reply.text


def test_anonymous_refund_status_with_digits(app):
    order, customer = _returned(app)
    st = app.assistant.new_session(language="zh")
    first = _ask(app, st, f"订单{order.order_number[-4:]}的退款到哪了")
    assert "后四位" in first.text
    reply = _ask(app, st, customer.phone[-4:])
    assert ServiceAction.REFUND_STATUS_SHOWN in reply.actions and "原路退回" in reply.text


def test_a_return_without_a_refund_yet_says_where_it_stands(app):
    order, customer = order_where(app, delivered_within(0, 5))
    filed = app.returns.file(order.order_number, kind=ReturnKind.RETURN, reason=ReturnReason.NO_REASON,
                             item_id=order.items[0].id, customer_code=customer.code)
    assert isinstance(filed, ReturnRequestView) and filed.status == "submitted"
    st = app.assistant.new_session(language="zh", customer_code=customer.code)
    reply = _ask(app, st, "退款到账了吗")
    assert ServiceAction.REFUND_STATUS_SHOWN in reply.actions
    assert "已提交" in reply.text and "寄回" in reply.text and "submitted" not in reply.text
    assert f"{app.policy.returns.refund_days} 天内原路退款" in reply.text
    st_en = app.assistant.new_session(language="en", customer_code=customer.code)
    english = _ask(app, st_en, f"has the refund for order {order.order_number} been processed")
    assert "waiting for the item" in english.text and not RAW.search(english.text.replace(" return request", ""))


def test_an_order_with_no_refund_says_so(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    paid = next(v for v in app.orders.orders_of("C001") if v.status == OrderStatus.PAID)
    reply = _ask(app, st, f"refund status of order {paid.order_number}")
    assert ServiceAction.REFUND_STATUS_SHOWN in reply.actions and "no refund" in reply.text.lower()
    assert not any(isinstance(c, RefundView) for c in reply.cards)


# -- command line ---------------------------------------------------------------------------------


def test_cli_refunds_json_text_and_bad_input(cli, app):
    order, customer = _returned(app)
    code, out, _ = cli("refunds", order.order_number, "--customer", customer.code, "--json")
    data = json.loads(out)
    assert code == 0 and sum(r["amount_fen"] for r in data) == order.total_fen
    code, out, _ = cli("--lang", "zh", "refunds", order.order_number[-4:], "--phone-last4", customer.phone[-4:])
    assert code == 0 and "退款" in out and "原路退回" in out
    code, _, err = cli("refunds", order.order_number, "--phone-last4", wrong_last4(customer.phone))
    assert code == 1 and "could not verify" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("refunds", "abcd", "--phone-last4", "1234")
    assert code == 1 and "16 digits" in err
    with app.db.session() as s:
        phone = s.scalar(select(Customer.phone).where(Customer.code == "C001"))
    paid = next(v for v in app.orders.orders_of("C001") if v.status == OrderStatus.PAID)
    code, out, _ = cli("--lang", "en", "refunds", paid.order_number, "--phone-last4", phone[-4:])
    assert code == 0 and "No refunds" in out
