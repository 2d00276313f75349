"""The service-desk window: action bar, conversation, inline forms, and a side area for panels.

Typed text goes to the assistant (understanding → fusion → dialogue) through the chat handler;
the structured-action forms call the services directly. Both run on the task runner and come back
as cards; the window holds no business rules. The right-hand tabs hold the session panel (laptop
mode only), help, and 3D guides opened from a reply, added with :meth:`MainWindow.add_side_panel`.
"""

from __future__ import annotations

import logging

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.app import App
from desktop_app.core.errors import AppError
from desktop_app.dialogue.pipeline import Exchange
from desktop_app.dialogue.reply import GuideOffer
from desktop_app.ui import tr
from desktop_app.ui.chat_panel import ChatPanel
from desktop_app.ui.forms import ACTION_LABELS, Form
from desktop_app.ui.forms_actions import FormActions
from desktop_app.ui.handlers import AssistantChatHandler, AssistantText, ChatHandler
from desktop_app.ui.session_panel import SessionPanel
from desktop_app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

WINDOW_TITLE = "Service Desk 智能客服"
SHUTDOWN_WAIT_MS = 5000
#: Loading the classifier cannot be interrupted; closing during the warm-up waits for it this long.
WARMUP_WAIT_MS = 20000

STYLE = """
QMainWindow, #conversationList, #chatPanel QScrollArea { background: #f4f5f7; }
#header { background: #ffffff; border-bottom: 1px solid #e6e8eb; }
#appTitle { font-size: 18px; font-weight: 600; color: #1f2329; }
#actionBar { background: #ffffff; border-bottom: 1px solid #e6e8eb; }
QPushButton { padding: 6px 14px; border: 1px solid #d0d4da; border-radius: 8px; background: #ffffff; color: #1f2329; }
QPushButton:hover { border-color: #ff5000; color: #ff5000; }
QPushButton:disabled { color: #b0b6be; border-color: #e3e6ea; }
QPushButton[chip="true"] { border-radius: 15px; padding: 6px 16px; background: #fff4ee; border-color: #ffd8c2; color: #d64400; }
QPushButton[primary="true"] { background: #ff5000; border-color: #ff5000; color: #ffffff; font-weight: 600; }
QPushButton[primary="true"]:disabled { background: #ffb899; border-color: #ffb899; }
QPushButton#detailsButton, QPushButton#actionButton { padding: 3px 12px; }
QLineEdit { padding: 5px 8px; border: 1px solid #d0d4da; border-radius: 6px; background: #ffffff; }
QLineEdit:focus { border-color: #ff5000; }
QComboBox { min-height: 26px; }
#composer { background: #ffffff; border-top: 1px solid #e6e8eb; }
#chatInput { padding: 8px 12px; border-radius: 18px; }
#sendButton { border-radius: 18px; padding: 8px 22px; }
#formHost { background: #ffffff; border-top: 1px solid #e6e8eb; }
#form { background: #fafbfc; border: 1px solid #e6e8eb; border-radius: 10px; }
#formTitle { font-weight: 600; color: #1f2329; }
#formError { color: #cf1322; }
#closeFormButton { border: none; font-size: 18px; color: #8a919a; padding: 2px 6px; }
#typingIndicator { color: #8a919a; padding: 4px 64px; background: #f4f5f7; }
#avatar { min-width: 36px; max-width: 36px; min-height: 36px; max-height: 36px; border-radius: 18px;
          background: #ff5000; color: #ffffff; font-size: 11px; font-weight: 600; }
#card { background: #ffffff; border: 1px solid #e6e8eb; border-radius: 12px; }
#card[variant="reply"] { background: transparent; border: none; }
#card[variant="user"] { background: #ff5000; border-color: #ff5000; }
#card[variant="user"] QLabel { color: #ffffff; }
#card[variant="error"] { background: #fff2f0; border-color: #ffccc7; }
#card[variant="error"] QLabel { color: #a8071a; }
#cardTitle { font-size: 15px; font-weight: 600; color: #1f2329; }
#sectionTitle { font-weight: 600; color: #1f2329; margin-top: 6px; }
#cardNote, #productMeta, #timelineMeta, #pageLabel { color: #8a919a; }
#description, #specs, #deliveryText, #decisionText, #messageText { color: #1f2329; }
#productRow { background: #fafbfc; border: 1px solid #eef0f2; border-radius: 8px; }
#productName { font-weight: 600; color: #1f2329; }
#price { color: #ff5000; font-weight: 600; font-size: 15px; }
#whyLabel { color: #5b6470; }
#timelineText[current="true"] { color: #ff5000; font-weight: 600; }
QLabel[badge] { border-radius: 9px; padding: 2px 10px; font-weight: 600; }
QLabel[badge="info"] { background: #e6f4ff; color: #0958d9; }
QLabel[badge="ok"] { background: #f6ffed; color: #389e0d; }
QLabel[badge="warn"] { background: #fffbe6; color: #d48806; }
QLabel[badge="bad"] { background: #fff1f0; color: #cf1322; }
#returnStatus { font-size: 15px; font-weight: 600; color: #389e0d; }
#returnStatus[created="false"] { color: #d48806; }
#sidePanel { background: #ffffff; }
#filterChip { background: #e6f4ff; color: #0958d9; border-radius: 9px; padding: 2px 10px; }
QPushButton#suggestionChip { padding: 4px 12px; border-radius: 12px; }
QPushButton#itemChoiceButton { padding: 6px 12px; }
#sessionPanel, #sessionPanel > QWidget > QWidget { background: #ffffff; }
#sessionPanel QProgressBar { border: 1px solid #e6e8eb; border-radius: 6px; background: #f4f5f7; font-size: 10px; }
#sessionPanel QProgressBar::chunk { background: #ff9a66; border-radius: 5px; }
#sessionPanel QTableWidget { border: 1px solid #e6e8eb; gridline-color: #eef0f2; }
#sessionEmpty, #fusionExplanation, #modalities { color: #5b6470; }
#helpText { color: #3b424b; }
QStatusBar { background: #ffffff; color: #8a919a; border-top: 1px solid #e6e8eb; }
"""


