"""The customer's window side of a handoff: place in the queue, "<agent> has joined", the agent's
messages as they come, a callback number instead of waiting, and the rating after the close.

Once the conversation has a ticket, a timer polls the desk every ``POLL_MS`` on the window's task
runner (never on the GUI thread) with a cursor, so each agent message arrives once; the customer's
own words reach the agent through the chat handler's ``live`` route while an agent holds the ticket.
On PostgreSQL the desk's NOTIFY wakes the link at once (through a queued signal, see
:mod:`desktop_app.ui.common.wake`), so a message shows within a round trip; the timer stays as the
fallback and is the only path on SQLite.

When the store goes away mid-conversation the window says so once ("connection to the store lost,
retrying…"), keeps what the customer types in an outbox (told it will be sent), and once a poll
succeeds again says the connection is back and sends the outbox in order.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError, NotFound, StoreUnavailable
from desktop_app.service.agent_desk import AgentDesk
from desktop_app.service.desk_types import CustomerUpdate, TicketState, WaitEstimate
from desktop_app.ui.chat.handler import AssistantText
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.common.tasks import TaskHandle, TaskRunner
from desktop_app.ui.common.wake import WakeBridge

if TYPE_CHECKING:
    from desktop_app.app import App

log = logging.getLogger(__name__)

#: Poll period: a message shows on the other side within about this long (sooner when woken by NOTIFY).
POLL_MS = 700

LOST = AssistantText("Connection to the store lost, retrying…", "与门店数据库的连接已断开，正在重试…")
HELD = AssistantText("Your message will be sent to the agent as soon as the connection is back.",
                     "连接恢复后，您的消息会立即发送给客服。")


def wait_text(wait: WaitEstimate) -> AssistantText:
    basis_en = "" if wait.measured else " (assuming about 6 min per customer until we have measured it)"
    basis_zh = "" if wait.measured else "（暂按每位约 6 分钟估算）"
    return AssistantText(f"You are number {wait.position} in the queue; estimated wait about {wait.minutes} min{basis_en}.",
                         f"您当前排在第 {wait.position} 位，预计等待约 {wait.minutes} 分钟{basis_zh}。")


class WaitingPanel(QFrame):
    """Shown above the text box while the ticket waits: the estimate and a callback number field."""

    def __init__(self, link: CustomerDeskLink, parent: QWidget) -> None:
        super().__init__(parent)  # never a top-level window, even before it is first shown
        self.hide()
        self.setObjectName("waitingPanel")
        self.link = link
        column = QVBoxLayout(self)
        self.estimate = QLabel()
        self.estimate.setObjectName("waitEstimate")
        self.estimate.setWordWrap(True)
        column.addWidget(self.estimate)
        row = QHBoxLayout()
        self.phone = QLineEdit()
        self.phone.setObjectName("callbackPhone")
        self.phone.setMaxLength(20)
        self.leave = QPushButton()
        self.leave.setObjectName("callbackButton")
        self.leave.clicked.connect(lambda: self.link.leave_callback(self.phone.text()))
        row.addWidget(self.phone, 1)
        row.addWidget(self.leave)
        column.addLayout(row)
        self.note = QLabel()
        self.note.setObjectName("callbackNote")
        column.addWidget(self.note)
        self.wait: WaitEstimate | None = None
        self.retranslate()

    def retranslate(self) -> None:
        zh = self.link.language == "zh"
        self.phone.setPlaceholderText("留下电话，我们回电给您" if zh else "Or leave a number and we call you back")
        self.leave.setText("请回电" if zh else "Call me back")
        if self.wait is not None:
            self.estimate.setText(wait_text(self.wait).text(self.link.language))


class RatingPanel(QFrame):
    """After an agent closes the conversation: one click rates it 1 to 5."""

    def __init__(self, link: CustomerDeskLink, ticket_id: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.hide()
        self.setObjectName("ratingPanel")
        row = QHBoxLayout(self)
        zh = link.language == "zh"
        self.prompt = QLabel("请为本次人工服务评分：" if zh else "Please rate this conversation:")
        self.prompt.setObjectName("ratingPrompt")
        row.addWidget(self.prompt, 1)
        self.buttons: list[QPushButton] = []
        for stars in range(1, 6):
            button = QPushButton("★" * stars)
            button.setObjectName(f"rate{stars}")
            button.clicked.connect(lambda _=False, n=stars: link.rate(ticket_id, n))
            row.addWidget(button)
            self.buttons.append(button)


class CustomerDeskLink(QObject):
    #: The live route queued a message while the store was unreachable (emitted from a worker).
    held = Signal()

    def __init__(self, desk: AgentDesk, chat: ChatPanel, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.chat = chat
        self.runner = runner
        self._ticket: int | None = None
        self._cursor = 0
        self._state: TicketState | None = None
        self._agent: str | None = None
        self._poll: TaskHandle | None = None
        self._again = False  # woken while a poll was running: poll once more when it settles
        self.offline = False
        #: What the customer said while the store was unreachable: (ticket id, text), sent in order later.
        self._outbox: list[tuple[int, str]] = []
        self._outbox_lock = threading.Lock()
        self._flushing = False
        self.held.connect(self._held)
        self.wake = WakeBridge(self._woken, self)
        self.wake.attach(desk.notices.subscribe)
        if parent is not None:  # the listener thread ends with the window, not with the process
            parent.installEventFilter(self)
        self.waiting = WaitingPanel(self, chat)
        self.rating: RatingPanel | None = None
        if hasattr(chat.handler, "live"):  # an assistant handler: the customer's words may go to an agent
            setattr(chat.handler, "live", self)  # noqa: B010
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    @property
    def language(self) -> str:
        return self.chat.language

    # -- the handler's live route (runs on a worker) -------------------------------------------

    def forward(self, ticket_id: int, text: str) -> bool:
        with self._outbox_lock:
            if not self._outbox:  # otherwise this waits behind what is already held, to keep the order
                try:
                    return self.desk.customer_says(ticket_id, text)
                except StoreUnavailable:
                    pass
            self._outbox.append((ticket_id, text))
            first = len(self._outbox) == 1
        if first:
            self.held.emit()
        return True

    # -- polling (GUI thread) ----------------------------------------------------------------

    def poll(self) -> None:
        ticket = getattr(self.chat.handler, "ticket_id", None)
        if ticket != self._ticket:
            self._follow(ticket)
        if self._ticket is None:
            return
        if self._poll is not None and not self._poll.settled:
            self._again = True
            return
        ticket_id = self._ticket
        self._again = False
        self._poll = self.runner.submit(self.desk.poll, ticket_id, self._cursor,
                                        on_done=lambda u: self._apply(ticket_id, u),
                                        on_error=lambda e: self._failed(ticket_id, e))

    def stop(self) -> None:
        self.timer.stop()
        self.wake.detach()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Close and watched is self.parent():
            self.stop()
        return False

    def _woken(self, ticket_id: int | None) -> None:
        """NOTIFY for this ticket (or a reconnect): fetch now rather than on the next tick."""
        if ticket_id is None or ticket_id == self._ticket:
            self.poll()

    def _settled(self) -> None:
        if self._again:
            self.poll()

    def _follow(self, ticket: int | None) -> None:
        """A new conversation (or a new handoff): start over with its ticket."""
        self._ticket, self._cursor, self._state, self._agent = ticket, 0, None, None
        self.waiting.wait = None
        if self.chat.current_form is self.waiting:
            self.chat.set_form(None)

    def _apply(self, ticket_id: int, update: Any) -> None:
        if self.offline:
            self._reconnected()
        elif self._outbox:
            self._flush()
        if ticket_id != self._ticket or not isinstance(update, CustomerUpdate):
            self._settled()
            return
        self._cursor = max(self._cursor, update.cursor)
        name = update.agent_name or ("客服" if self.language == "zh" else "Agent")
        if update.state == TicketState.QUEUED and update.wait is not None:
            self.waiting.wait = update.wait
            self.waiting.retranslate()
            if self.chat.current_form is None:
                self.chat.set_form(self.waiting)
        elif self.chat.current_form is self.waiting:
            self.chat.set_form(None)
        if update.state != TicketState.QUEUED and self._agent is None and update.agent_name:
            self._agent = update.agent_name
            self.chat.add_result(AssistantText(f"{name} has joined the conversation.", f"{name} 已加入对话。"))
        for message in update.agent_messages:
            self.chat.add_result(AssistantText(f"{name}: {message.text}", f"{name}：{message.text}"))
        if update.state != self._state:
            self._changed(ticket_id, update, name)
        self._state = update.state
        self._settled()

    def _changed(self, ticket_id: int, update: CustomerUpdate, name: str) -> None:
        resume = getattr(self.chat.handler, "resume_assistant", None)
        if update.state == TicketState.RETURNED:
            self.chat.add_result(AssistantText(f"{name} handed you back to the assistant.", f"{name} 已将您转回智能助手。"))
        elif update.state == TicketState.CLOSED:
            self.chat.add_result(AssistantText(f"{name} has closed the conversation.", f"{name} 已结束本次会话。"))
            if update.rating_requested:
                self.rating = RatingPanel(self, ticket_id, self.chat)
                self.chat.set_form(self.rating)
        else:
            return
        if resume is not None:
            self.runner.submit(resume, ticket_id)
        self._ticket = None

    def _failed(self, ticket_id: int, error: AppError) -> None:
        if isinstance(error, StoreUnavailable):
            self._lost()
            return  # the timer keeps trying; the pool reconnects once the server is back
        if isinstance(error, NotFound) and ticket_id == self._ticket:
            log.info("ticket %d is gone; the window stops following it", ticket_id)
            self._ticket = None
        self._settled()

    # -- the store going away and coming back ------------------------------------------------

    def _lost(self) -> None:
        if not self.offline:  # one line for the whole outage, not one per poll
            self.offline = True
            log.warning("the desk link lost the store; retrying")
            self.chat.add_result(LOST)

    def _held(self) -> None:
        self._lost()
        self.chat.add_result(HELD)

    def _reconnected(self) -> None:
        self.offline = False
        log.info("the desk link reached the store again")
        self.chat.add_result(AssistantText("Connection restored.", "连接已恢复。"))
        self._flush()

    def _flush(self) -> None:
        """Send the held messages in order (on the runner); stop at the first that fails again."""
        with self._outbox_lock:
            if self._flushing or not self._outbox:
                return
            self._flushing = True

        def send() -> tuple[int, int]:
            sent = refused = 0
            with self._outbox_lock:
                try:
                    while self._outbox:
                        ticket_id, text = self._outbox[0]
                        if self.desk.customer_says(ticket_id, text):
                            sent += 1
                        else:
                            refused += 1
                        self._outbox.pop(0)
                finally:
                    self._flushing = False
            return sent, refused

        def done(counts: tuple[int, int]) -> None:
            sent, refused = counts
            if sent:
                self.chat.add_result(AssistantText(f"{sent} message(s) you wrote meanwhile were sent to the agent.",
                                                   f"断线期间您写的 {sent} 条消息已发送给客服。"))
            if refused:
                self.chat.add_result(AssistantText(
                    f"{refused} message(s) were not sent: no agent holds the conversation now. Please type them again.",
                    f"有 {refused} 条消息未能发送：目前没有客服接待本次会话，请重新输入。"))

        def failed(error: AppError) -> None:
            with self._outbox_lock:
                self._flushing = False
            if isinstance(error, StoreUnavailable):
                self._lost()
            else:
                self.chat.add_result(error)

        self.runner.submit(send, on_done=done, on_error=failed)

    # -- the customer's actions --------------------------------------------------------------

    def leave_callback(self, phone: str) -> None:
        ticket_id = self._ticket
        if ticket_id is None:
            return

        def done(_: object) -> None:
            self.waiting.note.setText("我们会尽快回电。" if self.language == "zh" else "We will call you back soon.")
            self.waiting.phone.clear()

        self.runner.submit(self.desk.leave_callback, ticket_id, phone, on_done=done,
                           on_error=lambda e: self.waiting.note.setText(e.localized(self.language)))

    def rate(self, ticket_id: int, stars: int) -> None:
        def done(_: object) -> None:
            if self.chat.current_form is self.rating:
                self.chat.set_form(None)
            self.chat.add_result(AssistantText("Thank you for your rating.", "感谢您的评价。"))

        self.runner.submit(self.desk.rate, ticket_id, stars, on_done=done,
                           on_error=lambda e: self.chat.add_result(e))


def attach(app: App, chat: ChatPanel, runner: TaskRunner, parent: QWidget) -> CustomerDeskLink:
    """The customer window's link to the desk, over the app's store."""
    return CustomerDeskLink(app.desk.tickets, chat, runner, parent)
