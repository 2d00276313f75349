"""Product names and aliases, injected by the store at run time and matched fuzzily.

Shoppers rarely type a full catalogue name ("the Trail tent", "那个山脊帐篷"), so besides exact
substrings we score overlap of English words and Chinese character bigrams, weighted by rarity
so a shared generic word ("tent", "帐篷") alone never names a product.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.nlu.types import Entity, EntityKind

_LATIN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_STOP = frozenset({"the", "and", "for", "with", "of", "a", "an", "in", "on", "to", "my", "this", "that", "is", "it"})


@dataclass(frozen=True)
class ProductEntry:
    sku: str
    name_en: str
    name_zh: str
    aliases: tuple[str, ...] = ()


def _features(text: str) -> dict[str, tuple[int, int]]:
    """Feature → first (start, end) in ``text``: Latin words and Han character bigrams."""
    low = text.lower()
    out: dict[str, tuple[int, int]] = {}
    for m in _LATIN.finditer(low):
        if m.group(0) not in _STOP and len(m.group(0)) >= 2:
            out.setdefault(m.group(0), (m.start(), m.end()))
    for m in _HAN_RUN.finditer(low):
        run = m.group(0)
        if len(run) == 1:
            out.setdefault(run, (m.start(), m.end()))
        for i in range(len(run) - 1):
            out.setdefault(run[i : i + 2], (m.start() + i, m.start() + i + 2))
    return out


@dataclass(frozen=True)
class _Compiled:
    entry: ProductEntry
    surfaces: tuple[str, ...]  # lower-cased exact forms
    features: frozenset[str]
    per_surface: tuple[frozenset[str], ...]
    core: frozenset[str]


def generic_pattern() -> re.Pattern[str]:
    """Catalogue vocabulary words: shared by many products, so never what names one."""
    from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES

    terms = [*CATEGORIES.values(), *ATTRIBUTES.values()] + [t for v in ENUM_VALUES.values() for t in v.values()]
    words = {w.lower() for t in terms for w in (t.en, t.zh, *t.aliases_en, *t.aliases_zh) if len(w) >= 2}
    words |= {"pro", "max", "plus", "mini", "lite", "双人", "单人", "四人", "三人"}
    alts = sorted(words, key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in alts))


def _core_features(surface: str, generic: re.Pattern[str]) -> frozenset[str]:
    core = generic.sub(" ", surface)
    return frozenset(f for f in _features(core) if not f.isdigit() and not re.fullmatch(r"\d+p", f))


#: How many product matches one text may give, best first.
MAX_MATCHES = 3


class ProductLexicon:
    """Immutable once built; rebuild when the catalogue changes (cheap: linear in entries)."""

    def __init__(self, entries: Iterable[ProductEntry], *, max_matches: int = MAX_MATCHES) -> None:
        self._items: list[_Compiled] = []
        self._index: dict[str, list[int]] = {}
        self.max_matches = max_matches
        generic = generic_pattern()
        self._core_df: dict[str, int] = {}
        for entry in entries:
            surfaces = tuple(s.strip().lower() for s in (entry.name_en, entry.name_zh, *entry.aliases) if s and len(s.strip()) >= 2)
            per_surface = tuple(frozenset(_features(s)) for s in surfaces)
            feats = frozenset().union(*per_surface) if per_surface else frozenset()
            core = frozenset().union(*(_core_features(x, generic) for x in surfaces)) if surfaces else frozenset()
            for f in core:
                self._core_df[f] = self._core_df.get(f, 0) + 1
            idx = len(self._items)
            self._items.append(_Compiled(entry, surfaces, feats, per_surface, core))
            for f in feats:
                self._index.setdefault(f, []).append(idx)
        n = max(len(self._items), 1)
        self._idf = {f: math.log(1 + n / len(ids)) for f, ids in self._index.items()}

    @classmethod
    def from_entries(cls, entries: Iterable[ProductEntry], *, max_matches: int = MAX_MATCHES) -> ProductLexicon:
        return cls(entries, max_matches=max_matches)

    def __len__(self) -> int:
        return len(self._items)

    def match(self, text: str) -> list[Entity]:
        if not self._items or not text:
            return []
        low = text.lower()
        feats = _features(text)
        candidates: set[int] = set()
        for f in feats:
            candidates.update(self._index.get(f, ()))
        scored: list[Entity] = []
        for idx in candidates:
            item = self._items[idx]
            entity = self._exact(item, low, text) or self._fuzzy(item, feats, text)
            if entity is not None:
                scored.append(entity)
        scored.sort(key=lambda e: -e.confidence)
        return scored[: self.max_matches]

    def _exact(self, item: _Compiled, low: str, text: str) -> Entity | None:
        best: tuple[int, int] | None = None
        for surface in item.surfaces:
            pos = low.find(surface)
            if pos >= 0 and (best is None or len(surface) > best[1] - best[0]):
                best = (pos, pos + len(surface))
        if best is None:
            return None
        return Entity(EntityKind.PRODUCT, item.entry.sku, text[best[0] : best[1]], best[0], best[1], 0.95)

    def _fuzzy(self, item: _Compiled, feats: dict[str, tuple[int, int]], text: str) -> Entity | None:
        shared = [f for f in item.features if f in feats]
        # Only a feature of the name's own core (not a catalogue word), unique to this product, names it.
        distinctive = [f for f in shared if f in item.core and self._core_df.get(f) == 1]
        if not distinctive:
            return None
        core_total = sum(self._idf.get(f, 1.0) for f in item.core)
        core_cover = sum(self._idf.get(f, 1.0) for f in distinctive) / core_total if core_total else 0.0
        if core_cover < 0.3 and not any(f.isascii() and len(f) >= 4 for f in distinctive):
            return None
        coverage = 0.0
        for surface_feats in item.per_surface:
            total = sum(self._idf[f] for f in surface_feats)
            if total > 0:
                coverage = max(coverage, sum(self._idf[f] for f in surface_feats if f in feats) / total)
        start = min(feats[f][0] for f in shared)
        end = max(feats[f][1] for f in shared)
        conf = round(min(0.9, 0.55 + 0.35 * max(coverage, core_cover)), 3)
        return Entity(EntityKind.PRODUCT, item.entry.sku, text[start:end], start, end, conf)
