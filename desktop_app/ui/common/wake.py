"""Desk wake-ups from the store's listener thread, handed to the GUI thread by a queued signal.

The listener (:class:`desktop_app.service.desk_notify.DeskNotices`) calls back on its own thread;
per the ui's rule (:mod:`desktop_app.ui.common.tasks`) that thread never touches a widget: it only
emits ``woke``, whose slot runs on the GUI thread, where the window starts an ordinary fetch on
its task runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class WakeBridge(QObject):
    """Lives on the GUI thread; ``notify`` may be called from any thread."""

    woke = Signal(object)  # the ticket id that changed, or None (anything may have changed)

    def __init__(self, slot: Callable[[int | None], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.woke.connect(slot, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = None

    def notify(self, ticket_id: int | None) -> None:
        try:
            self.woke.emit(ticket_id)
        except RuntimeError:  # the window was deleted while the listener was calling back
            log.debug("desk wake-up after the window closed")

    def attach(self, subscribe: Callable[[Callable[[int | None], None]], Callable[[], None]]) -> None:
        """Start receiving wake-ups (once); ``detach`` stops them."""
        if self._unsubscribe is None:
            self._unsubscribe = subscribe(self.notify)

    def detach(self) -> None:
        """Stop the wake-ups; joins the listener thread when this was its last subscriber."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
