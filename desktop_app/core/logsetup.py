"""Logging configuration: every handler redacts, so a stray ``log.info(order)`` leaks nothing.

The console only shows warnings (a command's output stays one clear line); the rotating file in
the data directory keeps the configured level for support staff.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

from desktop_app.core.redact import RedactingFilter

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_desktop_app"


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is now (tests and embedding hosts swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def install_redaction(handler: logging.Handler) -> logging.Handler:
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


def configure_logging(level: str = "INFO", log_dir: Path | None = None, *, console_level: str = "WARNING") -> None:
    """Console (warnings, or ``console_level``) plus an optional rotating file, all redacting."""
    root = logging.getLogger()
    root.setLevel(min(logging.getLevelName(level.upper()), logging.getLevelName(console_level.upper())))
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    for handler in ours:
        root.removeHandler(handler)
        handler.close()
    console = _CurrentStderr()
    console.setLevel(console_level.upper())
    console.setFormatter(logging.Formatter(_FORMAT))
    setattr(console, _MARK, True)
    root.addHandler(console)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / "desktop-app.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8", delay=True
            )
        except OSError as exc:
            logging.getLogger(__name__).warning("cannot write the log file in %s: %s", log_dir, exc)
        else:
            file_handler.setLevel(level.upper())
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            setattr(file_handler, _MARK, True)
            root.addHandler(file_handler)
    for handler in root.handlers:
        install_redaction(handler)
