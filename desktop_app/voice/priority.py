"""Idle priority for one thread: background work that must never slow the customer's own.

Live partial transcripts (``voice.live``) are only shown; the pause reading that ends a turn is
what the customer waits for. On two cores they compete, so the partials' worker lowers its own
priority to the lowest (nice 19), and every thread it starts (CTranslate2's compute threads for
the model instance it makes) inherits it. On Linux each thread has its own nice value
(pthreads(7)); elsewhere this does nothing and says so in the log.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

IDLE_NICE = 19


def lower_thread_priority(nice: int = IDLE_NICE) -> bool:
    """Set the calling thread's nice value to ``nice`` (never raising its priority); True if done."""
    if not sys.platform.startswith("linux"):
        log.info("thread priority is left as it is on %s", sys.platform)
        return False
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < nice:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError as exc:
        log.info("could not lower a worker thread's priority (%s)", type(exc).__name__)
        return False
    return True
