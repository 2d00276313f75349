"""Products side by side on the fields asked ("which is cheaper?"), with the winner of each row named.

Split from ``catalog`` because deciding a winner and wording it is pure logic over ``FieldFact``s:
the catalogue only loads the products. Numbers compare within one unit only, and a field missing
for any product means no winner rather than a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.vocabulary import ATTRIBUTES
from desktop_app.service.field_facts import FIELDS, FieldFact, field_fact, field_label
from desktop_app.service.policy import WarrantyRules
from desktop_app.service.types import ProductAnswer, ProductSummary

#: Which end of a field wins by default, and how the winner is named (en, zh) for each end.
_BETTER: dict[str, str] = {"price": "min", "weight": "min", "delivery": "min"}
_WINNER_WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("price", "min"): ("is cheaper", "更便宜"),
    ("price", "max"): ("is more expensive", "更贵"),
    ("battery", "max"): ("has the bigger battery", "电池更大、续航更好"),
    ("battery", "min"): ("has the smaller battery", "电池更小"),
    ("weight", "min"): ("is lighter", "更轻"),
    ("weight", "max"): ("is heavier", "更重"),
    ("rating", "max"): ("is better rated", "评分更高"),
    ("rating", "min"): ("is rated lower", "评分更低"),
    ("storage", "max"): ("has more storage", "存储更大"),
    ("screen", "max"): ("has the bigger screen", "屏幕更大"),
    ("screen", "min"): ("has the smaller screen", "屏幕更小巧"),
    ("capacity", "max"): ("holds more", "容量更大"),
    ("capacity", "min"): ("is smaller", "容量更小"),
    ("spf", "max"): ("has the higher SPF", "防晒指数更高"),
    ("max_load", "max"): ("holds more weight", "承重更大"),
    ("warranty", "max"): ("has the longer warranty", "保修更久"),
    ("delivery", "min"): ("arrives sooner", "送达更快"),
    ("stock", "max"): ("is in stock", "有货"),
    ("waterproof", "max"): ("is more water-resistant", "防水更好"),
    ("dimensions", "max"): ("is bigger", "更大"),
    ("dimensions", "min"): ("is smaller", "更小巧"),
    ("colours", "max"): ("comes in more colours", "颜色更多"),
    ("sizes", "max"): ("comes in more sizes", "尺码更全"),
}
#: Superlatives for three or more products ("the cheapest" rather than "cheaper").
_SUPERLATIVE_EN = {"is cheaper": "is the cheapest", "is more expensive": "is the most expensive",
                   "has the bigger battery": "has the biggest battery", "is lighter": "is the lightest",
                   "is heavier": "is the heaviest", "is better rated": "is the best rated",
                   "has more storage": "has the most storage", "has the bigger screen": "has the biggest screen",
                   "holds more": "holds the most", "has the longer warranty": "has the longest warranty",
                   "arrives sooner": "arrives soonest", "is more water-resistant": "is the most water-resistant",
                   "has the higher SPF": "has the highest SPF", "holds more weight": "holds the most weight"}
#: Fields whose values are listed side by side without a winner unless the question asks for more/less.
_NO_DEFAULT_WINNER = frozenset({"material", "skin_type", "season", "ships_from", "colours", "sizes", "dimensions"})


def winner_words(field: str, direction: str, language: str) -> str:
    spec = ATTRIBUTES.get(field)
    if (field, direction) in _WINNER_WORDS:
        en, zh = _WINNER_WORDS[(field, direction)]
    elif spec is not None and spec.kind == "flag":
        en, zh = f"has {spec.en.lower() if spec.en != 'NFC' else 'NFC'}", f"支持{spec.zh}"
    else:
        label_en, label_zh = FIELDS.get(field, (field, field))
        en, zh = (f"has the higher {label_en.lower()}", f"{label_zh}更高") if direction == "max" else (
            f"has the lower {label_en.lower()}", f"{label_zh}更低")
    return zh if language == "zh" else en


@dataclass(frozen=True)
class ComparisonRow:
    """One field side by side; ``winner`` indexes ``facts`` (None: a tie, unknown data, or no better end)."""

    field: str
    facts: tuple[FieldFact, ...]
    direction: str | None
    winner: int | None
    tie: bool = False

    def verdict(self, language: str) -> str:
        """Who wins this row, in a phrase ("Lumio A5 智能手机更便宜"), or why nobody does."""
        label = field_label(self.field, language)
        if self.winner is not None and self.direction is not None:
            name = self.facts[self.winner].name(language)
            words = winner_words(self.field, self.direction, language)
            if len(self.facts) > 2:
                words = words.replace("更", "最", 1) if language == "zh" else _SUPERLATIVE_EN.get(words, words)
            return f"「{name}」{words}" if language == "zh" else f"the {name} {words}"
        if self.tie:
            return f"{label}一样" if language == "zh" else f"they are the same on {label.lower()}"
        if any(not f.known for f in self.facts):
            return f"{label}资料不全，无法比较" if language == "zh" else f"the {label.lower()} is not listed for all of them"
        return ""


@dataclass(frozen=True)
class ProductComparison:
    """Products side by side on the fields asked, with the winner of each stated (a ``FactCard``)."""

    products: tuple[ProductSummary, ...]
    rows: tuple[ComparisonRow, ...]

    def card_title(self, language: str) -> str:
        names = (" vs " if language != "zh" else " 对比 ").join(p.name(language) for p in self.products[:3])
        more = len(self.products) - 3
        if more > 0:
            names += f" 等 {len(self.products)} 件" if language == "zh" else f" and {more} more"
        return ("商品对比：" if language == "zh" else "Comparison: ") + names

    def card_lines(self, language: str) -> tuple[str, ...]:
        lines: list[str] = []
        sep = "；" if language == "zh" else "; "
        for row in self.rows:
            label = field_label(row.field, language)
            missing = "暂无" if language == "zh" else "not listed"
            cells = [f"{f.name(language)} {f.value(language) if f.known else missing}" + (" ✓" if i == row.winner else "")
                     for i, f in enumerate(row.facts)]
            verdict = row.verdict(language)
            lines.append(f"{label}：" + sep.join(cells) + (f" → {verdict}" if verdict else "")
                         if language == "zh" else f"{label}: " + sep.join(cells) + (f" → {verdict}" if verdict else ""))
        return tuple(lines)


def compare_facts(answers: Sequence[ProductAnswer], fields: Sequence[str], *, direction: dict[str, str] | None = None,
                  warranty: WarrantyRules | None = None) -> ProductComparison:
    """Compare products on ``fields``; ``direction`` overrides which end wins ("哪个更贵" → price max)."""
    rows = []
    for field in fields:
        facts = tuple(field_fact(a, field, warranty=warranty) for a in answers)
        wanted = (direction or {}).get(field)
        if wanted is None and field not in _NO_DEFAULT_WINNER:
            wanted = _BETTER.get(field, "max")
        rows.append(_row(field, facts, wanted))
    return ProductComparison(products=tuple(a.product.summary for a in answers), rows=tuple(rows))


def _row(field: str, facts: tuple[FieldFact, ...], direction: str | None) -> ComparisonRow:
    known = [f for f in facts if f.known and f.number is not None]
    if direction is None or len(known) < len(facts):
        return ComparisonRow(field, facts, direction, None)
    units = {f.unit for f in facts if f.number}  # "not waterproof" (0, no unit) compares with any rating
    if len(units) > 1:
        return ComparisonRow(field, facts, direction, None)
    numbers = [f.number or 0.0 for f in facts]
    best = min(numbers) if direction == "min" else max(numbers)
    leaders = [i for i, n in enumerate(numbers) if n == best]
    if len(leaders) == 1:
        return ComparisonRow(field, facts, direction, leaders[0])
    return ComparisonRow(field, facts, direction, None, tie=len(leaders) == len(facts))


#: What a comparison covers when the question names no field, per category.
DEFAULT_COMPARE_FIELDS: dict[str, tuple[str, ...]] = {
    "phone": ("price", "battery", "storage", "screen", "waterproof", "rating"),
    "smartwatch": ("price", "battery", "gps", "nfc", "waterproof", "rating"),
    "skincare": ("price", "capacity", "skin_type", "rating"),
    "camping": ("price", "weight", "capacity", "waterproof", "rating"),
    "apparel": ("price", "material", "sizes", "rating"),
    "furniture": ("price", "dimensions", "material", "max_load", "rating"),
}

