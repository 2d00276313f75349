"""The service-desk window: action bar, conversation, voice bar, inline forms, and side panels.

Typed text, speech and the camera all go to the assistant (understanding → fusion → dialogue)
through the chat handler; the structured-action forms call the services directly. Everything
runs off the GUI thread and comes back as cards; the window holds no business rules. The
right-hand tabs hold the camera, the debug panel (laptop mode only), help, and 3D guides, added
with :meth:`MainWindow.add_side_panel`. Microphone, speaker and camera (``media=True``) and the
kiosk and laptop behaviour live in :mod:`desktop_app.ui.window_media`.
"""

from __future__ import annotations

import logging

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
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
from desktop_app.ui import tr
from desktop_app.ui.chat_panel import ChatPanel
from desktop_app.ui.forms import ACTION_LABELS, Form
from desktop_app.ui.forms_actions import FormActions
from desktop_app.ui.guide_tabs import GuideTabs
from desktop_app.ui.handlers import AssistantChatHandler, AssistantText, ChatHandler
from desktop_app.ui.session_panel import SessionPanel
from desktop_app.ui.style import STYLE
from desktop_app.ui.tasks import TaskRunner
from desktop_app.ui.window_media import MediaOptions, WindowMedia

log = logging.getLogger(__name__)

WINDOW_TITLE = "Service Desk 智能客服"
SHUTDOWN_WAIT_MS = 5000
#: Loading the classifier cannot be interrupted; closing during the warm-up waits for it this long.
WARMUP_WAIT_MS = 20000


