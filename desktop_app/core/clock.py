"""An injectable clock, so the demo store's dates and the return windows stay reproducible."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


class AnchoredClock:
    """Starts at ``anchor`` and advances in real time.

    The demo store is generated around a fixed "today"; pinning the clock there keeps its
    delivered-3-days-ago orders returnable whatever the calendar says.
    """

    def __init__(self, anchor: datetime) -> None:
        self._anchor = anchor
        self._started = time.monotonic()

    def now(self) -> datetime:
        return (self._anchor + timedelta(seconds=time.monotonic() - self._started)).replace(microsecond=0)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at
