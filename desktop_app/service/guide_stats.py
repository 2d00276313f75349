"""Time per assembly-guide step, recorded when a customer closes a guide, summarised for the merchant."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput
from desktop_app.store.db import Database
from desktop_app.store.schema import GuideStepTime

#: Longer than this on one step is a walk-away (the kiosk went idle), not assembly time.
MAX_STEP_SECONDS = 2 * 3600


@dataclass(frozen=True)
class StepTime:
    product_sku: str
    step: int
    seconds: float
    visits: int


@dataclass(frozen=True)
class StepSummary:
    product_sku: str
    step: int
    sessions: int
    median_seconds: float


class GuideStats:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def record(self, times: Iterable[StepTime]) -> int:
        """Store one viewing's per-step times; steps never visited are skipped. Returns rows stored."""
        rows = []
        now = self._clock.now()
        for t in times:
            if t.step < 1 or t.seconds < 0:
                raise InvalidInput(f"Bad step timing for step {t.step}.")
            if t.visits == 0 or t.seconds > MAX_STEP_SECONDS:
                continue
            rows.append(GuideStepTime(product_sku=t.product_sku, step=t.step, seconds=round(t.seconds, 2),
                                      visits=t.visits, recorded_at=now))
        with self._db.session() as s:
            s.add_all(rows)
        return len(rows)

    def summary(self, product_sku: str | None = None) -> tuple[StepSummary, ...]:
        with self._db.session() as s:
            stmt = select(GuideStepTime.product_sku, GuideStepTime.step, GuideStepTime.seconds)
            if product_sku:
                stmt = stmt.where(GuideStepTime.product_sku == product_sku)
            grouped: dict[tuple[str, int], list[float]] = {}
            for sku, step, seconds in s.execute(stmt):
                grouped.setdefault((sku, step), []).append(seconds)
        return tuple(StepSummary(sku, step, len(v), round(statistics.median(v), 2))
                     for (sku, step), v in sorted(grouped.items()))
