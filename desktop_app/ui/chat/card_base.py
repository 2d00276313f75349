"""The card frame every reply widget shares, and the plain text and error cards.

Cards are built from frozen results alone, so the chat panel can keep results and rebuild every
card when the language changes. Key child widgets carry object names for tests and styling.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError
from desktop_app.ui.common.labels import tr

log = logging.getLogger(__name__)

_W = TypeVar("_W", bound=QWidget)

#: A pasted essay is shown shortened in its bubble; the handler still receives all of it.
MAX_BUBBLE_CHARS = 600
SHORT_BUBBLE_CHARS = 36
ACCENT = "#ff5000"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


class WrappedLabel(QLabel):
    """A word-wrapped label that claims the height its wrapped text needs at its actual width.

    Qt's box layouts ask a nested label's height-for-width at an estimated width, not the one it
    finally gets; at the kiosk's font a reply's second line was cut off. Holding the minimum height
    at ``heightForWidth(width)`` after each resize makes every layout above it give that room.
    """

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        need = self.heightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)


def make_label(text: str, name: str | None = None, *, wrap: bool = True, selectable: bool = False) -> QLabel:
    label = WrappedLabel(text) if wrap else QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class Card(QFrame):
    """A rounded panel; ``variant`` ("assistant", "user", "error") selects its style."""

    def __init__(self, language: str, variant: str = "assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName("card")
        self.setProperty("variant", variant)
        self.setMaximumWidth(640)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(6)

    def t(self, en: str, zh: str) -> str:
        return tr(self.language, en, zh)

    def add(self, widget: _W) -> _W:
        self.body.addWidget(widget)
        return widget

    def title(self, text: str) -> QLabel:
        return self.add(make_label(text, "cardTitle"))

    def note(self, text: str, name: str = "cardNote") -> QLabel:
        return self.add(make_label(text, name))

    def badge(self, text: str, kind: str, name: str) -> QLabel:
        label = make_label(text, name, wrap=False)
        label.setProperty("badge", kind)
        return label


class TextCard(Card):
    """Plain text: an assistant reply, or (variant "user") the customer's own bubble."""

    def __init__(self, text: str, language: str, variant: str = "assistant", parent: QWidget | None = None) -> None:
        super().__init__(language, variant, parent)
        if len(text) > MAX_BUBBLE_CHARS:
            text = text[:MAX_BUBBLE_CHARS] + "…"
        # A short bubble keeps its natural width; wrapping would squeeze it into a column.
        self.add(make_label(text, "messageText", wrap=len(text) > SHORT_BUBBLE_CHARS, selectable=True))


class ErrorCard(Card):
    def __init__(self, error: AppError, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "error", parent)
        self.error = error
        self.add(make_label(error.localized(language), "errorText"))
