"""Redaction of personal data before anything reaches a log.

Patterns target what this shop handles: mainland mobile numbers (11 digits, 1[3-9]…),
other phone formats, full order numbers, street addresses in Chinese and English, and the
names of customers the store knows (registered at start-up, never written out).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

ORDER_NUMBER = re.compile(r"\b(?:SO|DD)?(\d{2})\d{8,14}(\d{4})\b")
_CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\- ()]{7,}\d(?!\w)")
#: SQLAlchemy errors quote the statement's parameters: any of them may be a customer's words.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_ZH_ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{2,}(?:省|市|自治区)[\u4e00-\u9fff0-9A-Za-z]*?(?:区|县|路|街|道|号|室|弄|巷)"
    r"[\u4e00-\u9fff0-9A-Za-z\-#]*"
)
_EN_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way)\b\.?",
)


class NameRegistry:
    """Names to scrub, added by the store at start-up; shared by every redacting filter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, names: Iterable[str]) -> None:
        with self._lock:
            self._names.update(n.strip() for n in names if n and len(n.strip()) >= 2)
            ordered = sorted(self._names, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def sub(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub("[NAME]", text) if pattern else text


KNOWN_NAMES = NameRegistry()


def _mask_order(match: re.Match[str]) -> str:
    return f"[ORDER …{match.group(2)}]"


def redact(text: str) -> str:
    """Return ``text`` with personal data replaced by typed placeholders."""
    text = _SQL_PARAMETERS.sub("[parameters: redacted]", text)
    text = ORDER_NUMBER.sub(_mask_order, text)
    text = _EMAIL.sub("[EMAIL]", text)
    text = _CN_MOBILE.sub("[PHONE]", text)
    text = _PHONE.sub("[PHONE]", text)
    text = _ZH_ADDRESS.sub("[ADDRESS]", text)
    text = _EN_ADDRESS.sub("[ADDRESS]", text)
    return KNOWN_NAMES.sub(text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message after formatting its arguments, so nothing slips through args.

    The traceback is formatted and redacted here too: a handler formats ``exc_info`` only after its
    filters ran, so redacting ``exc_text`` alone would miss every exception logged the usual way.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
