"""The service-desk window: action bar, conversation, inline forms, and a side area for panels.

The window turns form requests into service calls on the task runner and results into cards;
it holds no business rules. The right-hand tab area is where later panels (session, 3D guide,
camera) are added with :meth:`MainWindow.add_side_panel`.
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.app import App
from desktop_app.core.vocabulary import CATEGORIES, attribute_label
from desktop_app.service.types import OrderView, SearchQuery, yuan
from desktop_app.ui import HANDOFF_REASON_LABELS, REASON_LABELS, RETURN_KIND_LABELS, tr
from desktop_app.ui.chat_panel import ChatPanel
from desktop_app.ui.forms import (
    ACTION_LABELS,
    FORM_TYPES,
    Form,
    HandoffInput,
    OrderForm,
    OrderLookupInput,
    ProductQuestion,
    RecommendInput,
    ReturnForm,
    ReturnInput,
    ReturnItemsInput,
    SearchForm,
)
from desktop_app.ui.handlers import AssistantText, ChatHandler, FormRequest, KeywordChatHandler
from desktop_app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

WINDOW_TITLE = "Service Desk 智能客服"
SHUTDOWN_WAIT_MS = 5000

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
#helpText { color: #3b424b; }
QStatusBar { background: #ffffff; color: #8a919a; border-top: 1px solid #e6e8eb; }
"""


def _said(en: str, zh: str) -> AssistantText:
    """A customer-side bubble describing a form request, in both languages."""
    return AssistantText(en, zh)


def _describe(query: SearchQuery) -> AssistantText:
    """The customer's side of a search, e.g. "搜索：手机 · 快充 · ≤ ¥3,000.00"."""
    parts: list[tuple[str, str]] = []
    if query.text:
        parts.append((f"“{query.text}”", f"“{query.text}”"))
    if query.category:
        term = CATEGORIES[query.category]
        parts.append((term.en, term.zh))
    for f in query.attributes:
        value = f.value or ""
        parts.append((attribute_label(f.key, value, "en"), attribute_label(f.key, value, "zh")))
    if query.min_price_fen is not None:
        parts.append((f"≥ {yuan(query.min_price_fen)}", f"≥ {yuan(query.min_price_fen)}"))
    if query.max_price_fen is not None:
        parts.append((f"≤ {yuan(query.max_price_fen)}", f"≤ {yuan(query.max_price_fen)}"))
    if query.in_stock_only:
        parts.append(("in stock", "有货"))
    en = " · ".join(p[0] for p in parts) or "all products"
    zh = " · ".join(p[1] for p in parts) or "全部商品"
    return AssistantText(f"Search: {en}", f"搜索：{zh}")


def _recommend(app: App, customer_code: str) -> object:
    """Runs on a worker: an empty list would be a blank card, so say why there is none."""
    recommendations = app.recommendations.for_customer(customer_code)
    if not recommendations:
        return AssistantText(
            "No personal recommendations yet: this member has no purchases or views to go on.",
            "暂时没有个性化推荐：该会员还没有可参考的购买或浏览记录。")
    return recommendations