class MainWindow(FormActions, QMainWindow):
    languageChanged = Signal(str)

    def __init__(self, app: App, runner: TaskRunner | None = None, *, language: str | None = None,
                 handler: ChatHandler | None = None, kiosk: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.language = language or app.settings.language
        self.kiosk = kiosk
        self.runner = runner or TaskRunner(self)
        self.warming = False
        self.guides: dict[str, QWidget] = {}
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
        self.chat = ChatPanel(self.runner, handler or AssistantChatHandler(lambda: app.assistant), self.language)
        self.chat.productRequested.connect(self._ask_product_by_id)
        self.chat.pageRequested.connect(self._search)
        self.chat.guideRequested.connect(self.open_guide)
        self.chat.exchangeReceived.connect(self._on_exchange)
        self.side = QTabWidget()
        self.side.setObjectName("sidePanel")
        self.side.setDocumentMode(True)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.chat)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([820, 340])
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(root)
        self.session_panel: SessionPanel | None = None
        if not kiosk:  # what the assistant understood is for staff, not for a kiosk's visitors
            self.session_panel = SessionPanel(self.language)
            self.add_side_panel(self.session_panel, "Session", "会话")
        self.help = self._help_panel()
        self.add_side_panel(self.help, "Help", "帮助")
        self._retranslate()
        self.chat.add_result(AssistantText(
            "Hello! I can check an order's status, returns and exchanges, answer product questions, "
            "search the catalog and recommend products. Type a question or choose an action above.",
            "您好！我可以帮您查询订单物流、办理退换货、解答商品问题、搜索商品和推荐好物。"
            "请输入问题，或点击上方的功能按钮。"))
        self._warm_up()

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

    def add_side_panel(self, widget: QWidget, title_en: str, title_zh: str) -> int:
        """Host another panel (session info, guide player, camera) in the right-hand tabs."""
        self._side_titles.append((widget, title_en, title_zh))
        return self.side.addTab(widget, tr(self.language, title_en, title_zh))

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
        self.languageChanged.emit(language)

    def _retranslate(self) -> None:
        t = lambda en, zh: tr(self.language, en, zh)  # noqa: E731
        self.title_label.setText(t("Service Desk", "智能客服"))
        self.new_chat.setText(t("New chat", "新会话"))
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
        self.statusBar().showMessage(t(f"Store date {self.app.clock.now():%Y-%m-%d}",
                                       f"门店日期 {self.app.clock.now():%Y-%m-%d}"))

    # -- actions ---------------------------------------------------------------------------

    def new_conversation(self) -> None:
        """New chat: a fresh assistant session; a kiosk also deletes the last visitor's stored turns."""
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

    def open_guide(self, offer: GuideOffer) -> QWidget | None:
        """Show a product's 3D assembly guide in a side tab (one tab per product, reused)."""
        widget = self.guides.get(offer.sku)
        if widget is None:
            widget = self._guide_widget(offer)
            if widget is None:
                return None
            self.guides[offer.sku] = widget
            self.add_side_panel(widget, f"3D guide · {offer.name}", f"3D 指引 · {offer.name}")
            sizes = self.splitter.sizes()
            if sizes[1] < 520:  # the player needs room for its view and step list
                self.splitter.setSizes([max(sum(sizes) - 560, 400), 560])
        self.side.setCurrentWidget(widget)
        return widget

    def _guide_widget(self, offer: GuideOffer) -> QWidget | None:
        """The guide player for ``offer``, or None after showing why it cannot open."""
        path = self.app.settings.assets_dir / "models3d" / offer.sku
        try:
            from desktop_app.ui.guide_player import GuidePlayerWidget

            widget = GuidePlayerWidget(language=self.language)
        except Exception:  # a missing renderer or a broken install must not take the chat down
            log.exception("the 3D guide player could not start")
            self._guide_failed(offer)
            return None
        widget.setObjectName("guidePlayer")
        widget.load_failed.connect(lambda _message: self._guide_failed(offer))
        if offer.step > 1:
            def jump(_step: int) -> None:  # the first step shown means the guide has opened
                widget.step_changed.disconnect(jump)
                if widget.player is not None:
                    widget.player.goto(offer.step - 1)
            widget.step_changed.connect(jump)
        widget.open_guide(path)
        return widget

    def _guide_failed(self, offer: GuideOffer) -> None:
        self.chat.add_result(AppError(
            f"Sorry, the 3D guide for {offer.name} cannot be shown on this device. "
            "Ask a staff member for the printed instructions.",
            message_zh=f"抱歉，本设备暂时无法显示{offer.name}的 3D 安装指引，请向工作人员索取纸质说明书。"))

    def _on_exchange(self, exchange: Exchange) -> None:
        if self.session_panel is not None:
            self.session_panel.show_exchange(exchange, getattr(self.chat.handler, "latest_slots", None))

    def _warm_up(self) -> None:
        """Load the classifier in the background so the first question is answered quickly."""
        warm_up = getattr(self.chat.handler, "warm_up", None)
        if warm_up is None:
            return
        self.warming = True
        self.chat.set_warming(True)

        def warmed(_result: object = None) -> None:
            self.warming = False
            self.chat.set_warming(False)

        self.runner.submit(warm_up, on_done=warmed, on_error=warmed)

    # -- lifecycle -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        for widget in self.guides.values():
            shutdown = getattr(widget, "shutdown", None)
            if shutdown is not None:
                shutdown()  # its render thread owns a GL context; child widgets get no close event
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS + (WARMUP_WAIT_MS if self.warming else 0)):
            log.warning("closing with background work still running")
        reset = getattr(self.chat.handler, "reset", None)
        if reset is not None:
            reset(self.kiosk, timeout_s=SHUTDOWN_WAIT_MS / 1000)
        super().closeEvent(event)
