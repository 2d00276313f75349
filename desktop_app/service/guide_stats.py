"""Time per assembly-guide step, recorded when a customer closes a guide, summarised for the merchant.

Each closed guide also leaves one ``GuideViewing`` row (how far the customer got, whether the last
step was reached, how many steps were replayed): the per-step rows alone cannot tell a guide given up
at step 3 from one whose step 4 simply had no recorded time.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput
from desktop_app.store.db import Database
from desktop_app.store.schema import GuideStepTime, GuideViewing

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
        """Store one viewing's per-step times; steps never visited are skipped. Returns rows of times stored.

        The player passes every step of the guide, unvisited ones with ``visits == 0``, so the viewing
        is inferred from the same list: its steps are the steps given, the furthest visited step is
        where it ended, it finished when the last step was visited, and a step visited more than once
        was replayed. A viewing in which no step was visited is not recorded (nothing was watched).
        Nothing is written when any timing is bad."""
        rows = []
        steps: dict[str, dict[int, int]] = defaultdict(dict)  # SKU -> step -> visits
        now = self._clock.now()
        for t in times:
            if t.step < 1 or t.seconds < 0 or t.visits < 0:
                raise InvalidInput(f"Bad step timing for step {t.step}.", message_zh=f"第 {t.step} 步的计时无效。")
            steps[t.product_sku][t.step] = steps[t.product_sku].get(t.step, 0) + t.visits
            if t.visits == 0 or t.seconds > MAX_STEP_SECONDS:
                continue
            rows.append(GuideStepTime(product_sku=t.product_sku, step=t.step, seconds=round(t.seconds, 2),
                                      visits=t.visits, recorded_at=now))
        viewings = [_viewing(sku, visits, now) for sku, visits in steps.items() if any(visits.values())]
        with self._db.session() as s:
            s.add_all(rows)
            s.add_all(viewings)
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


def _viewing(sku: str, visits: dict[int, int], now: datetime) -> GuideViewing:
    """One viewing from its steps' visit counts (step -> visits, every step of the guide)."""
    last_step = max(step for step, n in visits.items() if n > 0)
    return GuideViewing(product_sku=sku, steps_total=len(visits), last_step=last_step,
                        finished=last_step == max(visits), replays=sum(1 for n in visits.values() if n > 1),
                        recorded_at=now)
