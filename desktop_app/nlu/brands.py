"""Brand names, injected by the store at run time and matched exactly in either written form.

A stored brand may carry both forms in one string ("青岚 Qinglan"): shoppers type one or the other,
so each form is a surface of its own. Latin forms match case-insensitively on word boundaries (a
brand inside a longer word is a different word); Han forms match as plain substrings, since Chinese
has no spaces to bound them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.nlu.lexicon import generic_pattern
from desktop_app.nlu.types import Entity, EntityKind

log = logging.getLogger(__name__)

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+(?:\s*[\u3400-\u9fff]+)*")
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+(?:[-'&. ]+[A-Za-z0-9]+)*")
_WORD_CHAR = re.compile(r"[a-z0-9]")
#: A whole-form match is the shopper naming the brand; its leading word alone ("Suyan" for
#: "Suyan Lab") is very likely the same brand but not certain.
FULL_CONFIDENCE = 0.9
LEAD_CONFIDENCE = 0.85


def brand_forms(brand: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(Han forms, Latin forms) of a stored brand: "青岚 Qinglan" → (("青岚",), ("Qinglan",))."""
    han = tuple(m.group(0) for m in _HAN_RUN.finditer(brand))
    latin = tuple(m.group(0).strip() for m in _LATIN_RUN.finditer(brand) if re.search(r"[A-Za-z]", m.group(0)))
    return han, latin


def brand_label(brand: str, language: str) -> str:
    """The form to show a shopper: Han in Chinese, Latin in English, the stored string otherwise."""
    han, latin = brand_forms(brand)
    preferred = han if language == "zh" else latin
    return preferred[0] if preferred else brand.strip()


@dataclass(frozen=True)
class _Surface:
    brand: str
    confidence: float


class BrandLexicon:
    """Immutable once built; rebuild when the catalogue's brands change (linear in brands)."""

    def __init__(self, brands: Iterable[str]) -> None:
        generic = generic_pattern()  # a form that is also a category or feature word names no brand
        table: dict[str, _Surface] = {}
        ambiguous: set[str] = set()
        names = sorted({b for b in brands if b and b.strip()})

        def add(surface: str, sense: _Surface) -> None:
            # Matched against NFKC-cleaned text (full-width letters folded), so folded the same way.
            key = unicodedata.normalize("NFKC", surface).strip().lower()
            if len(key) < 2 or generic.fullmatch(key):
                return
            have = table.get(key)
            if have is None:
                table[key] = sense
            elif have.brand != sense.brand:
                if have.confidence == sense.confidence:
                    ambiguous.add(key)  # two brands share this form: it names neither
                elif sense.confidence > have.confidence:
                    table[key] = sense

        for name in names:
            han, latin = brand_forms(name)
            add(name, _Surface(name, FULL_CONFIDENCE))
            for form in (*han, *latin):
                add(form, _Surface(name, FULL_CONFIDENCE))
            for form in latin:
                words = form.split()
                if len(words) > 1 and len(words[0]) >= 4:
                    add(words[0], _Surface(name, LEAD_CONFIDENCE))
        for key in ambiguous:
            table.pop(key, None)
        self._table = table
        self.brands: tuple[str, ...] = tuple(names)
        parts = []
        for surface in sorted(table, key=len, reverse=True):
            # Word boundaries only where the form starts or ends in a Latin letter or digit: Han
            # needs none, and "青岚 Qinglan" must still not run into a longer Latin word.
            head = r"(?<![a-z0-9])" if _WORD_CHAR.match(surface[0]) else ""
            tail = r"(?![a-z0-9])" if _WORD_CHAR.match(surface[-1]) else ""
            parts.append(head + re.escape(surface) + tail)
        self._pattern = re.compile("|".join(parts), re.I) if parts else None
        log.debug("brand lexicon: %d brands, %d surfaces", len(names), len(table))

    def __len__(self) -> int:
        return len(self.brands)

    def match(self, text: str) -> list[Entity]:
        """Every brand mention in ``text``, in order; one entity per mention."""
        if self._pattern is None or not text:
            return []
        out: list[Entity] = []
        for m in self._pattern.finditer(text):
            sense = self._table.get(m.group(0).lower())
            if sense is not None:
                out.append(Entity(EntityKind.BRAND, sense.brand, m.group(0), m.start(), m.end(), sense.confidence))
        return out
