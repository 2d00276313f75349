"""The strip above the text box that holds one structured form (order lookup, return, search …).

A tall form (the kiosk's number pad, the return form's item list) scrolls inside its own area, so
the conversation keeps at least half of the chat panel: customers lost their own conversation to a
190 px slit under an open form.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QToolButton, QVBoxLayout, QWidget

#: The conversation keeps at least this share of the chat panel's height when a form is open.
CHAT_SHARE = 0.5


class FormHost(QFrame):
    """One form at a time, a close button, and a height that never crowds out the conversation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formHost")
        host = QHBoxLayout(self)
        host.setContentsMargins(12, 8, 12, 0)
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("formScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        self._slot = QVBoxLayout(holder)
        self._slot.setContentsMargins(0, 0, 0, 0)
        self.form_scroll.setWidget(holder)
        host.addWidget(self.form_scroll, 1)
        self.close_button = QToolButton()
        self.close_button.setObjectName("closeFormButton")
        self.close_button.setText("×")
        host.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form: QWidget | None = None
        self.hide()

    def set_form(self, form: QWidget | None) -> None:
        """Show ``form`` (None hides the strip); the previous form is kept by its owner, only hidden."""
        if self.form is not None and self.form is not form:
            self._slot.removeWidget(self.form)
            self.form.hide()
        self.form = form
        if form is None:
            self.hide()
            return
        if self._slot.indexOf(form) < 0:
            self._slot.addWidget(form)
        form.show()
        self.show()

    def fit(self, panel_height: int, others: int) -> None:
        """Take what the form needs, but leave CHAT_SHARE of ``panel_height`` to the conversation;
        ``others`` is what the text box and indicators already take."""
        if self.form is None:
            return
        wanted = self.form.sizeHint().height() + 2
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        layout = self.layout()
        if layout is not None:
            margins += layout.contentsMargins().top() + layout.contentsMargins().bottom()
        room = int(panel_height * (1 - CHAT_SHARE)) - others - margins - 2
        self.form_scroll.setFixedHeight(max(60, min(wanted, room)))
