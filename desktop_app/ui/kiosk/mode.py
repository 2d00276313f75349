"""A kiosk window's visits: the attract screen between visitors, the idle timeout during one.

The main window owns one :class:`KioskMode` when it runs as a kiosk and hands it the page stack
to show the attract screen in, the page a visit happens on, and how to tell the visitor is still
busy (a reply being worked on or spoken). Ending a visit (wiping the conversation) stays with the
window: it listens to ``idle.idle`` and calls :meth:`KioskMode.show_attract`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop_app.ui.kiosk.screen import AttractScreen, IdleWatcher


class KioskMode:
    """Attract screen and idle watcher for one window."""

    def __init__(self, pages: QStackedWidget, visit_page: QWidget, language: str, *, timeout_s: float,
                 busy: Callable[[], bool], parent: QWidget) -> None:
        self.pages = pages
        self.visit_page = visit_page
        self.idle = IdleWatcher(timeout_s, busy=busy, parent=parent)
        self.attract = AttractScreen(language)
        self.attract.started.connect(self.start_session)
        pages.addWidget(self.attract)

    def start_session(self) -> None:
        """A visitor touched the attract screen: show the visit and start the idle timeout."""
        self.pages.setCurrentWidget(self.visit_page)
        self.idle.start()

    def show_attract(self) -> None:
        self.pages.setCurrentWidget(self.attract)

    def set_language(self, language: str) -> None:
        self.attract.set_language(language)

    def stop(self) -> None:
        self.idle.stop()
