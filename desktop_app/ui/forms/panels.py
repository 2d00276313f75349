"""Compact inline forms for the structured actions: order status, returns, search, product Q&A,
recommendations and handoff.

Each form checks only what it can see and emits a plain request (see ``forms_base``); the window
runs it off the GUI thread. The request types are re-exported here for one-import callers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES
from desktop_app.service.types import (
    AttributeFilter,
    OrderLine,
    Priority,
    ReturnKind,
    ReturnReason,
    SearchQuery,
    SortOrder,
)
from desktop_app.ui.common.labels import (
    HANDOFF_REASON_LABELS,
    PRIORITY_LABELS,
    REASON_LABELS,
    RETURN_KIND_LABELS,
    SORT_LABELS,
)
from desktop_app.ui.forms.base import (
    Form,
    HandoffInput,
    OrderLookupInput,
    ProductQuestion,
    RecommendInput,
    ReturnInput,
    ReturnItemsInput,
)

__all__ = [
    "ACTION_LABELS", "FORM_TYPES", "Form", "HandoffForm", "HandoffInput", "OrderForm", "OrderLookupInput",
    "ProductForm", "ProductQuestion", "RecommendForm", "RecommendInput", "ReturnForm", "ReturnInput",
    "ReturnItemsInput", "SearchForm",
]


class OrderForm(Form):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Order status", "订单查询"), parent)
        self.order = self.field("orderNumber", "Order number", "订单号", 0, max_len=24)
        self.last4 = self.field("phoneLast4", "Phone last 4", "手机尾号", 0, 2, max_len=4)
        self.last4.setEchoMode(QLineEdit.EchoMode.Password)
        self.lookup = self.button("lookupButton", "Check", "查询", primary=True)
        self.lookup.clicked.connect(self._check)

    def prefill(self, order_ref: str | None) -> None:
        if order_ref:
            self.order.setText(order_ref)
            self.last4.setFocus()
        else:
            self.order.setFocus()

    def _check(self) -> None:
        inputs = self._verified_inputs(self.order, self.last4)
        if inputs:
            self.submit_request(OrderLookupInput(*inputs))


class ReturnForm(Form):
    """Verify the order, pick the item, then check eligibility or file the request."""

    itemsRequested = Signal(object)

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Returns & exchanges", "退换货"), parent)
        self.order = self.field("orderNumber", "Order number", "订单号", 0, max_len=24)
        self.last4 = self.field("phoneLast4", "Phone last 4", "手机尾号", 0, 2, max_len=4)
        self.last4.setEchoMode(QLineEdit.EchoMode.Password)
        self.load = QPushButton()
        self.load.setObjectName("loadItemsButton")
        self._text(self.load, "Find items", "查找商品")
        self.load.clicked.connect(self._load_items)
        self.grid.addWidget(self.load, 0, 4)
        self.grid.addWidget(self._text(QLabel(), "Item", "商品"), 1, 0)
        self.item = QComboBox()
        self.item.setObjectName("itemPicker")
        self.item.setEnabled(False)
        self.grid.addWidget(self.item, 1, 1, 1, 4)
        self.kind = self.combo("kindCombo", "Type", "类型",
                               [(k.value, *RETURN_KIND_LABELS[k.value]) for k in ReturnKind], 2)
        self.reason = self.combo("reasonCombo", "Reason", "原因",
                                 [(r.value, *REASON_LABELS[r.value]) for r in ReturnReason], 2, 2)
        self.opened = self.combo("openedCombo", "Package", "包装",
                                 [("unopened", "Unopened", "未拆封"), ("opened", "Opened", "已拆封")], 3)
        self.check = self.button("checkButton", "Check eligibility", "检查资格", primary=True)
        self.file = self.button("fileButton", "File request", "提交申请")
        self.check.clicked.connect(lambda: self._send(file=False))
        self.file.clicked.connect(lambda: self._send(file=True))
        self.order.textChanged.connect(self._forget_items)

    def set_items(self, lines: Sequence[OrderLine]) -> None:
        self.item.clear()
        for line in lines:
            self.item.addItem(f"{line.product.name(self.language)} × {line.quantity}", line.item_id)
        self.item.setEnabled(bool(lines))

    def _forget_items(self) -> None:
        self.item.clear()
        self.item.setEnabled(False)

    def _load_items(self) -> None:
        inputs = self._verified_inputs(self.order, self.last4)
        if inputs:
            self.clear_error()
            self.itemsRequested.emit(ReturnItemsInput(*inputs))

    def _send(self, *, file: bool) -> None:
        inputs = self._verified_inputs(self.order, self.last4)
        if not inputs:
            return
        item_id = self.item.currentData() if self.item.count() else None
        self.submit_request(ReturnInput(*inputs, item_id=item_id, kind=ReturnKind(self.kind.currentData()),
                              reason=ReturnReason(self.reason.currentData()), file=file,
                              opened=self.opened.currentData() == "opened"))


class SearchForm(Form):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Product search", "商品搜索"), parent)
        self.text = self.field("searchText", "Name", "名称", 0, max_len=60)
        self.category = self.combo("categoryCombo", "Category", "类目",
                                   [("", "Any", "全部"), *((k, t.en, t.zh) for k, t in CATEGORIES.items())], 0, 2)
        self.min_price = self.field("minPrice", "Min ¥", "最低价", 1, max_len=9)
        self.max_price = self.field("maxPrice", "Max ¥", "最高价", 1, 2, max_len=9)
        self.colour = self.combo("colourCombo", "Colour", "颜色",
                                 [("", "Any", "不限"), *((k, t.en, t.zh) for k, t in ENUM_VALUES["colour"].items())], 2)
        self.sort = self.combo("sortCombo", "Sort", "排序", [(s.value, *SORT_LABELS[s.value]) for s in SortOrder], 2, 2)
        flags_row = QHBoxLayout()
        flags_row.setSpacing(10)
        self.flags: dict[str, QCheckBox] = {}
        for key, spec in ATTRIBUTES.items():
            if spec.kind == "flag":
                box = self._text(QCheckBox(), spec.en, spec.zh)
                box.setObjectName(f"flag_{key}")
                self.flags[key] = box
                flags_row.addWidget(box)
        self.in_stock = self._text(QCheckBox(), "In stock", "有货")
        self.in_stock.setObjectName("inStock")
        flags_row.addWidget(self.in_stock)
        flags_row.addStretch(1)
        self.grid.addLayout(flags_row, 3, 0, 1, 4)
        self.category.currentIndexChanged.connect(self._show_relevant_flags)
        self.search = self.button("searchButton", "Search", "搜索", primary=True)
        self.search.clicked.connect(self._search)

    def prefill(self, text: str | None) -> None:
        if text:
            self.text.setText(text)
        self.text.setFocus()

    def _show_relevant_flags(self) -> None:
        category = self.category.currentData()
        for key, box in self.flags.items():
            applies = not category or not ATTRIBUTES[key].categories or category in ATTRIBUTES[key].categories
            box.setVisible(applies)
            if not applies:
                box.setChecked(False)

    def _price(self, edit: QLineEdit) -> int | None | str:
        raw = edit.text().strip().lstrip("¥")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            return "bad"
        if value < 0 or value != value or value > 10_000_000:
            return "bad"
        return round(value * 100)

    def _search(self) -> None:
        low, high = self._price(self.min_price), self._price(self.max_price)
        if isinstance(low, str) or isinstance(high, str):  # "bad"
            self.show_error("Prices must be numbers of yuan, e.g. 199 or 89.5.", "价格请填写数字（元），如 199 或 89.5。")
            return
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.show_error("The minimum price is above the maximum.", "最低价高于最高价。")
            return
        attrs = [AttributeFilter(key, "true") for key, box in self.flags.items() if box.isChecked()]
        if self.colour.currentData():
            attrs.append(AttributeFilter("colour", self.colour.currentData()))
        self.submit_request(SearchQuery(
            text=self.text.text().strip() or None,
            category=self.category.currentData() or None,
            min_price_fen=low,
            max_price_fen=high,
            attributes=tuple(attrs),
            in_stock_only=self.in_stock.isChecked(),
            sort=SortOrder(self.sort.currentData()),
        ))


class ProductForm(Form):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Ask about a product", "商品咨询"), parent)
        self.sku = self.field("skuInput", "Product code", "商品编码", 0, max_len=32)
        self.city = self.field("cityInput", "Deliver to (city)", "收货城市", 0, 2, max_len=32)
        self.ask = self.button("askButton", "Ask", "咨询", primary=True)
        self.ask.clicked.connect(self._ask)

    def _ask(self) -> None:
        sku = self.sku.text().strip()
        if not sku:
            self.show_error("Enter the product code (shown under each product's name).", "请输入商品编码（见商品名称下方）。")
            return
        self.submit_request(ProductQuestion(sku, self.city.text().strip() or None))


class RecommendForm(Form):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Recommendations", "为您推荐"), parent)
        self.wish = self.field("recommendWish", "Looking for (optional)", "想要什么（可选）", 0, max_len=60)
        self.go = self.button("recommendButton", "Recommend", "推荐", primary=True)
        self.go.clicked.connect(self._go)

    def _go(self) -> None:
        self.submit_request(RecommendInput(self.wish.text().strip()))


class HandoffForm(Form):
    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, ("Talk to a person", "转人工客服"), parent)
        self.reason = self.combo("handoffReason", "Reason", "原因",
                                 [(k, *v) for k, v in HANDOFF_REASON_LABELS.items()], 0)
        self.priority = self.combo("priorityCombo", "Priority", "紧急程度",
                                   [(str(p.value), *PRIORITY_LABELS[p.value]) for p in Priority], 0, 2)
        self.priority.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        self.summary = self.field("handoffSummary", "Note (optional)", "备注（可选）", 1, max_len=500)
        self.grid.addWidget(self.summary, 1, 1, 1, 3)
        self.send = self.button("handoffButton", "Request a person", "转人工", primary=True)
        self.send.clicked.connect(self._send)

    def _send(self) -> None:
        self.submit_request(HandoffInput(self.reason.currentData(), Priority(int(self.priority.currentData())),
                               self.summary.text().strip()))


FORM_TYPES: dict[str, Callable[[str], Form]] = {
    "order": OrderForm,
    "return": ReturnForm,
    "product": ProductForm,
    "search": SearchForm,
    "recommend": RecommendForm,
    "handoff": HandoffForm,
}
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "order": ("Order status", "订单查询"),
    "return": ("Returns", "退换货"),
    "product": ("Product Q&A", "商品咨询"),
    "search": ("Search", "商品搜索"),
    "recommend": ("For you", "为您推荐"),
    "handoff": ("Human agent", "转人工"),
}
