"""Starting the agents' console: Qt application, the store (the same one the kiosks use), the window."""

from __future__ import annotations

import logging

from desktop_app.core.config import Settings

log = logging.getLogger(__name__)


def run_console(settings: Settings) -> int:
    from desktop_app.app import build_app
    from desktop_app.ui.agent.console import AgentConsole
    from desktop_app.ui.shell.main import application

    qt_app = application()
    app = build_app(settings)
    window = AgentConsole(app, language=settings.language)
    try:
        window.show()
        return int(qt_app.exec())
    finally:
        window.runner.shutdown()
        app.close()
