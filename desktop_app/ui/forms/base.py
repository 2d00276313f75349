"""The base of the inline forms, and the plain requests they emit.

A form only checks what it can see (digit counts, a price range) and says so inline; it never
calls a service. It emits one of these frozen requests and the window runs it off the GUI thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.service.types import Priority, ReturnKind, ReturnReason
from desktop_app.ui.common.labels import tr

_Labelled = TypeVar("_Labelled", bound="QLabel | QAbstractButton | QLineEdit")


@dataclass(frozen=True)
class OrderLookupInput:
    order_ref: str
    phone_last4: str


@dataclass(frozen=True)
class ReturnItemsInput:
    """Look the order up to fill the item picker."""

    order_ref: str
    phone_last4: str


@dataclass(frozen=True)
class ReturnInput:
    order_ref: str
    phone_last4: str
    item_id: int | None
    kind: ReturnKind
    reason: ReturnReason
    file: bool  # False: only check eligibility
    #: Whether the package was opened (decides no-reason returns of e.g. skin care).
    opened: bool | None = None


@dataclass(frozen=True)
class ProductQuestion:
    sku: str
    destination_city: str | None


@dataclass(frozen=True)
class RecommendInput:
    """What the shopper would like recommended (may be empty). Never a member code: whose history
    is used is decided by who is signed in, so a kiosk visitor cannot read another member's habits."""

    wish: str


@dataclass(frozen=True)
class HandoffInput:
    reason: str
    priority: Priority
    summary: str


def digits_only(text: str) -> str:
    return re.sub(r"[\s\-#]", "", text)


class Form(QFrame):
    """Base: a titled frame whose labels follow the language, with one inline error line."""

    submitted = Signal(object)

    def __init__(self, language: str, title: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("form")
        self.language = language
        self._texts: list[tuple[QLabel | QAbstractButton | QLineEdit, str, str]] = []
        self._combos: list[tuple[QComboBox, list[tuple[str, str]]]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(8)
        self.title = self._text(QLabel(), *title)
        self.title.setObjectName("formTitle")
        outer.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        outer.addLayout(self.grid)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        outer.addLayout(self.buttons)
        self._error_texts: tuple[str, str] | None = None

    # -- building helpers ------------------------------------------------------------------

    def _text(self, widget: _Labelled, en: str, zh: str) -> _Labelled:
        self._texts.append((widget, en, zh))
        self._apply_text(widget, en, zh)
        return widget

    def _apply_text(self, widget: QLabel | QAbstractButton | QLineEdit, en: str, zh: str) -> None:
        text = tr(self.language, en, zh)
        if isinstance(widget, QLineEdit):
            widget.setPlaceholderText(text)
        else:
            widget.setText(text)

    def field(self, name: str, en: str, zh: str, row: int, col: int = 0, *, max_len: int = 64) -> QLineEdit:
        self.grid.addWidget(self._text(QLabel(), en, zh), row, col)
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMaxLength(max_len)
        edit.returnPressed.connect(self.submit_default)
        self.grid.addWidget(edit, row, col + 1)
        return edit

    def combo(self, name: str, en: str, zh: str, choices: Sequence[tuple[str, str, str]], row: int,
              col: int = 0) -> QComboBox:
        """``choices`` are (data, en, zh)."""
        self.grid.addWidget(self._text(QLabel(), en, zh), row, col)
        box = QComboBox()
        box.setObjectName(name)
        labels = []
        for data, cen, czh in choices:
            box.addItem(tr(self.language, cen, czh), data)
            labels.append((cen, czh))
        self._combos.append((box, labels))
        self.grid.addWidget(box, row, col + 1)
        return box

    def button(self, name: str, en: str, zh: str, *, primary: bool = False) -> QPushButton:
        button = self._text(QPushButton(), en, zh)
        button.setObjectName(name)
        button.setProperty("primary", primary)
        self.buttons.addWidget(button)
        return button

    # -- behaviour -------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.language = language
        for widget, en, zh in self._texts:
            self._apply_text(widget, en, zh)
        for box, labels in self._combos:
            for index, (en, zh) in enumerate(labels):
                box.setItemText(index, tr(language, en, zh))
        if self._error_texts:
            self.error.setText(tr(language, *self._error_texts))

    def show_error(self, en: str, zh: str) -> None:
        self._error_texts = (en, zh)
        self.error.setText(tr(self.language, en, zh))
        self.error.show()

    def clear_error(self) -> None:
        self._error_texts = None
        self.error.hide()

    def submit_request(self, request: object) -> None:
        """Hand a checked request on (``submitted``), clearing any earlier error."""
        self.clear_error()
        self.submitted.emit(request)

    #: Fields that take digits only (a kiosk shows its number pad for them).
    DIGIT_FIELDS = frozenset({"orderNumber", "phoneLast4", "minPrice", "maxPrice"})

    def digit_fields(self) -> list[QLineEdit]:
        return [e for e in self.findChildren(QLineEdit) if e.objectName() in self.DIGIT_FIELDS]

    def add_below(self, widget: QWidget) -> None:
        """Host an extra control (the kiosk's number pad) under the buttons."""
        layout = self.layout()
        if layout is not None:
            layout.addWidget(widget)

    def submit_default(self) -> None:
        """Enter in any field (or a number pad's ✓) presses the form's first (primary) button."""
        for i in range(self.buttons.count()):
            item = self.buttons.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton) and widget.property("primary"):
                widget.click()
                return

    def _verified_inputs(self, order: QLineEdit, last4: QLineEdit) -> tuple[str, str] | None:
        ref, digits = digits_only(order.text()), last4.text().strip()
        if not ref.isdigit() or not 4 <= len(ref) <= 16:
            self.show_error("Enter the 16-digit order number.", "请输入 16 位订单号。")
            order.setFocus()
            return None
        if not re.fullmatch(r"\d{4}", digits):
            self.show_error("Enter the last 4 digits of the order's phone number.", "请输入下单手机号后四位。")
            last4.setFocus()
            return None
        return ref, digits
