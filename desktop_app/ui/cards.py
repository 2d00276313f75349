"""Reply cards: one widget per service result, rendered in the customer's language.

Cards are built from the frozen results alone, so the chat panel can keep results and rebuild
every card when the language changes. Key child widgets carry object names for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, attribute_label
from desktop_app.service.types import (
    ORDER_STATUS_ZH,
    OrderView,
    ProductAnswer,
    ProductSummary,
    Recommendation,
    ReturnDecision,
    ReturnRequestView,
    SearchQuery,
    SearchResult,
    TicketView,
    yuan,
)
from desktop_app.store.catalog_places import carrier_label, place_label
from desktop_app.ui.handlers import AssistantText, FormRequest
from desktop_app.ui import (
    ORDER_STATUS_EN,
    PRIORITY_LABELS,
    REASON_LABELS,
    RETURN_KIND_LABELS,
    HANDOFF_REASON_LABELS,
    tr,
)

log = logging.getLogger(__name__)

#: A pasted essay is shown shortened in its bubble; the handler still receives all of it.
MAX_BUBBLE_CHARS = 600
SHORT_BUBBLE_CHARS = 36
ACCENT = "#ff5000"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _label(text: str, name: str | None = None, *, wrap: bool = True, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class Card(QFrame):
    """A rounded panel; ``variant`` ("assistant", "user", "error") selects its style."""

    def __init__(self, language: str, variant: str = "assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName("card")
        self.setProperty("variant", variant)
        self.setMaximumWidth(640)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(6)

    def t(self, en: str, zh: str) -> str:
        return tr(self.language, en, zh)

    def add(self, widget: QWidget) -> QWidget:
        self.body.addWidget(widget)
        return widget

    def title(self, text: str) -> QLabel:
        return self.add(_label(text, "cardTitle"))  # type: ignore[return-value]

    def note(self, text: str, name: str = "cardNote") -> QLabel:
        return self.add(_label(text, name))  # type: ignore[return-value]

    def badge(self, text: str, kind: str, name: str) -> QLabel:
        label = _label(text, name, wrap=False)
        label.setProperty("badge", kind)
        return label


class TextCard(Card):
    """Plain text: an assistant reply, or (variant "user") the customer's own bubble."""

    def __init__(self, text: str, language: str, variant: str = "assistant", parent: QWidget | None = None) -> None:
        super().__init__(language, variant, parent)
        if len(text) > MAX_BUBBLE_CHARS:
            text = text[:MAX_BUBBLE_CHARS] + "…"
        # A short bubble keeps its natural width; wrapping would squeeze it into a column.
        self.add(_label(text, "messageText", wrap=len(text) > SHORT_BUBBLE_CHARS, selectable=True))


class ErrorCard(Card):
    def __init__(self, error: AppError, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "error", parent)
        self.error = error
        self.add(_label(error.localized(language), "errorText"))


class PromptCard(Card):
    """Assistant text with one button that opens the structured form it points to."""

    formRequested = Signal(object)

    def __init__(self, request: FormRequest, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.request = request
        self.add(_label(request.text(language), "messageText"))
        names = {"order": ("Check order status", "查询订单"), "search": ("Open product search", "打开商品搜索"),
                 "return": ("Returns & exchanges", "退换货"), "product": ("Ask about a product", "商品咨询"),
                 "recommend": ("Recommendations", "为您推荐"), "handoff": ("Talk to a person", "转人工")}
        en, zh = names.get(request.form, ("Open form", "打开表单"))
        button = QPushButton(self.t(en, zh))
        button.setObjectName("actionButton")
        button.clicked.connect(lambda: self.formRequested.emit(self.request))
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)


