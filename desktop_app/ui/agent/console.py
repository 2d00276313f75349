"""The human agents' console (``desktop-app agent``): sign in, the queue with its priority reasons, one
ticket at a time with the AI's summary and the order, live messages, and the supervisor's tab.

Every service call runs on the console's own task runner; a timer refreshes the queue and fetches the
open ticket's new messages every ``POLL_MS`` (a cursor: each message arrives once), and on PostgreSQL
the desk's NOTIFY wakes a refresh at once (:mod:`desktop_app.ui.common.wake`). Failures are one
line in the status label, never a dialog box or a traceback; while the store is unreachable that line
says so, the open ticket stays open, and an unsent reply stays in the text box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError, StoreUnavailable
from desktop_app.service.desk import Desk
from desktop_app.service.desk_types import AgentView, QueueEntry, TicketDetail, TicketState
from desktop_app.service.types import OrderView
from desktop_app.ui.agent.sign_in import SignInPanel
from desktop_app.ui.agent.supervisor import SupervisorPane
from desktop_app.ui.agent.ticket_view import TicketPane
from desktop_app.ui.common.labels import REASON_LABELS, reason_label, tr
from desktop_app.ui.common.style import STYLE
from desktop_app.ui.common.tasks import TaskHandle, TaskRunner
from desktop_app.ui.common.wake import WakeBridge

if TYPE_CHECKING:
    from desktop_app.app import App

log = logging.getLogger(__name__)

POLL_MS = 700
STATE_WORDS = {TicketState.QUEUED: ("waiting", "排队中"), TicketState.TAKEN: ("with", "接待中")}


def desk_for(app: App) -> Desk:
    return app.desk


class AgentConsole(QMainWindow):
    def __init__(self, app: App, *, language: str = "zh", desk: Desk | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.desk = desk or desk_for(app)
        self.language = language
        self.runner = TaskRunner(self)
        self.agent: AgentView | None = None
        self.current: int | None = None
        self._refresh: TaskHandle | None = None
        self._again = False  # woken while a refresh was running: refresh once more when it settles
        self.offline = False
        self.wake = WakeBridge(self._woken, self)
        self.setObjectName("agentConsole")
        self.setWindowTitle(tr(language, "Agent console", "人工客服工作台"))
        self.setStyleSheet(STYLE)
        self.resize(1280, 820)
        self.pages = QStackedWidget()
        self.sign_in = SignInPanel(language)
        self.sign_in.requested.connect(self._sign_in)
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(self._desk_page())
        self.setCentralWidget(self.pages)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)

    def _desk_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        top = QHBoxLayout()
        self.who = QLabel()
        self.who.setObjectName("signedInAs")
        self.take_next_button = QPushButton(tr(self.language, "Take next", "接下一位"))
        self.take_next_button.setObjectName("takeNextButton")
        self.take_next_button.clicked.connect(self.take_next)
        top.addWidget(self.who, 1)
        top.addWidget(self.take_next_button)
        column.addLayout(top)
        self.tabs = QTabWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.queue = QListWidget()
        self.queue.setObjectName("queueList")
        self.queue.setWordWrap(True)
        self.queue.itemClicked.connect(lambda item: self.open_ticket(int(item.data(Qt.ItemDataRole.UserRole))))
        self.ticket = TicketPane(self.language)
        self.ticket.wire(take_button=self.take, send_button=self.send, hand_back_button=self.hand_back,
                         close_button=self.close_ticket, return_button=self.file_return,
                         refund_button=self.refund_status, cancel_button=self.cancel_order,
                         misread_button=self.report_misread)
        splitter.addWidget(self.queue)
        splitter.addWidget(self.ticket)
        splitter.setSizes([420, 860])
        self.tabs.addTab(splitter, tr(self.language, "Queue", "队列"))
        self.supervisor = SupervisorPane(self.language, page)  # a tab for supervisors only; never a window
        self.supervisor.hide()
        self.supervisor.refresh_button.clicked.connect(self.load_supervision)
        self.supervisor.save_button.clicked.connect(self.save_canned)
        column.addWidget(self.tabs, 1)
        self.status = QLabel()
        self.status.setObjectName("deskStatus")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        return page

    # -- running calls -----------------------------------------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any, then: Callable[[Any], None] | None = None) -> TaskHandle:
        """Run a service call off the GUI thread; its failure becomes the status line."""
        return self.runner.submit(fn, *args, on_done=then, on_error=self.show_error)

    def show_error(self, error: AppError) -> None:
        self.status.setText(error.localized(self.language))

    def say(self, en: str, zh: str) -> None:
        self.status.setText(tr(self.language, en, zh))

    # -- sign-in -------------------------------------------------------------------------------

    def _sign_in(self, code: str, pin: str) -> None:
        self.runner.submit(self.desk.accounts.sign_in, code, pin, on_done=self._signed_in,
                           on_error=lambda e: self.sign_in.failed(e.localized(self.language)))

    def _signed_in(self, agent: AgentView) -> None:
        self.agent = agent
        role = tr(self.language, "supervisor", "主管") if agent.is_supervisor else tr(self.language, "agent", "坐席")
        self.who.setText(f"{agent.name} ({agent.code}, {role})")
        if agent.is_supervisor:
            self.tabs.addTab(self.supervisor, tr(self.language, "Supervision", "主管"))
            self.load_supervision()
        self.pages.setCurrentIndex(1)
        self.call(self.desk.supervision.canned, then=self.ticket.set_canned)
        self.refresh()
        self.timer.start()
        self.wake.attach(self.desk.tickets.notices.subscribe)

    # -- queue and the open ticket ---------------------------------------------------------------

    def refresh(self) -> None:
        agent = self.agent
        if agent is None:
            return
        if self._refresh is not None and not self._refresh.settled:
            self._again = True
            return
        self._again = False
        current, cursor = self.current, self.ticket.seen_id
        tickets = self.desk.tickets

        def fetch() -> tuple[tuple[QueueEntry, ...], int | None, tuple[Any, ...]]:
            queue = tickets.queue(agent)
            new = tickets.messages_since(agent, current, cursor) if current is not None else ()
            return queue, current, new

        self._refresh = self.runner.submit(fetch, on_done=self._refreshed, on_error=self._refresh_failed)

    def _woken(self, _ticket_id: int | None) -> None:
        """A NOTIFY (or a reconnect) from the store: refresh now rather than on the next tick."""
        self.refresh()

    def _refreshed(self, result: tuple[tuple[QueueEntry, ...], int | None, tuple[Any, ...]]) -> None:
        queue, ticket_id, new = result
        if self.offline:
            self.offline = False
            self.say("Connection restored.", "连接已恢复。")
        self.show_queue(queue)
        if ticket_id is not None and ticket_id == self.current:
            entry = next((e for e in queue if e.ticket_id == ticket_id), None)
            self.ticket.add_messages(new, entry.agent_name if entry else None)
            self._set_state(entry)
        if self._again:
            self.refresh()

    def _refresh_failed(self, error: AppError) -> None:
        self.show_error(error)
        if isinstance(error, StoreUnavailable):  # keep the ticket open; the timer keeps trying
            self.offline = True
            return
        if self.current is not None:  # most likely the open ticket was deleted with its customer
            self.current = None
            self.ticket.show_detail(None)

    def show_queue(self, queue: tuple[QueueEntry, ...]) -> None:
        self.queue.clear()
        for e in queue:
            en, zh = STATE_WORDS.get(e.state, (e.state.value, e.state.value))
            where = f"#{e.position}" if e.state == TicketState.QUEUED else f"{tr(self.language, en, zh)} {e.agent_name or ''}"
            reasons = "；".join(r.text(self.language) for r in e.score.reasons) or "-"
            callback = tr(self.language, " · callback", " · 已留电话") if e.has_callback else ""
            item = QListWidgetItem(f"#{e.ticket_id} · {e.score.points} {tr(self.language, 'pts', '分')} · {where}"
                                   f" · {reason_label(e.reason, self.language)}{callback}\n{reasons}")
            item.setData(Qt.ItemDataRole.UserRole, e.ticket_id)
            self.queue.addItem(item)
            if e.ticket_id == self.current:
                item.setSelected(True)

    def open_ticket(self, ticket_id: int) -> None:
        agent = self.agent
        if agent is None:
            return
        self.current = ticket_id
        self.ticket.show_detail(None)
        desk = self.desk

        def fetch() -> tuple[TicketDetail, OrderView | None, AppError | None]:
            detail = desk.tickets.detail(agent, ticket_id)
            try:  # the summary and the conversation are shown even when the order cannot be
                return detail, desk.actions.order_card(agent, ticket_id), None
            except AppError as exc:
                return detail, None, exc

        self.call(fetch, then=self._opened)

    def _opened(self, result: tuple[TicketDetail, OrderView | None, AppError | None]) -> None:
        detail, order, problem = result
        if detail.entry.ticket_id != self.current:
            return
        self.ticket.show_detail(detail)
        self.ticket.set_order(order)
        self._set_state(detail.entry)
        if problem is not None:
            self.show_error(problem)
        else:
            self.status.clear()

    def _set_state(self, entry: QueueEntry | None) -> None:
        mine = bool(entry and self.agent and entry.agent_id == self.agent.agent_id)
        self.ticket.set_state(entry.state if entry else None, mine)

    # -- the agent's actions ------------------------------------------------------------------

    def take(self) -> None:
        if self.agent is not None and self.current is not None:
            self.call(self.desk.tickets.take, self.agent, self.current, then=self._took)

    def take_next(self) -> None:
        if self.agent is not None:
            self.call(self.desk.tickets.take_next, self.agent, then=self._took)

    def _took(self, entry: QueueEntry | None) -> None:
        if entry is None:
            self.say("Nobody is waiting.", "当前无人排队。")
            return
        self.say(f"You took ticket #{entry.ticket_id}.", f"已接管工单 #{entry.ticket_id}。")
        self.open_ticket(entry.ticket_id)

    def send(self) -> None:
        text = self.ticket.message.text()
        if self.agent is None or self.current is None or not text.strip():
            return
        ticket_id = self.current

        def sent(message: Any) -> None:
            self.ticket.message.clear()
            if ticket_id == self.current:
                self.ticket.add_messages((message,), self.agent.name if self.agent else None)

        def not_sent(error: AppError) -> None:
            if isinstance(error, StoreUnavailable):
                self.offline = True
                self.say("Not sent: the connection to the store is lost (retrying). Your text is kept; send it again "
                         "once the connection is back.", "未发送：与门店数据库的连接已断开（正在重试），消息已保留，恢复后请再发送。")
            else:
                self.show_error(error)

        self.runner.submit(self.desk.tickets.send, self.agent, ticket_id, text, on_done=sent, on_error=not_sent)

    def hand_back(self) -> None:
        if self.agent is not None and self.current is not None:
            self.call(self.desk.tickets.hand_back, self.agent, self.current,
                      then=lambda _: self._finished("Handed back to the assistant.", "已转回智能助手。"))

    def close_ticket(self) -> None:
        if self.agent is not None and self.current is not None:
            code = str(self.ticket.resolution.currentData())
            self.call(self.desk.tickets.close, self.agent, self.current, code, self.ticket.note.text(),
                      then=lambda _: self._finished("Closed; the customer is asked to rate.", "已结案，已邀请顾客评价。"))

    def _finished(self, en: str, zh: str) -> None:
        self.say(en, zh)
        self.ticket.note.clear()
        self.current = None
        self.ticket.show_detail(None)
        self.refresh()

    def file_return(self) -> None:
        if self.agent is not None and self.current is not None:
            self.call(self.desk.actions.file_return, self.agent, self.current, then=lambda r: self._acted(
                f"Return #{r.request_id} filed ({tr(self.language, *REASON_LABELS[r.reason.value])}).",
                f"已提交退货申请 #{r.request_id}（{tr(self.language, *REASON_LABELS[r.reason.value])}）。"))

    def refund_status(self) -> None:
        if self.agent is not None and self.current is not None:
            self.call(self.desk.actions.refund_status, self.agent, self.current, then=lambda rs: self._acted(
                "; ".join(r.status_text("en") for r in rs) or "No refunds on this order.",
                "；".join(r.status_text("zh") for r in rs) or "该订单暂无退款。"))

    def cancel_order(self) -> None:
        if self.agent is not None and self.current is not None:
            self.call(self.desk.actions.cancel, self.agent, self.current, then=lambda r: self._acted(
                f"Order {r.masked_number} cancelled.", f"订单 {r.masked_number} 已取消。"))

    def report_misread(self) -> None:
        """"The AI misread this turn: it was <intent>" → the supervisors' review queue."""
        message_id = self.ticket.selected_customer_turn()
        if self.agent is None or self.current is None or message_id is None:
            return
        intent = self.ticket.misread_choice()
        words = self.ticket.misread_intent.currentText()
        self.call(self.app.nlu_versions.review.correct, self.agent, self.current, message_id, intent,
                  then=lambda item: self.say(f"Thank you: sent for review as \"{words}\" (#{item.item_id}).",
                                             f"谢谢：已按「{words}」提交审核（#{item.item_id}）。"))

    def _acted(self, en: str, zh: str) -> None:
        self.say(en, zh)
        self.ticket.note_line(tr(self.language, en, zh))

    # -- supervision -----------------------------------------------------------------------------

    def load_supervision(self) -> None:
        if self.agent is not None and self.agent.is_supervisor:
            self.call(self.desk.supervision.audit, self.agent, then=self.supervisor.show_audit)
            self.call(self.desk.supervision.ticket_times, self.agent, then=self.supervisor.show_times)

    def save_canned(self) -> None:
        if self.agent is None:
            return
        p = self.supervisor
        save = self.desk.supervision.save_canned
        agent = self.agent

        def run() -> Any:
            save(agent, topic=p.topic.text(), text_en=p.text_en.text(), text_zh=p.text_zh.text())
            return self.desk.supervision.canned()

        def saved(replies: Any) -> None:
            self.ticket.set_canned(replies)
            self.say("Canned reply saved.", "快捷回复已保存。")
            self.load_supervision()

        self.call(run, then=saved)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        self.wake.detach()
        if not self.runner.shutdown(5000):
            log.warning("closing the console with background work still running")
        super().closeEvent(event)
