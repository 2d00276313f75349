"""Price ranges in both languages: "500~800元", "500到800元之间", "under $300", "between 500 and 800",
and the spoken forms ``amounts`` rewrites into digits first ("五六百", "不要超过一千", "under a grand").

Currency is recorded as stated ($/dollars → USD, 元/块/¥ → CNY) and left to the service to
convert; an unstated currency is assumed yuan with ``currency_stated=False``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop_app.nlu.amounts import rewrite_amounts
from desktop_app.nlu.numbers import NUMBER, parse_number
from desktop_app.nlu.types import Entity, EntityKind, PriceRange

_PRE = r"(?:[¥￥$]|us\$|rmb|cny|usd|人民币)\s*"
_POST = r"\s*(?:块钱|块|元钱|元|rmb|cny|yuan|usd|dollars?|bucks|美元|美金|刀)"
_USD = re.compile(r"\$|usd|dollar|bucks|美元|美金|刀", re.I)
_CNY = re.compile(r"[¥￥元块]|rmb|cny|yuan|人民币", re.I)


def _amount(name: str) -> str:
    return rf"(?P<{name}_pre>{_PRE})?(?<![\d.,])(?P<{name}>{NUMBER})(?P<{name}_post>{_POST})?"


#: A unit after a number means it is not a price ("2-3天", "5000mAh", "150-200cm").
_UNIT_AFTER = re.compile(
    r"\s*(?:gb|tb|mah|mm|cm|kg|ml|inch|inches|in\b|寸|英寸|人|天|日|号|月|年|小时|分钟|周|个|件|台|只|双|瓶|套|顶|张|"
    r"days?|hours?|weeks?|months?|years?|people|persons?|pcs|pieces?|items?|%|度|毫安|毫升|升|公斤|斤|克|米|厘米|"
    r"岁|次|码|g\b|m\b|l\b|w\b|spf|star|stars|星|分|位|percent\b|per ?cent\b)",
    re.I,
)
_PRICE_CUE = re.compile(r"价|预算|钱|便宜|贵|元|块|price|budget|cost|cheap|expensive|spend|pay|afford|yuan|\$|¥|￥", re.I)

_RANGE = re.compile(
    rf"(?P<lead>between\s+|from\s+|介于|在)?{_amount('lo')}\s*"
    rf"(?P<sep>-|–|—|~|～|〜|to|and|到|至|和)\s*{_amount('hi')}(?P<tail>\s*(?:之间|之内|以内|左右|范围))?",
    re.I,
)
_UPPER_BEFORE = re.compile(
    rf"(?P<cue>under|below|less than|cheaper than|lower than|at most|no more than|not more than|no higher than|"
    rf"not over|nothing over|nothing above|anything under|sub|max(?:imum)?|up to|within|budget(?: is| of)?|<=?|"
    rf"(?:不要|不能|不想|不得|别|不)超过|不高于|不到|低于|少于|最多|最高|预算|小于|控制在)"
    rf"\s*(?:is\s+|of\s+|为|是|在|花|买|出|用)?{_amount('v')}(?P<tail>\s*(?:以内|以下|之内|内|封顶))?",
    re.I,
)
_UPPER_AFTER = re.compile(rf"{_amount('v')}\s*(?:or less|or under|max|tops|以内|以下|之内|内|封顶|以里)", re.I)
_LOWER_BEFORE = re.compile(
    rf"(?P<cue>over|above|more than|at least|min(?:imum)?|starting at|starting from|higher than|>=?|"
    rf"高于|超过|不低于|至少|最低|大于)\s*{_amount('v')}",
    re.I,
)
_LOWER_AFTER = re.compile(rf"{_amount('v')}\s*(?:or more|and up|and above|plus|\+|以上|起步|起|往上|朝上)", re.I)
_APPROX_BEFORE = re.compile(rf"(?:around|about|roughly|approximately|approx\.?|~|大概|大约|差不多|约)\s*{_amount('v')}",
                            re.I)
_APPROX_AFTER = re.compile(rf"{_amount('v')}\s*(?:左右|上下|-?ish)", re.I)
_BARE = re.compile(rf"(?P<v_pre>{_PRE})(?<![\d.,])(?P<v>{NUMBER})|(?<![\d.,])(?P<w>{NUMBER})(?P<w_post>{_POST})", re.I)


def _currency(parts: list[str | None], cue_text: str = "") -> tuple[str, bool]:
    joined = " ".join(p for p in parts if p) + " " + cue_text
    if _USD.search(joined):
        return "USD", True
    if _CNY.search(joined):
        return "CNY", True
    return "CNY", False


def _clean_end(text: str, end: int) -> bool:
    """True when nothing after ``end`` makes the number a non-price (a unit or more digits)."""
    if end < len(text) and text[end].isdigit():
        return False
    return _UNIT_AFTER.match(text, end) is None


def _has_currency(m: re.Match[str], *names: str) -> bool:
    return any(m.group(f"{n}_pre") or m.group(f"{n}_post") for n in names)


def _ranges(text: str) -> Iterator[tuple[int, int, PriceRange, float]]:
    cue = _PRICE_CUE.search(text) is not None
    for m in _RANGE.finditer(text):
        lo, hi = parse_number(m.group("lo")), parse_number(m.group("hi"))
        if lo is None or hi is None or hi <= 0:
            continue
        sep, lead, tail = m.group("sep").lower(), (m.group("lead") or "").strip().lower(), (m.group("tail") or "").strip()
        if sep in ("and", "和") and not (lead in ("between", "介于", "在") or tail == "之间"):
            continue
        money = _has_currency(m, "lo", "hi")
        if not money and (not _clean_end(text, m.end()) or hi < 10):
            continue
        if lo > hi:
            lo, hi = hi, lo
        # "500-800元": the unit on the upper bound applies to both.
        currency, stated = _currency([m.group("lo_pre"), m.group("lo_post"), m.group("hi_pre"), m.group("hi_post")])
        conf = 0.95 if money else (0.88 if lead or tail or cue else 0.7)
        yield m.start(), m.end(), PriceRange(lo, hi, currency, stated), conf


def _single(pattern: re.Pattern[str], text: str, kind: str, base: float) -> Iterator[tuple[int, int, PriceRange, float]]:
    cue = _PRICE_CUE.search(text) is not None
    for m in pattern.finditer(text):
        value = parse_number(m.group("v"))
        if value is None or value <= 0:
            continue
        money = _has_currency(m, "v")
        end_ok = _clean_end(text, m.end("v") if not m.group("v_post") else m.end())
        if not money and (not end_ok or value < 10):
            continue
        currency, stated = _currency([m.group("v_pre"), m.group("v_post")], m.group(0))
        shape = kind
        if kind == "upper" and re.match(r"\s*(?:左右|上下|ish\b)", text[m.end():]):
            shape = "approx"  # "预算两千左右" is a target, not a ceiling
        if shape == "upper":
            rng = PriceRange(None, value, currency, stated)
        elif shape == "lower":
            rng = PriceRange(value, None, currency, stated)
        else:
            rng = PriceRange(round(value * 0.8, 2), round(value * 1.2, 2), currency, stated, approximate=True)
        conf = base if (money or cue) else base - 0.15
        yield m.start(), m.end(), rng, conf


def _bare(text: str) -> Iterator[tuple[int, int, PriceRange, float]]:
    for m in _BARE.finditer(text):
        raw = m.group("v") or m.group("w")
        value = parse_number(raw)
        if value is None or value <= 0:
            continue
        currency, stated = _currency([m.group("v_pre"), m.group("w_post")])
        yield m.start(), m.end(), PriceRange(round(value * 0.8, 2), round(value * 1.2, 2), currency, stated, approximate=True), 0.6


def extract_prices(text: str, taken: list[tuple[int, int]] | None = None) -> list[Entity]:
    """Price entities, most specific pattern first; ``taken`` spans (e.g. order numbers) are skipped.

    Patterns run on the text with spoken amounts rewritten as digits; each entity's span and text
    are the customer's own words. A floor and a ceiling in one sentence ("六百以上一千以下") are one range.
    """
    rewritten = rewrite_amounts(text)
    digits = rewritten.text
    spans = list(taken or [])
    found: list[Entity] = []
    producers = (
        _ranges(digits),
        _single(_UPPER_BEFORE, digits, "upper", 0.92),
        _single(_UPPER_AFTER, digits, "upper", 0.9),
        _single(_LOWER_BEFORE, digits, "lower", 0.9),
        _single(_LOWER_AFTER, digits, "lower", 0.88),
        _single(_APPROX_BEFORE, digits, "approx", 0.8),
        _single(_APPROX_AFTER, digits, "approx", 0.8),
        _bare(digits),
    )
    for producer in producers:
        for start, end, rng, conf in producer:
            while end > start and digits[end - 1].isspace():
                end -= 1
            start, end = rewritten.span(start, end)
            if any(start < e and s < end for s, e in spans):
                continue
            spans.append((start, end))
            found.append(Entity(EntityKind.PRICE_RANGE, str(rng), text[start:end], start, end, round(min(conf, 0.99), 3), price=rng))
    return _floor_and_ceiling(text, found)


def _floor_and_ceiling(text: str, found: list[Entity]) -> list[Entity]:
    if len(found) != 2:
        return found
    (a, pa), (b, pb) = ((e, e.price) for e in found)
    if pa is None or pb is None:
        return found
    if pa.max_value is None and pb.min_value is None:
        floor, ceiling = pa, pb
    elif pb.max_value is None and pa.min_value is None:
        floor, ceiling = pb, pa
    else:
        return found
    if (floor.min_value is None or ceiling.max_value is None or floor.currency != ceiling.currency
            or floor.min_value >= ceiling.max_value):
        return found
    rng = PriceRange(floor.min_value, ceiling.max_value, floor.currency, floor.currency_stated or ceiling.currency_stated)
    start, end = min(a.start, b.start), max(a.end, b.end)
    return [Entity(EntityKind.PRICE_RANGE, str(rng), text[start:end], start, end, max(a.confidence, b.confidence),
                   price=rng)]
