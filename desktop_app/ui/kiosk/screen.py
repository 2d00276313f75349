"""Kiosk mode: the attract screen, the idle timeout that ends a visitor's session, the operator PIN.

A kiosk is used by strangers one after another, so a session must end by itself: after
``DESKTOP_APP_IDLE_TIMEOUT_S`` seconds (default 90) with no touch, key, speech or parts in
view, the window wipes the conversation (screen and store), closes guides and the camera, and
returns to the attract screen. Staff reach settings, files and the store dashboard only through
the operator PIN (``DESKTOP_APP_OPERATOR_PIN``); with no PIN configured they stay locked. A
dashboard opened at a kiosk closes itself after the same idle time, so a manager who walks away
does not leave the store's figures (and customers' words) on a public screen.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.config import Settings, load_settings
from desktop_app.core.errors import ConfigError
from desktop_app.ui.common.labels import tr

if TYPE_CHECKING:
    from desktop_app.app import App
    from desktop_app.ui.merchant.window import MerchantWindow

log = logging.getLogger(__name__)

IDLE_ENV = "DESKTOP_APP_IDLE_TIMEOUT_S"
PIN_ENV = "DESKTOP_APP_OPERATOR_PIN"
DEFAULT_IDLE_S = 90.0
#: While a reply is being worked on or spoken, the timeout looks again this much later.
RECHECK_MS = 5000
_ACTIVITY = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
                       QEvent.Type.TouchUpdate, QEvent.Type.Wheel, QEvent.Type.MouseMove})


def _settings(env: dict[str, str] | None) -> Settings | None:
    try:
        return load_settings(env)
    except ConfigError as exc:
        log.warning("%s; using the default", exc)
        return None


def idle_timeout_s(env: dict[str, str] | None = None) -> float:
    """The configured idle timeout; a bad or non-positive value falls back to the default (logged)."""
    settings = _settings(env)
    value = float(settings.idle_timeout_s) if settings else -1.0
    if value <= 0:
        log.warning("%s must be a positive number of seconds; using %.0f", IDLE_ENV, DEFAULT_IDLE_S)
        return DEFAULT_IDLE_S
    return value


def operator_pin(env: dict[str, str] | None = None) -> str | None:
    settings = _settings(env)
    return (settings.operator_pin.strip() or None) if settings else None


class IdleWatcher(QObject):
    """Fires ``idle`` after ``timeout_s`` without activity; ``busy()`` True postpones it."""

    idle = Signal()

    def __init__(self, timeout_s: float, busy: Callable[[], bool] = lambda: False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._busy = busy
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expired)
        self.active = False

    def start(self) -> None:
        """Watch from now on (a visitor started a session)."""
        self.active = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.poke()

    def stop(self) -> None:
        self.active = False
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def poke(self) -> None:
        if self.active:
            self._timer.start(max(1, round(self.timeout_s * 1000)))

    @property
    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self.active else -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.poke()
        return False

    def _expired(self) -> None:
        if not self.active:
            return
        if self._busy():
            self._timer.start(RECHECK_MS)
            return
        self.stop()
        self.idle.emit()


class AttractScreen(QFrame):
    """What a kiosk shows between visitors: what it can do, and "touch to start"."""

    started = Signal()

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attractScreen")
        self.language = language
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(2)
        self.title = QLabel()
        self.title.setObjectName("attractTitle")
        self.body = QLabel()
        self.body.setObjectName("attractBody")
        self.hint = QLabel()
        self.hint.setObjectName("attractHint")
        for label in (self.title, self.body, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
            layout.addSpacing(18)
        layout.addStretch(3)
        self.set_language(language)

    def set_language(self, language: str) -> None:
        self.language = language
        t = partial(tr, language)
        self.title.setText(t("Hello! How can I help?", "您好！有什么可以帮您？"))
        self.body.setText(t("Ask by voice or text in Mandarin or English · track a parcel · returns\n"
                            "Hold up furniture parts or a guide's QR code and I'll show you how they fit",
                            "中英文语音或文字提问 · 查物流 · 退换货\n把家具零件或说明书二维码对准摄像头，我来教您安装"))
        self.hint.setText(t("Touch anywhere to start · 点击任意处开始", "点击任意处开始 · Touch anywhere to start"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.started.emit()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.TouchBegin:
            self.started.emit()
            return True
        return super().event(event)


def ask_pin(parent: QWidget, language: str) -> bool:
    """The operator PIN prompt; False (and a note in the log) when no PIN is set or it is wrong."""
    expected = operator_pin()
    if expected is None:
        log.info("operator access refused: no %s configured", PIN_ENV)
        return False
    pin, ok = QInputDialog.getText(parent, tr(language, "Operator", "管理员"),
                                   tr(language, "Operator PIN:", "管理员密码："), QLineEdit.EchoMode.Password)
    if not ok:
        return False
    if hmac.compare_digest(pin.strip().encode(), expected.encode()):
        return True
    log.warning("wrong operator PIN entered at the kiosk")
    return False


#: What the operator may open after the PIN: (key, English, Chinese).
OPERATOR_OPTIONS = (("settings", "Settings", "设置"), ("dashboard", "Store dashboard", "经营看板"))


def choose_operator_option(parent: QWidget, language: str) -> str | None:
    """Ask which staff screen to open (the PIN already given); None when cancelled."""
    box = QMessageBox(QMessageBox.Icon.Question, tr(language, "Operator", "管理员"),
                      tr(language, "What would you like to open?", "要打开哪一项？"),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("operatorOptions")
    buttons: dict[QPushButton, str] = {}
    for key, en, zh in OPERATOR_OPTIONS:
        button = box.addButton(tr(language, en, zh), QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName(f"operator_{key}")
        buttons[button] = key
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    return next((key for button, key in buttons.items() if button is clicked), None)


def operator_menu(parent: QWidget, app: App, language: str, *, timeout_s: float | None = None) -> str | None:
    """The kiosk's staff door: the operator PIN, then settings or the store dashboard.

    Returns "settings" (the caller opens its settings dialog), "dashboard" (opened here, closing itself
    after ``timeout_s`` idle seconds), or None: refused (the staff-only note was shown) or cancelled.
    """
    if not ask_pin(parent, language):
        QMessageBox.information(parent, tr(language, "Staff only", "仅限工作人员"),
                                tr(language, "Please ask a member of staff.", "请联系工作人员。"))
        return None
    choice = choose_operator_option(parent, language)
    if choice == "dashboard":
        open_dashboard(parent, app, language, timeout_s=timeout_s or idle_timeout_s())
    return choice


def open_dashboard(parent: QWidget, app: App, language: str, *, timeout_s: float) -> MerchantWindow:
    """The store dashboard over the kiosk window, closed after ``timeout_s`` seconds without a touch."""
    from desktop_app.ui.merchant.window import MerchantWindow  # charts load only when staff ask for them

    window = MerchantWindow(app, language=language, parent=parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    watcher = IdleWatcher(timeout_s, busy=lambda: False, parent=window)
    watcher.idle.connect(window.close)  # the watcher is the window's child: it goes with it
    watcher.start()
    window.showMaximized()
    log.info("store dashboard opened at the kiosk by an operator")
    return window


KIOSK_STYLE = """
QWidget { font-size: 18px; }
#appTitle { font-size: 26px; }
QPushButton { min-height: 52px; padding: 8px 22px; border-radius: 14px; font-size: 18px; }
QPushButton[chip="true"] { min-height: 48px; border-radius: 24px; }
QPushButton#micButton { min-height: 72px; font-size: 22px; font-weight: 600; background: #ff5000; color: #ffffff;
                        border-color: #ff5000; border-radius: 36px; }
QPushButton#micButton:disabled { background: #ffb899; border-color: #ffb899; }
QCheckBox { min-height: 44px; spacing: 10px; }
QCheckBox::indicator { width: 30px; height: 30px; }
QComboBox { min-height: 48px; font-size: 18px; }
QLineEdit, #chatInput { min-height: 48px; font-size: 20px; border-radius: 24px; }
QTabBar::tab { min-height: 44px; padding: 6px 18px; font-size: 17px; }
#whyLine, #whyButton { font-size: 15px; }
#whyButton { min-height: 36px; }
#cardTitle { font-size: 20px; }
#price, #returnStatus { font-size: 19px; }
#attractScreen { background: qlineargradient(x1:0, y1:0, x2:1, y2:1, stop:0 #ff5000, stop:1 #ff8a3d); }
#attractTitle { color: #ffffff; font-size: 54px; font-weight: 700; }
#attractBody { color: #fff4ee; font-size: 26px; }
#attractHint { color: #ffffff; font-size: 30px; font-weight: 600; border: 2px solid #ffffff; border-radius: 30px;
               padding: 14px 32px; }
"""
