"""The customer's window and the agent console on one store: an angry customer is handed off, the agent
signs in and takes over, messages flow both ways live, the agent files the return from the order card
and closes, and the customer's window asks for a rating. Screenshots go to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from desktop_app.service.desk_types import AgentRole
from desktop_app.service.types import Priority
from desktop_app.store.schema import Conversation, HandoffTicket
from desktop_app.ui.agent.console import POLL_MS, AgentConsole, desk_for
from desktop_app.ui.chat.desk_link import POLL_MS as CUSTOMER_POLL_MS
from tests.service_helpers import delivered_within, order_where

PIN = "583920"
#: One polling period on each side, plus the round trip through the worker and the store.
LIVE_MS = max(POLL_MS, CUSTOMER_POLL_MS) + 1500


def chat_texts(window) -> str:
    return "\n".join(label.text() for label in window.chat.findChildren(QLabel))


def transcript(console: AgentConsole) -> str:
    t = console.ticket.transcript
    return "\n".join(t.item(i).text() for i in range(t.count()))


@pytest.fixture
def console_factory(qtbot, app):
    consoles: list[AgentConsole] = []

    def make() -> AgentConsole:
        console = AgentConsole(app, language="zh")
        consoles.append(console)
        console.show()
        qtbot.waitExposed(console)
        return console

    yield make
    for console in consoles:  # closed and deleted before the window fixture counts top-level widgets
        console.close()
        console.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def sign_in(qtbot, console: AgentConsole, code: str, pin: str = PIN) -> None:
    console.sign_in.code.setText(code)
    console.sign_in.pin.setText(pin)
    qtbot.mouseClick(console.sign_in.button, Qt.MouseButton.LeftButton)


def shot(widget, name: str, tmp_path: Path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def test_angry_customer_to_agent_and_back_in_two_windows(app, make_main_window, console_factory, qtbot, tmp_path):
    desk = desk_for(app)
    desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    order, customer = order_where(app, lambda o, now: delivered_within(0, 6.5, final_sale=False)(o, now)
                                  and len(o.items) == 1)
    window = make_main_window(language="zh")
    window.chat.handler.note_verified(order.order_number, order.contact_phone[-4:])  # proven in the order form
    window.chat.submit_text("东西到了，包装破了，商品摔坏了！太气人了，我要投诉！")
    qtbot.waitUntil(lambda: window.chat.handler.ticket_id is not None, timeout=90_000)
    ticket_id = window.chat.handler.ticket_id
    qtbot.waitUntil(lambda: "预计等待约" in window.desk_link.waiting.estimate.text(), timeout=LIVE_MS)

    console = console_factory()
    sign_in(qtbot, console, "A001", "000000")
    qtbot.waitUntil(lambda: "还可尝试 4 次" in console.sign_in.error.text(), timeout=10_000)
    sign_in(qtbot, console, "A001")
    qtbot.waitUntil(lambda: console.pages.currentIndex() == 1 and console.queue.count() > 0, timeout=10_000)
    first = console.queue.item(0).text()
    assert first.startswith(f"#{ticket_id} ") and "商品破损 +25" in first  # the reasons are shown
    shots = [shot(console, "console-queue", tmp_path)]

    console.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: (console.ticket.order_card is not None and "诉求经过" in console.ticket.summary.toPlainText())
                    or bool(console.status.text()), timeout=10_000)
    assert console.ticket.order_card is not None, console.status.text()
    assert console.ticket.take_button.isEnabled() and not console.ticket.send_button.isEnabled()
    qtbot.mouseClick(console.ticket.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.ticket.send_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(lambda: "李娜 已加入对话" in chat_texts(window), timeout=LIVE_MS)

    console.ticket.message.setText("您好，我是李娜，看到您的商品摔坏了，非常抱歉")
    qtbot.mouseClick(console.ticket.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "李娜：您好，我是李娜" in chat_texts(window), timeout=LIVE_MS)

    window.chat.submit_text("外箱都压扁了，能直接退吗")
    qtbot.waitUntil(lambda: "外箱都压扁了，能直接退吗" in transcript(console), timeout=LIVE_MS)
    assert "外箱都压扁了" not in " ".join(str(e) for _, e in window.chat.entries()[-1:] if _ == "assistant")

    qtbot.mouseClick(console.ticket.return_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已提交退货申请" in console.status.text(), timeout=10_000)
    requests = app.returns.requests_for(order.order_number, customer_code=customer.code)
    assert len(requests) == 1 and requests[0].reason.value == "damaged"
    shots.append(shot(console, "console-ticket", tmp_path))

    console.ticket.resolution.setCurrentIndex(console.ticket.resolution.findData("return_filed"))
    console.ticket.note.setText("已提交破损退货")
    qtbot.mouseClick(console.ticket.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.desk_link.rating is not None and window.chat.current_form is window.desk_link.rating,
                    timeout=LIVE_MS)
    assert "李娜 已结束本次会话" in chat_texts(window)
    shots.append(shot(window, "customer-rating", tmp_path))
    qtbot.mouseClick(window.desk_link.rating.findChild(QPushButton, "rate5"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "感谢您的评价" in chat_texts(window), timeout=10_000)
    with app.db.session() as s:
        ticket = s.get(HandoffTicket, ticket_id)
        assert ticket.status == "closed" and s.get(Conversation, ticket.conversation_id).rating == 5
    for path in shots:
        assert path.stat().st_size > 10_000
    print("screenshots:", *shots)


def test_a_supervisor_sees_the_audit_and_a_deleted_customers_ticket_opens_without_error(
        app, make_main_window, console_factory, qtbot, tmp_path):
    desk = desk_for(app)
    desk.accounts.add("S001", name="张主管", role=AgentRole.SUPERVISOR, pin=PIN)
    ticket = app.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="想找人工", customer_code="C004")
    console = console_factory()
    sign_in(qtbot, console, "S001")
    qtbot.waitUntil(lambda: console.supervisor.audit.rowCount() > 0, timeout=10_000)
    assert console.tabs.count() == 2
    app.privacy.delete_customer("C004")
    console.open_ticket(ticket.ticket_id)
    qtbot.waitUntil(lambda: "该工单已不存在" in console.status.text(), timeout=10_000)
    assert console.ticket.detail is None and not console.ticket.take_button.isEnabled()
    with app.db.session() as s:
        assert s.scalar(select(HandoffTicket).where(HandoffTicket.id == ticket.ticket_id)) is None
    shot(console, "console-supervisor", tmp_path)
