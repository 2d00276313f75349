"""The merchant dashboard's figures: volume by intent, honest rates per day, complaint trends by cause,
assembly pain per guide step, unmet searches, customer segments, agents' times, and the drill-down
from any of them to the conversations behind it.

Every figure is computed from the stored records, never estimated: the rates follow ``analytics``'
rules (a conversation that failed is not resolved), days are the store clock's local calendar days,
and the drill-down lists carry ids, codes and counts plus only the customers' own words the merchant
must read, short and redacted. The record types are in ``merchant_types``; complaint and search
words in ``merchant_words``; segments in ``merchant_segments``.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput
from desktop_app.service import merchant_segments, merchant_words
from desktop_app.service.analytics import Turn, judge, verdicts
from desktop_app.service.merchant_types import (
    AgentTimes,
    ConversationDigest,
    DayRates,
    IntentVolume,
    Period,
    Segment,
    StepPain,
    TopicTrend,
    UnmetSearch,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import (
    Agent,
    Conversation,
    DeskTicket,
    GuideStepTime,
    GuideViewing,
    HandoffTicket,
    Message,
)

log = logging.getLogger(__name__)

#: A customer's comment on a rating is stored as a customer turn with this intent; it asks for nothing.
RATING_COMMENT = "rating_comment"
#: The longest period the dashboard computes (ten years of days).
MAX_DAYS = 3650
_IDS_PER_QUERY = 500

__all__ = ["AgentTimes", "ConversationDigest", "DayRates", "IntentVolume", "MerchantFigures", "Period", "Segment",
           "StepPain", "TopicTrend", "UnmetSearch"]


class MerchantFigures:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher

    def period(self, days: int = 28) -> Period:
        """The last ``days`` calendar days, today (by the store clock) included."""
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f"A period is 1 to {MAX_DAYS} days.", message_zh=f"统计区间为 1 到 {MAX_DAYS} 天。")
        today = self._clock.now().date()
        return Period(today - timedelta(days=days - 1), today)

    def volume_by_intent(self, period: Period) -> tuple[IntentVolume, ...]:
        """Customer turns per (day said, intent the assistant acted on), days oldest first, then most turns.
        Only non-zero rows. Turns without an intent (a customer writing to an agent) and rating comments
        are not requests to the assistant and are left out."""
        counts: Counter[tuple[date, str]] = Counter()
        conversations: dict[tuple[date, str], set[int]] = defaultdict(set)
        with self._db.session() as s:
            for conv_id, intent, at in s.execute(select(Message.conversation_id, Message.intent, Message.created_at)
                                                 .where(Message.role == "customer", Message.intent.is_not(None),
                                                        Message.intent != RATING_COMMENT,
                                                        Message.created_at >= period.since,
                                                        Message.created_at < period.until)):
                if intent is None:  # excluded by the query; narrows the type
                    continue
                key = (at.date(), intent)
                counts[key] += 1
                conversations[key].add(conv_id)
        rows = [IntentVolume(day, intent, n, tuple(sorted(conversations[(day, intent)])))
                for (day, intent), n in counts.items()]
        return tuple(sorted(rows, key=lambda r: (r.day, -r.turns, r.intent)))

    def rates_by_day(self, period: Period) -> tuple[DayRates, ...]:
        """One row for every day of the period (zeros on a quiet day), by the day each conversation
        started: resolved, handed off and rated under ``analytics``' rules."""
        judged = verdicts(self._db, started_from=period.since, started_before=period.until)
        with self._db.session() as s:
            started = {conv_id: at for conv_id, at in s.execute(select(Conversation.id, Conversation.started_at).where(
                Conversation.started_at >= period.since, Conversation.started_at < period.until))}
        by_day: dict[date, list[int]] = defaultdict(list)
        for conv_id in sorted(judged):
            if judged[conv_id].counted and conv_id in started:
                by_day[started[conv_id].date()].append(conv_id)
        out = []
        for day in period.days:
            ids = by_day.get(day, [])
            resolved = tuple(i for i in ids if judged[i].resolved)
            rated = [judged[i].rating for i in ids if judged[i].rating is not None]
            out.append(DayRates(day=day, conversations=len(ids), resolved=len(resolved),
                                handed_off=sum(judged[i].handed_off for i in ids), rated=len(rated),
                                rating_sum=sum(r for r in rated if r is not None), resolved_ids=resolved,
                                unresolved_ids=tuple(i for i in ids if not judged[i].resolved),
                                handed_off_ids=tuple(i for i in ids if judged[i].handed_off)))
        return tuple(out)

    def complaint_trends(self, period: Period) -> tuple[TopicTrend, ...]:
        """Complaints filed in the period per topic, most first; see ``merchant_words.complaint_trends``."""
        return merchant_words.complaint_trends(self._db, self._cipher, period)

    def assembly_pain(self) -> tuple[StepPain, ...]:
        """Every guide step with a recorded time or an abandonment, worst median time first.

        ``sessions`` and the median count the viewings with a time on the step (a step left idle over
        ``guide_stats.MAX_STEP_SECONDS`` has none); ``replayed`` the viewings that visited it more than
        once; ``abandoned_here`` the viewings that ended on it without reaching the guide's last step.
        A step known only from abandonments has 0 sessions and a median of 0."""
        seconds: dict[tuple[str, int], list[float]] = defaultdict(list)
        replayed: Counter[tuple[str, int]] = Counter()
        abandoned: Counter[tuple[str, int]] = Counter()
        with self._db.session() as s:
            for sku, step, secs, visits in s.execute(select(GuideStepTime.product_sku, GuideStepTime.step,
                                                            GuideStepTime.seconds, GuideStepTime.visits)):
                seconds[(sku, step)].append(secs)
                replayed[(sku, step)] += visits > 1
            for sku, step in s.execute(select(GuideViewing.product_sku, GuideViewing.last_step)
                                       .where(GuideViewing.finished.is_(False))):
                abandoned[(sku, step)] += 1
        rows = [StepPain(sku, step, len(seconds.get((sku, step), ())),
                         round(statistics.median(seconds[(sku, step)]), 2) if (sku, step) in seconds else 0.0,
                         replayed[(sku, step)], abandoned[(sku, step)])
                for sku, step in set(seconds) | set(abandoned)]
        return tuple(sorted(rows, key=lambda r: (-r.median_seconds, -r.abandoned_here, r.product_sku, r.step)))

    def unmet_searches(self, period: Period, limit: int = 20) -> tuple[UnmetSearch, ...]:
        """Searches that found nothing; see ``merchant_words.unmet_searches``."""
        return merchant_words.unmet_searches(self._db, self._cipher, period, limit)

    def segments(self) -> tuple[Segment, ...]:
        """Customer segments over all purchases; see ``merchant_segments`` for the rule and the minimum size."""
        return merchant_segments.segments(self._db)

    def agent_times(self, period: Period) -> tuple[AgentTimes, ...]:
        """Per agent (by code), the tickets queued in the period that the agent holds or held last.

        First response: from the moment the ticket was queued (the customer started waiting) to the
        agent's first message; resolution: from queued to closed. Medians over the tickets that have
        them (None when none has); a ticket nobody took belongs to no agent."""
        tickets: dict[tuple[str, str], list[tuple[datetime, datetime | None, datetime | None]]] = defaultdict(list)
        with self._db.session() as s:
            for code, name, created, first, closed in s.execute(
                    select(Agent.code, Agent.display_name, HandoffTicket.created_at, DeskTicket.first_response_at,
                           DeskTicket.closed_at)
                    .join(DeskTicket, DeskTicket.ticket_id == HandoffTicket.id)
                    .join(Agent, Agent.id == DeskTicket.agent_id)
                    .where(HandoffTicket.created_at >= period.since, HandoffTicket.created_at < period.until)):
                tickets[(code, name)].append((created, first, closed))
        out = []
        for (code, name), rows in sorted(tickets.items()):
            to_first = [(f - c).total_seconds() for c, f, _ in rows if f is not None]
            to_close = [(d - c).total_seconds() for c, _, d in rows if d is not None]
            out.append(AgentTimes(code, name, len(rows), len(to_first), len(to_close),
                                  statistics.median(to_first) if to_first else None,
                                  statistics.median(to_close) if to_close else None))
        return tuple(out)

    def conversations(self, ids: Sequence[int]) -> tuple[ConversationDigest, ...]:
        """The drill-down: one row per existing conversation among ``ids`` (ones deleted meanwhile are
        skipped), newest first. ``turns`` counts the customer's turns (a rating comment is not one); only the
        first of them is decrypted."""
        wanted = sorted({int(i) for i in ids})
        heads: dict[int, tuple[datetime, str, str, int | None]] = {}
        turns: dict[int, list[Turn]] = defaultdict(list)
        first_words: dict[int, bytes] = {}
        with self._db.session() as s:
            for start in range(0, len(wanted), _IDS_PER_QUERY):
                chunk = wanted[start:start + _IDS_PER_QUERY]
                for conv_id, at, channel, language, rating in s.execute(
                        select(Conversation.id, Conversation.started_at, Conversation.channel, Conversation.language,
                               Conversation.rating).where(Conversation.id.in_(chunk))):
                    heads[conv_id] = (at, channel, language, rating)
                for conv_id, role, intent, outcome, token in s.execute(
                        select(Message.conversation_id, Message.role, Message.intent, Message.outcome,
                               Message.text_encrypted).where(Message.conversation_id.in_(chunk)).order_by(Message.id)):
                    turns[conv_id].append(Turn(role, intent, outcome))
                    if role == "customer" and intent != RATING_COMMENT and conv_id not in first_words:
                        first_words[conv_id] = token
        out = []
        for conv_id, (at, channel, language, rating) in heads.items():
            verdict = judge(turns[conv_id], rating)
            words = first_words.get(conv_id)
            out.append(ConversationDigest(
                conversation_id=conv_id, started_at=at, channel=channel, language=language,
                turns=sum(t.role == "customer" and t.intent != RATING_COMMENT for t in turns[conv_id]),
                outcome=verdict.reason if verdict is not None else "agent_only", rating=rating,
                first_customer_words=merchant_words.short_words(self._cipher.decrypt(words)) if words else ""))
        return tuple(sorted(out, key=lambda d: (d.started_at, d.conversation_id), reverse=True))
