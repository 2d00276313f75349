"""Merchant figures computed from the turn records: honest resolution, satisfaction, complaint causes.

A conversation counts as resolved by the assistant only when all of these hold:
  * it was never handed to a person;
  * the customer did not have to rephrase: no failed turn (clarify, not found, unsupported) was
    followed within the next two customer turns by the same request;
  * it did not end on a failed or unfinished turn (a question left open, a form abandoned);
  * the customer did not rate it down (1–2 stars).
Conversations that were only small talk ("hi", "bye") asked for nothing and are not in the
denominator. Every rate carries its numerator and denominator, so a "96 %" of three
conversations reads as what it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select

from desktop_app.service.complaint_causes import RootCause, root_cause
from desktop_app.service.types import FAILURES, ComplaintTopic, Outcome
from desktop_app.store.db import Database
from desktop_app.store.schema import Complaint, Conversation, Message, OrderItem, Product

#: A failed turn followed by the same request this many customer turns later counts as rephrased.
REPHRASE_WINDOW = 2
#: Ratings at or below this are "rated down".
RATED_DOWN_MAX = 2
_FAILED = FAILURES | {Outcome.REPHRASED}
#: Ending on one of these leaves the customer's request open.
_OPEN_ENDINGS = _FAILED | {Outcome.FORM}


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float:
        return self.numerator / self.denominator if self.denominator else 0.0


class CountedRates:
    """The rates every count of conversations shows (the whole period, a day, a chart bucket), from
    the same five counts, so the report, the dashboard and its drill-down can never disagree."""

    conversations: int
    resolved: int
    handed_off: int
    rated: int
    rating_sum: int

    @property
    def resolution(self) -> Rate:
        return Rate(self.resolved, self.conversations)

    @property
    def handoff(self) -> Rate:
        return Rate(self.handed_off, self.conversations)

    @property
    def satisfaction(self) -> float | None:
        """Mean stars over the rated conversations; None when nobody rated."""
        return self.rating_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class ResolutionStats(CountedRates):
    #: Conversations with at least one request (small talk alone is not counted).
    conversations: int
    resolved: int
    handed_off: int
    rephrased: int
    rated_down: int
    #: Conversations with a request the assistant understood but could not carry out.
    unsupported: int = 0
    #: Conversations whose last assistant turn failed or left a form open.
    ended_open: int = 0
    #: Conversations that were greetings and thanks only (not in the denominator).
    small_talk_only: int = 0
    #: Conversations the customer rated (any rating, AI or agent), and the sum of their stars.
    rated: int = 0
    rating_sum: int = 0

    @property
    def rate(self) -> float:
        return self.resolution.value

    @property
    def rephrase(self) -> Rate:
        return Rate(self.rephrased, self.conversations)

    @property
    def share_rated(self) -> Rate:
        return Rate(self.rated, self.conversations)

    @property
    def rated_down_share(self) -> Rate:
        return Rate(self.rated_down, self.rated)


@dataclass(frozen=True)
class Turn:
    role: str
    intent: str | None
    outcome: str | None


@dataclass(frozen=True)
class Verdict:
    """One conversation judged by the rules above; the daily rates and the drill-down share it."""

    small_talk_only: bool
    handed_off: bool
    rephrased: bool
    ended_open: bool
    rated_down: bool
    unsupported: bool
    rating: int | None

    @property
    def counted(self) -> bool:
        """In the denominator: the customer asked for something (or rated the conversation)."""
        return not self.small_talk_only

    @property
    def resolved(self) -> bool:
        return self.counted and not (self.handed_off or self.rephrased or self.ended_open or self.rated_down)

    @property
    def reason(self) -> str:
        """One code for the drill-down list, the first failure in this order: handed off, rephrased,
        ended open, rated down; else resolved, or small talk."""
        if self.small_talk_only:
            return "small_talk"
        for code, failed in (("handed_off", self.handed_off), ("rephrased", self.rephrased),
                             ("ended_open", self.ended_open), ("rated_down", self.rated_down)):
            if failed:
                return code
        return "resolved"


def _rephrased(turns: Sequence[Turn]) -> bool:
    for i, turn in enumerate(turns):
        if turn.role != "assistant" or turn.outcome not in _FAILED:
            continue
        later = [t for t in turns[i + 1:] if t.role == "customer"][:REPHRASE_WINDOW]
        if turn.outcome == Outcome.REPHRASED or any(t.intent == turn.intent for t in later):
            return True
    return False


def judge(turns: Sequence[Turn], rating: int | None) -> Verdict | None:
    """The verdict on one conversation's turns (in order), or None when the assistant never spoke
    (a conversation opened for an agent from a form is the desk's, not the assistant's)."""
    said = [t.outcome for t in turns if t.role == "assistant"]
    if not said:
        return None
    small_talk = all(o == Outcome.SMALL_TALK for o in said) and rating is None
    return Verdict(small_talk_only=small_talk,
                   handed_off=Outcome.HANDED_OFF in said or any(t.role == "agent" for t in turns),
                   rephrased=_rephrased(turns), ended_open=said[-1] in _OPEN_ENDINGS,
                   rated_down=rating is not None and rating <= RATED_DOWN_MAX,
                   unsupported=Outcome.UNSUPPORTED in said, rating=rating)


def verdicts(db: Database, *, started_from: datetime | None = None,
             started_before: datetime | None = None) -> dict[int, Verdict]:
    """Every conversation's verdict (those the assistant spoke in), optionally only the ones started in
    ``[started_from, started_before)``."""
    conditions: list[ColumnElement[bool]] = []
    if started_from is not None:
        conditions.append(Conversation.started_at >= started_from)
    if started_before is not None:
        conditions.append(Conversation.started_at < started_before)
    turns: dict[int, list[Turn]] = defaultdict(list)
    with db.session() as s:
        for conv_id, role, intent, outcome in s.execute(
                select(Message.conversation_id, Message.role, Message.intent, Message.outcome)
                .join(Conversation, Conversation.id == Message.conversation_id).where(*conditions)
                .order_by(Message.id)):
            turns[conv_id].append(Turn(role, intent, outcome))
        ratings = {cid: r for cid, r in s.execute(select(Conversation.id, Conversation.rating).where(
            *conditions, Conversation.rating.is_not(None)))}
    out = {}
    for conv_id, conv in turns.items():
        verdict = judge(conv, ratings.get(conv_id))
        if verdict is not None:
            out[conv_id] = verdict
    return out


def resolution_stats(db: Database, *, started_from: datetime | None = None,
                     started_before: datetime | None = None) -> ResolutionStats:
    counts: Counter[str] = Counter()
    rating_sum = 0
    for v in verdicts(db, started_from=started_from, started_before=started_before).values():
        if v.small_talk_only:
            counts["small_talk"] += 1
            continue
        counts.update(conversations=1, handed=v.handed_off, rephrased=v.rephrased, ended_open=v.ended_open,
                      down=v.rated_down, unsupported=v.unsupported, rated=v.rating is not None, resolved=v.resolved)
        rating_sum += v.rating or 0
    return ResolutionStats(counts["conversations"], counts["resolved"], counts["handed"], counts["rephrased"],
                           counts["down"], counts["unsupported"], counts["ended_open"], counts["small_talk"],
                           counts["rated"], rating_sum)


@dataclass(frozen=True)
class TopicFigures:
    """One complaint topic: how often, under which root cause, and what it concerned."""

    topic: ComplaintTopic
    cause: RootCause
    complaints: int
    #: Complaints linked to an order (the conversation proved or named it).
    with_order: int
    #: SKUs of the linked orders' items, most complained about first, with their counts.
    products: tuple[tuple[str, int], ...]


def complaint_figures(db: Database) -> tuple[TopicFigures, ...]:
    """Complaints per topic, most frequent first, each linked to its orders' products."""
    with db.session() as s:
        rows = s.execute(select(Complaint.id, Complaint.topic, Complaint.order_id)).all()
        order_ids = {linked for _, _, linked in rows if linked is not None}
        skus: dict[int, set[str]] = defaultdict(set)
        if order_ids:
            for order_id, sku in s.execute(select(OrderItem.order_id, Product.sku).join(Product)
                                           .where(OrderItem.order_id.in_(order_ids))):
                skus[order_id].add(sku)
    by_topic: dict[str, list[int | None]] = defaultdict(list)
    for _, value, linked in rows:
        by_topic[value].append(linked)
    out = []
    for value, orders in by_topic.items():
        try:
            topic = ComplaintTopic(value)
        except ValueError:
            topic = ComplaintTopic.OTHER
        products = Counter(sku for linked in orders if linked is not None for sku in skus[linked])
        out.append(TopicFigures(topic, root_cause(topic), len(orders), sum(o is not None for o in orders),
                                tuple(sorted(products.items(), key=lambda p: (-p[1], p[0])))))
    return tuple(sorted(out, key=lambda t: (-t.complaints, t.topic.value)))
