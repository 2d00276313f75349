"""Input hygiene shared by every entry point (CLI, chat box, voice transcript)."""

from __future__ import annotations

import re
import unicodedata

from desktop_app.core.errors import InvalidInput

MAX_INPUT_CHARS = 2000
#: Controls, bidi overrides, and lone surrogates (bytes that were not UTF-8, kept by Python's
#: ``surrogateescape``: they cannot be encrypted, stored or printed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def undecodable(text: str) -> bool:
    """True for text holding bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def clean_text(text: str, *, max_chars: int = MAX_INPUT_CHARS, normalize: bool = True) -> str:
    """Drop control and bidi-override characters, collapse whitespace, cap length; NFKC unless told not to.

    NFKC folds full-width digits for matching, but it also turns Chinese punctuation into ASCII,
    so text kept for people (stored messages) is cleaned with ``normalize=False``.
    Capping (rather than refusing) keeps a pasted essay answerable; the cap protects the
    classifier and the log from pathological input.
    """
    text = unicodedata.normalize("NFKC", text or "") if normalize else (text or "")
    text = _CONTROL.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:max_chars]


def require_text(text: str, what: str, *, max_chars: int = 200) -> str:
    cleaned = clean_text(text, max_chars=max_chars + 1)
    if not cleaned:
        raise InvalidInput(f"{what} is empty.", message_zh=f"{what}不能为空。")
    if len(cleaned) > max_chars:
        raise InvalidInput(
            f"{what} is too long (at most {max_chars} characters).",
            message_zh=f"{what}过长（最多 {max_chars} 个字符）。",
        )
    return cleaned
