"""Order cards: the logistics timeline, return decisions and requests, and handoff tickets."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from desktop_app.core.places import carrier_label, place_label
from desktop_app.core.vocabulary import attribute_label
from desktop_app.service.types import (
    OrderView,
    ReturnDecision,
    ReturnRequestView,
    TicketView,
    TimelineEvent,
    status_text,
    yuan,
)
from desktop_app.ui.chat.card_base import ACCENT, Card, make_label, when
from desktop_app.ui.common.labels import (
    HANDOFF_REASON_LABELS,
    PRIORITY_LABELS,
    REASON_LABELS,
    RETURN_KIND_LABELS,
    tr,
)


class _TimelineMarker(QWidget):
    """The dot and connecting line drawn left of each timeline row."""

    def __init__(self, first: bool, last: bool) -> None:
        super().__init__()
        self._first, self._last = first, last
        self.setFixedWidth(18)

    def paintEvent(self, event: QPaintEvent) -> None:
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
        status = status_text(order.status.value, language)
        status = status[:1].upper() + status[1:]  # a badge: "Delivered", not "delivered"
        head.addWidget(self.badge(status, "info", "orderStatus"))
        if order.is_late:
            head.addWidget(self.badge(self.t("Late", "已超时"), "bad", "lateBadge"))
        head.addStretch(1)
        head.addWidget(make_label(yuan(order.total_fen), "price", wrap=False))
        self.body.addLayout(head)
        tracking = f" {order.tracking_number}" if order.tracking_number else ""
        carrier = carrier_label(order.carrier, language)
        city = place_label(order.ship_city, language)
        self.note(self.t(f"Placed {when(order.placed_at)} · {carrier}{tracking} · to {city}",
                         f"下单 {when(order.placed_at)} · {carrier}{tracking} · 寄往{city}"))
        self.note(self.t(f"Promised by {when(order.promised_by)}", f"承诺送达 {when(order.promised_by)}"))
        for line in order.lines:
            variant = " / ".join(v for v in (line.colour and attribute_label("colour", line.colour, language),
                                             line.size) if v)
            wrapped = (f"（{variant}）" if language == "zh" else f" ({variant})") if variant else ""
            text = f"{line.product.name(language)} × {line.quantity}{wrapped}"
            row = QHBoxLayout()
            row.addWidget(make_label(text, "orderLine"), 1)
            row.addWidget(make_label(yuan(line.unit_price_fen * line.quantity), "productMeta", wrap=False))
            self.body.addLayout(row)
        if order.timeline:
            self.add(make_label(self.t("Tracking", "物流跟踪"), "sectionTitle"))
        events = list(reversed(order.timeline))
        self.order_number = order.order_number
        rows = QVBoxLayout()
        rows.setSpacing(0)  # rows touch so the markers' lines join into one
        self.timeline_rows = [self._event_row(event, first=index == 0, last=index == len(events) - 1)
                              for index, event in enumerate(events)]
        for event_row in self.timeline_rows:
            rows.addWidget(event_row)
        self.body.addLayout(rows)
        self.expand_button = QToolButton()
        self.expand_button.setObjectName("timelineToggle")
        self.expand_button.setAutoRaise(True)
        self.expand_button.setText(self.t(f"Show all {len(events)} updates", f"查看全部 {len(events)} 条物流"))
        self.expand_button.clicked.connect(self.expand)
        self.expand_button.hide()
        self.add(self.expand_button)

    def collapse(self) -> None:
        """A follow-up about an order already shown: the latest update only, the rest one click away
        (the full timeline repeated on every turn buried the answer)."""
        if len(self.timeline_rows) < 2:
            return
        for event_row in self.timeline_rows[1:]:
            event_row.hide()
        self.expand_button.show()

    def expand(self) -> None:
        for event_row in self.timeline_rows:
            event_row.show()
        self.expand_button.hide()

    def _event_row(self, event: TimelineEvent, *, first: bool, last: bool) -> QWidget:
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
        description = make_label(event.description_zh if zh else event.description_en, "timelineText")
        description.setProperty("current", first)
        texts.addWidget(description)
        texts.addWidget(make_label(f"{when(event.occurred_at)} · {event.location_zh if zh else event.location_en}",
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
            self.note(self.t(f"Apply by {when(decision.deadline)}.", f"请在 {when(decision.deadline)} 前申请。"))


#: A request's stored status in the customer's words.
_REQUEST_STATUS = {"submitted": ("waiting for our review", "待审核"), "approved": ("approved", "已同意"),
                   "completed": ("completed, refunded", "已完成"), "rejected": ("declined", "未通过")}


class ReturnRequestCard(Card):
    def __init__(self, request: ReturnRequestView, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        kind = tr(language, *RETURN_KIND_LABELS[request.kind.value])
        if request.created:
            status = self.t(f"{kind} request filed", f"{kind}申请已提交")
        else:
            status = self.t(f"A {kind.lower()} request for this item was already filed",
                            f"该商品已提交过{kind}申请")
        self.add(make_label(status, "returnStatus")).setProperty("created", request.created)
        name = request.product_name_zh if language == "zh" else request.product_name_en
        status = tr(language, *_REQUEST_STATUS.get(request.status, ("being processed", "处理中")))
        self.note(self.t(f"Request #{request.request_id} · {name} · order …{request.order_number[-4:]}",
                         f"申请编号 #{request.request_id} · {name} · 订单 …{request.order_number[-4:]}"))
        self.note(self.t(f"Reason: {tr(language, *REASON_LABELS[request.reason.value])} · filed "
                         f"{when(request.created_at)} · {status}",
                         f"原因：{tr(language, *REASON_LABELS[request.reason.value])} · 提交于 "
                         f"{when(request.created_at)} · {status}"))


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
