"""Installation booking: the policy's slots and window, capacity counted from booked rows, one
booking per item (moved, never doubled), arriving parcels booked after their promised day, and the
assistant turning "明天上午" or "Sunday afternoon" into a slot."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.dialogue import care_slots, product_care_flow
from desktop_app.dialogue.reply import Outcome
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Intent
from desktop_app.service.installation import InstallationBookingView, InstallationSlots, installable
from desktop_app.service.types import ServiceAction
from desktop_app.store.schema import InstallationBooking, OrderItem
from tests.service_helpers import order_where


def _one_installable(app, statuses: tuple[str, ...]):
    def predicate(order, now):
        lines = [i for i in order.items if installable(i.product.category, i.product.needs_assembly, app.policy)]
        return order.status in statuses and len(lines) == 1 and len(order.items) == 1
    return order_where(app, predicate)


def _slot(app, day: date, n: int = 0) -> datetime:
    return datetime.combine(day, app.policy.installation.slots[n].start)


def _tomorrow(app) -> date:
    return app.clock.now().date() + timedelta(days=1)


def _fill(app, start: datetime, count: int) -> None:
    """Book ``count`` visits at ``start`` for other customers' items (any order line will do)."""
    with app.db.session() as s:
        taken = set(s.scalars(select(InstallationBooking.order_item_id)))
        items = [i for i in s.scalars(select(OrderItem.id).order_by(OrderItem.id.desc())) if i not in taken][:count]
        for item_id in items:
            s.add(InstallationBooking(order_item_id=item_id, slot_start=start, status="booked", created_at=app.clock.now()))
        s.commit()


def _bookings(app) -> int:
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(InstallationBooking)) or 0


def test_free_slots_follow_the_policy_window(app):
    order, customer = _one_installable(app, ("delivered",))
    rules = app.policy.installation
    info = app.installation.slots(order.order_number, customer_code=customer.code)
    assert isinstance(info, InstallationSlots) and info.booked is None and not info.arriving
    assert info.free[0].start == _slot(app, _tomorrow(app))
    assert len(info.free) == rules.days_ahead * len(rules.slots)
    assert all(f.left == rules.per_slot_capacity for f in info.free)
    assert info.free[-1].start.date() == app.clock.now().date() + timedelta(days=rules.days_ahead)
    zh = " ".join(info.card_lines("zh"))
    assert f"剩 {rules.per_slot_capacity} 个名额" in zh and "周" in zh


def test_an_arriving_parcel_is_installed_after_its_promised_day(app):
    order, customer = _one_installable(app, ("shipped", "in_transit", "delayed"))
    info = app.installation.slots(order.order_number, customer_code=customer.code)
    first = max(_tomorrow(app), order.promised_by.date() + timedelta(days=1))
    assert info.arriving and info.first_day.date() == first and info.free[0].start.date() == first
    if first > _tomorrow(app):
        with pytest.raises(NotEligible) as early:
            app.installation.book(order.order_number, _slot(app, _tomorrow(app)), customer_code=customer.code)
        assert f"{first:%m-%d}" in early.value.message and _bookings(app) == 0


def test_one_booking_per_item_moved_not_doubled(app):
    order, customer = _one_installable(app, ("delivered",))
    first, other = _slot(app, _tomorrow(app)), _slot(app, _tomorrow(app) + timedelta(days=1), 1)
    booked = app.installation.book(order.order_number, first, customer_code=customer.code)
    assert isinstance(booked, InstallationBookingView) and booked.created and booked.slot_start == first
    same = app.installation.book(order.order_number, first, customer_code=customer.code)
    assert not same.created and same.booking_id == booked.booking_id
    with pytest.raises(NotEligible) as twice:
        app.installation.book(order.order_number, other, customer_code=customer.code)
    assert f"{first:%m-%d}" in twice.value.message and "change" in twice.value.message and _bookings(app) == 1
    moved = app.installation.reschedule(order.order_number, other, customer_code=customer.code)
    assert moved.moved_from == first and moved.slot_start == other and moved.booking_id == booked.booking_id
    info = app.installation.slots(order.order_number, customer_code=customer.code)
    assert info.booked is not None and info.booked.slot_start == other and _bookings(app) == 1
    left = {f.start: f.left for f in info.free}
    assert left[first] == app.policy.installation.per_slot_capacity and left[other] == left[first] - 1


def test_a_full_slot_is_refused_with_the_next_free_one(app):
    order, customer = _one_installable(app, ("delivered",))
    full = _slot(app, _tomorrow(app))
    _fill(app, full, app.policy.installation.per_slot_capacity)
    before = _bookings(app)
    assert full not in {f.start for f in app.installation.slots(order.order_number, customer_code=customer.code).free}
    with pytest.raises(NotEligible) as refused:
        app.installation.book(order.order_number, full, customer_code=customer.code)
    next_free = _slot(app, _tomorrow(app), 1)
    assert "fully booked" in refused.value.message and f"{next_free:%H:%M}" in refused.value.message
    assert "约满" in refused.value.message_zh and _bookings(app) == before


