"""Size advice: height and weight against the policy's size charts.

A chart row gives each size a height range and a weight range; the ranges of neighbouring sizes
overlap, so a body often fits two. The advice is the size both measurements agree on (the one the
body sits nearest the middle of, when two do); when they disagree, the larger one, with a note
naming the smaller for a slimmer fit, because a garment too small cannot be worn at all. Only
sizes the product is made in are advised, and a body outside the chart is told so rather than
forced into its end rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.service.policy import Policy, SizeRow
from desktop_app.service.shipping import product_by_sku
from desktop_app.store.db import Database

log = logging.getLogger(__name__)

#: Sizes in the order garments grow; sizes not listed sort after these, by name.
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
HEIGHT_RANGE_CM = (50.0, 250.0)
WEIGHT_RANGE_KG = (20.0, 300.0)


def size_rank(size: str) -> tuple[int, str]:
    return (SIZE_ORDER.index(size), size) if size in SIZE_ORDER else (len(SIZE_ORDER), size)


@dataclass(frozen=True)
class SizeAdvice:
    """The size to choose for a body (and a product, when named), with why."""

    height_cm: float
    weight_kg: float
    category: str
    #: The advised size; None when the body is outside the chart.
    size: str | None
    #: How the size was chosen: "fits" (both agree), "by_weight" / "by_height" (they disagree and
    #: that one asked for the larger size), "out_of_chart".
    basis: str
    #: The other size worth considering (the smaller when they disagree, the neighbour in an overlap).
    alternative: str | None
    by_height: str | None
    by_weight: str | None
    sku: str | None = None
    product_en: str | None = None
    product_zh: str | None = None
    #: Sizes the product is made in (empty: no product named, every chart size counts).
    offered: tuple[str, ...] = ()
    #: Whether the product comes in the advised size; None when no product was named.
    available: bool | None = None
    #: The product's stock when it is sold out (0), else None: the catalogue has no stock per size.
    stock: int | None = None
    #: The chart's extremes, for the out-of-chart answer.
    chart_height: tuple[float, float] = (0.0, 0.0)
    chart_weight: tuple[float, float] = (0.0, 0.0)

    @property
    def in_chart(self) -> bool:
        return self.size is not None

    def product_name(self, language: str) -> str | None:
        return self.product_zh if language == "zh" else self.product_en

    def note(self, language: str) -> str:
        """Why this size, without repeating it first: "按体重是L码，如果偏瘦、喜欢合身可选M码"."""
        zh = language == "zh"
        size, alt = self.size, self.alternative
        if size is None:
            return ("您的身高体重超出了我们的尺码表范围，建议联系人工客服帮您确认" if zh else
                    "your height and weight are outside our size chart; a colleague can help you choose")
        if self.basis == "by_weight":
            tail_zh, tail_en = (f"，如果偏瘦、喜欢合身可选{alt}码", f"; if you are slim or like a closer fit, {alt}") \
                if alt else ("", "")
            return f"按体重是{size}码{tail_zh}" if zh else f"{size} by weight{tail_en}"
        if self.basis == "by_height":
            tail_zh, tail_en = (f"，偏瘦也可以选{alt}码", f"; if you are slim, {alt} may also do") if alt else ("", "")
            return f"按身高是{size}码（衣长更合适）{tail_zh}" if zh else f"{size} by height (for the length){tail_en}"
        if alt:
            bigger = size_rank(alt) > size_rank(size)
            return (f"您在{size}码范围内，喜欢{'宽松' if bigger else '合身'}一点也可以选{alt}码" if zh else
                    f"you fit {size}; for a {'looser' if bigger else 'closer'} fit, {alt}")
        return f"身高体重都在{size}码范围内" if zh else f"both your height and weight fall in {size}'s range"

    def summary(self, language: str) -> str:
        """The advice in one sentence, as the assistant says it."""
        zh = language == "zh"
        if self.size is None:
            return self.note(language) + ("。" if zh else ".")
        name = self.product_name(language)
        if zh:
            return f"建议您选 {self.size} 码{'（' + name + '）' if name else ''}：{self.note('zh')}。"
        return f"I'd suggest size {self.size}{' for ' + name if name else ''}: {self.note('en')}."

    def card_title(self, language: str) -> str:
        return "尺码建议" if language == "zh" else "Size advice"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [f"身高 {self.height_cm:g} cm · 体重 {self.weight_kg:g} kg" if zh else
                 f"Height {self.height_cm:g} cm · weight {self.weight_kg:g} kg"]
        name = self.product_name(language)
        if name:
            lines.append(f"商品：{name}" if zh else f"Item: {name}")
        if self.size is not None:
            lines.append(f"建议尺码：{self.size}" if zh else f"Suggested size: {self.size}")
        note = self.note(language)
        lines.append(note if zh else note[:1].upper() + note[1:])
        if self.size is None:
            (h0, h1), (w0, w1) = self.chart_height, self.chart_weight
            lines.append(f"尺码表范围：身高 {h0:g}-{h1:g} cm，体重 {w0:g}-{w1:g} kg" if zh else
                         f"Chart covers height {h0:g}-{h1:g} cm, weight {w0:g}-{w1:g} kg")
        if self.offered:
            sizes = "/".join(self.offered)
            lines.append(f"这款有：{sizes}" if zh else f"This item comes in: {sizes}")
        if self.available is False and self.size is not None:
            lines.append(f"这款没有{self.size}码" if zh else f"This item does not come in {self.size}")
        if self.stock == 0:
            lines.append("这款目前缺货，可以订阅到货提醒" if zh else "This item is sold out now; you can ask for a restock alert")
        return tuple(lines)


class SizeAdvisor:
    def __init__(self, db: Database, policy: Policy) -> None:
        self._db = db
        self._policy = policy

    def advise(self, height_cm: float, weight_kg: float, sku: str | None = None,
               category: str = "apparel") -> SizeAdvice:
        """The size for a body, from the chart of the product's category (or ``category``)."""
        if not HEIGHT_RANGE_CM[0] <= height_cm <= HEIGHT_RANGE_CM[1]:
            raise InvalidInput("Please give your height in centimetres, e.g. 172.", message_zh="请告诉我您的身高（厘米），例如 172。")
        if not WEIGHT_RANGE_KG[0] <= weight_kg <= WEIGHT_RANGE_KG[1]:
            raise InvalidInput("Please give your weight in kilograms, e.g. 65.", message_zh="请告诉我您的体重（公斤），例如 65。")
        product_en = product_zh = None
        offered: tuple[str, ...] = ()
        stock = None
        if sku:
            with self._db.session() as s:
                product = product_by_sku(s, sku)
                sku, product_en, product_zh, category = product.sku, product.name_en, product.name_zh, product.category
                offered = tuple(sorted({a.value for a in product.attributes if a.key == "size"}, key=size_rank))
                stock = product.stock
            if not offered:
                raise NotEligible(f"{product_en} does not come in sizes, so there is nothing to choose.",
                                  message_zh=f"{product_zh}没有尺码之分，不需要选码哦。")
        chart = sorted(self._policy.sizes_for(category), key=lambda r: size_rank(r.size))
        if not chart:
            raise NotFound("We have no size chart for that kind of item.", message_zh="该类商品暂时没有尺码表。")
        size, basis, alternative, by_h, by_w = _choose(chart, height_cm, weight_kg)
        available = None
        if offered:
            available = size is not None and size in offered
            if alternative is not None and alternative not in offered:
                alternative = None
        log.debug("size advice in %s: %s (%s)", category, size, basis)
        return SizeAdvice(height_cm=height_cm, weight_kg=weight_kg, category=category, size=size, basis=basis,
                          alternative=alternative, by_height=by_h, by_weight=by_w, sku=sku, product_en=product_en,
                          product_zh=product_zh, offered=offered, available=available,
                          stock=stock if stock == 0 else None,
                          chart_height=(min(r.height_cm[0] for r in chart), max(r.height_cm[1] for r in chart)),
                          chart_weight=(min(r.weight_kg[0] for r in chart), max(r.weight_kg[1] for r in chart)))


