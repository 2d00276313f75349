"""One ticket in the agent console: the AI's summary, the order card with one-click actions, the
conversation as it goes on, the message box with canned replies, and take / hand back / close.
Under the conversation, "the AI misread this": pick one of the customer's turns and the intent it
really was, and it goes to the supervisors' review queue (``service.nlu_review``).

Widgets only: every service call goes through the console (``AgentConsole.call``), which runs it on
its task runner and shows a failure's one-line message in the status line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.service.desk_types import RESOLUTION_CODES, CannedReplyView, DeskMessage, TicketDetail, TicketState
from desktop_app.service.types import OrderView
from desktop_app.ui.chat.cards import card_for
from desktop_app.ui.chat.order_cards import OrderTimelineCard
from desktop_app.ui.chat.why_line import INTENT_LABELS
from desktop_app.ui.common.labels import RESOLUTION_LABELS, reason_label, tr

ROLE_LABELS = {"customer": ("Customer", "顾客"), "assistant": ("AI", "智能助手")}


class TicketPane(QFrame):
    """Emits nothing: the console wires the buttons to its own calls."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketPane")
        self.language = language
        self.detail: TicketDetail | None = None
        self.seen_id = 0
        self.agent_names: dict[int, str] = {}
        column = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("ticketTitle")
        self.reasons = QLabel()
        self.reasons.setObjectName("ticketReasons")
        self.reasons.setWordWrap(True)
        column.addWidget(self.title)
        column.addWidget(self.reasons)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("ticketSummary")
        self.summary.setReadOnly(True)
        self.summary.setMaximumHeight(150)
        column.addWidget(self.summary)
        self.order_host = QVBoxLayout()
        column.addLayout(self.order_host)
        self.order_card: QWidget | None = None
        actions = QHBoxLayout()
        self.return_button = self._button("fileReturnButton", actions)
        self.refund_button = self._button("refundStatusButton", actions)
        self.cancel_button = self._button("cancelOrderButton", actions)
        actions.addStretch(1)
        column.addLayout(actions)
        self.transcript = QListWidget()
        self.transcript.setObjectName("transcript")
        self.transcript.setWordWrap(True)
        self.transcript.itemSelectionChanged.connect(self._selection_changed)
        column.addWidget(self.transcript, 1)
        misread = QHBoxLayout()
        self.misread_label = QLabel()
        self.misread_label.setObjectName("misreadLabel")
        self.misread_intent = QComboBox()
        self.misread_intent.setObjectName("misreadIntent")
        misread.addWidget(self.misread_label)
        misread.addWidget(self.misread_intent, 1)
        self.misread_button = self._button("misreadButton", misread)
        column.addLayout(misread)
        compose = QHBoxLayout()
        self.canned = QComboBox()
        self.canned.setObjectName("cannedReplies")
        self.canned.activated.connect(self._use_canned)
        self.message = QLineEdit()
        self.message.setObjectName("agentMessage")
        self.message.setMaxLength(2000)
        self.send_button = self._button("agentSendButton", compose)
        compose.insertWidget(0, self.canned)
        compose.insertWidget(1, self.message, 1)
        column.addLayout(compose)
        controls = QHBoxLayout()
        self.take_button = self._button("takeButton", controls)
        self.hand_back_button = self._button("handBackButton", controls)
        self.resolution = QComboBox()
        self.resolution.setObjectName("resolutionCode")
        for code in RESOLUTION_CODES:
            self.resolution.addItem(tr(language, *RESOLUTION_LABELS.get(code, (code, code))), code)
        self.note = QLineEdit()
        self.note.setObjectName("closeNote")
        controls.addStretch(1)
        controls.addWidget(self.resolution)
        controls.addWidget(self.note, 1)
        self.close_button = self._button("closeTicketButton", controls)
        column.addLayout(controls)
        self._replies: tuple[CannedReplyView, ...] = ()
        self.retranslate()
        self.show_detail(None)

    def _button(self, name: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        row.addWidget(button)
        return button

    def retranslate(self) -> None:
        lang = self.language
        self.return_button.setText(tr(lang, "File a return", "提交退货"))
        self.refund_button.setText(tr(lang, "Refund status", "退款进度"))
        self.cancel_button.setText(tr(lang, "Cancel order", "取消订单"))
        self.send_button.setText(tr(lang, "Send", "发送"))
        self.take_button.setText(tr(lang, "Take over", "接管"))
        self.hand_back_button.setText(tr(lang, "Hand back to AI", "转回 AI"))
        self.close_button.setText(tr(lang, "Close", "结案"))
        self.message.setPlaceholderText(tr(lang, "Message to the customer", "发送给顾客的消息"))
        self.note.setPlaceholderText(tr(lang, "Resolution note", "结案备注"))
        self.misread_label.setText(tr(lang, "The AI misread the selected customer turn; it was:",
                                      "AI 理解错了选中的顾客消息，实际意图是："))
        self.misread_button.setText(tr(lang, "Send for review", "提交审核"))
        chosen = self.misread_intent.currentData()
        self.misread_intent.clear()
        for name, words in sorted(INTENT_LABELS.items(), key=lambda kv: tr(lang, *kv[1])):
            self.misread_intent.addItem(tr(lang, *words), name)
        if chosen is not None:
            self.misread_intent.setCurrentIndex(max(0, self.misread_intent.findData(chosen)))
        self.set_canned(self._replies)

    # -- content -----------------------------------------------------------------------------

    def show_detail(self, detail: TicketDetail | None, agent_name: str | None = None) -> None:
        self.detail = detail
        self.transcript.clear()
        self._selection_changed()
        self.seen_id = 0
        self.set_order(None)
        lang = self.language
        if detail is None:
            self.title.setText(tr(lang, "Pick a ticket from the queue.", "请从左侧队列选择工单。"))
            self.reasons.clear()
            self.summary.clear()
            self.set_state(None, False)
            return
        e = detail.entry
        who = detail.customer_code or tr(lang, "anonymous visitor", "未登录顾客")
        reason = reason_label(e.reason, lang)
        self.title.setText(tr(lang, f"Ticket #{e.ticket_id} · {who} · {reason} · {e.score.points} points",
                              f"工单 #{e.ticket_id} · {who} · {reason} · {e.score.points} 分"))
        self.reasons.setText("；".join(r.text(lang) for r in e.score.reasons) or tr(lang, "no priority rule applies",
                                                                                 "无加权规则"))
        self.summary.setPlainText(detail.summary or tr(lang, "(no summary)", "（无摘要）"))
        self.add_messages(detail.messages, agent_name or e.agent_name)

    def set_order(self, order: OrderView | None) -> None:
        if self.order_card is not None:
            self.order_host.removeWidget(self.order_card)
            self.order_card.deleteLater()
            self.order_card = None
        if order is not None:
            self.order_card = card_for(order, self.language)
            self.order_card.setObjectName("deskOrderCard")
            for timeline in (self.order_card, *self.order_card.findChildren(OrderTimelineCard)):
                if isinstance(timeline, OrderTimelineCard):
                    timeline.collapse()  # the transcript needs the room; the card expands on click
            self.order_host.addWidget(self.order_card)

    def add_messages(self, messages: tuple[DeskMessage, ...], agent_name: str | None) -> None:
        for m in messages:
            if m.message_id <= self.seen_id:
                continue
            self.seen_id = m.message_id
            en, zh = ROLE_LABELS.get(m.role, (agent_name or "Agent", agent_name or "客服"))
            item = QListWidgetItem(f"{m.at:%H:%M:%S}  {tr(self.language, en, zh)}: {m.text}")
            if m.role == "customer":  # only the customer's turns can be sent for review
                item.setData(Qt.ItemDataRole.UserRole, m.message_id)
            self.transcript.addItem(item)
        self.transcript.scrollToBottom()

    def selected_customer_turn(self) -> int | None:
        """The message id of the selected customer turn, if one is selected."""
        items = self.transcript.selectedItems()
        message_id = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        return int(message_id) if message_id is not None else None

    def misread_choice(self) -> str:
        return str(self.misread_intent.currentData())

    def _selection_changed(self) -> None:
        turn = self.selected_customer_turn() is not None and self.detail is not None
        self.misread_button.setEnabled(turn)
        self.misread_intent.setEnabled(turn)

    def note_line(self, text: str) -> None:
        self.transcript.addItem(f"— {text}")
        self.transcript.scrollToBottom()

    def set_state(self, state: TicketState | None, mine: bool) -> None:
        """Enable what makes sense: take a waiting ticket; talk, act, hand back and close one you hold."""
        holding = state == TicketState.TAKEN and mine
        self.take_button.setEnabled(state == TicketState.QUEUED)
        for w in (self.send_button, self.message, self.canned, self.hand_back_button, self.close_button,
                  self.resolution, self.note, self.return_button, self.refund_button, self.cancel_button):
            w.setEnabled(holding)

    def set_canned(self, replies: tuple[CannedReplyView, ...]) -> None:
        self._replies = replies
        self.canned.clear()
        self.canned.addItem(tr(self.language, "Quick replies…", "快捷回复…"), None)
        for r in replies:
            text = r.text(self.language)
            self.canned.addItem(f"[{r.topic}] {text[:40]}", r.reply_id)

    def _use_canned(self, index: int) -> None:
        reply_id = self.canned.itemData(index)
        reply = next((r for r in self._replies if r.reply_id == reply_id), None)
        if reply is not None:
            self.message.setText(reply.text(self.language))
            self.message.setFocus()
        self.canned.setCurrentIndex(0)

    def wire(self, **handlers: Callable[[], None]) -> None:
        for name, fn in handlers.items():
            button: QPushButton = getattr(self, name)
            button.clicked.connect(lambda _=False, f=fn: f())
        self.message.returnPressed.connect(handlers["send_button"])
