"""One row of the conversation: the customer's bubble (words or a photo) on the right, or avatar + card + "why"
on the left."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.ui.chat.cards import Card, TextCard
from desktop_app.ui.chat.handler import AssistantText
from desktop_app.ui.chat.photos import PhotoCard, PhotoMessage
from desktop_app.ui.chat.why_line import WhyLine
from desktop_app.ui.common.labels import tr


def spoken(text: str) -> AssistantText:
    """A customer bubble marked as spoken (bilingual, so it follows a language switch)."""
    return AssistantText(f"(spoken) {text}", f"（语音）{text}")


def _row(name: str) -> tuple[QWidget, QHBoxLayout]:
    row = QWidget()
    row.setObjectName(name)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    return row, layout


def user_row(item: object, language: str) -> QWidget:
    row, layout = _row("userRow")
    layout.addStretch(1)
    if isinstance(item, PhotoMessage):
        layout.addWidget(PhotoCard(item, language))
        return row
    text = item.text(language) if isinstance(item, AssistantText) else str(item)
    layout.addWidget(TextCard(text, language, "user"))
    return row


def assistant_row(card: Card, language: str, fused: Any = None) -> QWidget:
    """The avatar, the card, and for an assistant turn (``fused`` given) its one-line "why"."""
    row, layout = _row("assistantRow")
    avatar = QLabel(tr(language, "CS", "客服"))
    avatar.setObjectName("avatar")
    avatar.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(avatar, 0, Qt.AlignmentFlag.AlignTop)
    if fused is not None:
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(card)
        column.addWidget(WhyLine(fused, language))
        layout.addLayout(column, 1)
    else:
        layout.addWidget(card, 1)
    layout.addStretch(0)
    return row
