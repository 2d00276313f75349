"""The PostgreSQL server going away mid-conversation: with the customer's window and the agent's console
open on a live conversation, the server is stopped and started again. Each window says so in one
line, nothing the customer typed is lost (held, then sent after the reconnect), the agent's unsent
reply stays in its box, nothing logs a traceback, and both sides reconnect by themselves.

The test runs its own throwaway server (the session's is shared by every PostgreSQL test), and
starts it again in a ``finally`` whatever happens.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel

from desktop_app.app import App, build_app
from desktop_app.service.desk_types import AgentRole
from desktop_app.service.types import Priority
from desktop_app.ui.agent.console import AgentConsole
from tests.pg_server import PG_BIN, PgServer, _as_server_user, start_server, stop_server

PIN = "583920"
LOST_ZH = "与门店数据库的连接已断开，正在重试…"
WAIT_MS = 15_000


def _pg_ctl(server: PgServer, *args: str) -> None:
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(server.root / "data"), *args]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(server: PgServer) -> None:
    _pg_ctl(server, "-m", "fast", "-w", "stop")


def start(server: PgServer) -> None:
    """Started as ``tests/pg_server.py`` starts it, on the same port and socket directory."""
    options = (f"-k {server.root} -p {server.port} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    _pg_ctl(server, "-o", options, "-l", str(server.root / "server.log"), "-w", "start")


def running(server: PgServer) -> bool:
    return subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(server.root / "data"), "status"]),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def kiosk_and_desk(own_server: PgServer, settings_factory) -> Iterator[tuple[App, App]]:  # type: ignore[no-untyped-def]
    """The kiosk's app and the agents' desk's app (two processes in a chain) over one seeded store."""
    settings = settings_factory(seeded=False, seed_demo=True, db_url=own_server.url(own_server.create_database()))
    kiosk = build_app(settings)
    desk = build_app(settings)
    yield kiosk, desk
    desk.close()
    kiosk.close()


def chat_text(window) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(label.text() for label in window.chat.findChildren(QLabel))


def transcript(console: AgentConsole) -> str:
    t = console.ticket.transcript
    return "\n".join(t.item(i).text() for i in range(t.count()))


def test_the_store_going_away_mid_conversation_loses_nothing_and_reconnects(
        own_server, kiosk_and_desk, make_main_window, qtbot, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    kiosk, desk_app = kiosk_and_desk
    agent = desk_app.desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    ticket = kiosk.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="想找人工",
                                       customer_code="C004")
    window = make_main_window(app=kiosk, language="zh")
    window.chat.handler._conversation().ticket_id = ticket.ticket_id  # as a handoff turn leaves it
    console = AgentConsole(desk_app, language="zh")
    try:
        console.show()
        qtbot.waitExposed(console)
        console.sign_in.code.setText("A001")
        console.sign_in.pin.setText(PIN)
        qtbot.mouseClick(console.sign_in.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: console.pages.currentIndex() == 1, timeout=WAIT_MS)
        desk_app.desk.tickets.take(agent, ticket.ticket_id)
        console.open_ticket(ticket.ticket_id)
        qtbot.waitUntil(lambda: console.ticket.send_button.isEnabled(), timeout=WAIT_MS)
        console.ticket.message.setText("您好，我是李娜")
        qtbot.mouseClick(console.ticket.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "李娜：您好，我是李娜" in chat_text(window), timeout=WAIT_MS)

        stop(own_server)
        try:
            qtbot.waitUntil(lambda: LOST_ZH in chat_text(window), timeout=WAIT_MS)
            qtbot.waitUntil(lambda: LOST_ZH in console.status.text(), timeout=WAIT_MS)
            window.chat.submit_text("还在吗？我的快递到哪了")
            qtbot.waitUntil(lambda: "连接恢复后，您的消息会立即发送给客服" in chat_text(window), timeout=WAIT_MS)
            console.ticket.message.setText("马上帮您查")
            qtbot.mouseClick(console.ticket.send_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "未发送" in console.status.text(), timeout=WAIT_MS)
            assert console.ticket.message.text() == "马上帮您查"  # the agent's reply is kept, not lost
            assert console.current == ticket.ticket_id  # the open conversation stays open
            qtbot.wait(2000)  # several polls fail meanwhile
            assert chat_text(window).count(LOST_ZH) == 1  # one line for the outage, not one per poll
        finally:
            if not running(own_server):
                start(own_server)

        qtbot.waitUntil(lambda: "连接已恢复" in chat_text(window), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "断线期间您写的 1 条消息已发送给客服" in chat_text(window), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "还在吗？我的快递到哪了" in transcript(console), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "连接已恢复" in console.status.text(), timeout=WAIT_MS)
        qtbot.mouseClick(console.ticket.send_button, Qt.MouseButton.LeftButton)  # the kept reply, sent again
        qtbot.waitUntil(lambda: "李娜：马上帮您查" in chat_text(window), timeout=WAIT_MS)
        said = [m.text for m in desk_app.desk.tickets.messages_since(agent, ticket.ticket_id, 0)]
        assert said == ["您好，我是李娜", "还在吗？我的快递到哪了", "马上帮您查"]  # each once, in order
    finally:
        console.close()
        console.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks
