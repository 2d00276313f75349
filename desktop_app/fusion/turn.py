"""Groups hypotheses that arrive close together into one turn (a spoken "this one" + a scan).

The clock is injectable so tests and replays are deterministic; the collector never sleeps:
the caller polls (e.g. from a UI timer) or flushes when it knows no other input is coming.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from desktop_app.fusion.fuse import DEFAULT_WINDOW_S, FusedQuery, fuse
from desktop_app.fusion.hypothesis import Hypothesis


class TurnCollector:
    def __init__(self, *, window_s: float = DEFAULT_WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[Hypothesis] = []
        self._opened_at: float | None = None

    def add(self, hypothesis: Hypothesis) -> tuple[Hypothesis, ...] | None:
        """Add one input; returns the previous turn when this input falls outside its window."""
        with self._lock:
            closed: tuple[Hypothesis, ...] | None = None
            if self._opened_at is not None and hypothesis.produced_at - self._opened_at > self.window_s:
                closed = tuple(self._pending)
                self._pending = []
                self._opened_at = None
            if self._opened_at is None:
                self._opened_at = hypothesis.produced_at
            self._pending.append(hypothesis)
            return closed

    def poll(self) -> tuple[Hypothesis, ...] | None:
        """The pending turn once its window has passed on the clock, else None."""
        with self._lock:
            if self._opened_at is None or self._clock() - self._opened_at < self.window_s:
                return None
            return self._take()

    def flush(self) -> tuple[Hypothesis, ...] | None:
        """Close the pending turn now (e.g. typed text with no voice or camera active)."""
        with self._lock:
            return self._take() if self._pending else None

    def poll_fused(self) -> FusedQuery | None:
        turn = self.poll()
        return fuse(turn, window_s=self.window_s) if turn else None

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _take(self) -> tuple[Hypothesis, ...]:
        turn = tuple(self._pending)
        self._pending = []
        self._opened_at = None
        return turn
