"""The agents' desk at service level (both backends): sign-in and lockout, rule priority, atomic take,
live messages both ways, hand back, close and rating, order actions, callback, audit and times."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from desktop_app.core.clock import FixedClock
from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible, NotFound
from desktop_app.service.agent_accounts import MAX_PIN_FAILURES, AgentAccounts
from desktop_app.service.desk import Desk, build_desk
from desktop_app.service.desk_types import (
    AgentRole,
    HandoffBrief,
    HandoffSignals,
    SignInLocked,
    TicketState,
    TicketTaken,
)
from desktop_app.service.types import Priority, ReturnReason
from desktop_app.store.schema import Conversation, DeskTicket, Order
from tests.service_helpers import delivered_within, matching_item, order_where

PIN = "583920"


def desk_of(app) -> Desk:
    return build_desk(app.db, app.clock, orders=app.orders, returns=app.returns, refunds=app.refunds,
                      changes=app.order_changes)


@pytest.fixture
def desk(app) -> Desk:
    return desk_of(app)


def agent(desk: Desk, code: str = "A001", name: str = "李娜", role: AgentRole = AgentRole.AGENT, capacity: int = 3):
    desk.accounts.add(code, name=name, role=role, pin=PIN, capacity=capacity)
    return desk.accounts.sign_in(code, PIN)


def handed_off(app, **kwargs):
    """A ticket as the dialogue opens it: on a conversation, with a customer turn in it."""
    conv_id, _ = app.conversations.start(channel="laptop", language="zh", customer_code=kwargs.get("customer_code"))
    app.conversations.add(conv_id, "customer", "东西坏了，太气人了")
    kwargs.setdefault("reason", "angry")
    kwargs.setdefault("priority", Priority.HIGH)
    return app.handoff.open_ticket(conversation_id=conv_id, **kwargs), conv_id


def test_sign_in_and_wrong_pins_lock_the_agent_in_the_store(app, desk):
    for weak in ("12345", "123456", "654321", "111111", "12a456"):
        with pytest.raises(InvalidInput):
            desk.accounts.add("A009", name="x", role=AgentRole.AGENT, pin=weak)
    me = agent(desk)
    assert me.name == "李娜" and not me.is_supervisor
    for n in range(1, MAX_PIN_FAILURES):
        with pytest.raises(AccessDenied, match=f"{MAX_PIN_FAILURES - n} tries left"):
            desk.accounts.sign_in("A001", "000000")
    with pytest.raises(SignInLocked):
        desk.accounts.sign_in("A001", "000000")
    other_desk = AgentAccounts(app.db, app.clock)  # another desk of the chain shares the count
    with pytest.raises(SignInLocked):
        other_desk.sign_in("A001", PIN)  # even the right PIN, while locked
    later = AgentAccounts(app.db, FixedClock(app.clock.now() + timedelta(minutes=16)))
    assert later.sign_in("A001", PIN).code == "A001"
    with pytest.raises(AccessDenied, match="Wrong agent id or PIN"):
        desk.accounts.sign_in("NOBODY", PIN)
    with app.db.session() as s:  # only a salted hash is stored
        assert PIN not in " ".join(str(v) for v in s.execute(text("SELECT * FROM agents")).one())


def test_priority_comes_from_rules_with_reasons_and_a_wish_cannot_raise_it(app, desk):
    calm, _ = handed_off(app, reason="customer_request", priority=Priority.URGENT)  # a form's "urgent" wish
    angry, _ = handed_off(app, reason="angry", priority=Priority.LOW, summary=HandoffBrief(
        "angry twice", HandoffSignals(angry_turns=2, peak_anger=0.9, escalation=1, intents=("complaint",))))
    queue = app.handoff.ranked()
    by_id = {e.ticket_id: e for e in queue}
    assert by_id[calm.ticket_id].score.points == 0 and by_id[calm.ticket_id].score.reasons == ()
    reasons = [r.text("en") for r in by_id[angry.ticket_id].score.reasons]
    assert "angry for 2 turns +30" in reasons and "escalating (level 1) +10" in reasons and "complaint +15" in reasons
    assert [e.ticket_id for e in queue].index(angry.ticket_id) < [e.ticket_id for e in queue].index(calm.ticket_id)
    assert by_id[angry.ticket_id].position < by_id[calm.ticket_id].position


def test_typing_urgent_alone_does_not_raise_the_ticket(app):
    assistant = app.assistant
    plain = assistant.ask(assistant.new_session(language="zh"), "我要转人工客服").reply.ticket
    urgent = assistant.ask(assistant.new_session(language="zh"), "紧急！紧急！我要转人工客服，很急").reply.ticket
    urgent_en = assistant.ask(assistant.new_session(language="en"), "URGENT!!! I need a person, urgent").reply.ticket
    assert plain is not None and urgent is not None and urgent_en is not None
    points = {e.ticket_id: e.score.points for e in app.handoff.ranked()}
    assert points[urgent.ticket_id] == points[plain.ticket_id] == points[urgent_en.ticket_id]
    assert urgent.priority == plain.priority


def test_order_value_repeat_contact_and_waiting_time_add_points(app, desk):
    with app.db.session() as s:
        big = s.scalar(select(Order).where(Order.total_fen >= 200_000, Order.customer_id.is_not(None))
                       .order_by(Order.id).limit(1))
        assert big is not None
        code = s.scalar(text("SELECT code FROM customers WHERE id = :i"), {"i": big.customer_id})
    first, _ = handed_off(app, reason="customer_request", customer_code=code, order_number=big.order_number)
    second, _ = handed_off(app, reason="customer_request", customer_code=code)
    later = build_desk(app.db, FixedClock(app.clock.now() + timedelta(minutes=30)), orders=app.orders,
                       returns=app.returns, refunds=app.refunds, changes=app.order_changes)
    me = agent(later)
    by_id = {e.ticket_id: e for e in later.tickets.queue(me)}
    first_reasons = " | ".join(r.text("en") for r in by_id[first.ticket_id].score.reasons)
    assert f"order ¥{big.total_fen / 100:,.0f}" in first_reasons or f"order ¥{big.total_fen / 100:,.2f}" in first_reasons
    assert "waiting 30 min +15" in first_reasons
    assert "contacted us before (1×) +15" in [r.text("en") for r in by_id[second.ticket_id].score.reasons]


def test_two_agents_taking_the_same_ticket_at_once_one_wins_the_other_is_told(app, desk):
    first, second = agent(desk, "A001", "李娜"), agent(desk, "A002", "王强")
    for _ in range(4):
        ticket, _ = handed_off(app)
        barrier, outcomes = threading.Barrier(2), {}

        def take(who, ticket_id=ticket.ticket_id, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                outcomes[who.code] = desk_of(app).tickets.take(who, ticket_id)
            except TicketTaken as exc:
                outcomes[who.code] = exc

        threads = [threading.Thread(target=take, args=(who,)) for who in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        won = [c for c, o in outcomes.items() if not isinstance(o, Exception)]
        lost = [o for o in outcomes.values() if isinstance(o, TicketTaken)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        winner = first if won == ["A001"] else second
        assert winner.name in str(lost[0]) and winner.name in lost[0].localized("zh")
        desk.tickets.close(winner, ticket.ticket_id, "duplicate")


def test_capacity_limits_what_one_agent_holds(app, desk):
    me = agent(desk, capacity=1)
    a, _ = handed_off(app)
    b, _ = handed_off(app)
    desk.tickets.take(me, a.ticket_id)
    with pytest.raises(NotEligible, match="capacity"):
        desk.tickets.take(me, b.ticket_id)
    assert desk.tickets.poll(b.ticket_id).state == TicketState.QUEUED  # refused take changed nothing


def test_messages_flow_both_ways_and_hand_back_returns_to_the_assistant(app, desk):
    me = agent(desk)
    ticket, conv_id = handed_off(app)
    assert desk.tickets.customer_says(ticket.ticket_id, "有人吗") is False  # nobody holds it: the AI answers
    update = desk.tickets.poll(ticket.ticket_id)
    assert update.state == TicketState.QUEUED and update.wait is not None and update.wait.position >= 1
    desk.tickets.take(me, ticket.ticket_id)
    joined = desk.tickets.poll(ticket.ticket_id, update.cursor)
    assert joined.state == TicketState.TAKEN and joined.agent_name == "李娜"
    desk.tickets.send(me, ticket.ticket_id, "您好，我来帮您处理")
    got = desk.tickets.poll(ticket.ticket_id, joined.cursor)
    assert [m.text for m in got.agent_messages] == ["您好，我来帮您处理"]
    assert desk.tickets.poll(ticket.ticket_id, got.cursor).agent_messages == ()
    assert desk.tickets.customer_says(ticket.ticket_id, "快递盒子都压扁了") is True
    seen = desk.tickets.messages_since(me, ticket.ticket_id, got.cursor)
    assert [(m.role, m.text) for m in seen] == [("customer", "快递盒子都压扁了")]
    assert [m.role for m in app.conversations.messages(conv_id)][-2:] == ["agent", "customer"]
    desk.tickets.hand_back(me, ticket.ticket_id)
    assert desk.tickets.poll(ticket.ticket_id).state == TicketState.RETURNED
    assert desk.tickets.customer_says(ticket.ticket_id, "还在吗") is False
    with pytest.raises(AccessDenied):
        desk.tickets.send(me, ticket.ticket_id, "too late")


def test_close_asks_for_a_rating_and_feeds_the_wait_estimate(app, desk):
    me = agent(desk)
    ticket, conv_id = handed_off(app)
    waiting, _ = handed_off(app)
    before = desk.tickets.poll(waiting.ticket_id).wait
    assert before is not None and not before.measured and before.per_ticket_s == 360.0
    desk.tickets.take(me, ticket.ticket_id)
    desk.tickets.send(me, ticket.ticket_id, "已为您处理")
    with pytest.raises(InvalidInput):
        desk.tickets.close(me, ticket.ticket_id, "made_up_code")
    desk.tickets.close(me, ticket.ticket_id, "resolved", "换新已安排")
    closed = desk.tickets.poll(ticket.ticket_id)
    assert closed.state == TicketState.CLOSED and closed.rating_requested
    desk.tickets.rate(ticket.ticket_id, 4)
    assert not desk.tickets.poll(ticket.ticket_id).rating_requested
    with app.db.session() as s:
        assert s.get(Conversation, conv_id).rating == 4
        assert b"\xe6\x8d\xa2" not in bytes(s.get(DeskTicket, ticket.ticket_id).note_encrypted)  # note encrypted
    after = desk.tickets.poll(waiting.ticket_id).wait
    assert after is not None and after.measured


def test_the_agent_files_a_return_from_the_order_card_as_their_own_action(app, desk):
    order, customer = order_where(app, delivered_within(0, 6.5, final_sale=False))
    item = matching_item(order, final_sale=False)
    ticket, _ = handed_off(app, reason="damaged_parcel", customer_code=customer.code, order_number=order.order_number)
    me, boss = agent(desk), agent(desk, "S001", "张主管", AgentRole.SUPERVISOR)
    with pytest.raises(AccessDenied):  # not before taking it
        desk.actions.file_return(me, ticket.ticket_id, item_id=item.id)
    assert desk.actions.order_card(me, ticket.ticket_id).order_number == order.order_number
    desk.tickets.take(me, ticket.ticket_id)
    filed = desk.actions.file_return(me, ticket.ticket_id, item_id=item.id)
    assert filed.reason == ReturnReason.DAMAGED and filed.order_number == order.order_number
    assert [r.request_id for r in app.returns.requests_for(order.order_number, customer_code=customer.code)] \
        == [filed.request_id]
    desk.actions.refund_status(me, ticket.ticket_id)
    desk.tickets.send(me, ticket.ticket_id, "退货已提交")
    desk.tickets.close(me, ticket.ticket_id, "return_filed")
    trail = desk.supervision.audit(boss, ticket_id=ticket.ticket_id)
    assert [r.action for r in reversed(trail)][-5:] == ["take", "return_filed", "refund_status", "message", "close"]
    assert {r.agent_code for r in trail} == {"A001"} and order.order_number not in " ".join(r.detail for r in trail)
    times = {t.ticket_id: t for t in desk.supervision.ticket_times(boss)}[ticket.ticket_id]
    assert times.first_response_s is not None and times.resolution_s is not None
    assert times.resolution_s >= times.first_response_s >= 0 and times.resolution_code == "return_filed"
    with pytest.raises(AccessDenied):
        desk.supervision.audit(me)


def test_a_callback_number_is_stored_encrypted(app, desk):
    ticket, _ = handed_off(app)
    with pytest.raises(InvalidInput):
        desk.tickets.leave_callback(ticket.ticket_id, "call me")
    desk.tickets.leave_callback(ticket.ticket_id, "138 0013 8000")
    assert desk.tickets.poll(ticket.ticket_id).callback_left
    with app.db.session() as s:
        raw = s.execute(text("SELECT callback_phone FROM desk_tickets WHERE ticket_id = :t"),
                        {"t": ticket.ticket_id}).scalar_one()
        assert "13800138000" not in raw and s.get(DeskTicket, ticket.ticket_id).callback_phone == "13800138000"


def test_canned_replies_are_read_by_all_and_edited_by_supervisors(app, desk):
    me, boss = agent(desk), agent(desk, "S001", "张主管", AgentRole.SUPERVISOR)
    starters = desk.supervision.canned()
    assert {"greeting", "closing"} <= {r.topic for r in starters} and all(r.text_en and r.text_zh for r in starters)
    with pytest.raises(AccessDenied):
        desk.supervision.save_canned(me, topic="delivery", text_en="x", text_zh="x")
    with pytest.raises(InvalidInput):
        desk.supervision.save_canned(boss, topic="delivery", text_en="only English", text_zh="")
    saved = desk.supervision.save_canned(boss, topic="delivery", text_en="It ships today.", text_zh="今天发货。")
    assert saved in desk.supervision.canned("delivery")
    assert desk.supervision.audit(boss)[0].action == "canned_saved"


def test_a_ticket_whose_customer_was_deleted_is_reported_not_crashed(app, desk):
    me = agent(desk)
    ticket, _ = handed_off(app, customer_code="C003")
    anonymous, conv_id = handed_off(app)
    app.privacy.delete_customer("C003")
    with pytest.raises(NotFound, match="no longer exists"):
        desk.tickets.detail(me, ticket.ticket_id)
    assert ticket.ticket_id not in [e.ticket_id for e in desk.tickets.queue(me)]
    app.conversations.delete(conv_id)  # an anonymous visitor's conversation wiped at the kiosk
    detail = desk.tickets.detail(me, anonymous.ticket_id)
    assert detail.messages == () and detail.customer_code is None


def test_cli_adds_and_lists_agents_with_the_pin_from_stdin(cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    code, _, err = cli("agent", "add", "A007", "--name", "Li Na", "--pin-stdin")
    assert code == 1 and "at least 6 digits" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("583920\n"))
    code, out, _ = cli("agent", "add", "S007", "--name", "Zhang", "--role", "supervisor", "--pin-stdin")
    assert code == 0 and "supervisor S007" in out
    code, out, _ = cli("agent", "list")
    assert code == 0 and "S007" in out and "supervisor" in out and "583920" not in out
