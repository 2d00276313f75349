"""Frozen result types the service returns; the CLI prints them, the UI renders them as cards.

Plain data only (no ORM objects escape the service), so callers cannot lazy-load across a
closed session and results can cross threads safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Protocol, runtime_checkable


def yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


@runtime_checkable
class FactCard(Protocol):
    """A result shown as a titled list of facts in the customer's language (a cancellation, an
    invoice, a coupon list...): the window draws it as a card, the CLI prints it, with no
    per-type code in either."""

    def card_title(self, language: str) -> str: ...

    def card_lines(self, language: str) -> tuple[str, ...]: ...


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    CANCELLED = "cancelled"
    PAID = "paid"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    RETURNED = "returned"


ORDER_STATUS_ZH = {
    "unpaid": "待付款",
    "cancelled": "已取消",
    "paid": "已付款，待发货",
    "shipped": "已发货",
    "in_transit": "运输中",
    "delayed": "物流延误",
    "delivered": "已签收",
    "returned": "已退货",
}

ORDER_STATUS_EN = {
    "unpaid": "awaiting payment",
    "cancelled": "cancelled",
    "paid": "paid, not shipped yet",
    "shipped": "shipped",
    "in_transit": "in transit",
    "delayed": "delayed",
    "delivered": "delivered",
    "returned": "returned",
}


def status_text(status: str, language: str) -> str:
    """An order status in the customer's words; never the raw code."""
    table = ORDER_STATUS_ZH if language == "zh" else ORDER_STATUS_EN
    return table.get(status, "处理中" if language == "zh" else "being processed")


class ServiceAction(StrEnum):
    """What the service actually did (or decided) in a turn; the scenario suite checks these."""

    ORDER_CANCELLED = "order_cancelled"
    CANCEL_REFUSED = "cancel_refused"
    INTERCEPT_OFFERED = "intercept_offered"
    INTERCEPT_REQUESTED = "intercept_requested"
    ADDRESS_CHANGED = "address_changed"
    ADDRESS_REFUSED = "address_refused"
    SHIPPING_URGED = "shipping_urged"
    INVOICE_ISSUED = "invoice_issued"
    INVOICE_REFUSED = "invoice_refused"
    PRICE_PROTECTED = "price_protected"
    PRICE_PROTECTION_REFUSED = "price_protection_refused"
    COUPONS_LISTED = "coupons_listed"
    SHIPPING_FEE_QUOTED = "shipping_fee_quoted"
    WARRANTY_FILED = "warranty_filed"
    WARRANTY_REFUSED = "warranty_refused"
    INSTALLATION_BOOKED = "installation_booked"
    INSTALLATION_SLOTS_OFFERED = "installation_slots_offered"
    INSTALLATION_REFUSED = "installation_refused"
    SIZE_ADVISED = "size_advised"
    RESTOCK_SUBSCRIBED = "restock_subscribed"
    POLICY_ANSWERED = "policy_answered"
    RETURN_FILED = "return_filed"
    RETURN_REFUSED = "return_refused"
    REFUND_STATUS_SHOWN = "refund_status_shown"
    ORDER_SHOWN = "order_shown"
    ORDER_PICKER_SHOWN = "order_picker_shown"
    PRODUCTS_SHOWN = "products_shown"
    PRODUCT_ANSWERED = "product_answered"
    PRODUCTS_COMPARED = "products_compared"
    RECOMMENDED = "recommended"
    RECOMMENDATION_EXPLAINED = "recommendation_explained"
    HANDED_OFF = "handed_off"
    COMPLAINT_RECORDED = "complaint_recorded"
    PAYMENT_HELPED = "payment_helped"


class Outcome(StrEnum):
    """How one assistant turn ended; stored with the turn, the merchant's figures count them."""

    ANSWERED = "answered"
    CLARIFY = "clarify"  # we asked a question instead of guessing
    FORM = "form"  # a multi-turn form is waiting for the next slot
    REFUSED = "refused"  # rules or verification said no; the customer was told why
    NOT_FOUND = "not_found"
    HANDED_OFF = "handed_off"
    SMALL_TALK = "small_talk"
    UNSUPPORTED = "unsupported"  # understood, but the assistant cannot do it yet (a person can)
    #: Set afterwards on a failed turn when the customer had to ask the same thing again.
    REPHRASED = "rephrased"


#: Outcomes that count as the assistant failing the customer this turn.
FAILURES = frozenset({Outcome.CLARIFY, Outcome.NOT_FOUND, Outcome.UNSUPPORTED})


@dataclass(frozen=True)
class Attribute:
    key: str
    value: str
    value_num: float | None = None


