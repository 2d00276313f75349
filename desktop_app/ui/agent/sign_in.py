"""The console's sign-in: agent id and PIN (the PIN field never echoes); failures say why in one line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


class SignInPanel(QFrame):
    """Emits ``requested(code, pin)``; the console checks it off the GUI thread (scrypt is slow on purpose)."""

    requested = Signal(str, str)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPanel")
        zh = language == "zh"
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        title = QLabel("人工客服工作台 · 登录" if zh else "Agent console · sign in")
        title.setObjectName("signInTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("agentCode")
        self.code.setMaxLength(32)
        self.pin = QLineEdit()
        self.pin.setObjectName("agentPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(32)
        form.addRow("工号" if zh else "Agent id", self.code)
        form.addRow("PIN", self.pin)
        outer.addLayout(form)
        self.button = QPushButton("登录" if zh else "Sign in")
        self.button.setObjectName("signInButton")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        outer.addWidget(self.button)
        self.error = QLabel()
        self.error.setObjectName("signInError")
        self.error.setWordWrap(True)
        outer.addWidget(self.error)
        outer.addStretch(2)

    def _submit(self) -> None:
        if self.code.text().strip() and self.pin.text():
            self.button.setEnabled(False)
            self.error.clear()
            self.requested.emit(self.code.text().strip(), self.pin.text())

    def failed(self, message: str) -> None:
        self.pin.clear()
        self.error.setText(message)
        self.button.setEnabled(True)