class MainWindow(QMainWindow):
    languageChanged = Signal(str)

    def __init__(self, app: App, runner: TaskRunner | None = None, *, language: str | None = None,
                 handler: ChatHandler | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.language = language or app.settings.language
        self.runner = runner or TaskRunner(self)
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
        self.chat = ChatPanel(self.runner, handler or KeywordChatHandler(app.catalog), self.language)
        self.chat.formRequested.connect(self._on_form_request)
        self.chat.productRequested.connect(self._ask_product_by_id)
        self.chat.pageRequested.connect(self._search)
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
        self.help = self._help_panel()
        self.add_side_panel(self.help, "Help", "帮助")
        self._retranslate()
        self.chat.add_result(AssistantText(
            "Hello! I can check an order's status, returns and exchanges, answer product questions, "
            "search the catalog and recommend products. Type a question or choose an action above.",
            "您好！我可以帮您查询订单物流、办理退换货、解答商品问题、搜索商品和推荐好物。"
            "请输入问题，或点击上方的功能按钮。"))

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

    def open_form(self, key: str) -> Form:
        form = self._forms.get(key)
        if form is None:
            form = FORM_TYPES[key](self.language)
            form.submitted.connect(self._on_submitted)
            if isinstance(form, ReturnForm):
                form.itemsRequested.connect(self._load_return_items)
            self._forms[key] = form
        self.chat.set_form(form)
        return form

    def new_conversation(self) -> None:
        self.chat.clear()
        self.chat.set_form(None)
        for form in self._forms.values():
            form.deleteLater()
        self._forms.clear()

    def _on_form_request(self, request: FormRequest) -> None:
        form = self.open_form(request.form)
        if isinstance(form, OrderForm):
            form.prefill(request.order_ref)
        elif isinstance(form, SearchForm):
            form.prefill(request.search_text)

    def _on_submitted(self, request: Any) -> None:
        if isinstance(request, OrderLookupInput):
            self._lookup_order(request)
        elif isinstance(request, ReturnInput):
            self._return(request)
        elif isinstance(request, SearchQuery):
            self._search(request)
        elif isinstance(request, ProductQuestion):
            self.chat.add_user_text(_said(f"About product {request.sku}", f"咨询商品 {request.sku}"))
            catalog = self.app.catalog
            self.chat.run(lambda: catalog.answer(request.sku, destination_city=request.destination_city))
        elif isinstance(request, RecommendInput):
            self.chat.add_user_text(_said("Recommend something for me", "给我推荐一些商品"))
            self.chat.run(_recommend, self.app, request.customer_code)
        elif isinstance(request, HandoffInput):
            en, zh = HANDOFF_REASON_LABELS[request.reason]
            self.chat.add_user_text(_said(f"Talk to a person: {en}", f"转人工：{zh}"))
            handoff = self.app.handoff
            self.chat.run(lambda: handoff.open_ticket(
                reason=request.reason, priority=request.priority, summary=request.summary))
        else:
            log.error("unhandled form request %s", type(request).__name__)

    def _lookup_order(self, request: OrderLookupInput) -> None:
        tail = request.order_ref[-4:]
        self.chat.add_user_text(_said(f"Where is my order …{tail}?", f"查询订单 …{tail}"))
        orders = self.app.orders
        self.chat.run(lambda: orders.lookup(request.order_ref, phone_last4=request.phone_last4))

    def _load_return_items(self, request: ReturnItemsInput) -> None:
        form = self._forms.get("return")

        def fill(view: OrderView) -> None:
            if isinstance(form, ReturnForm):
                form.set_items(view.lines)
            self.statusBar().showMessage(tr(self.language, f"{len(view.lines)} item(s) found",
                                            f"找到 {len(view.lines)} 件商品"), 5000)

        orders = self.app.orders
        self.chat.run(lambda: orders.lookup(request.order_ref, phone_last4=request.phone_last4), on_done=fill)

    def _return(self, request: ReturnInput) -> None:
        kind_en, kind_zh = RETURN_KIND_LABELS[request.kind.value]
        reason_en, reason_zh = REASON_LABELS[request.reason.value]
        tail = request.order_ref[-4:]
        if request.file:
            said = _said(f"File a {kind_en.lower()} for order …{tail} ({reason_en})",
                         f"申请{kind_zh}：订单 …{tail}（{reason_zh}）")
            call = self.app.returns.file
        else:
            said = _said(f"Can I {kind_en.lower()} order …{tail}? ({reason_en})",
                         f"订单 …{tail} 能否{kind_zh}？（{reason_zh}）")
            call = self.app.returns.check
        self.chat.add_user_text(said)
        self.chat.run(lambda: call(request.order_ref, kind=request.kind, reason=request.reason,
                                   item_id=request.item_id, phone_last4=request.phone_last4))

    def _search(self, query: SearchQuery) -> None:
        if query.page == 1:
            self.chat.add_user_text(_describe(query))
        self.chat.run(self.app.catalog.search, query)

    def _ask_product_by_id(self, product_id: int) -> None:
        self.chat.run(self.app.catalog.answer, product_id)

    # -- lifecycle -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt naming)
        if not self.runner.shutdown(SHUTDOWN_WAIT_MS):
            log.warning("closing with background work still running")
        super().closeEvent(event)
