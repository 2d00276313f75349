"""The service-desk window: action bar, conversation, voice bar, inline forms, and side panels.

Typed text, speech and the camera all go to the assistant through the chat handler; the forms call
the services directly; everything runs off the GUI thread and comes back as cards, and the window
holds no business rules. It composes plain helpers, each given what it works with when built: a
``FormController`` (forms), a ``MediaController`` with its ``LoadProgress`` (microphone, speaker
and camera), and on a kiosk a ``KioskMode`` (attract screen, idle wipe, operator PIN).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.app import App
from desktop_app.core.errors import AppError
from desktop_app.dialogue.reply import GuideOffer
from desktop_app.fusion.hypothesis import Modality
from desktop_app.ui.chat.desk_link import attach as attach_desk
from desktop_app.ui.chat.handler import AssistantChatHandler, AssistantText, ChatHandler
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.chat.rating_prompt import attach as attach_rating
from desktop_app.ui.common.labels import tr
from desktop_app.ui.common.qt_language import apply_qt_language
from desktop_app.ui.common.style import STYLE
from desktop_app.ui.common.tasks import TaskRunner
from desktop_app.ui.forms.actions import FormController
from desktop_app.ui.forms.panels import ACTION_LABELS, Form
from desktop_app.ui.guide.tabs import GuideTabs
from desktop_app.ui.kiosk.mode import KioskMode
from desktop_app.ui.kiosk.screen import KIOSK_STYLE, AttractScreen, IdleWatcher, idle_timeout_s, operator_menu
from desktop_app.ui.session.panel import SessionPanel
from desktop_app.ui.shell.chrome import action_bar, fit_splitter, help_panel, name_close_buttons
from desktop_app.ui.shell.help import GREETING, HELP_EN, HELP_ZH
from desktop_app.ui.shell.media import LoadProgress, MediaController, MediaOptions
from desktop_app.ui.shell.settings_dialog import SettingsChoice, SettingsDialog

if TYPE_CHECKING:
    from desktop_app.ui.camera.bridge import VisionBridge
    from desktop_app.ui.voice.bridge import VoiceBridge

log = logging.getLogger(__name__)

WINDOW_TITLE = "Service Desk 智能客服"
SHUTDOWN_WAIT_MS = 5000
#: Loading the classifier cannot be interrupted; closing during the warm-up waits for it this long.
WARMUP_WAIT_MS = 20000


class MainWindow(QMainWindow):
    languageChanged = Signal(str)
    sessionEnded = Signal(str)  # why: "new_chat" or "idle"

    def __init__(self, app: App, runner: TaskRunner | None = None, *, language: str | None = None,
                 handler: ChatHandler | None = None, kiosk: bool = False, parent: QWidget | None = None,
                 media: bool = False, customer_code: str | None = None, staff_view: bool = False,
                 **media_options: Any) -> None:
        super().__init__(parent)
        self.app = app
        self.language = language or app.settings.language
        self.kiosk = kiosk
        self.runner = runner or TaskRunner(self)
        self.warming = False
        self.customer_code = customer_code
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self.setStyleSheet(STYLE)
        self.resize(1180, 800)
        self._side_titles: list[tuple[QWidget, str, str]] = []

        root = QWidget()
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        bar, self.action_buttons = action_bar(self.open_form)
        column.addWidget(bar)
        self.chat = ChatPanel(self.runner, handler or AssistantChatHandler(lambda: app.assistant,
                                                                           customer_code=customer_code), self.language)
        self.forms = FormController(app, self.chat, self.statusBar(), self.language, customer_code=customer_code,
                                    kiosk=kiosk)
        self.chat.productRequested.connect(self.forms.ask_product_by_id)
        self.chat.pageRequested.connect(self.forms.search)
        self.chat.guideRequested.connect(self.open_guide)
        self.chat.exchangeReceived.connect(self._on_exchange)
        self.desk_link = attach_desk(app, self.chat, self.runner, self)  # a handed-off chat goes live with an agent
        self.rating_offer = attach_rating(self.chat, self.runner, self, kiosk=kiosk)  # rate a resolved chat
        self.languageChanged.connect(self.rating_offer.set_language)
        self.side = QTabWidget()
        self.side.setObjectName("sidePanel")
        self.side.setDocumentMode(True)
        self.left = QWidget()
        self.left_column = QVBoxLayout(self.left)
        self.left_column.setContentsMargins(0, 0, 0, 0)
        self.left_column.setSpacing(0)
        self.left_column.addWidget(self.chat, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 340])
        column.addWidget(self.splitter, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(root)
        self.main_page = root
        self.setCentralWidget(self.pages)
        self.guide_tabs = GuideTabs(app, self.side, self.runner, self.language, self.add_side_panel, self)
        self.guide_tabs.failed.connect(self._guide_failed)
        self.chat.command_filter = self.guide_tabs.handle_command
        #: What the assistant understood (intents, confidences, slots) is for staff, never shown to a
        #: shopper by default: on a laptop Ctrl+Shift+D opens it; a kiosk never has it.
        self.session_panel: SessionPanel | None = None
        if not kiosk:
            QShortcut(QKeySequence("Ctrl+Shift+D"), self, self.show_session_details)
            if staff_view:
                self.show_session_details()
        self.help, self.help_text = help_panel()
        self.add_side_panel(self.help, "Help", "帮助")
        apply_qt_language(self.language)
        self._retranslate()
        self._greet()
        options = MediaOptions(enabled=media, **media_options)
        self.progress = LoadProgress(self.statusBar(), self.language)
        self.kiosk_mode = self._kiosk_mode(options) if kiosk else None
        self.media = MediaController(
            options, app=app, runner=self.runner, chat=self.chat, guide_tabs=self.guide_tabs, progress=self.progress,
            status=self.statusBar(), voice_area=self.left_column, show_camera=self._show_camera,
            language=self.language, kiosk=kiosk, warming=lambda: self.warming,
            activity=self.kiosk_mode.idle.poke if self.kiosk_mode is not None else None, parent=self)
        self._warm_up()

    def _greet(self) -> None:
        self.chat.add_result(AssistantText(*GREETING))

    # -- layout ----------------------------------------------------------------------------

    def _header(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("header")
        row = QHBoxLayout(bar)
        row.setContentsMargins(18, 10, 18, 10)
        self.title_label = QLabel()
        self.title_label.setObjectName("appTitle")
        row.addWidget(self.title_label)
        row.addStretch(1)
        self.signed_in = QLabel()
        self.signed_in.setObjectName("signedIn")
        self.signed_in.setVisible(self.customer_code is not None)
        row.addWidget(self.signed_in)
        self.new_chat = QPushButton()
        self.new_chat.setObjectName("newChatButton")
        self.new_chat.clicked.connect(self.new_conversation)
        row.addWidget(self.new_chat)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("中文", "zh")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(0 if self.language == "zh" else 1)
        self.language_combo.currentIndexChanged.connect(
            lambda _: self.set_language(self.language_combo.currentData()))
        row.addWidget(self.language_combo)
        self.settings_button = QPushButton()
        self.settings_button.setObjectName("settingsButton")
        self.settings_button.clicked.connect(self.open_settings)
        row.addWidget(self.settings_button)
        return bar

    def show_session_details(self) -> None:
        """Open the staff's session panel (laptop only); later turns fill it."""
        if self.kiosk or self.session_panel is not None:
            return
        self.session_panel = SessionPanel(self.language)
        self.add_side_panel(self.session_panel, "Session details (staff)", "会话详情（员工）")

    def add_side_panel(self, widget: QWidget, title_en: str, title_zh: str, *, first: bool = False) -> int:
        """Host another panel (session info, guide player, camera) in the right-hand tabs."""
        self._side_titles.append((widget, title_en, title_zh))
        title = tr(self.language, title_en, title_zh)
        index = self.side.insertTab(0, widget, title) if first else self.side.addTab(widget, title)
        if widget not in self.guide_tabs.widgets.values():
            self.guide_tabs.hide_close_button(widget)
        return index

    @property
    def guides(self) -> dict[str, QWidget]:
        """The open 3D guides by product SKU."""
        return dict(self.guide_tabs.widgets)

    @property
    def voice(self) -> VoiceBridge | None:
        """The voice bar's bridge, once the media are built (``media=True``)."""
        return self.media.voice

    @property
    def vision(self) -> VisionBridge | None:
        """The camera's bridge, once the media are built (``media=True``) and the chat can observe."""
        return self.media.vision

    @property
    def attract(self) -> AttractScreen | None:
        return self.kiosk_mode.attract if self.kiosk_mode is not None else None

    @property
    def idle(self) -> IdleWatcher | None:
        return self.kiosk_mode.idle if self.kiosk_mode is not None else None

    def open_form(self, key: str) -> Form:
        """Show one of the structured-action forms (``ACTION_LABELS``) above the input."""
        return self.forms.open_form(key)

    def _show_camera(self, camera: QWidget) -> None:
        self.add_side_panel(camera, "Camera", "摄像头", first=True)
        self.side.setCurrentWidget(camera)

    # -- language --------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language not in ("zh", "en") or language == self.language:
            return
        self.language = language
        self.language_combo.setCurrentIndex(0 if language == "zh" else 1)
        apply_qt_language(language)
        self._retranslate()
        self.forms.set_language(language)
        self.chat.set_language(language)
        if self.session_panel is not None:
            self.session_panel.set_language(language)
        self.guide_tabs.set_language(language)
        self.media.set_language(language)
        if self.kiosk_mode is not None:
            self.kiosk_mode.set_language(language)
        self.progress.set_language(language)
        self.languageChanged.emit(language)

    def _retranslate(self) -> None:
        t = partial(tr, self.language)
        self.title_label.setText(t("Service Desk", "智能客服"))
        self.new_chat.setText(t("New chat", "新会话"))
        self.settings_button.setText(t("Staff", "工作人员") if self.kiosk else t("Settings", "设置"))
        if self.customer_code is not None:
            self.signed_in.setText(t(f"Signed in: member {self.customer_code}", f"已登录：会员 {self.customer_code}"))
        for key, button in self.action_buttons.items():
            button.setText(t(*ACTION_LABELS[key]).replace("&", "&&"))  # "Q&A" is not a shortcut
        for widget, en, zh in self._side_titles:
            self.side.setTabText(self.side.indexOf(widget), t(en, zh))
        name_close_buttons(self.side, t("Close tab", "关闭标签页"))
        self.help_text.setText(t(HELP_EN, HELP_ZH))
        self.store_date = t(f"Store date {self.app.clock.now():%Y-%m-%d}", f"门店日期 {self.app.clock.now():%Y-%m-%d}")
        self.statusBar().showMessage(self.store_date)

    # -- actions ---------------------------------------------------------------------------

    def new_conversation(self) -> None:
        """New chat: a fresh assistant session; a kiosk also deletes the last visitor's stored turns."""
        self.guide_tabs.close_all()  # their step times are recorded first
        self.media.reset()
        self.chat.clear()
        self.rating_offer.clear()
        self.chat.set_form(None)
        self.forms.clear()
        if self.session_panel is not None:
            self.session_panel.clear()
        reset = getattr(self.chat.handler, "reset", None)
        if reset is not None:  # ends the old session after any turn still running on it
            self.runner.submit(reset, self.kiosk)

    def open_guide(self, offer: GuideOffer, *, jump: bool = True) -> QWidget | None:
        """Show a product's 3D assembly guide in a side tab (one tab per product, reused) at its step."""
        widget = self.guide_tabs.open(offer, jump=jump)
        if widget is not None:
            sizes = self.splitter.sizes()
            if sizes[1] < 520:  # the player needs room for its view and step list
                self.splitter.setSizes([max(sum(sizes) - 560, 400), 560])
        return widget

    def _guide_failed(self, offer: GuideOffer) -> None:
        self.chat.add_result(AppError(
            f"Sorry, the 3D guide for {offer.name} cannot be shown on this device. "
            "Ask a staff member for the printed instructions.",
            message_zh=f"抱歉，本设备暂时无法显示{offer.name}的 3D 安装指引，请向工作人员索取纸质说明书。"))

    def _on_exchange(self, exchange: Any) -> None:
        if self.session_panel is not None:
            self.session_panel.show_exchange(exchange, getattr(self.chat.handler, "latest_slots", None))
        if set(exchange.fused.modalities) & {Modality.VOICE, Modality.VISION, Modality.QR}:  # hands busy: open it for them
            for offer in exchange.reply.cards:
                if isinstance(offer, GuideOffer):
                    self.open_guide(offer, jump=False)

    def _warm_up(self) -> None:
        """Load the classifier in the background so the first question is answered quickly."""
        warm_up = getattr(self.chat.handler, "warm_up", None)
        if warm_up is None:
            self.media.start()
            return
        self.warming = True
        self.chat.set_warming(True)
        self.progress.loading("assistant", True)

        def warmed(_result: object = None) -> None:
            self.warming = False
            self.chat.set_warming(False)
            self.progress.loading("assistant", False)
            self.media.start_when_idle(self.chat)

        self.runner.submit(warm_up, on_done=warmed, on_error=warmed)

    # -- kiosk sessions and settings ------------------------------------------------------

    def _kiosk_mode(self, options: MediaOptions) -> KioskMode:
        self.setStyleSheet(self.styleSheet() + KIOSK_STYLE)
        timeout = options.idle_timeout_s if options.idle_timeout_s is not None else idle_timeout_s()
        mode = KioskMode(self.pages, self.main_page, self.language, timeout_s=timeout, busy=self._session_busy,
                         parent=self)
        mode.idle.idle.connect(lambda: self.end_session("idle"))
        if options.start_on_attract:
            mode.show_attract()
        else:
            mode.start_session()
        return mode

    def start_session(self) -> None:
        """A visitor touched the attract screen."""
        if self.kiosk_mode is not None:
            self.kiosk_mode.start_session()
        else:
            self.pages.setCurrentWidget(self.main_page)

    def _session_busy(self) -> bool:
        return bool(self.chat.busy or self.media.busy or self.guide_tabs.loading)

    def end_session(self, reason: str = "idle") -> None:
        """End the visitor's session: guides recorded and closed, media reset, conversation wiped."""
        log.info("session ended (%s)", reason)
        self.new_conversation()
        self.chat.input.clear()
        if self.kiosk:
            self.set_language(self.app.settings.language)
            self._greet()
        if self.kiosk_mode is not None:
            self.kiosk_mode.show_attract()
        self.sessionEnded.emit(reason)

    def open_settings(self) -> None:
        """Laptop: the settings dialog. Kiosk: the operator PIN, then settings or the store dashboard."""
        if self.kiosk:
            if operator_menu(self, self.app, self.language) != "settings":
                return  # refused (the note was shown), cancelled, or the dashboard was opened
        current = self.media.current_settings(self.language)
        dialog = SettingsDialog(current, cameras=self.media.cameras(), retention_days=self.app.settings.retention_days,
                                on_delete_history=lambda: self.end_session("deleted"), parent=self)
        if dialog.exec():
            self.apply_settings(dialog.choice(), current)

    def apply_settings(self, choice: SettingsChoice, before: SettingsChoice) -> None:
        self.set_language(choice.language)
        self.media.apply_settings(choice, before)

    # -- lifecycle -------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        fit_splitter(self.splitter, self.left, self.width(), self.height())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk_mode is not None:
            self.kiosk_mode.stop()
        self.media.shutdown()
        self.guide_tabs.shutdown()  # render threads own GL contexts; child widgets get no close event
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS + (WARMUP_WAIT_MS if self.warming else 0)):
            log.warning("closing with background work still running")
        reset = getattr(self.chat.handler, "reset", None)
        if reset is not None:
            reset(self.kiosk, timeout_s=SHUTDOWN_WAIT_MS / 1000)
        super().closeEvent(event)
