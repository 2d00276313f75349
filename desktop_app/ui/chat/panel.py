"""The conversation: reply cards on the left, the customer's bubbles on the right, a text box below.

The panel keeps the plain results, not just their widgets, so a language switch rebuilds every
card (an assistant turn keeps its own language). Typed text and transcripts go to a pluggable
``ChatHandler`` run on the task runner, one turn at a time in the order given; the panel itself
never calls a service. A suggestion chip or a numbered item on a reply card is sent exactly as
if the customer had typed it. Each assistant turn carries a one-line "why" under its card.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.text import clean_text
from desktop_app.dialogue.turn import Exchange
from desktop_app.service.types import OrderView
from desktop_app.ui.chat.cards import Card, ProductListCard, ReplyCard, card_for
from desktop_app.ui.chat.form_host import FormHost
from desktop_app.ui.chat.handler import AssistantText, ChatHandler, VoiceChatHandler
from desktop_app.ui.chat.order_cards import OrderTimelineCard
from desktop_app.ui.chat.photos import PhotoDropTarget, PhotoMessage
from desktop_app.ui.chat.rows import assistant_row, spoken, user_row
from desktop_app.ui.common.labels import tr
from desktop_app.ui.common.tasks import TaskHandle, TaskRunner

log = logging.getLogger(__name__)

#: A kiosk runs all day; older turns are dropped from the view so it stays responsive.
MAX_ENTRIES = 200
#: The text box accepts a pasted essay; the handler caps what it reads.
MAX_INPUT_CHARS = 20_000
#: Words wait at most this long for an input still being read (a photo dropped while speaking),
#: so late fusion sees both; past it they are answered alone and the photo follows on its own.
INPUT_WAIT_MS = 1500
INPUT_POLL_MS = 30



class ChatPanel(QWidget):
    productRequested = Signal(int)  # a product row's "details"
    pageRequested = Signal(object)  # SearchQuery for another page
    guideRequested = Signal(object)  # GuideOffer: "open the 3D guide"
    exchangeReceived = Signal(object)  # Exchange: one assistant turn arrived (the session panel shows it)
    turnFailed = Signal(object)  # AppError: a turn could not be answered

    def __init__(self, runner: TaskRunner, handler: ChatHandler, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self.language = language
        self._runner = runner
        self._handler = handler
        self._entries: list[tuple[str, object]] = []  # ("user", text) | ("assistant", result)
        self._busy = 0
        self._follow = True
        self._warming = False
        #: Typed turns go to the handler one at a time, in the order sent: two workers could
        #: otherwise start the second before the first ("return my phone", then its order number).
        self._queue: deque[tuple[str, object, str]] = deque()  # (kind "text" | "voice", payload, language)
        self._turn: TaskHandle | None = None
        #: Typed text this returns True for is consumed before it reaches the handler ("next step").
        self.command_filter: Callable[[str], bool] | None = None
        #: True while an input for this turn is still being read (the window wires the camera's photo).
        self.turn_gate: Callable[[], bool] | None = None
        #: A photo dropped on the conversation goes where its ``target`` says (the window's camera).
        self.photo_drop = PhotoDropTarget(self)
        self._gate_since: float | None = None
        self._gate_timer = QTimer(self)
        self._gate_timer.setSingleShot(True)
        self._gate_timer.setInterval(INPUT_POLL_MS)
        self._gate_timer.timeout.connect(self._next_turn)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("conversation")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self._list = QWidget()
        self._list.setObjectName("conversationList")
        self._rows = QVBoxLayout(self._list)
        self._rows.setContentsMargins(16, 16, 16, 16)
        self._rows.setSpacing(12)
        self._rows.addStretch(1)
        self.scroll_area.setWidget(self._list)
        bar = self.scroll_area.verticalScrollBar()
        bar.rangeChanged.connect(self._keep_at_bottom)
        bar.valueChanged.connect(lambda v: setattr(self, "_follow", v >= bar.maximum() - 24))
        layout.addWidget(self.scroll_area, 1)

        self.typing = QLabel()
        self.typing.setObjectName("typingIndicator")
        self.typing.hide()
        layout.addWidget(self.typing)

        self.form_host = FormHost()
        self.close_form = self.form_host.close_button
        self.close_form.clicked.connect(lambda: self.set_form(None))
        layout.addWidget(self.form_host)

        composer = QFrame()
        composer.setObjectName("composer")
        row = QHBoxLayout(composer)
        row.setContentsMargins(12, 10, 12, 12)
        self.input = QLineEdit()
        self.input.setObjectName("chatInput")
        self.input.setMaxLength(MAX_INPUT_CHARS)
        self.input.returnPressed.connect(self._send)
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.setProperty("primary", True)
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self._send)
        self.input.textChanged.connect(lambda t: self.send_button.setEnabled(bool(t.strip())))
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        layout.addWidget(composer)
        self._retranslate()

    # -- public API ------------------------------------------------------------------------

    @property
    def handler(self) -> ChatHandler:
        return self._handler

    def set_handler(self, handler: ChatHandler) -> None:
        """Later issues plug the dialogue manager in here."""
        self._handler = handler

    def set_language(self, language: str) -> None:
        self.language = language
        self._retranslate()
        self._rebuild()

    def submit_text(self, text: str) -> bool:
        """Show the customer's bubble and hand the text to the handler; blank text is ignored."""
        if not text or not text.strip():
            return False
        shown = clean_text(text, max_chars=MAX_INPUT_CHARS)
        if shown:
            self.add_user_text(shown)
        self._enqueue("text", text)
        return True

    def submit_voice(self, transcript: Any) -> bool:
        """A spoken turn: the transcript as the customer's bubble, then the handler's voice path."""
        text = getattr(transcript, "text", "")
        if not text.strip():
            return False
        self.add_user_text(spoken(clean_text(text, max_chars=MAX_INPUT_CHARS)))
        self._enqueue("voice", transcript)
        return True

    def add_exchange(self, exchange: object) -> None:
        """A turn answered outside the queue (observations settled alone), shown like any reply."""
        self.add_result(exchange)
        if isinstance(exchange, Exchange):
            self.exchangeReceived.emit(exchange)

    def _enqueue(self, kind: str, payload: object) -> None:
        self._queue.append((kind, payload, self.language))
        self._set_busy(+1)
        self._next_turn()

    def set_warming(self, warming: bool) -> None:
        """While the assistant loads, the typing note says a question will wait a moment."""
        self._warming = warming
        self._retranslate()

    def run(self, fn: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None] | None = None) -> TaskHandle:
        """Run ``fn`` on the task runner; its result becomes cards (a list: several), an error a card.

        ``on_done`` replaces the card for results that feed a form rather than the conversation.
        """
        self._set_busy(+1)

        def done(result: Any) -> None:
            if on_done is None:
                self._done(result)
            else:
                self._set_busy(-1)
                on_done(result)

        return self._runner.submit(fn, *args, on_done=done, on_error=self._failed)

    def add_user_text(self, text: str | AssistantText) -> None:
        """The customer's bubble; a bilingual text follows language switches."""
        self._append("user", text)

    def add_user_photo(self, image: QImage) -> None:
        """The customer's photo as their message (a thumbnail bubble on their side)."""
        self._append("user", PhotoMessage(image))

    def add_results(self, results: Iterable[object]) -> None:
        for result in results:
            self._append("assistant", result)

    def add_result(self, result: object) -> None:
        self._append("assistant", result)

    def set_form(self, form: QWidget | None) -> None:
        """Show one form above the text box (None hides the form area)."""
        self.form_host.set_form(form)
        self._fit_form()
        QTimer.singleShot(0, self._fit_form)  # again once the layout has placed the shown form

    def _fit_form(self) -> None:
        shown = self.form_host.height() if self.form_host.isVisible() else 0
        self.form_host.fit(self.height(), self.height() - self.scroll_area.height() - shown)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_form()

    @property
    def current_form(self) -> QWidget | None:
        return self.form_host.form

    def cards(self) -> list[Card]:
        """The cards now shown, oldest first (user bubbles included)."""
        found = []
        for i in range(self._rows.count() - 1):
            item = self._rows.itemAt(i)
            row = item.widget() if item is not None else None
            card = row.findChild(Card) if row is not None else None
            if card is not None:
                found.append(card)
        return found

    def entries(self) -> list[tuple[str, object]]:
        return list(self._entries)

    def clear(self) -> None:
        """Forget the conversation (the next customer at a kiosk must not see it)."""
        if self._turn is not None:
            self._turn.cancel()  # its reply would land in the next customer's conversation
            self._turn = None
            self._set_busy(-1)
        self._set_busy(-len(self._queue))
        self._queue.clear()
        self._gate_timer.stop()
        self._gate_since = None
        self._entries.clear()
        self._rebuild()

    @property
    def busy(self) -> bool:
        return self._busy > 0

    # -- internals -------------------------------------------------------------------------

    def _send(self) -> None:
        text = self.input.text()
        if text.strip() and self.command_filter is not None and self.command_filter(text):
            self.input.clear()
            return
        if self.submit_text(text):
            self.input.clear()

    def _next_turn(self) -> None:
        if self._turn is not None or not self._queue or self._input_in_flight():
            return
        kind, payload, language = self._queue.popleft()

        def finished(result: object) -> None:
            self._turn = None
            self._done(result)
            self._next_turn()

        def failed(error: AppError) -> None:
            self._turn = None
            self._failed(error)
            self._next_turn()

        # Voice turns come only with a handler that takes them (the microphone is wired to no other).
        handle = cast("VoiceChatHandler", self._handler).handle_voice if kind == "voice" else self._handler.handle
        self._turn = self._runner.submit(handle, payload, language, on_done=finished, on_error=failed)

    def _input_in_flight(self) -> bool:
        """Whether the next turn should wait a moment for an input still being read."""
        if self.turn_gate is None or not self.turn_gate():
            self._gate_since = None
            return False
        now = time.monotonic()
        if self._gate_since is None:
            self._gate_since = now
        if (now - self._gate_since) * 1000 >= INPUT_WAIT_MS:
            log.info("a turn stopped waiting for an input still being read")
            self._gate_since = None
            return False
        self._gate_timer.start()
        return True

    def _done(self, result: object) -> None:
        self._set_busy(-1)
        results = result if isinstance(result, list) else [result]  # a handler's reply: several cards
        self.add_results(results)
        for item in results:
            if isinstance(item, Exchange):
                self.exchangeReceived.emit(item)

    def _failed(self, error: AppError) -> None:
        self._set_busy(-1)
        self.add_result(error)
        self.turnFailed.emit(error)

    def _set_busy(self, delta: int) -> None:
        self._busy = max(0, self._busy + delta)
        self.typing.setVisible(self._busy > 0)

    def _append(self, role: str, item: object) -> None:
        self._entries.append((role, item))
        if len(self._entries) > MAX_ENTRIES:
            del self._entries[: len(self._entries) - MAX_ENTRIES]
            self._rebuild()
            return
        self._follow = True
        self._rows.insertWidget(self._rows.count() - 1, self._row(role, item, self._orders_before(len(self._entries) - 1)))
        self._retire_stale()

    def _orders_before(self, index: int) -> set[str]:
        """Order numbers whose card the conversation already showed before entry ``index``."""
        shown: set[str] = set()
        for _role, item in self._entries[:index]:
            reply = item.reply if isinstance(item, Exchange) else item
            for result in getattr(reply, "cards", ()):
                if isinstance(result, OrderView):
                    shown.add(result.order_number)
        return shown

    def _retire_stale(self) -> None:
        """Only the newest reply's chips stay live, and none once the customer has said something since."""
        replies = [c for c in self.cards() if isinstance(c, ReplyCard)]
        last_is_reply = bool(self._entries) and self._entries[-1][0] == "assistant"
        for card in replies[:-1] if last_is_reply else replies:
            card.retire()

    def _row(self, role: str, item: object, shown_orders: set[str] | None = None) -> QWidget:
        if role == "user":
            return user_row(item, self.language)
        card = card_for(item, self.language)
        for timeline in card.findChildren(OrderTimelineCard):
            if shown_orders and timeline.order_number in shown_orders:
                timeline.collapse()
        if isinstance(card, (ProductListCard, ReplyCard)):
            card.productActivated.connect(self.productRequested)
            card.pageRequested.connect(self.pageRequested)
        if isinstance(card, ReplyCard):
            card.guideRequested.connect(self.guideRequested)
            card.messageRequested.connect(self.submit_text)
        return assistant_row(card, self.language, getattr(item, "fused", None) if isinstance(item, Exchange) else None)

    def _rebuild(self) -> None:
        while self._rows.count() > 1:
            taken = self._rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for index, (role, item) in enumerate(self._entries):
            self._rows.insertWidget(self._rows.count() - 1, self._row(role, item, self._orders_before(index)))
        self._retire_stale()
        self._follow = True

    def _keep_at_bottom(self, _low: int, high: int) -> None:
        if self._follow:
            self.scroll_area.verticalScrollBar().setValue(high)

    def _retranslate(self) -> None:
        self.input.setPlaceholderText(tr(self.language, "Ask about products, orders, returns…",
                                         "请输入您的问题，如商品、订单、退换货…"))
        self.send_button.setText(tr(self.language, "Send", "发送"))
        if self._warming:
            self.typing.setText(tr(self.language, "Getting the assistant ready, one moment…", "智能客服准备中，请稍候…"))
        else:
            self.typing.setText(tr(self.language, "Working on it…", "正在为您查询…"))
        self.close_form.setToolTip(tr(self.language, "Close the form", "关闭表单"))
