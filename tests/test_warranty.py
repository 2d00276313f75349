"""Warranty repair: the period per category (and the phone battery's own) from delivery, 三包 options
early on, refusals that change nothing, one open ticket per item, and the fault stored encrypted.

The demo store holds no item past its warranty (the oldest delivery is months inside the shortest
non-zero period), so expiry is tested by moving the clock past the end date.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.clock import FixedClock
from desktop_app.core.crypto import TextCipher, load_or_create_key
from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible, NotFound
from desktop_app.core.text import clean_text
from desktop_app.dialogue.reply import Outcome
from desktop_app.service.types import ServiceAction
from desktop_app.service.warranty import WarrantyService, WarrantyStatus, WarrantyTicketView, add_months
from desktop_app.store.schema import Order, WarrantyTicket
from tests.service_helpers import delivered_within, order_where, wrong_last4

RAW_CODES = ("battery_", "open", "closed", "repeat", "None", "True", "False", "phone_battery")


def _one_item(category: str, days_low: float, days_high: float):
    base = delivered_within(days_low, days_high, category)
    return lambda order, now: len(order.items) == 1 and base(order, now)


def _tickets(app) -> int:
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(WarrantyTicket)) or 0


def _service_at(app, when: datetime) -> WarrantyService:
    cipher = TextCipher(load_or_create_key(app.settings.resolved_key_file))
    return WarrantyService(app.db, FixedClock(when), app.orders, app.policy, cipher)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 18), 12) == date(2027, 11, 18)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_new_phone_is_covered_and_may_also_be_returned(app):
    order, customer = order_where(app, _one_item("phone", 0, app.policy.returns.quality_return_days - 1))
    months = app.policy.warranty.months_for("phone")
    status = app.warranty.check(order.order_number, customer_code=customer.code)
    assert isinstance(status, WarrantyStatus) and status.covered and status.months == months
    assert status.until.date() == add_months(order.delivered_at.date(), months) and status.remedy == "return"
    zh, en = " ".join(status.card_lines("zh")), " ".join(status.card_lines("en"))
    assert "退货" in zh and "return" in en and not any(code in zh + en for code in RAW_CODES)


def test_filing_stores_the_fault_encrypted_and_a_second_filing_returns_the_first(app):
    order, customer = order_where(app, _one_item("phone", 0, 6))
    problem = "屏幕突然不亮了，充电也没反应"
    ticket = app.warranty.file(order.order_number, problem, customer_code=customer.code)
    assert isinstance(ticket, WarrantyTicketView) and ticket.created and ticket.number.startswith("W")
    assert not ticket.onsite and ticket.repair_city in " ".join(ticket.card_lines("zh"))
    with app.db.session() as s:
        row = s.get(WarrantyTicket, ticket.ticket_id)
        assert row is not None and row.problem_encrypted is not None
        assert problem.encode() not in row.problem_encrypted
        stored = row.problem_encrypted
    assert TextCipher(load_or_create_key(app.settings.resolved_key_file)).decrypt(stored) == clean_text(problem)
    again = app.warranty.file(order.order_number, "还是坏的", customer_code=customer.code)
    assert not again.created and again.ticket_id == ticket.ticket_id and _tickets(app) == 1
    assert app.warranty.check(order.order_number, customer_code=customer.code).open_ticket_id == ticket.ticket_id


def test_a_battery_fault_has_the_batterys_shorter_period(app):
    order, customer = order_where(app, _one_item("phone", 0, 30))
    battery = app.warranty.check(order.order_number, problem_text="电池鼓包，续航很差", customer_code=customer.code)
    months = app.policy.warranty.phone_battery_months
    assert battery.part == "battery" and battery.months == months
    assert battery.until.date() == add_months(order.delivered_at.date(), months)
    assert "电池" in battery.card_lines("zh")[0] and "battery" in battery.card_lines("en")[0]
    ticket = app.warranty.file(order.order_number, "the battery drains in two hours", customer_code=customer.code)
    assert ticket.part == "battery" and ticket.warranty_until == battery.until


def test_expired_warranty_is_refused_with_its_end_date_and_nothing_is_stored(app):
    order, customer = order_where(app, _one_item("furniture", 16, 400))
    months = app.policy.warranty.months_for("furniture")
    end = add_months(order.delivered_at.date(), months)
    late = _service_at(app, datetime.combine(end + timedelta(days=1), datetime.min.time()).replace(hour=10))
    status = late.check(order.order_number, customer_code=customer.code)
    assert not status.covered and status.until.date() == end
    with pytest.raises(NotEligible) as refused:
        late.file(order.order_number, "the drawer runner broke", customer_code=customer.code)
    assert f"{end:%Y-%m-%d}" in refused.value.message and "paid repair" in refused.value.message
    assert f"{end:%Y-%m-%d}" in refused.value.message_zh and "付费维修" in refused.value.message_zh
    assert _tickets(app) == 0
    last_day = _service_at(app, datetime.combine(end, datetime.min.time()).replace(hour=20))
    assert last_day.check(order.order_number, customer_code=customer.code).covered


def test_undelivered_orders_and_categories_without_warranty_are_refused(app):
    moving, owner = order_where(app, lambda o, now: o.status in ("shipped", "in_transit", "delayed") and len(o.items) == 1)
    with pytest.raises(NotEligible) as not_yet:
        app.warranty.file(moving.order_number, "broken", customer_code=owner.code)
    assert "delivered" in not_yet.value.message and "签收" in not_yet.value.message_zh
    no_cover = [c for c, m in app.policy.warranty.months if m == 0]
    assert no_cover, "the policy gives some category no warranty"
    order, customer = order_where(app, lambda o, now: o.status == "delivered" and len(o.items) == 1
                                  and o.items[0].product.category in no_cover
                                  and (now - o.delivered_at).days <= app.policy.returns.quality_exchange_days)
    status = app.warranty.check(order.order_number, customer_code=customer.code)
    assert not status.covered and status.until is None and "退货或换货" in status.explanation_zh
    with pytest.raises(NotEligible):
        app.warranty.file(order.order_number, "过敏了", customer_code=customer.code)
    assert _tickets(app) == 0


def test_repeated_repairs_open_exchange_or_return(app):
    order, customer = order_where(app, _one_item("camping", 16, 300))
    item_id = order.items[0].id
    with app.db.session() as s:
        for n in range(app.policy.warranty.failed_repairs_before_exchange):
            s.add(WarrantyTicket(order_item_id=item_id, status="closed", created_at=order.delivered_at + timedelta(days=n + 1),
                                 warranty_until=order.delivered_at + timedelta(days=365)))
        s.commit()
    status = app.warranty.check(order.order_number, customer_code=customer.code)
    assert status.covered and status.remedy == "repeat"
    assert "换货或退货" in " ".join(status.card_lines("zh"))


def test_item_choice_and_access_are_checked(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered" and len(o.items) > 1)
    with pytest.raises(InvalidInput):
        app.warranty.check(order.order_number, customer_code=customer.code)
    with pytest.raises(NotFound):
        app.warranty.check(order.order_number, item_id=-5, customer_code=customer.code)
    assert app.warranty.check(order.order_number, order.items[1].id, customer_code=customer.code).item_id == order.items[1].id
    with app.db.session() as s:
        phone = s.get(Order, order.id).contact_phone
    with pytest.raises(AccessDenied):
        app.warranty.file(order.order_number, "broken", order.items[0].id, phone_last4=wrong_last4(phone))
    with pytest.raises(InvalidInput):
        app.warranty.file(order.order_number, "   ", order.items[0].id, customer_code=customer.code)
    assert _tickets(app) == 0


def test_the_assistant_files_a_repair_from_one_sentence(app):
    order, customer = order_where(app, _one_item("furniture", 16, 400))
    st = app.assistant.new_session(language="zh", customer_code=customer.code)
    reply = app.assistant.ask(st, "桌子腿松了，晃得厉害，能保修吗").reply
    assert reply.intent == "warranty_repair" and ServiceAction.WARRANTY_FILED in reply.actions
    ticket = next(c for c in reply.cards if isinstance(c, WarrantyTicketView))
    assert ticket.onsite and ticket.number in reply.text and "上门" in reply.text
    assert ticket.item_id == order.items[0].id


def test_the_assistant_asks_what_is_wrong_then_files(app):
    order, customer = order_where(app, _one_item("phone", 0, 6))
    st = app.assistant.new_session(language="en", customer_code=customer.code)
    first = app.assistant.ask(st, f"I need a warranty repair for order {order.order_number}").reply
    assert first.outcome == Outcome.FORM and "What is wrong" in first.text and _tickets(app) == 0
    second = app.assistant.ask(st, "it won't turn on anymore").reply
    assert ServiceAction.WARRANTY_FILED in second.actions and "return or an exchange" in second.text


def test_the_assistant_refuses_an_item_not_delivered_yet(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, "帐篷坏了要保修").reply
    assert reply.outcome == Outcome.REFUSED and ServiceAction.WARRANTY_REFUSED in reply.actions
    assert "帐篷" in reply.text and "签收" in reply.text and _tickets(app) == 0


def test_cli_checks_and_files(cli, app):
    order, customer = order_where(app, _one_item("phone", 0, 6))
    code, out, _ = cli("warranty", order.order_number, "--customer", customer.code, "--json")
    assert code == 0 and json.loads(out)["covered"]
    code, out, _ = cli("--lang", "zh", "warranty", order.order_number, "--customer", customer.code, "--file", "屏幕坏了")
    assert code == 0 and "工单号" in out
    code, out, err = cli("warranty", order.order_number, "--customer", customer.code, "--item", "x")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1
