"""Numbers as shoppers write them: "800", "1,299.5", "2k", "两千", "一千五", "3万", "八百块".

Shared by the price, quantity and date extractors so "五百到八百" and "500-800" mean the same.
"""

from __future__ import annotations

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
ZH_NUM_CHARS = "零〇一幺二两俩三四五六七八九十百千万"

_EN_WORDS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "pair": 2,
}
EN_NUMBER_WORDS = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"

#: A number in digits with optional thousands separators, decimals and a k/w/千/万 multiplier,
#: or a run of Chinese numerals. Used inside larger patterns.
NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:[kK](?![a-zA-Z])|[wW](?![a-zA-Z])|千|万)?"
    r"|[" + ZH_NUM_CHARS + r"]+"
)


def parse_zh_numeral(text: str) -> float | None:
    """Parse "两千五", "一千五百", "八百", "三万", "十五" (no decimals); None when not a numeral."""
    if not text or any(c not in _ZH_DIGITS and c not in _ZH_UNITS for c in text):
        return None
    total = 0
    section = 0  # value below 万
    digit: int | None = None
    last_unit = 1
    for ch in text:
        if ch in _ZH_DIGITS:
            if digit is not None:  # "一五" style: read as positional digits
                digit = digit * 10 + _ZH_DIGITS[ch]
            else:
                digit = _ZH_DIGITS[ch]
        else:
            unit = _ZH_UNITS[ch]
            if unit == 10000:
                section = (section + (digit or 0)) or 1
                total += section * 10000
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            last_unit = unit
            digit = None
    if digit is not None:
        # "一千五" means 1500: a trailing bare digit scales to one unit below the last.
        section += digit * (last_unit // 10 if last_unit >= 100 and len(text) >= 3 and text[-2] in _ZH_UNITS else 1)
    return float(total + section)


def parse_number(text: str) -> float | None:
    """Parse one NUMBER match; None when it is not a number after all."""
    raw = text.strip().replace(",", "").replace(" ", "")
    if not raw:
        return None
    zh = parse_zh_numeral(raw)
    if zh is not None:
        return zh
    mult = 1.0
    if raw[-1] in "kK千":
        mult, raw = 1000.0, raw[:-1]
    elif raw[-1] in "wW万":
        mult, raw = 10000.0, raw[:-1]
    zh = parse_zh_numeral(raw)
    if zh is not None:
        return zh * mult
    try:
        return float(raw) * mult
    except ValueError:
        return None


def parse_count(text: str) -> int | None:
    """Small counts for quantities and dates: digits, Chinese numerals or English words."""
    low = text.strip().lower()
    if low in _EN_WORDS:
        return _EN_WORDS[low]
    value = parse_number(low)
    if value is None or value != int(value):
        return None
    return int(value)
