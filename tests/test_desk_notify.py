"""Live messages on PostgreSQL: every desk write sends ``NOTIFY desk, '<ticket id>'``, and the other
side's listener is called back at once instead of waiting for its next poll. (SQLite has no
notifications; its windows poll, which tests/test_agent_console.py covers.)"""

from __future__ import annotations

import queue
import threading

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop_app.app import build_app
from desktop_app.service.desk_notify import CHANNEL
from desktop_app.service.desk_types import AgentRole
from desktop_app.service.types import Priority

PIN = "583920"
#: Generous: the assertion is that the wake happened, not how fast (benchmarks measure speed).
WAIT_S = 10


@pytest.fixture(autouse=True)
def _postgresql_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no LISTEN/NOTIFY: its windows poll (tests/test_agent_console.py)")


@pytest.fixture
def agent_app(app_settings):
    """The agents' desk as a second process would open it: its own engine over the same store."""
    desk_app = build_app(app_settings)
    yield desk_app
    desk_app.close()


def test_an_agent_message_wakes_the_customer_side_with_the_ticket_id_only(app, agent_app):
    ticket = app.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="想找人工",
                                     customer_code="C004")
    agent = agent_app.desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    agent_app.desk.tickets.take(agent, ticket.ticket_id)

    woken: queue.Queue[int | None] = queue.Queue()
    url = make_url(app.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute(f"LISTEN {CHANNEL}")
        unsubscribe = app.desk.tickets.notices.subscribe(woken.put)
        try:
            assert app.desk.tickets.notices.listening.wait(WAIT_S)
            sent = agent_app.desk.tickets.send(agent, ticket.ticket_id, "您好，我是李娜，我来帮您处理")
            got = woken.get(timeout=WAIT_S)
            while got != ticket.ticket_id:  # a reconnect wake-up (None) may come first
                got = woken.get(timeout=WAIT_S)
        finally:
            unsubscribe()
        payloads = [n.payload for n in raw.notifies(timeout=1, stop_after=1)]
    assert payloads == [str(ticket.ticket_id)]  # no name, phone or message text travels in the notification
    update = app.desk.tickets.poll(ticket.ticket_id)  # what the woken window then fetches
    assert [m.message_id for m in update.agent_messages] == [sent.message_id]
    assert not any(t.name == "desk-notify" for t in threading.enumerate())  # ends with its last subscriber


def test_a_new_ticket_wakes_the_agents_desk_at_once(app, agent_app):
    """A customer's handoff queues a ticket in one process; the agents' console in another refreshes
    its queue on the notification, not on its next poll (and is told the ticket id only)."""
    woken: queue.Queue[int | None] = queue.Queue()
    unsubscribe = agent_app.desk.tickets.notices.subscribe(woken.put)
    try:
        assert agent_app.desk.tickets.notices.listening.wait(WAIT_S)
        ticket = app.handoff.open_ticket(reason="angry", priority=Priority.NORMAL, summary="顾客很生气",
                                         customer_code="C004")
        got = woken.get(timeout=WAIT_S)
        while got != ticket.ticket_id:  # a reconnect wake-up (None) may come first
            got = woken.get(timeout=WAIT_S)
        assert ticket.ticket_id in [e.ticket_id for e in agent_app.handoff.ranked()]  # committed when woken
        app.handoff.close_ticket(ticket.ticket_id)
        got = woken.get(timeout=WAIT_S)
        while got != ticket.ticket_id:
            got = woken.get(timeout=WAIT_S)
        assert ticket.ticket_id not in [e.ticket_id for e in agent_app.handoff.ranked()]
    finally:
        unsubscribe()


def test_the_customer_window_shows_an_agent_message_without_its_poll_timer(app, agent_app, make_main_window, qtbot):
    ticket = app.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="想找人工",
                                     customer_code="C004")
    agent = agent_app.desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    window = make_main_window(language="zh")
    link = window.desk_link
    window.chat.handler._conversation().ticket_id = ticket.ticket_id  # as a handoff turn leaves it
    link.poll()  # follow the ticket (once), then only NOTIFY may wake the window
    qtbot.waitUntil(lambda: link._state is not None, timeout=10_000)
    link.timer.stop()
    assert app.desk.tickets.notices.listening.wait(WAIT_S)

    agent_app.desk.tickets.take(agent, ticket.ticket_id)
    qtbot.waitUntil(lambda: "李娜 已加入对话" in _chat_text(window), timeout=WAIT_S * 1000)
    agent_app.desk.tickets.send(agent, ticket.ticket_id, "请问订单号是多少？")
    qtbot.waitUntil(lambda: "李娜：请问订单号是多少？" in _chat_text(window), timeout=WAIT_S * 1000)
    assert not link.timer.isActive()


def _chat_text(window) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in window.chat.findChildren(QLabel))
