"""Headless guide player: which step, how far its animation has run, and time spent per step.

No Qt here: the widget (and voice commands) call these methods and draw what the callbacks
report, so the step logic is testable without a display.  Time is read from an injectable
clock so tests and the merchant's dwell-time record are deterministic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.guide_format import Guide

log = logging.getLogger(__name__)
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
STEP_SECONDS = 2.5  # animation length of one step at speed 1


@dataclass(frozen=True)
class StepTiming:
    """Seconds a customer spent on one step; the merchant sees which steps cause trouble."""

    product_id: str
    step: int  # 1-based
    seconds: float
    visits: int


class GuidePlayer:
    def __init__(self, guide: Guide, *, clock: Callable[[], float] = time.monotonic,
                 on_step: Callable[[int], None] | None = None,
                 on_frame: Callable[[int, float], None] | None = None,
                 on_finished: Callable[[], None] | None = None) -> None:
        self.guide = guide
        self._clock = clock
        self.on_step = on_step
        self.on_frame = on_frame
        self.on_finished = on_finished
        self.step = 0
        self.t = 0.0
        self.speed = 1.0
        self.playing = True  # the current step's animation is running
        self.play_all = False  # advance through the remaining steps automatically
        self._last_tick = clock()
        self._entered = self._last_tick
        self._seconds = [0.0] * len(guide.steps)
        self._visits = [0] * len(guide.steps)
        self._visits[0] = 1

    @property
    def step_count(self) -> int:
        return len(self.guide.steps)

    @property
    def progress(self) -> float:
        """Fraction of the guide done, counting the current step's animation."""
        return (self.step + self.t) / self.step_count

    def _record_leave(self) -> None:
        now = self._clock()
        self._seconds[self.step] += now - self._entered
        self._entered = now

    def goto(self, step: int, *, animate: bool = True) -> bool:
        if not 0 <= step < self.step_count:
            return False
        if step != self.step:
            self._record_leave()
            self.step = step
            self._visits[step] += 1
        self.t = 0.0 if animate else 1.0
        self.playing = animate
        self._last_tick = self._clock()
        if self.on_step:
            self.on_step(self.step)
        self._emit_frame()
        return True

    def next(self) -> bool:
        self.play_all = False
        return self.goto(self.step + 1)

    def previous(self) -> bool:
        self.play_all = False
        return self.goto(self.step - 1)

    def replay(self) -> None:
        self.goto(self.step)

    def start_play_all(self) -> None:
        """Play from the current step to the end, one animation after another."""
        self.play_all = True
        if self.t >= 1.0 and not self.goto(self.step + 1):
            self.goto(self.step)
        self.playing = True

    def pause(self) -> None:
        self.playing = False
        self.play_all = False

    def set_speed(self, speed: float) -> None:
        if not 0.05 <= speed <= 10:
            raise ValueError(f"speed {speed} out of range")
        self.speed = speed

    def faster(self) -> None:
        self.speed = next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])

    def slower(self) -> None:
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])

    def tick(self) -> bool:
        """Advance the animation by the clock; True when a new frame should be drawn."""
        now = self._clock()
        dt, self._last_tick = now - self._last_tick, now
        if not self.playing:
            return False
        self.t = min(1.0, self.t + dt * self.speed / STEP_SECONDS)
        self._emit_frame()
        if self.t >= 1.0:
            self.playing = False
            if self.play_all:
                if self.step + 1 < self.step_count:
                    self.goto(self.step + 1)
                    self.play_all = True
                else:
                    self.play_all = False
                    if self.on_finished:
                        self.on_finished()
        return True

    def _emit_frame(self) -> None:
        if self.on_frame:
            self.on_frame(self.step, self.t)

    def timings(self) -> tuple[StepTiming, ...]:
        """Time on each step so far, including the still-open current step."""
        seconds = list(self._seconds)
        seconds[self.step] += self._clock() - self._entered
        return tuple(StepTiming(self.guide.product_id, n + 1, round(s, 3), v)
                     for n, (s, v) in enumerate(zip(seconds, self._visits)))