class ProductListCard(Card):
    """Search results or recommendations, one row per product, each with a details button."""

    productActivated = Signal(int)
    pageRequested = Signal(object)

    def __init__(self, items: SearchResult | Sequence[ProductSummary] | Sequence[Recommendation], language: str,
                 title: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        result = items if isinstance(items, SearchResult) else None
        entries = list(result.items if result else items)
        if title is None:
            if result is not None:
                title = self.t(f"{result.total} product(s) found", f"共找到 {result.total} 件商品")
            elif entries and isinstance(entries[0], Recommendation):
                title = self.t("Recommended for you", "为您推荐")
            else:
                title = self.t(f"{len(entries)} product(s)", f"{len(entries)} 件商品")
        self.title(title)
        if not entries:
            self.note(self.t("No products matched these conditions. Try fewer filters.",
                             "没有符合条件的商品，试试减少筛选条件。"), "emptyText")
        for entry in entries:
            self.add(self._row(entry))
        if result is not None and result.pages > 1:
            self._pager(result)

    def _row(self, entry: ProductSummary | Recommendation) -> QWidget:
        product = entry.product if isinstance(entry, Recommendation) else entry
        row = QFrame()
        row.setObjectName("productRow")
        row.setProperty("productId", product.product_id)
        grid = QGridLayout(row)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.addWidget(_label(product.name(self.language), "productName"), 0, 0)
        category = CATEGORIES.get(product.category)
        meta = (f"{product.brand} · {category.label(self.language) if category else product.category}"
                f" · ★{product.rating:.1f} · {product.sku}")
        if product.stock <= 0:
            meta += " · " + self.t("out of stock", "缺货")
        grid.addWidget(_label(meta, "productMeta"), 1, 0)
        price = _label(yuan(product.price_fen), "price", wrap=False)
        price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(price, 0, 1)
        details = QPushButton(self.t("Details", "详情"))
        details.setObjectName("detailsButton")
        details.setProperty("flat", True)
        details.clicked.connect(lambda: self.productActivated.emit(product.product_id))
        grid.addWidget(details, 1, 1, Qt.AlignmentFlag.AlignRight)
        if isinstance(entry, Recommendation):
            why = _label(self.t("Why: ", "推荐理由：") + entry.why(self.language), "whyLabel")
            grid.addWidget(why, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        return row

    def _pager(self, result: SearchResult) -> None:
        row = QHBoxLayout()
        row.addWidget(_label(self.t(f"Page {result.page} of {result.pages}", f"第 {result.page}/{result.pages} 页"),
                             "pageLabel", wrap=False))
        row.addStretch(1)
        for name, en, zh, page in (("prevPage", "Previous", "上一页", result.page - 1),
                                   ("nextPage", "Next", "下一页", result.page + 1)):
            button = QPushButton(self.t(en, zh))
            button.setObjectName(name)
            button.setEnabled(1 <= page <= result.pages)
            button.clicked.connect(lambda _=False, p=page: self.pageRequested.emit(_with_page(result.query, p)))
            row.addWidget(button)
        self.body.addLayout(row)


def _with_page(query: SearchQuery, page: int) -> SearchQuery:
    from dataclasses import replace

    return replace(query, page=page)


class ProductCard(Card):
    """One product's answer: price, stock, specs and a delivery estimate."""

    def __init__(self, answer: ProductAnswer, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        detail = answer.product
        p = detail.summary
        self.title(p.name(language))
        head = QHBoxLayout()
        head.addWidget(_label(yuan(p.price_fen), "price", wrap=False))
        stock = self.badge(answer.stock_text_zh if language == "zh" else answer.stock_text_en,
                           "ok" if p.stock >= 10 else ("warn" if p.stock > 0 else "bad"), "stockText")
        head.addWidget(stock)
        head.addStretch(1)
        head.addWidget(_label(f"★{p.rating:.1f} ({detail.rating_count})", "productMeta", wrap=False))
        self.body.addLayout(head)
        self.note(f"{p.brand} · {p.sku}", "productMeta")
        self.note(detail.description_zh if language == "zh" else detail.description_en, "description")
        specs = self._specs(answer)
        if specs:
            self.add(_label(self.t("Specifications", "规格参数"), "sectionTitle"))
            self.add(_label("\n".join(specs), "specs"))
        d = answer.delivery
        days = f"{d.earliest_days}–{d.latest_days}"
        origin = place_label(d.ship_from, language)
        to = place_label(d.destination, language) if d.destination else ""
        self.note(self.t(f"Ships from {origin} within {d.ships_within_hours} h; arrives in about {days} days"
                         + (f" to {to}" if to else "") + ".",
                         f"{origin}发货，{d.ships_within_hours} 小时内发出，预计 {days} 天"
                         + (f"送达{to}" if to else "送达") + "。"), "deliveryText")
        extras = []
        if p.needs_assembly:
            extras.append(self.t("Needs assembly (step-by-step guide available).", "需要组装（提供分步安装指引）。"))
        if detail.final_sale:
            extras.append(self.t("Final sale: returns only for quality problems.", "清仓特价：仅支持质量问题退换。"))
        for text in extras:
            self.note(text)

    def _specs(self, answer: ProductAnswer) -> list[str]:
        grouped: dict[str, list[str]] = {}
        for attr in answer.product.attributes:
            grouped.setdefault(attr.key, []).append(attribute_label(attr.key, attr.value, self.language))
        lines = []
        flags = []
        sep = "、" if self.language == "zh" else ", "
        for key, values in grouped.items():
            spec = ATTRIBUTES.get(key)
            if spec is not None and spec.kind == "flag":
                flags.extend(values)
            elif spec is not None and spec.kind == "enum":
                lines.append(f"{spec.label(self.language)}{'：' if self.language == 'zh' else ': '}{sep.join(values)}")
            else:
                lines.extend(values)
        if flags:
            lines.insert(0, " · ".join(flags))
        return lines


class _TimelineMarker(QWidget):
    """The dot and connecting line drawn left of each timeline row."""

    def __init__(self, first: bool, last: bool) -> None:
        super().__init__()
        self._first, self._last = first, last
        self.setFixedWidth(18)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x, y = self.width() / 2, 10.0
        painter.setPen(QPen(QColor("#d9dce1"), 2))
        if not self._first:
            painter.drawLine(QPointF(x, 0), QPointF(x, y))
        if not self._last:
            painter.drawLine(QPointF(x, y), QPointF(x, self.height()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ACCENT if self._first else "#b8bec7"))
        radius = 5.0 if self._first else 4.0
        painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.end()


class OrderTimelineCard(Card):
    """Status, late badge, items and the logistics timeline (newest first)."""

    def __init__(self, order: OrderView, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.title(self.t(f"Order {order.masked_number}", f"订单 {order.masked_number}"))
        head = QHBoxLayout()
        status = ORDER_STATUS_ZH[order.status.value] if language == "zh" else ORDER_STATUS_EN[order.status.value]
        head.addWidget(self.badge(status, "info", "orderStatus"))
        if order.is_late:
            head.addWidget(self.badge(self.t("Late", "已超时"), "bad", "lateBadge"))
        head.addStretch(1)
        head.addWidget(_label(yuan(order.total_fen), "price", wrap=False))
        self.body.addLayout(head)
        tracking = f" {order.tracking_number}" if order.tracking_number else ""
        carrier = carrier_label(order.carrier, language)
        city = place_label(order.ship_city, language)
        self.note(self.t(f"Placed {_when(order.placed_at)} · {carrier}{tracking} · to {city}",
                         f"下单 {_when(order.placed_at)} · {carrier}{tracking} · 寄往{city}"))
        self.note(self.t(f"Promised by {_when(order.promised_by)}", f"承诺送达 {_when(order.promised_by)}"))
        for line in order.lines:
            variant = " / ".join(v for v in (line.colour and attribute_label("colour", line.colour, language),
                                             line.size) if v)
            wrapped = (f"（{variant}）" if language == "zh" else f" ({variant})") if variant else ""
            text = f"{line.product.name(language)} × {line.quantity}{wrapped}"
            row = QHBoxLayout()
            row.addWidget(_label(text, "orderLine"), 1)
            row.addWidget(_label(yuan(line.unit_price_fen * line.quantity), "productMeta", wrap=False))
            self.body.addLayout(row)
        if order.timeline:
            self.add(_label(self.t("Tracking", "物流跟踪"), "sectionTitle"))
        events = list(reversed(order.timeline))
        rows = QVBoxLayout()
        rows.setSpacing(0)  # rows touch so the markers' lines join into one
        for index, event in enumerate(events):
            rows.addWidget(self._event_row(event, first=index == 0, last=index == len(events) - 1))
        self.body.addLayout(rows)

    def _event_row(self, event, *, first: bool, last: bool) -> QWidget:  # type: ignore[no-untyped-def]
        row = QWidget()
        row.setObjectName("timelineRow")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(_TimelineMarker(first, last))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.setContentsMargins(0, 0, 0, 8)
        zh = self.language == "zh"
        description = _label(event.description_zh if zh else event.description_en, "timelineText")
        description.setProperty("current", first)
        texts.addWidget(description)
        texts.addWidget(_label(f"{_when(event.occurred_at)} · {event.location_zh if zh else event.location_en}",
                               "timelineMeta"))
        layout.addLayout(texts, 1)
        return row


class ReturnDecisionCard(Card):
    def __init__(self, decision: ReturnDecision, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        kind = tr(language, *RETURN_KIND_LABELS[decision.kind.value])
        reason = tr(language, *REASON_LABELS[decision.reason.value])
        self.title(self.t(f"{kind} check · {reason}", f"{kind}资格 · {reason}"))
        head = QHBoxLayout()
        head.addWidget(self.badge(self.t("Eligible", "符合条件") if decision.eligible else self.t("Not eligible", "不符合条件"),
                                  "ok" if decision.eligible else "bad", "eligibleBadge"))
        head.addStretch(1)
        self.body.addLayout(head)
        self.note(decision.explanation_zh if language == "zh" else decision.explanation_en, "decisionText")
        if decision.eligible and decision.deadline:
            self.note(self.t(f"Apply by {_when(decision.deadline)}.", f"请在 {_when(decision.deadline)} 前申请。"))


class ReturnRequestCard(Card):
    def __init__(self, request: ReturnRequestView, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        kind = tr(language, *RETURN_KIND_LABELS[request.kind.value])
        if request.created:
            status = self.t(f"{kind} request filed", f"{kind}申请已提交")
        else:
            status = self.t(f"A {kind.lower()} request for this item was already filed",
                            f"该商品已提交过{kind}申请")
        self.add(_label(status, "returnStatus")).setProperty("created", request.created)
        name = request.product_name_zh if language == "zh" else request.product_name_en
        self.note(self.t(f"Request #{request.request_id} · {name} · order …{request.order_number[-4:]}",
                         f"申请编号 #{request.request_id} · {name} · 订单 …{request.order_number[-4:]}"))
        self.note(self.t(f"Reason: {tr(language, *REASON_LABELS[request.reason.value])} · filed "
                         f"{_when(request.created_at)} · status {request.status}",
                         f"原因：{tr(language, *REASON_LABELS[request.reason.value])} · 提交于 "
                         f"{_when(request.created_at)} · 状态 {request.status}"))


class TicketCard(Card):
    def __init__(self, ticket: TicketView, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.title(self.t("A staff member will help you", "已为您转接人工客服"))
        self.note(self.t(f"You are number {ticket.queue_position} in the queue.",
                         f"您当前排在第 {ticket.queue_position} 位。"), "queuePosition")
        reason = tr(language, *HANDOFF_REASON_LABELS.get(ticket.reason, (ticket.reason, ticket.reason)))
        priority = tr(language, *PRIORITY_LABELS[ticket.priority.value])
        self.note(self.t(f"Ticket #{ticket.ticket_id} · {reason} · priority {priority}",
                         f"工单 #{ticket.ticket_id} · {reason} · 优先级 {priority}"))


def card_for(result: object, language: str) -> Card:
    """The card for one plain result; an unknown type is a bug, shown as a generic error card."""
    if isinstance(result, AppError):
        return ErrorCard(result, language)
    if isinstance(result, AssistantText):
        return TextCard(result.text(language), language)
    if isinstance(result, FormRequest):
        return PromptCard(result, language)
    if isinstance(result, str):
        return TextCard(result, language)
    if isinstance(result, SearchResult):
        return ProductListCard(result, language)
    if isinstance(result, ProductAnswer):
        return ProductCard(result, language)
    if isinstance(result, OrderView):
        return OrderTimelineCard(result, language)
    if isinstance(result, ReturnDecision):
        return ReturnDecisionCard(result, language)
    if isinstance(result, ReturnRequestView):
        return ReturnRequestCard(result, language)
    if isinstance(result, TicketView):
        return TicketCard(result, language)
    if isinstance(result, (tuple, list)):
        if not result:
            return TextCard(tr(language, "Nothing to show yet.", "暂无内容。"), language)
        if all(isinstance(r, (Recommendation, ProductSummary)) for r in result):
            return ProductListCard(result, language)
    from desktop_app.ui.tasks import UnexpectedError

    log.error("no card for result type %s", type(result).__name__)
    return ErrorCard(UnexpectedError(), language)
