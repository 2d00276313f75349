"""Script-based language detection: enough to pick reply language and tokeniser.

Shoppers mix scripts ("这个tent防水吗", "iPhone 15 有货吗"); a statistical detector is overkill
for two languages with disjoint scripts, so we weigh Han characters against Latin words.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Latin words that appear inside Chinese sentences as product/tech terms and say nothing about language.
_LOANWORDS = frozenset({"nfc", "gps", "usb", "app", "ok", "vip", "ios", "iphone", "ipad", "wifi", "spf", "mah", "gb", "cm", "kg", "ml", "xl", "xxl", "xs"})


def _weights(text: str) -> tuple[float, float]:
    han = len(_HAN.findall(text))
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    latin = sum(1 for w in words if w not in _LOANWORDS) + 0.25 * sum(1 for w in words if w in _LOANWORDS)
    # One English word carries about as much as two Han characters.
    return float(han), 2.0 * latin


def detect_language(text: str, default: str = "zh") -> str:
    """Return "zh", "en" or "mixed"; text with neither script (digits, emoji) gets ``default``."""
    zh, en = _weights(text)
    total = zh + en
    if total == 0:
        return default
    if zh / total >= 0.8:
        return "zh"
    if en / total >= 0.8:
        return "en"
    return "mixed"


def dominant_language(text: str, default: str = "zh") -> str:
    zh, en = _weights(text)
    if zh == en == 0:
        return default
    return "zh" if zh >= en else "en"
