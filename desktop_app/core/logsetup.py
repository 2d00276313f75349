"""Logging configuration: every handler redacts, so a stray ``log.info(order)`` leaks nothing."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from desktop_app.core.redact import RedactingFilter

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def install_redaction(handler: logging.Handler) -> logging.Handler:
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


def configure_logging(level: str = "INFO", log_dir: Path | None = None) -> None:
    """Console plus an optional rotating file, both behind the redacting filter."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not any(getattr(h, "_desktop_app", False) for h in root.handlers):
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter(_FORMAT))
        console._desktop_app = True  # type: ignore[attr-defined]
        root.addHandler(install_redaction(console))
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / "desktop-app.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
            )
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            file_handler._desktop_app = True  # type: ignore[attr-defined]
            root.addHandler(install_redaction(file_handler))
    for handler in root.handlers:
        install_redaction(handler)
