"""A supervisor's decisions on fairness flags, kept as an ethics committee would keep them.

A flag is not corrected automatically: a person looks at it and records either that it is accepted
(a real imbalance the store will act on) or explained (a legitimate reason, e.g. "the customer asked
for a budget under every product, so the nearest are the cheapest"). The record keeps the figures
the supervisor saw, so a later audit can tell whether the decision still covers what it shows now.
Only a supervisor of the desk may record one; who it is comes from a PIN sign-in of the desk.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput
from desktop_app.core.text import clean_text
from desktop_app.service.agent_accounts import require_supervisor
from desktop_app.service.desk_types import AgentView
from desktop_app.store.db import Database
from desktop_app.store.schema import FairnessReview

log = logging.getLogger(__name__)

VERDICTS = ("accepted", "explained")
MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class ReviewRecord:
    path: str
    dimension: str
    group: str
    verdict: str
    note: str
    reviewer: str
    reviewed_at: datetime
    #: The figure and its interval when the supervisor looked.
    ratio: float
    ci_low: float
    ci_high: float

    @property
    def key(self) -> tuple[str, str, str]:
        return self.path, self.dimension, self.group

    def still_covers(self, value: float) -> bool:
        """Whether ``value`` is what was reviewed: inside the interval recorded then. Outside it the
        figures changed materially and the review is shown as "reviewed at x; now y"."""
        return math.isfinite(value) and self.ci_low <= value <= self.ci_high


class FairnessReviews:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def record(self, supervisor: AgentView, *, path: str, dimension: str, group: str, verdict: str, note: str,
               figures: tuple[float, float, float]) -> ReviewRecord:
        """Store one decision; ``figures`` is (value, interval low, interval high) as audited now."""
        require_supervisor(supervisor)
        if verdict not in VERDICTS:
            raise InvalidInput("The verdict is accepted or explained.", message_zh="结论只能是 accepted（接受）或 explained（已说明）。")
        text = clean_text(note, max_chars=MAX_NOTE_CHARS + 1, normalize=False)
        if not text:
            raise InvalidInput("Write a note saying why.", message_zh="请填写说明。")
        if len(text) > MAX_NOTE_CHARS:
            raise InvalidInput(f"A note is at most {MAX_NOTE_CHARS} characters.",
                               message_zh=f"说明最多 {MAX_NOTE_CHARS} 个字符。")
        value, low, high = figures
        if not all(math.isfinite(x) for x in figures):
            raise InvalidInput("This flag has no figures to review.", message_zh="该标记没有可复核的数据。")
        now = self._clock.now()
        with self._db.session() as s:
            s.add(FairnessReview(path=path, dimension=dimension, group_name=group, ratio=value, ci_low=low,
                                 ci_high=high, verdict=verdict, note=text, reviewer=supervisor.code, reviewed_at=now))
        log.info("fairness flag %s/%s reviewed as %s by agent %d", path, dimension, verdict, supervisor.agent_id)
        return ReviewRecord(path, dimension, group, verdict, text, supervisor.code, now, value, low, high)

    def latest(self) -> dict[tuple[str, str, str], ReviewRecord]:
        """The newest decision on each (path, dimension, group)."""
        with self._db.session() as s:
            rows = s.scalars(select(FairnessReview).order_by(FairnessReview.reviewed_at, FairnessReview.id)).all()
            records = [ReviewRecord(r.path, r.dimension, r.group_name, r.verdict, r.note, r.reviewer, r.reviewed_at,
                                    r.ratio, r.ci_low, r.ci_high) for r in rows]
        return {r.key: r for r in records}
