"""What a shopper asked the recommender for, what came back, and why one item was picked.

Split from ``recommend`` so the dialogue, the audit and the scoring read the request and result
types without the service that queries the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.service.types import AttributeFilter, ProductSummary, Recommendation, Signal


@dataclass(frozen=True)
class RecommendationRequest:
    """What the shopper asked for. Every field narrows the candidates; history only ranks within them."""

    categories: tuple[str, ...] = ()
    product_type: str | None = None
    audience: str | None = None
    occasion: str | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    brands: tuple[str, ...] = ()
    #: "score" (best fit first), "price" (cheapest first) or "rating".
    order: str = "score"

    @property
    def asked(self) -> bool:
        return bool(self.categories or self.product_type or self.audience or self.occasion or self.attributes
                    or self.brands or self.min_price_fen is not None or self.max_price_fen is not None)

    @property
    def is_gift(self) -> bool:
        return self.audience is not None or self.occasion == "gift"


@dataclass(frozen=True)
class RecommendationList:
    """Recommendations for one request, and how well they fit it.

    ``relaxed`` names the conditions dropped to find the nearest alternatives when nothing fitted
    them all ("budget", "features", "brand", "type", "occasion"); empty means every item fits every
    condition. ``sold_out`` are products that fit but cannot be bought now (never in ``items``).
    """

    request: RecommendationRequest
    items: tuple[Recommendation, ...]
    relaxed: tuple[str, ...] = ()
    sold_out: tuple[ProductSummary, ...] = ()
    #: How many in-stock products fitted every condition.
    matched: int = 0

    @property
    def exact(self) -> bool:
        return bool(self.items) and not self.relaxed


@dataclass(frozen=True)
class RecommendationExplanation:
    """Why one product was recommended: its signals with their weights, as shown to the customer
    (a ``FactCard``). Built from the recommendation itself, so the answer cannot drift from the ranking."""

    recommendation: Recommendation

    def shares(self) -> tuple[tuple[Signal, float], ...]:
        total = sum(s.weight for s in self.recommendation.signals) or 1.0
        return tuple((s, s.weight / total) for s in self.recommendation.signals)

    def card_title(self, language: str) -> str:
        name = self.recommendation.product.name(language)
        return f"推荐「{name}」的理由" if language == "zh" else f"Why we recommended the {name}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        return tuple(f"{s.detail_zh if language == 'zh' else s.detail_en}（占 {share:.0%}）" if language == "zh"
                     else f"{s.detail_en} ({share:.0%} of the score)" for s, share in self.shares())


