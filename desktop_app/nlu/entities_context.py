"""Entities that say which thing the customer means: a city, an order by its state, the body a size is for.

"寄到哈尔滨几天" names a destination; "还没发货的那个" picks the order that has not shipped; "身高175
体重70kg" is a body, not a product's weight. Each reads its words once and leaves digits that a
more specific extractor already took alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from desktop_app.core.places import CITIES
from desktop_app.nlu.types import Entity, EntityKind

#: Words for an order's state → the OrderStatus value they point at.
_STATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paid", re.compile(r"还没发货|没发货|未发货|待发货|还没发|hasn'?t (?:been )?shipped|not (?:yet )?shipped|"
                        r"not sent yet|unshipped", re.I)),
    ("delayed", re.compile(r"延误|延迟|晚到|迟迟没到|\bdelayed\b|\blate\b", re.I)),
    ("in_transit", re.compile(r"在路上|运输中|在途|已发货|发出了|\bon (?:the|its) way\b|\bin transit\b|\bshipped\b", re.I)),
    ("delivered", re.compile(r"已签收|签收了|收到了|已收货|\bdelivered\b|\breceived\b|\bgot it\b", re.I)),
)
_HEIGHT = re.compile(r"(?:1|一)\s*米\s*(?P<rest>\d{1,2}|[一二三四五六七八九]{1,2})"
                     r"|(?:身高|个子|height|i'?m|tall)\s*:?\s*(?P<cm>1\d{2})\s*(?:cm|厘米|公分)?"
                     r"|(?P<cm3>1\d{2})\s*(?:cm|厘米|公分)(?:\s*tall)?", re.I)
_ZH_DIGITS = "零一二三四五六七八九"
_WEIGHT = re.compile(r"(?:体重|重|weigh(?:t|s)?|i'?m)\s*:?\s*(?P<v>\d{2,3}(?:\.\d)?)\s*(?P<u>kg|公斤|千克|斤|lbs?|pounds)?"
                     r"|(?P<v2>\d{2,3}(?:\.\d)?)\s*(?P<u2>kg|公斤|千克|斤|lbs?|pounds)(?!\s*(?:的|重的|承重))", re.I)


@lru_cache(maxsize=1)
def _city_pattern() -> re.Pattern[str]:
    names = sorted({n for c in CITIES.values() for n in (c.zh, c.en) if n}, key=len, reverse=True)
    alts = [rf"\b{re.escape(n)}\b" if n.isascii() else re.escape(n) for n in names]
    return re.compile("|".join(alts), re.I)


_BY_NAME = {n.lower(): c.zh for c in CITIES.values() for n in (c.zh, c.en) if n}


def _metre_and(rest: str) -> int:
    """"1米75" → 175, "一米七" → 170, "一米七五" → 175."""
    digits = "".join(str(_ZH_DIGITS.index(c)) if c in _ZH_DIGITS else c for c in rest)
    return 100 + int(digits) * (10 if len(digits) == 1 else 1)


def _free(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return not any(start < e and s < end for s, e in taken)


def extract_context(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out: list[Entity] = []
    for m in _city_pattern().finditer(text):
        if _free(m.start(), m.end(), taken):
            out.append(Entity(EntityKind.CITY, _BY_NAME[m.group(0).lower()], m.group(0), m.start(), m.end(), 0.9))
            taken.append((m.start(), m.end()))
    for state, pattern in _STATES:
        said = pattern.search(text)
        if said is not None:
            out.append(Entity(EntityKind.ORDER_STATE, state, said.group(0), said.start(), said.end(), 0.8))
            break
    h = _HEIGHT.search(text)
    if h is not None and _free(h.start(), h.end(), taken):
        cm = int(h.group("cm") or h.group("cm3") or 0) or _metre_and(h.group("rest"))
        if 120 <= cm <= 220:
            out.append(Entity(EntityKind.BODY, str(cm), h.group(0), h.start(), h.end(), 0.85, key="height_cm"))
            taken.append((h.start(), h.end()))
    w = _WEIGHT.search(text)
    if w is not None and _free(w.start(), w.end(), taken):
        value, unit = float(w.group("v") or w.group("v2")), (w.group("u") or w.group("u2") or "kg").lower()
        kg = value / 2 if unit == "斤" else value * 0.4536 if unit.startswith(("lb", "pound")) else value
        if 25 <= kg <= 200:
            out.append(Entity(EntityKind.BODY, f"{kg:g}" if kg == int(kg) else f"{kg:.1f}", w.group(0), w.start(),
                              w.end(), 0.85, key="weight_kg"))
            taken.append((w.start(), w.end()))
    return out
