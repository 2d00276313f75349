"""Everything the dashboard shows for one period, fetched in one go off the GUI thread.

``load_dashboard`` runs on a worker (it reads the store through ``app.merchant_figures``); the
window and the export only format what it returns, so the screen, the CSV files and the PDF show
the same figures. Days are grouped into weeks for the 90-day view: ninety bars in a row are
unreadable, and a week's counts add up exactly (numerators and denominators are summed, never
averaged rates).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from desktop_app.service.analytics import CountedRates
from desktop_app.service.merchant_types import (
    AgentTimes,
    DayRates,
    IntentVolume,
    Period,
    Segment,
    StepPain,
    TopicTrend,
    UnmetSearch,
)
from desktop_app.service.nlu_versions import NluVersionInfo

if TYPE_CHECKING:
    from desktop_app.app import App

log = logging.getLogger(__name__)

#: Periods longer than this are drawn by week.
DAILY_UP_TO = 31
#: Intents drawn as their own colour in the volume chart; the rest are stacked as "other".
TOP_INTENTS = 8
OTHER_INTENTS = "__other__"


@dataclass(frozen=True)
class Bucket(CountedRates):
    """One bar or point: a day, or a week in the long view; the counts behind it are exact sums."""

    start: date
    days: int
    conversations: int = 0
    resolved: int = 0
    handed_off: int = 0
    rated: int = 0
    rating_sum: int = 0
    resolved_ids: tuple[int, ...] = ()
    unresolved_ids: tuple[int, ...] = ()
    handed_off_ids: tuple[int, ...] = ()
    #: Customer turns per intent, and the conversations behind each.
    turns: tuple[tuple[str, int], ...] = ()
    intent_ids: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def all_ids(self) -> tuple[int, ...]:
        return tuple(sorted({*self.resolved_ids, *self.unresolved_ids, *self.handed_off_ids}))

    def ids_for(self, intent: str) -> tuple[int, ...]:
        return dict(self.intent_ids).get(intent, ())

    def turns_for(self, intent: str) -> int:
        return dict(self.turns).get(intent, 0)


@dataclass(frozen=True)
class Dashboard:
    days: int
    period: Period
    rates: tuple[DayRates, ...]
    volume: tuple[IntentVolume, ...]
    complaints: tuple[TopicTrend, ...]
    assembly: tuple[StepPain, ...]
    unmet: tuple[UnmetSearch, ...]
    segments: tuple[Segment, ...]
    agents: tuple[AgentTimes, ...]
    #: The intent model version in use; None while the base model answers (nothing retrained yet).
    model: NluVersionInfo | None
    #: SKU → (English, Chinese) catalogue names, so products are shown by name.
    product_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def buckets(self) -> tuple[Bucket, ...]:
        return bucketed(self.period, self.rates, self.volume, self.days)

    @property
    def total(self) -> Bucket:
        """The whole period as one bucket: the headline rates."""
        return _merge(self.period.start, (self.period.end - self.period.start).days + 1, self.rates, self.volume)

    @property
    def intents(self) -> tuple[str, ...]:
        """Intents by customer turns in the period, busiest first; beyond ``TOP_INTENTS`` they are "other"."""
        totals: dict[str, int] = {}
        for v in self.volume:
            totals[v.intent] = totals.get(v.intent, 0) + v.turns
        ranked = sorted(totals, key=lambda i: (-totals[i], i))
        if len(ranked) > TOP_INTENTS:
            return (*ranked[:TOP_INTENTS], OTHER_INTENTS)
        return tuple(ranked)


def _merge(start: date, days: int, rates: tuple[DayRates, ...], volume: tuple[IntentVolume, ...]) -> Bucket:
    end = start + timedelta(days=days - 1)
    inside = [r for r in rates if start <= r.day <= end]
    turns: dict[str, int] = {}
    ids: dict[str, set[int]] = {}
    for v in volume:
        if start <= v.day <= end:
            turns[v.intent] = turns.get(v.intent, 0) + v.turns
            ids.setdefault(v.intent, set()).update(v.conversation_ids)
    return Bucket(
        start, days,
        conversations=sum(r.conversations for r in inside), resolved=sum(r.resolved for r in inside),
        handed_off=sum(r.handed_off for r in inside), rated=sum(r.rated for r in inside),
        rating_sum=sum(r.rating_sum for r in inside),
        resolved_ids=tuple(sorted({i for r in inside for i in r.resolved_ids})),
        unresolved_ids=tuple(sorted({i for r in inside for i in r.unresolved_ids})),
        handed_off_ids=tuple(sorted({i for r in inside for i in r.handed_off_ids})),
        turns=tuple(sorted(turns.items())), intent_ids=tuple(sorted((k, tuple(sorted(v))) for k, v in ids.items())))


def bucketed(period: Period, rates: tuple[DayRates, ...], volume: tuple[IntentVolume, ...],
             days: int) -> tuple[Bucket, ...]:
    """Days of the period (by day up to a month, by week beyond), oldest first; empty days included."""
    width = 1 if days <= DAILY_UP_TO else 7
    out = []
    start = period.start
    while start <= period.end:
        span = min(width, (period.end - start).days + 1)
        out.append(_merge(start, span, rates, volume))
        start += timedelta(days=span)
    return tuple(out)


def load_dashboard(app: App, days: int) -> Dashboard:
    """All the figures for the last ``days`` days (runs on a worker thread: it reads the store)."""
    figures = app.merchant_figures
    period = figures.period(days)
    return Dashboard(
        days=days, period=period, rates=tuple(figures.rates_by_day(period)),
        volume=tuple(figures.volume_by_intent(period)), complaints=tuple(figures.complaint_trends(period)),
        assembly=tuple(figures.assembly_pain()), unmet=tuple(figures.unmet_searches(period, limit=20)),
        segments=tuple(figures.segments()), agents=tuple(figures.agent_times(period)),
        model=app.nlu_versions.deployed(),
        product_names={sku: (en, zh) for sku, en, zh in app.catalog.names()})
