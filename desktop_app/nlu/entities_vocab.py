"""Catalogue vocabulary (categories, flag attributes, enum values) and number-with-unit attributes.

Built once from ``core.vocabulary`` so "防水", "waterproof" and the ``waterproof`` attribute stay one
thing. Single Han characters are too ambiguous alone ("金额" is not gold), so they only count with
a suffix that marks them as a colour or size ("蓝的", "黑色款", "L码").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES
from desktop_app.nlu.numbers import NUMBER, parse_number
from desktop_app.nlu.types import Entity, EntityKind


@dataclass(frozen=True)
class _Sense:
    kind: EntityKind
    key: str
    value: str
    confidence: float


#: English aliases too common in other senses to trust on their own.
_WEAK_EN = {"down": 0.0, "dry": 0.55, "band": 0.6, "watch": 0.7, "mobile": 0.7, "sensitive": 0.65,
            "combination": 0.6, "table": 0.75, "cream": 0.75, "large": 0.7, "small": 0.7, "medium": 0.7}
_SKIP_ZH = {"电话"}  # "call me" far more often than "telephone product"
_ENUM_KIND = {"colour": EntityKind.COLOUR, "size": EntityKind.SIZE}


def _senses() -> dict[str, _Sense]:
    table: dict[str, _Sense] = {}

    def add(surface: str, sense: _Sense) -> None:
        s = surface.strip().lower()
        if s and sense.confidence > 0 and s not in table:
            table[s] = sense

    for key, term in CATEGORIES.items():
        for s in (term.en, *term.aliases_en):
            add(s, _Sense(EntityKind.CATEGORY, "", key, _WEAK_EN.get(s.lower(), 0.85)))
        for s in (term.zh, *term.aliases_zh):
            if s not in _SKIP_ZH:
                add(s, _Sense(EntityKind.CATEGORY, "", key, 0.85))
    for key, spec in ATTRIBUTES.items():
        if spec.kind != "flag":
            continue
        for s in (*spec.aliases_en, *spec.aliases_zh):
            add(s, _Sense(EntityKind.ATTRIBUTE, key, "true", 0.9))
    for attr, values in ENUM_VALUES.items():
        kind = _ENUM_KIND.get(attr, EntityKind.ATTRIBUTE)
        for value, term in values.items():
            for s in term.aliases_en:
                if len(s) <= 2:  # bare "xs"/"xl" handled by the size pattern
                    continue
                add(s, _Sense(kind, attr, value, _WEAK_EN.get(s, 0.85)))
            for s in term.aliases_zh:
                if re.fullmatch(r"[A-Za-z]+", s):
                    continue
                if len(s) == 1:
                    suffixes = ("色", "的", "款") if attr == "colour" else ("质", "制")
                    for suf in suffixes:
                        add(s + suf, _Sense(kind, attr, value, 0.85))
                    if attr == "material":
                        add(s, _Sense(kind, attr, value, 0.6))
                else:
                    add(s, _Sense(kind, attr, value, 0.88))
    return table


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, _Sense]]:
    table = _senses()
    parts = []
    for surface in sorted(table, key=len, reverse=True):
        esc = re.escape(surface)
        parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if re.search(r"[a-z]", surface) else esc)
    return re.compile("|".join(parts), re.I), table


_SIZE = re.compile(r"(?:(?<![A-Za-z])(?P<a>XXL|XL|XS|S|M|L)\s*(?:码|号)|\bsize\s*(?P<b>XXL|XL|XS|S|M|L)\b|\b(?P<c>XXL|XL|XS)\b)", re.I)
_UNITS: tuple[tuple[str, str], ...] = (
    (r"mah|毫安", "battery_mah"),
    (r"gb|g(?=\s*(?:内存|存储|的|版))|tb", "storage_gb"),
    (r"英寸|寸|inch(?:es)?|\"", "screen_in"),
    (r"ml|毫升", "volume_ml"),
    (r"人(?:用|位)?|person|people|persons|man|p\b", "capacity_persons"),
    (r"l\b|升|litres?|liters?", "capacity_l"),
    (r"kg|公斤", "weight_kg"),
)
_NUMBER_ATTR = re.compile(
    rf"(?<![\d.])(?P<n>{NUMBER})\s*(?P<u>" + "|".join(f"(?:{u})" for u, _ in _UNITS) + r")",
    re.I,
)
_SPF = re.compile(r"spf\s*(?P<n>\d{1,3})\+?", re.I)


def _unit_key(unit: str) -> str | None:
    for pattern, key in _UNITS:
        if re.fullmatch(pattern, unit, re.I):
            return key
    return None


def extract_vocabulary(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    pattern, table = _matcher()
    out: list[Entity] = []
    for m in pattern.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        sense = table[m.group(0).lower()]
        out.append(Entity(sense.kind, sense.value, m.group(0), m.start(), m.end(), sense.confidence, key=sense.key))
    for m in _SIZE.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken + [(x.start, x.end) for x in out]):
            continue
        value = (m.group("a") or m.group("b") or m.group("c")).upper()
        out.append(Entity(EntityKind.SIZE, value, m.group(0), m.start(), m.end(), 0.85, key="size"))
    return out


def extract_number_attributes(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out: list[Entity] = []
    for m in _NUMBER_ATTR.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        key = _unit_key(m.group("u"))
        value = parse_number(m.group("n"))
        if key is None or value is None or value <= 0:
            continue
        if key == "weight_kg" and re.search(r"承重|max load|load", text[max(0, m.start() - 8) : m.start()], re.I):
            key = "max_load_kg"
        if key == "storage_gb" and m.group("u").lower() == "tb":
            value *= 1024
        out.append(Entity(EntityKind.ATTRIBUTE, f"{value:g}", m.group(0), m.start(), m.end(), 0.85, key=key))
    for m in _SPF.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e in taken):
            out.append(Entity(EntityKind.ATTRIBUTE, m.group("n"), m.group(0), m.start(), m.end(), 0.9, key="spf"))
    return out