@dataclass(frozen=True)
class ProductSummary:
    product_id: int
    sku: str
    category: str
    name_en: str
    name_zh: str
    brand: str
    price_fen: int
    stock: int
    rating: float
    needs_assembly: bool

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en


@dataclass(frozen=True)
class ProductDetail:
    summary: ProductSummary
    description_en: str
    description_zh: str
    origin_region: str
    ship_from: str
    rating_count: int
    final_sale: bool
    attributes: tuple[Attribute, ...]

    def attribute_values(self, key: str) -> tuple[str, ...]:
        return tuple(a.value for a in self.attributes if a.key == key)


@dataclass(frozen=True)
class DeliveryEstimate:
    ship_from: str
    destination: str | None
    earliest_days: int
    latest_days: int
    ships_within_hours: int
    in_stock: bool


@dataclass(frozen=True)
class ProductAnswer:
    """Answer to a product question: the facts a shopper asks about, in one card."""

    product: ProductDetail
    stock_text_en: str
    stock_text_zh: str
    delivery: DeliveryEstimate


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RATING = "rating"
    SALES = "sales"


@dataclass(frozen=True)
class AttributeFilter:
    """``key`` must equal ``value`` (flags use "true"), or lie in [min_value, max_value]."""

    key: str
    value: str | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class SearchQuery:
    text: str | None = None
    category: str | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    in_stock_only: bool = False
    sort: SortOrder = SortOrder.RELEVANCE
    page: int = 1
    page_size: int = 10
    #: Any of these brands ("Lumio or Qinglan phones"), each exactly as the store spells it
    #: (``Product.brand``, e.g. "青岚 Qinglan"); empty or blank: any brand.
    brands: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    items: tuple[ProductSummary, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class TimelineEvent:
    occurred_at: datetime
    code: str
    location_en: str
    location_zh: str
    description_en: str
    description_zh: str


@dataclass(frozen=True)
class OrderLine:
    item_id: int
    product: ProductSummary
    quantity: int
    unit_price_fen: int
    colour: str | None
    size: str | None


@dataclass(frozen=True)
class OrderView:
    """An order as its verified owner may see it; contact data is masked even then."""

    order_number: str
    status: OrderStatus
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    promised_by: datetime
    carrier: str
    tracking_number: str | None
    ship_city: str
    masked_phone: str
    total_fen: int
    lines: tuple[OrderLine, ...]
    timeline: tuple[TimelineEvent, ...]
    is_late: bool

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"


class ReturnKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"


class ReturnReason(StrEnum):
    NO_REASON = "no_reason"  # 七天无理由
    QUALITY = "quality"
    WRONG_ITEM = "wrong_item"
    SIZE = "size"
    DAMAGED = "damaged"


@dataclass(frozen=True)
class ReturnDecision:
    eligible: bool
    kind: ReturnKind
    reason: ReturnReason
    rule: str
    explanation_en: str
    explanation_zh: str
    deadline: datetime | None


@dataclass(frozen=True)
class ReturnRequestView:
    request_id: int
    order_number: str
    item_id: int
    product_name_en: str
    product_name_zh: str
    kind: ReturnKind
    reason: ReturnReason
    status: str
    created_at: datetime
    #: False when an identical request already existed and was returned instead of a new one.
    created: bool


@dataclass(frozen=True)
class Signal:
    """One piece of evidence behind a recommendation, shown to the customer as 'why'."""

    name: str
    weight: float
    detail_en: str
    detail_zh: str


@dataclass(frozen=True)
class Recommendation:
    product: ProductSummary
    score: float
    signals: tuple[Signal, ...]

    def why(self, language: str) -> str:
        parts = [s.detail_zh if language == "zh" else s.detail_en for s in self.signals[:3]]
        return ("；" if language == "zh" else "; ").join(parts)


class Priority(int, Enum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4


@dataclass(frozen=True)
class TicketView:
    ticket_id: int
    priority: Priority
    reason: str
    status: str
    created_at: datetime
    order_number_masked: str | None
    queue_position: int


class ComplaintTopic(StrEnum):
    DELIVERY_DELAY = "delivery_delay"
    PRODUCT_QUALITY = "product_quality"
    WRONG_ITEM = "wrong_item"
    DAMAGED = "damaged"
    SERVICE_ATTITUDE = "service_attitude"
    REFUND = "refund"
    ASSEMBLY = "assembly"
    PRICING = "pricing"  # price drops, fees, coupons that did not apply
    OTHER = "other"


@dataclass(frozen=True)
class ComplaintView:
    complaint_id: int
    topic: ComplaintTopic
    created_at: datetime
    order_number_masked: str | None