def test_times_outside_the_rules_and_orders_that_cannot_be_installed(app):
    order, customer = _one_installable(app, ("delivered",))
    with pytest.raises(InvalidInput):
        app.installation.book(order.order_number, _slot(app, _tomorrow(app)).replace(hour=20), customer_code=customer.code)
    too_far = app.clock.now().date() + timedelta(days=app.policy.installation.days_ahead + 1)
    with pytest.raises(NotEligible):
        app.installation.book(order.order_number, _slot(app, too_far), customer_code=customer.code)
    with pytest.raises(NotFound):
        app.installation.reschedule(order.order_number, _slot(app, _tomorrow(app)), customer_code=customer.code)
    paid, payer = order_where(app, lambda o, now: o.status == "paid" and any(i.product.needs_assembly for i in o.items))
    with pytest.raises(NotEligible) as not_shipped:
        app.installation.slots(paid.order_number, customer_code=payer.code)
    assert "shipped" in not_shipped.value.message
    phone, owner = order_where(app, lambda o, now: o.status == "delivered"
                               and all(i.product.category == "phone" for i in o.items))
    with pytest.raises(NotEligible):
        app.installation.slots(phone.order_number, customer_code=owner.code)
    several, buyer = order_where(app, lambda o, now: o.status in ("in_transit", "delayed", "shipped") and sum(
        installable(i.product.category, i.product.needs_assembly, app.policy) for i in o.items) > 1)
    with pytest.raises(InvalidInput):
        app.installation.slots(several.order_number, customer_code=buyer.code)
    assert app.installation.slots(several.order_number, several.items[1].id, customer_code=buyer.code).item_id == \
        several.items[1].id
    assert _bookings(app) == 0


@pytest.mark.parametrize("text, offset, afternoon", [
    ("明天上午", 1, False), ("后天下午两点", 2, True), ("tomorrow afternoon", 1, True), ("11-23 14:00", None, True),
])
def test_the_words_name_a_day_and_time(text, offset, afternoon):
    today = date(2026, 11, 20)  # a Friday
    day = care_slots.day_of(text, today)
    assert day == (today + timedelta(days=offset) if offset is not None else date(2026, 11, 23))
    hour = care_slots.hour_of(text)
    assert hour is None or (hour.hour >= 12) == afternoon


def test_weekdays_and_next_week():
    friday = date(2026, 11, 20)
    assert care_slots.day_of("周六下午", friday) == date(2026, 11, 21)
    assert care_slots.day_of("下周六", friday) == date(2026, 11, 28)
    assert care_slots.day_of("Sunday morning", friday) == date(2026, 11, 22)
    assert care_slots.day_of("周五", friday) == date(2026, 11, 27)
    assert care_slots.day_of("25号", friday) == date(2026, 11, 25)
    assert care_slots.day_of("3号", friday) == date(2026, 12, 3)
    assert care_slots.day_of("早点来", friday) is None and care_slots.hour_of("早一点") is None


def test_a_slot_answer_keeps_the_task_open():
    st = SessionState(task=TaskForm(intent=Intent.INSTALLATION_SERVICE, step="slot"))

    class Turn:
        def __init__(self, text: str) -> None:
            self.text, self.entities = text, ()

    assert product_care_flow.answers_task(st.task, Turn("改到周日下午"))
    assert not product_care_flow.answers_task(st.task, Turn("我的快递到哪了"))


def test_the_assistant_offers_slots_and_books_the_one_named(app):
    order, customer = _one_installable(app, ("delivered",))
    st = app.assistant.new_session(language="zh", customer_code=customer.code)
    offer = app.assistant.ask(st, f"订单{order.order_number}能预约上门安装吗").reply
    assert offer.outcome == Outcome.FORM and ServiceAction.INSTALLATION_SLOTS_OFFERED in offer.actions
    assert any(isinstance(c, InstallationSlots) for c in offer.cards) and offer.suggestions
    done = app.assistant.ask(st, "明天下午吧").reply
    booking = next(c for c in done.cards if isinstance(c, InstallationBookingView))
    assert ServiceAction.INSTALLATION_BOOKED in done.actions and booking.slot_start == _slot(app, _tomorrow(app), 1)
    assert f"{booking.slot_start:%m-%d}" in done.text and st.task is None


def test_the_assistant_refuses_a_full_slot_and_offers_others(app):
    order, customer = _one_installable(app, ("delivered",))
    _fill(app, _slot(app, _tomorrow(app)), app.policy.installation.per_slot_capacity)
    st = app.assistant.new_session(language="en", customer_code=customer.code)
    reply = app.assistant.ask(st, f"please book installation for order {order.order_number} tomorrow morning").reply
    assert reply.outcome == Outcome.REFUSED and ServiceAction.INSTALLATION_REFUSED in reply.actions
    assert "fully booked" in reply.text and any(isinstance(c, InstallationSlots) for c in reply.cards)
    again = app.assistant.ask(st, "tomorrow afternoon then").reply
    assert ServiceAction.INSTALLATION_BOOKED in again.actions


def test_cli_lists_books_and_refuses_bad_times(cli, app):
    order, customer = _one_installable(app, ("delivered",))
    code, out, _ = cli("install", order.order_number, "--customer", customer.code, "--json")
    first = json.loads(out)["free"][0]["start"]
    assert code == 0
    code, out, _ = cli("--lang", "zh", "install", order.order_number, "--customer", customer.code, "--book",
                       first.replace("T", " ")[:16])
    assert code == 0 and "上门时间" in out
    code, out, err = cli("install", order.order_number, "--customer", customer.code, "--book", "next week")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1
