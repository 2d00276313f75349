"""Frozen result types of the language-understanding layer.

The dialogue manager and the fusion core consume these; keeping them plain frozen data lets a
result cross threads (the UI runs understanding off the GUI thread) and be compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    """The task a customer's turn serves. The names are the contract with evaluations and the CLI's JSON."""

    ORDER_STATUS = "order_status"
    LOGISTICS_DELAY = "logistics_delay"
    CANCEL_ORDER = "cancel_order"
    CHANGE_ADDRESS = "change_address"
    URGE_SHIPPING = "urge_shipping"
    RETURN_POLICY = "return_policy"  # questions about the rules, no concrete request
    RETURN_REQUEST = "return_request"
    EXCHANGE_REQUEST = "exchange_request"
    REFUND_STATUS = "refund_status"
    INVOICE = "invoice"
    PRICE_PROTECTION = "price_protection"  # 价保: the price dropped after I bought
    COUPON_PROMOTION = "coupon_promotion"
    SHIPPING_FEE = "shipping_fee"
    WARRANTY_REPAIR = "warranty_repair"
    INSTALLATION_SERVICE = "installation_service"  # a technician, not self-assembly
    SIZE_ADVICE = "size_advice"
    PRODUCT_QUESTION = "product_question"
    PRODUCT_SEARCH = "product_search"
    RECOMMENDATION = "recommendation"
    EXPLAIN_RECOMMENDATION = "explain_recommendation"
    ASSEMBLY_HELP = "assembly_help"
    COMPLAINT = "complaint"
    HUMAN_AGENT = "human_agent"
    PAYMENT_ISSUE = "payment_issue"
    RESTOCK_ALERT = "restock_alert"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    OUT_OF_SCOPE = "out_of_scope"


#: Small-talk intents: reported as secondary when they accompany a real request, never primary over it.
SOCIAL_INTENTS = frozenset({Intent.GREETING, Intent.THANKS, Intent.GOODBYE})


class EntityKind(StrEnum):
    ORDER_REF = "order_ref"  # full 16-digit number, or last four digits with partial=True
    PHONE_LAST4 = "phone_last4"
    PRICE_RANGE = "price_range"
    CATEGORY = "category"  # value: a key of vocabulary.CATEGORIES
    ATTRIBUTE = "attribute"  # key: attribute key; value: "true" for flags, enum key, or a number
    COLOUR = "colour"
    SIZE = "size"
    PRODUCT = "product"  # value: SKU from the injected lexicon
    BRAND = "brand"  # value: the brand exactly as the store spells it ("青岚 Qinglan"), from the injected list
    QUANTITY = "quantity"
    RELATIVE_DATE = "relative_date"  # value: signed day offset ("-1" = yesterday); key "point"/"duration"
    CITY = "city"  # value: the city's Chinese name, as the store writes places ("哈尔滨" for "Harbin")
    ORDER_STATE = "order_state"  # value: an OrderStatus value the words point at ("还没发货的那个" → paid)
    BODY = "body"  # key "height_cm" or "weight_kg": the customer's own measurements, for size advice
    GUIDE_STEP = "guide_step"  # value: 1-based step of an assembly guide (from a QR code or the parts seen)


class EmotionLabel(StrEnum):
    NEUTRAL = "neutral"
    ANXIOUS = "anxious"
    ANGRY = "angry"
    SATISFIED = "satisfied"



@dataclass(frozen=True)
class PriceRange:
    """Bounds in the currency the shopper stated; ``currency_stated`` False means we assumed yuan."""

    min_value: float | None
    max_value: float | None
    currency: str = "CNY"  # "CNY" or "USD"
    currency_stated: bool = False
    approximate: bool = False

    def as_fen(self) -> tuple[int | None, int | None]:
        """Bounds in fen for a yuan range; the service converts other currencies itself."""
        lo = None if self.min_value is None else int(round(self.min_value * 100))
        hi = None if self.max_value is None else int(round(self.max_value * 100))
        return lo, hi

    def __str__(self) -> str:
        lo = "" if self.min_value is None else f"{self.min_value:g}"
        hi = "" if self.max_value is None else f"{self.max_value:g}"
        return f"{lo}~{hi} {self.currency}"


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    #: Canonical value: digits for order refs, vocabulary key, SKU, day offset, quantity.
    value: str
    #: The surface text as typed (may hold personal data: never log it).
    text: str
    start: int
    end: int
    confidence: float
    #: Attribute key for ATTRIBUTE entities, "point"/"duration" for dates, else "".
    key: str = ""
    #: True for an order reference that is only the last digits of an order number.
    partial: bool = False
    price: PriceRange | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class Emotion:
    label: EmotionLabel = EmotionLabel.NEUTRAL
    #: 0..1; how strongly the feeling is expressed (exclamations, intensifiers, repetition).
    intensity: float = 0.0
    #: Which cues fired, for the explanation panel (lexicon words, "!!", caps...).
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class NluResult:
    language: str  # "zh", "en" or "mixed"
    text: str  # the cleaned text that was analysed
    #: Every intent with its calibrated probability, most likely first.
    intents: tuple[tuple[Intent, float], ...]
    intent: Intent
    #: Calibrated probability of ``intent``; the fused turn compares it with one threshold (fusion.fuse).
    confidence: float
    #: Other confident intents found in separate clauses ("退货，另外帮我查下订单").
    secondary_intents: tuple[tuple[Intent, float], ...] = ()
    entities: tuple[Entity, ...] = ()
    emotion: Emotion = Emotion()
    clauses: tuple[str, ...] = ()

    @property
    def primary_language(self) -> str:
        """Language to answer in: "mixed" answers in Chinese when Chinese dominates."""
        if self.language != "mixed":
            return self.language
        from desktop_app.nlu.language import dominant_language

        return dominant_language(self.text)

    def entities_of(self, kind: EntityKind) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.kind == kind)

    def first(self, kind: EntityKind) -> Entity | None:
        found = self.entities_of(kind)
        return max(found, key=lambda e: e.confidence) if found else None

    def all_intents(self) -> tuple[Intent, ...]:
        return (self.intent,) + tuple(i for i, _ in self.secondary_intents)
