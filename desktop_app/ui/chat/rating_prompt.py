"""After the assistant resolves what the customer came for, a quiet offer to rate it: five stars,
then an optional comment.

It sits in the form strip above the text box, so typing is never blocked and the customer can
ignore it or close it; it is offered once per conversation (the chat handler decides when a turn
resolved the conversation, ``handler.resolved_turn``) and never over a form that is already open.
On a kiosk the targets are large. A new conversation (New chat, the kiosk's idle wipe) removes it,
comment included; the agent-closed path has its own rating panel (``desk_link``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError
from desktop_app.ui.chat.handler import AssistantText
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.common.tasks import TaskRunner

log = logging.getLogger(__name__)

#: Kiosk touch targets (px): a finger, not a mouse pointer.
KIOSK_TARGET = 64
MAX_COMMENT_CHARS = 500


class RatingPrompt(QFrame):
    """Five star buttons; after a click, a one-line comment box with Send."""

    def __init__(self, offer: RatingOffer, conversation_id: int, *, kiosk: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.hide()
        self.setObjectName("aiRatingPrompt")
        self.offer = offer
        self.conversation_id = conversation_id
        self.stars: int | None = None
        if kiosk:  # above the kiosk's own sheet, which sizes chips for reading, not for rating
            self.setStyleSheet(f"QPushButton {{ min-height: {KIOSK_TARGET}px; min-width: {KIOSK_TARGET}px; "
                               f"font-size: 22px; }} QLineEdit {{ min-height: {KIOSK_TARGET}px; }}")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.prompt = QLabel()
        self.prompt.setObjectName("aiRatingQuestion")
        self.prompt.setWordWrap(True)
        row.addWidget(self.prompt, 1)
        self.buttons: list[QPushButton] = []
        for stars in range(1, 6):
            button = QPushButton("★" * stars)
            button.setObjectName(f"aiRate{stars}")
            button.setProperty("chip", True)
            button.clicked.connect(lambda _=False, n=stars: self.offer.rate(self, n))
            row.addWidget(button)
            self.buttons.append(button)
        column.addLayout(row)
        self.comment_row = QWidget()
        comment = QHBoxLayout(self.comment_row)
        comment.setContentsMargins(0, 0, 0, 0)
        self.comment = QLineEdit()
        self.comment.setObjectName("aiRatingComment")
        self.comment.setMaxLength(MAX_COMMENT_CHARS)
        self.send = QPushButton()
        self.send.setObjectName("aiRatingSend")
        self.send.clicked.connect(lambda: self.offer.comment(self, self.comment.text()))
        self.comment.returnPressed.connect(self.send.click)
        comment.addWidget(self.comment, 1)
        comment.addWidget(self.send)
        column.addWidget(self.comment_row)
        self.comment_row.hide()
        self.retranslate()

    def retranslate(self) -> None:
        zh = self.offer.chat.language == "zh"
        if self.stars is None:
            self.prompt.setText("这次解答对您有帮助吗？请打分：" if zh else "Did this help? Rate it:")
        else:
            self.prompt.setText(f"感谢您的 {self.stars} 星评价！" if zh else f"Thank you for rating it {self.stars} of 5!")
        for stars, button in enumerate(self.buttons, 1):
            button.setAccessibleName(f"{stars} 星" if zh else f"{stars} stars")
        self.comment.setPlaceholderText("还有什么想说的？（可选）" if zh else "Anything to add? (optional)")
        self.send.setText("发送" if zh else "Send")

    def rated(self, stars: int) -> None:
        """The stars were stored: thank, and offer the optional comment."""
        self.stars = stars
        self.retranslate()
        for button in self.buttons:
            button.setEnabled(False)
        self.comment_row.show()


class RatingOffer(QObject):
    """Watches the chat's turns and offers the rating prompt once a conversation is resolved."""

    def __init__(self, chat: ChatPanel, runner: TaskRunner, *, kiosk: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chat = chat
        self.runner = runner
        self.kiosk = kiosk
        self.prompt: RatingPrompt | None = None
        chat.exchangeReceived.connect(self._on_exchange)

    def _on_exchange(self, _exchange: Any) -> None:
        take = getattr(self.chat.handler, "take_rating_due", None)
        conversation_id = take() if take is not None else None
        if conversation_id is None:
            return
        if self.chat.current_form is not None:  # a form or the agent's waiting panel is open: not now
            log.debug("rating for conversation %d not offered: a form is open", conversation_id)
            return
        self.clear()
        self.prompt = RatingPrompt(self, conversation_id, kiosk=self.kiosk, parent=self.chat)
        self.chat.set_form(self.prompt)

    def rate(self, prompt: RatingPrompt, stars: int) -> None:
        rate = getattr(self.chat.handler, "rate", None)
        if rate is None:
            return

        def done(_: object) -> None:
            if prompt is self.prompt:
                prompt.rated(stars)

        self.runner.submit(rate, prompt.conversation_id, stars, on_done=done, on_error=self._failed)

    def comment(self, prompt: RatingPrompt, text: str) -> None:
        rate = getattr(self.chat.handler, "rate", None)
        if rate is None or prompt.stars is None:
            return

        def done(_: object) -> None:
            if prompt is self.prompt:
                self.clear()
                self.chat.add_result(AssistantText("Thank you, we have noted your comment.", "感谢您的反馈，我们已记录。"))

        if not text.strip():
            self.clear()
            return
        self.runner.submit(rate, prompt.conversation_id, prompt.stars, text.strip(), on_done=done,
                           on_error=self._failed)

    def set_language(self, _language: str) -> None:
        """The window switched language (the chat panel already has the new one)."""
        if self.prompt is not None:
            self.prompt.retranslate()

    def clear(self) -> None:
        """Remove the prompt (a new conversation, or it was answered); a typed comment goes with it."""
        prompt, self.prompt = self.prompt, None
        if prompt is None:
            return
        if self.chat.current_form is prompt:
            self.chat.set_form(None)
        prompt.hide()
        prompt.deleteLater()

    def _failed(self, error: AppError) -> None:
        self.clear()
        self.chat.add_result(error)


def attach(chat: ChatPanel, runner: TaskRunner, parent: QWidget, *, kiosk: bool) -> RatingOffer:
    return RatingOffer(chat, runner, kiosk=kiosk, parent=parent)
