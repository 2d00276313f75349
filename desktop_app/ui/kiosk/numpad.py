"""An on-screen number pad for a kiosk's digit fields (order numbers, phone digits, prices).

A kiosk has a touch screen and no keyboard: typing a 16-digit order number through the system's
on-screen keyboard (if any) hides half the form. The pad sits under the form and types into the
digit field that has focus (or the first empty one); ✓ moves to the next digit field and, after
the last, presses the form's primary button, as Enter would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

from desktop_app.ui.common.labels import tr

BACKSPACE = "⌫"
DONE = "✓"
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", BACKSPACE, "0", DONE)


class NumberPad(QWidget):
    """Twelve large keys typing into one of ``fields``."""

    def __init__(self, fields: Sequence[QLineEdit], submit: Callable[[], None], language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("numberPad")
        self.fields = list(fields)
        self._submit = submit
        self._target: QLineEdit | None = None
        grid = QGridLayout(self)
        grid.setSpacing(6)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(KEYS):
            button = QPushButton(key)
            button.setObjectName("padKey")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # pressing a key must not steal the field's focus
            button.setMinimumSize(72, 56)
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        for field in self.fields:
            field.installEventFilter(self)
        self.set_language(language)

    def set_language(self, language: str) -> None:
        self.keys[BACKSPACE].setToolTip(tr(language, "Delete", "删除"))
        self.keys[DONE].setToolTip(tr(language, "Next / done", "下一项 / 完成"))

    def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802 (Qt's name)
        from PySide6.QtCore import QEvent

        if isinstance(watched, QLineEdit) and getattr(event, "type", lambda: None)() == QEvent.Type.FocusIn:
            self._target = watched
        return False

    def target(self) -> QLineEdit | None:
        """The field the next key goes to: the focused one, else the first not yet filled."""
        if self._target is not None and self._target in self.fields:
            return self._target
        for field in self.fields:
            if not field.text():
                self._target = field  # keys keep going here until ✓ or a touch on another field
                return field
        return self.fields[0] if self.fields else None

    def press(self, key: str) -> None:
        field = self.target()
        if field is None:
            return
        if key == BACKSPACE:
            field.backspace()
        elif key == DONE:
            later = self.fields[self.fields.index(field) + 1:]
            if later:
                self._target = later[0]
                later[0].setFocus()
            else:
                self._submit()
        elif len(field.text()) < field.maxLength():
            field.insert(key)
