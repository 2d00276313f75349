"""Typed errors with a message fit to show a customer.

Every failure the service can foresee is one of these, so the CLI prints one line and the UI
shows a card instead of a traceback; anything else is a bug.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of foreseeable failures. ``str(err)`` is safe to show to the user and to log."""

    code = "error"

    def __init__(self, message: str, *, message_zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message

    def localized(self, language: str) -> str:
        return self.message_zh if language == "zh" else self.message


class ConfigError(AppError):
    code = "config"


class InvalidInput(AppError):
    code = "invalid_input"


class NotFound(AppError):
    code = "not_found"


class AccessDenied(AppError):
    """The caller has not proven they may see this record (kiosks have no login)."""

    code = "access_denied"


class NotEligible(AppError):
    """A request the rules refuse, e.g. a return outside its window."""

    code = "not_eligible"


class SchemaMismatch(AppError):
    """The database was written by another schema version; refuse rather than drift silently."""

    code = "schema_mismatch"


class StoreUnavailable(AppError):
    """The database server cannot be reached (stopped, restarting, network down). Nothing was
    written; the pool reconnects by itself once the server is back, so the caller may retry."""

    code = "store_unavailable"

    def __init__(self) -> None:
        super().__init__("Connection to the store lost, retrying…", message_zh="与门店数据库的连接已断开，正在重试…")
