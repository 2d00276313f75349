"""Guards against Qt binding regressions that would crash a kiosk running all day."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal, Slot


class _Emitter(QObject):
    fired = Signal(int)

    @Slot(int)
    def receive(self, value: int) -> None:
        self.last = value


def test_signal_emission_keeps_reference_counts_balanced(qapp):  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 lost a reference to ``True`` per emit: the process aborted after a few
    thousand signals (one guide animation). The pinned version must not."""
    emitter = _Emitter()
    emitter.fired.connect(emitter.receive)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2000):
        emitter.fired.emit(i)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
    assert emitter.last == 1999
