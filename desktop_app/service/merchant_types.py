"""What the merchant's dashboard is drawn from: small frozen records, no ORM objects, nothing personal.

The only customer text in them is what the merchant needs to read (complaint and search words, the
first words of a drill-down conversation), cut short and with phone numbers, order numbers,
addresses and known names replaced by placeholders (``core.redact``). Every rate keeps its
numerator and denominator (``analytics.Rate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop_app.core.errors import InvalidInput
from desktop_app.service.analytics import CountedRates
from desktop_app.service.complaint_causes import RootCause
from desktop_app.service.types import ComplaintTopic

#: Segments with fewer customers than this are not shown: a "group" of two is two people.
MIN_SEGMENT_CUSTOMERS = 5
#: Customers' words shown on the dashboard are cut to this many characters.
WORDS_MAX_CHARS = 80


@dataclass(frozen=True)
class Period:
    """Inclusive calendar days in the store clock's local dates (the store keeps naive local times)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput("A period ends on or after the day it starts.", message_zh="统计区间的结束日期不能早于开始日期。")

    @property
    def since(self) -> datetime:
        """The first moment of the period."""
        return datetime.combine(self.start, time())

    @property
    def until(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time())

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1))

    @property
    def weeks(self) -> tuple[date, ...]:
        """The Mondays of the ISO weeks the period touches, oldest first."""
        first = week_start(self.start)
        return tuple(first + timedelta(weeks=i) for i in range((week_start(self.end) - first).days // 7 + 1))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class IntentVolume:
    """Customer turns the assistant routed to one intent on one day (the day the turn was said)."""

    day: date
    intent: str
    turns: int
    conversation_ids: tuple[int, ...]


@dataclass(frozen=True)
class DayRates(CountedRates):
    """``analytics``' honest rules for the conversations started on one day. ``conversations`` excludes
    small talk only; ``unresolved_ids`` are the counted conversations that were not resolved (handed
    off, rephrased, ended open or rated down)."""

    day: date
    conversations: int
    resolved: int
    handed_off: int
    rated: int
    rating_sum: int
    resolved_ids: tuple[int, ...]
    unresolved_ids: tuple[int, ...]
    handed_off_ids: tuple[int, ...]


@dataclass(frozen=True)
class TopicTrend:
    topic: ComplaintTopic
    cause: RootCause
    complaints: int
    #: ISO week start (Monday) -> complaints, every week the period touches, oldest first.
    by_week: tuple[tuple[date, int], ...]
    #: Up to three of the customers' own words (redacted, short), newest first.
    examples: tuple[str, ...]
    #: SKU -> complaints whose linked order holds it, most first.
    products: tuple[tuple[str, int], ...]
    #: Carrier (as stored: the key of ``core.places.CARRIERS``; ``carrier_label`` names it) -> complaints.
    carriers: tuple[tuple[str, int], ...]
    #: Conversations in which the complaints were said.
    conversation_ids: tuple[int, ...]
    #: Complaints linked to an order (the share the products and carriers are taken from).
    with_order: int = 0


@dataclass(frozen=True)
class StepPain:
    """One step of one assembly guide over every recorded viewing."""

    product_sku: str
    step: int
    #: Viewings with a recorded time on this step.
    sessions: int
    median_seconds: float
    #: Viewings in which this step was visited more than once.
    replayed: int
    #: Viewings that ended on this step without reaching the last step.
    abandoned_here: int


@dataclass(frozen=True)
class UnmetSearch:
    """A product search or question that found nothing, grouped by its normalised words."""

    text: str
    count: int
    last_seen: datetime
    conversation_ids: tuple[int, ...]


@dataclass(frozen=True)
class Segment:
    """A group of customers for product selection (counts and fen only, never who)."""

    key: str  # "price_sensitive" | "mid_range" | "premium" | "category:<code>"
    customers: int
    #: customers / base.
    share: float
    median_order_fen: int
    #: Category -> units bought by the segment, most first (at most three).
    top_categories: tuple[tuple[str, int], ...]
    #: Customers with a purchase: the share's denominator.
    base: int = 0


@dataclass(frozen=True)
class AgentTimes:
    """One agent's tickets created in the period; times are measured from when the ticket was queued."""

    agent_code: str
    display_name: str
    tickets: int
    answered: int
    closed: int
    median_first_response_s: float | None
    median_resolution_s: float | None


@dataclass(frozen=True)
class ConversationDigest:
    """One row of a drill-down list; never names, phones or addresses."""

    conversation_id: int
    started_at: datetime
    channel: str
    language: str
    #: The customer's turns.
    turns: int
    #: ``analytics.Verdict.reason``: resolved | handed_off | rephrased | ended_open | rated_down |
    #: small_talk, or "agent_only" for a conversation the assistant never spoke in.
    outcome: str
    rating: int | None
    #: The customer's first words (redacted), cut to ``WORDS_MAX_CHARS``.
    first_customer_words: str


#: The drill-down outcomes' names in both languages (en, zh).
OUTCOME_NAMES: dict[str, tuple[str, str]] = {
    "resolved": ("resolved by the assistant", "智能助手已解决"),
    "handed_off": ("handed to a person", "已转人工"),
    "rephrased": ("customer had to rephrase", "顾客需重复提问"),
    "ended_open": ("ended with the request open", "结束时问题未解决"),
    "rated_down": ("rated 1–2 stars", "差评（1–2 星）"),
    "small_talk": ("small talk only", "仅寒暄"),
    "agent_only": ("with an agent only", "仅人工客服"),
}

#: Segment names in both languages (a category segment is "category:<code>", named by its category).
SEGMENT_NAMES: dict[str, tuple[str, str]] = {
    "price_sensitive": ("price-sensitive", "价格敏感型"),
    "mid_range": ("mid-range", "中端型"),
    "premium": ("premium", "高端型"),
}


def outcome_name(code: str, language: str) -> str:
    en, zh = OUTCOME_NAMES.get(code, (code, code))
    return zh if language == "zh" else en
