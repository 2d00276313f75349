"""Garbage collection on the GUI thread only.

Python runs its cycle collector in whichever thread happens to allocate. When that is a render
or worker thread, it can free Qt objects (and Open3D GL resources) owned by another thread, which
crashes the process at random. The usual remedy for Qt applications: switch automatic collection
off and collect from a timer on the GUI thread, cheaply and often for the young generation.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect each generation whose allocation threshold has been passed, youngest first."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