def _closeness(row: SizeRow, height: float, weight: float) -> float:
    """How far from the middle of the row's ranges a body sits (0: dead centre)."""
    def off(value: float, bounds: tuple[float, float]) -> float:
        low, high = bounds
        return abs(value - (low + high) / 2) / (high - low)
    return off(height, row.height_cm) + off(weight, row.weight_kg)


def _choose(chart: list[SizeRow], height: float, weight: float,
            ) -> tuple[str | None, str, str | None, str | None, str | None]:
    """(size, basis, alternative, size by height, size by weight) for one body."""
    by_h = [r for r in chart if r.height_cm[0] <= height <= r.height_cm[1]]
    by_w = [r for r in chart if r.weight_kg[0] <= weight <= r.weight_kg[1]]
    if not by_h or not by_w:
        return None, "out_of_chart", None, None, None
    both = [r for r in by_h if r in by_w]
    if both:
        ranked = sorted(both, key=lambda r: _closeness(r, height, weight))
        best = ranked[0]
        alt = ranked[1].size if len(ranked) > 1 else None
        return best.size, "fits", alt, best.size, best.size
    # Each measurement picks the row it sits nearest the middle of; they name different sizes.
    h = min(by_h, key=lambda r: abs(height - sum(r.height_cm) / 2)).size
    w = min(by_w, key=lambda r: abs(weight - sum(r.weight_kg) / 2)).size
    if size_rank(w) > size_rank(h):
        return w, "by_weight", h, h, w
    return h, "by_height", w, h, w
