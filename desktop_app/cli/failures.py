"""What the command line does with an exception that reached ``main``: one line, never a traceback.

Foreseeable failures are :class:`AppError` and carry their own words. Some others are foreseeable
by kind though raised deep in a library (a database that cannot be reached, a file that cannot be
written, input nested too deep to parse); they are named here in both languages. Anything else is
a bug: its traceback goes to the log file, redacted, and the user gets one line pointing there.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from desktop_app.core.errors import AppError, ConfigError, InvalidInput
from desktop_app.core.logsetup import record_crash
from desktop_app.core.redact import redact
from desktop_app.core.text import undecodable

log = logging.getLogger(__name__)

#: Longest database reason quoted to the user; drivers add hints over several lines.
_REASON_CHARS = 160


def check_arguments(argv: list[str]) -> None:
    """Refuse undecodable arguments before any command runs: stored, they could never be read back."""
    for n, arg in enumerate(argv, start=1):
        if undecodable(arg):
            shown = ascii(arg)[:60]
            raise InvalidInput(f"argument {n} ({shown}) is not valid UTF-8 text.",
                               message_zh=f"第 {n} 个参数（{shown}）不是有效的 UTF-8 文本。")


def _database_error(exc: Exception) -> AppError | None:
    """SQLAlchemy's errors by kind; the reason is the driver's first line (redacted): the full text
    quotes the statement and its parameters, which may be a customer's data."""
    import sqlalchemy.exc as sa

    if isinstance(exc, sa.ArgumentError | sa.NoSuchModuleError):
        return ConfigError("DESKTOP_APP_DB_URL is not a database URL this app can use.",
                           message_zh="DESKTOP_APP_DB_URL 不是本应用可用的数据库地址。")
    if isinstance(exc, sa.DBAPIError | sa.DisconnectionError | sa.TimeoutError):
        orig = getattr(exc, "orig", None) or exc
        lines = str(orig).strip().splitlines() or [type(orig).__name__]
        reason = redact(lines[0].strip())[:_REASON_CHARS]
        return AppError(f"the database cannot be used: {reason}", message_zh=f"无法使用数据库：{reason}")
    return None


def explain(exc: Exception) -> AppError | None:
    """A foreseeable failure by kind, as an error fit to show; None for a bug."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, UnicodeDecodeError):  # reading a file or stdin; an *encode* error is a bug
        return InvalidInput("the input is not valid UTF-8 text.", message_zh="输入不是有效的 UTF-8 文本。")
    if isinstance(exc, RecursionError):
        return InvalidInput("the input is nested too deeply to read.", message_zh="输入的嵌套层级太深，无法读取。")
    if isinstance(exc, MemoryError):
        return AppError("not enough memory for this input.", message_zh="内存不足，无法处理此输入。")
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        if exc.filename is not None:
            name = os.fsdecode(exc.filename)
            return AppError(f"cannot use {name}: {reason}.", message_zh=f"无法使用 {name}：{reason}。")
        return AppError(f"{reason}.", message_zh=f"{reason}。")
    if type(exc).__module__.startswith("sqlalchemy"):
        return _database_error(exc)
    return None


def unexpected(exc: BaseException, log_dir: Path | None, language: str) -> str:
    """Record a bug's traceback (redacted, in the log file only) and return the line for the user."""
    where = record_crash(exc, log_dir)
    details = str(where) if where else ("未写入日志" if language == "zh" else "not logged")
    name = type(exc).__name__
    if language == "zh":
        return f"意外错误（{name}），详情见：{details}"
    return f"unexpected error ({name}) (details: {details})"


def quiet_broken_pipe() -> None:
    """The reader went away (``| head``): point stdout at /dev/null so the interpreter's last flush
    does not print "Exception ignored … BrokenPipeError" on its way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests, embedding hosts)
        pass