class MainWindow(WindowMedia, FormActions, QMainWindow):
    languageChanged = Signal(str)
    sessionEnded = Signal(str)  # why: "new_chat" or "idle"

    def __init__(self, app: App, runner: TaskRunner | None = None, *, language: str | None = None,
                 handler: ChatHandler | None = None, kiosk: bool = False, parent: QWidget | None = None,
                 media: bool = False, customer_code: str | None = None, **media_options: Any) -> None:
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
        self._forms: dict[str, Form] = {}
        self._side_titles: list[tuple[QWidget, str, str]] = []

        root = QWidget()
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        column.addWidget(self._action_bar())
        self.chat = ChatPanel(self.runner, handler or AssistantChatHandler(lambda: app.assistant,
                                                                           customer_code=customer_code), self.language)
        self.chat.productRequested.connect(self._ask_product_by_id)
        self.chat.pageRequested.connect(self._search)
        self.chat.guideRequested.connect(self.open_guide)
        self.chat.exchangeReceived.connect(self._on_exchange)
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
        self.session_panel: SessionPanel | None = None
        if not kiosk:  # what the assistant understood is for staff, not for a kiosk's visitors
            self.session_panel = SessionPanel(self.language)
            self.add_side_panel(self.session_panel, "Session", "会话")
        self.help = self._help_panel()
        self.add_side_panel(self.help, "Help", "帮助")
        self._retranslate()
        self._greet()
        self.setup_media(MediaOptions(enabled=media, **media_options))
        self._warm_up()

    def _greet(self) -> None:
        self.chat.add_result(AssistantText(
            "Hello! I can check an order's status, returns and exchanges, answer product questions, "
            "search the catalog, recommend products and show 3D assembly guides. Type, hold the mic "
            "button and speak, or show parts to the camera.",
            "您好！我可以帮您查询订单物流、办理退换货、解答商品问题、搜索商品、推荐好物和演示 3D 安装。"
            "您可以打字、按住麦克风说话，或把零件对准摄像头。"))

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

    def _action_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("actionBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(18, 8, 18, 8)
        row.setSpacing(8)
        self.action_buttons: dict[str, QPushButton] = {}
        for key in ACTION_LABELS:
            button = QPushButton()
            button.setObjectName(f"action_{key}")
            button.setProperty("chip", True)
            button.clicked.connect(lambda _=False, k=key: self.open_form(k))
            self.action_buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        return bar

    def _help_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(16, 16, 16, 16)
        self.help_text = QLabel()
        self.help_text.setObjectName("helpText")
        self.help_text.setWordWrap(True)
        self.help_text.setTextFormat(Qt.TextFormat.PlainText)
        self.help_text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.help_text)
        layout.addStretch(1)
        return panel

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

    # -- language --------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language not in ("zh", "en") or language == self.language:
            return
        self.language = language
        self.language_combo.setCurrentIndex(0 if language == "zh" else 1)
        self._retranslate()
        for form in self._forms.values():
            form.set_language(language)
        self.chat.set_language(language)
        if self.session_panel is not None:
            self.session_panel.set_language(language)
        self.guide_tabs.language = language
        self.media_language_changed(language)
        self.languageChanged.emit(language)

    def _retranslate(self) -> None:
        t = lambda en, zh: tr(self.language, en, zh)  # noqa: E731
        self.title_label.setText(t("Service Desk", "智能客服"))
        self.new_chat.setText(t("New chat", "新会话"))
        self.settings_button.setText(t("Staff", "工作人员") if self.kiosk else t("Settings", "设置"))
        if self.customer_code is not None:
            self.signed_in.setText(t(f"Signed in: member {self.customer_code}", f"已登录：会员 {self.customer_code}"))
        for key, button in self.action_buttons.items():
            button.setText(t(*ACTION_LABELS[key]).replace("&", "&&"))  # "Q&A" is not a shortcut
        for widget, en, zh in self._side_titles:
            self.side.setTabText(self.side.indexOf(widget), t(en, zh))
        self.help_text.setText(t(
            "What I can help with\n\n"
            "• Order status: the 16-digit order number and the last 4 digits of the phone used for the order.\n\n"
            "• Returns & exchanges: the same two, then pick the item; check first, then file.\n\n"
            "• Product Q&A: the product code shown under a product, or press Details on any product.\n\n"
            "• Search: filter by category, price, features and colour.\n\n"
            "• For you: recommendations from a member's purchases, each with its reason.\n\n"
            "• Human agent: joins the staff queue.",
            "我能帮您做什么\n\n"
            "• 订单查询：16 位订单号 + 下单手机号后四位。\n\n"
            "• 退换货：同上，选择商品后先检查资格，再提交申请。\n\n"
            "• 商品咨询：输入商品编码，或点击任一商品的“详情”。\n\n"
            "• 商品搜索：按类目、价格、功能和颜色筛选。\n\n"
            "• 为您推荐：根据会员的购买记录推荐，并说明理由。\n\n"
            "• 转人工：进入人工客服排队。"))
        self.store_date = t(f"Store date {self.app.clock.now():%Y-%m-%d}", f"门店日期 {self.app.clock.now():%Y-%m-%d}")
        self.statusBar().showMessage(self.store_date)

    # -- actions ---------------------------------------------------------------------------

    def new_conversation(self) -> None:
        """New chat: a fresh assistant session; a kiosk also deletes the last visitor's stored turns."""
        self.guide_tabs.close_all()  # their step times are recorded first
        self.reset_media()
        self.chat.clear()
        self.chat.set_form(None)
        for form in self._forms.values():
            form.deleteLater()
        self._forms.clear()
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
        if set(exchange.fused.modalities) & {"voice", "vision", "qr"}:  # hands busy: open it for them
            for offer in exchange.reply.cards:
                if isinstance(offer, GuideOffer):
                    self.open_guide(offer, jump=False)

    def _warm_up(self) -> None:
        """Load the classifier in the background so the first question is answered quickly."""
        warm_up = getattr(self.chat.handler, "warm_up", None)
        if warm_up is None:
            return
        self.warming = True
        self.chat.set_warming(True)
        self.loading("assistant", True)

        def warmed(_result: object = None) -> None:
            self.warming = False
            self.chat.set_warming(False)
            self.loading("assistant", False)
            self.after_warm_up()

        self.runner.submit(warm_up, on_done=warmed, on_error=warmed)

    # -- lifecycle -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        self.shutdown_media()
        self.guide_tabs.shutdown()  # render threads own GL contexts; child widgets get no close event
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS + (WARMUP_WAIT_MS if self.warming else 0)):
            log.warning("closing with background work still running")
        reset = getattr(self.chat.handler, "reset", None)
        if reset is not None:
            reset(self.kiosk, timeout_s=SHUTDOWN_WAIT_MS / 1000)
        super().closeEvent(event)
