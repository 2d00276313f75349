"""Which products fit a recommendation request, which conditions to drop when none do, and the order.

Split from ``recommend`` because filtering and ordering candidates is pure logic over the rows the
service read: every condition of a request filters, and when nothing fits, conditions are dropped
one at a time in ``RELAX_ORDER`` (budget first) so the reply can say which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from desktop_app.service.product_types import product_type
from desktop_app.service.recommend_candidates import Candidate
from desktop_app.service.recommend_cues import AUDIENCES, CUES, OCCASIONS
from desktop_app.service.recommend_types import RecommendationRequest
from desktop_app.service.types import AttributeFilter, Recommendation

#: Conditions dropped, in this order, when nothing fits them all.
RELAX_ORDER = ("budget", "features", "brand", "type", "occasion")


def uses(r: RecommendationRequest, condition: str) -> bool:
    """Whether the request states a condition that :data:`RELAX_ORDER` may drop."""
    return {
        "budget": r.min_price_fen is not None or r.max_price_fen is not None,
        "features": bool(r.attributes),
        "brand": bool(r.brands),
        "type": r.product_type is not None,
        "occasion": r.occasion is not None and r.occasion != "gift",
    }[condition]


def has(p: Candidate, f: AttributeFilter) -> bool:
    for a in p.attributes:
        if a.key != f.key:
            continue
        if f.value is not None and a.value != f.value:
            continue
        if f.min_value is not None and (a.value_num is None or a.value_num < f.min_value):
            continue
        if f.max_value is not None and (a.value_num is None or a.value_num > f.max_value):
            continue
        return True
    return False


def fits(p: Candidate, r: RecommendationRequest, active: set[str]) -> bool:
    """Whether ``p`` meets every condition of ``r`` that is still ``active`` (categories always hold)."""
    t = product_type(r.product_type) if r.product_type else None
    categories = r.categories or (t.categories if t else ())
    if categories and p.category not in categories:
        return False
    if t is not None and "type" in active and not t.matches(p.summary()):
        return False
    if r.audience:
        audience = AUDIENCES[r.audience]
        if audience.rules_out(p) or (not categories and p.category not in audience.categories):
            return False
    if "occasion" in active and r.occasion and not categories:
        o = OCCASIONS[r.occasion]
        if p.category not in o.categories:
            return False
        if p.category != o.core and not (any(CUES[c].found_in(p) for c in o.cues)
                                         or any(has(p, AttributeFilter(k, "true")) for k in o.attributes)):
            return False
    if "budget" in active:
        if r.min_price_fen is not None and p.price_fen < r.min_price_fen:
            return False
        if r.max_price_fen is not None and p.price_fen > r.max_price_fen:
            return False
    if "features" in active and not all(has(p, f) for f in r.attributes):
        return False
    return not ("brand" in active and r.brands and p.brand not in r.brands)


def price_bands(products: Sequence[Candidate]) -> dict[str, tuple[int, int, int]]:
    """Per category, the lower quartile, median and upper quartile of in-stock prices."""
    prices: dict[str, list[int]] = defaultdict(list)
    for p in products:
        if p.stock > 0:
            prices[p.category].append(p.price_fen)
    bands = {}
    for category, values in prices.items():
        values.sort()
        n = len(values)
        bands[category] = (values[n // 4], values[n // 2], values[min(n - 1, (3 * n) // 4)])
    return bands


def order_key(p: Candidate, rec: Recommendation, r: RecommendationRequest, relaxed: list[str]) -> tuple[float, ...]:
    if r.order == "price":
        return (p.price_fen, -rec.score, p.id)
    if r.order == "rating":
        return (-p.rating, -rec.score, p.id)
    if "budget" in relaxed:  # the nearest alternative is the one closest to the budget
        lo, hi = r.min_price_fen, r.max_price_fen
        gap = (lo - p.price_fen) if lo is not None and p.price_fen < lo else (
            p.price_fen - hi if hi is not None and p.price_fen > hi else 0)
        return (gap, -rec.score, p.id)
    return (-rec.score, -p.rating, p.id)


def spread(ranked: list[Candidate], limit: int) -> list[Candidate]:
    """Best first, but no category takes more than half the list while others fit too."""
    cap = max(1, limit // 2)
    chosen: list[Candidate] = []
    counts: dict[str, int] = defaultdict(int)
    for p in ranked:
        if counts[p.category] < cap:
            chosen.append(p)
            counts[p.category] += 1
    return chosen + [p for p in ranked if p not in chosen]
