"""Live-message wake-ups across processes: PostgreSQL ``NOTIFY desk, '<ticket id>'`` on every desk
write, and one listening thread per process that calls the windows back at once.

Why: the customer's window and the agent's console run in different processes (often on
different machines of a chain) and otherwise only see each other's messages on their next poll.
With a notification the other side fetches within a round trip. Polling stays as the fallback
(a notification lost while the connection was down is caught by the next poll) and is the only
path on SQLite, which has no notifications.

The payload is the ticket id only: never a name, a phone or message text (anyone on the
server may LISTEN). The listener owns a dedicated autocommit connection (a pooled connection
could be handed to a session mid-LISTEN), reconnects by itself with a short back-off when the
server goes away, and each time it starts listening calls back with ``None`` ("anything may
have changed") so windows catch up at once on what was written while nobody listened. Callbacks run on the listener's thread: a window must
only hand them on to its GUI thread (a queued signal), never touch a widget there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.store.db import Database

log = logging.getLogger(__name__)

CHANNEL = "desk"
#: How often the listener checks whether it was asked to stop (bounds ``close`` time).
TICK_S = 0.25
#: Back-off between reconnection attempts, doubling up to the maximum.
RETRY_FIRST_S = 0.2
RETRY_MAX_S = 2.0

#: Called with the ticket id that changed, or ``None`` after a reconnect (anything may have).
Wake = Callable[[int | None], None]


class DeskNotices:
    """``publish`` (NOTIFY) for the desk's writes and ``subscribe`` (LISTEN) for the windows."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.live = db.engine.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._callbacks: list[Wake] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        #: Set while the listener holds its LISTEN (tests and the benchmark wait for it).
        self.listening = threading.Event()

    def publish(self, ticket_id: int) -> None:
        """Tell every listener that ``ticket_id`` changed; never fails the write that already happened."""
        if not self.live:
            return
        try:
            with self._db.engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                             {"channel": CHANNEL, "payload": str(int(ticket_id))})
                conn.commit()
        except SQLAlchemyError as exc:  # the store went away: the other side's poll catches up later
            log.info("desk notification for ticket %d not sent (%s)", ticket_id, type(exc).__name__)

    def subscribe(self, callback: Wake) -> Callable[[], None]:
        """Call ``callback`` on every notification; returns the function that stops it. A no-op on SQLite."""
        if not self.live:
            return lambda: None
        with self._lock:
            self._callbacks.append(callback)
            if self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._listen, args=(self._stop,),
                                                name="desk-notify", daemon=True)
                self._thread.start()

        def unsubscribe() -> None:
            self._unsubscribe(callback)

        return unsubscribe

    def close(self) -> None:
        with self._lock:
            self._callbacks.clear()
        self._stop_thread()

    # -- internals ---------------------------------------------------------------------------

    def _unsubscribe(self, callback: Wake) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)
            idle = not self._callbacks
        if idle:
            self._stop_thread()

    def _stop_thread(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * TICK_S + 2.0)

    def _fire(self, ticket_id: int | None) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(ticket_id)
            except Exception:  # a window's bug must not end the listener for the others
                log.exception("desk wake-up callback failed")

    def _conninfo(self) -> str:
        url = self._db.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def _listen(self, stop: threading.Event) -> None:
        import psycopg

        delay, lost = RETRY_FIRST_S, False
        while not stop.is_set():
            try:
                with psycopg.connect(self._conninfo(), autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if lost:
                        log.info("desk notifications listening again")
                    delay, lost = RETRY_FIRST_S, False
                    self._fire(None)
                    while not stop.is_set():
                        for note in conn.notifies(timeout=TICK_S):
                            if note.payload.isdigit():
                                self._fire(int(note.payload))
                            if stop.is_set():
                                break
            except psycopg.Error as exc:
                self.listening.clear()
                if not lost:
                    log.warning("desk notifications: connection to the store lost (%s); retrying",
                                type(exc).__name__)
                lost = True
                stop.wait(delay)
                delay = min(delay * 2, RETRY_MAX_S)
        self.listening.clear()
