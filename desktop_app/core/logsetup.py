"""Logging configuration: every handler redacts, so a stray ``log.info(order)`` leaks nothing.

The console only shows warnings (a command's output stays one clear line); the rotating file in
the data directory keeps the configured level for support staff. Log files are 0600 in a 0700
directory whatever the umask: a traceback is the most likely place for a customer's data to end
up, so exception text is redacted too, not only messages.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from desktop_app.core.redact import RedactingFilter, redact

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_desktop_app"
LOG_FILE = "desktop-app.log"
_FILE_MODE = 0o600
_DIR_MODE = 0o700


class RedactingFormatter(logging.Formatter):
    """Redacts the traceback and stack text it formats (the message is redacted by the filter);
    the timestamp and level stay readable, which a regex over the whole line would mangle."""

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact(super().formatStack(stack_info))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Opens every log file (the first and each after a rollover) as 0600, whatever the umask."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, _FILE_MODE)
        os.fchmod(fd, _FILE_MODE)  # an older file may have been made with a looser mode
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """A log file that cannot be written must not dump logging's own traceback on the console."""


def private_dir(path: Path) -> Path:
    """``path`` created if needed and set to 0700 (``mkdir``'s mode is filtered by the umask), with
    any parent it had to create (the data directory, on a first start); existing parents keep theirs."""
    created = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for directory in {path, *created}:
        os.chmod(directory, _DIR_MODE)
    return path


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


def configure_logging(level: str = "INFO", log_dir: Path | None = None, *,
                      console_level: str = "WARNING") -> Path | None:
    """Console (warnings, or ``console_level``) plus an optional rotating file, all redacting.

    Returns the log file's path (where a crash's details go), or None without a usable file.
    """
    root = logging.getLogger()
    root.setLevel(min(logging.getLevelName(level.upper()), logging.getLevelName(console_level.upper())))
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    for handler in ours:
        root.removeHandler(handler)
        handler.close()
    console = _CurrentStderr()
    console.setLevel(console_level.upper())
    console.setFormatter(RedactingFormatter(_FORMAT))
    setattr(console, _MARK, True)
    root.addHandler(console)
    log_file: Path | None = None
    if log_dir is not None:
        try:
            file_handler = PrivateRotatingFileHandler(
                private_dir(log_dir) / LOG_FILE, maxBytes=2_000_000, backupCount=3, encoding="utf-8", delay=True
            )
        except OSError as exc:
            logging.getLogger(__name__).warning("cannot write the log file in %s: %s", log_dir, exc.strerror)
        else:
            file_handler.setLevel(level.upper())
            file_handler.setFormatter(RedactingFormatter(_FORMAT))
            setattr(file_handler, _MARK, True)
            root.addHandler(file_handler)
            log_file = Path(file_handler.baseFilename)
    for handler in root.handlers:
        install_redaction(handler)
    return log_file


def _file_handlers() -> list[logging.FileHandler]:
    return [h for h in logging.getLogger().handlers if getattr(h, _MARK, False) and isinstance(h, logging.FileHandler)]


def record_crash(exc: BaseException, log_dir: Path | None = None) -> Path | None:
    """Write ``exc`` with its traceback (redacted) to the log file only, never the console.

    Uses the configured file; when the crash came before logging was configured, a file in
    ``log_dir``. Returns the file written, or None when there is none to write.
    """
    record = logging.LogRecord(__name__, logging.ERROR, __file__, 0, "unexpected error: %s",
                               (type(exc).__name__,), (type(exc), exc, exc.__traceback__))
    handlers: list[logging.FileHandler] = _file_handlers()
    opened = None
    if not handlers and log_dir is not None:
        try:
            opened = PrivateRotatingFileHandler(private_dir(log_dir) / LOG_FILE, maxBytes=2_000_000,
                                                backupCount=3, encoding="utf-8", delay=True)
        except OSError:
            return None
        opened.setFormatter(RedactingFormatter(_FORMAT))
        install_redaction(opened)
        handlers = [opened]
    written = None
    for handler in handlers:
        try:
            handler.handle(record)
            handler.flush()
        except Exception:  # the crash report must never crash
            continue
        if Path(handler.baseFilename).is_file():
            written = Path(handler.baseFilename)
    if opened is not None:
        opened.close()
    return written
