"""Recommendations from a customer's history, each with the signals that produced it.

A transparent linear score over a handful of named signals: simple enough to explain to the
customer ("why recommended") and to audit for fairness later, strong enough for a catalog of
hundreds of products. Weights are per-signal constants, not learned.

This module reads the store; the recipient and occasion tables are in ``recommend_cues``, the
request and result types in ``recommend_types``, filtering and ordering in ``recommend_filters`` and
the worded reasons in ``recommend_reasons`` (their public names are re-exported here). Candidates
are read as plain rows (``recommend_candidates``), fresh on every call.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES
from desktop_app.service.product_types import product_type
from desktop_app.service.recommend_candidates import load_candidates
from desktop_app.service.recommend_cues import (
    AUDIENCES as AUDIENCES,
    CUES as CUES,
    OCCASIONS as OCCASIONS,
    Audience as Audience,
    Cue as Cue,
    Occasion as Occasion,
    audience_in as audience_in,
    occasion_in as occasion_in,
)
from desktop_app.service.recommend_filters import RELAX_ORDER as RELAX_ORDER, fits, order_key, price_bands, spread, uses
from desktop_app.service.recommend_reasons import (
    PURCHASE_WEIGHT as PURCHASE_WEIGHT,
    REQUEST_WEIGHTS as REQUEST_WEIGHTS,
    VIEW_WEIGHT as VIEW_WEIGHT,
    WEIGHTS as WEIGHTS,
    Profile,
    personal_recommendation,
    request_signals,
)
from desktop_app.service.recommend_types import (
    RecommendationExplanation as RecommendationExplanation,
    RecommendationList as RecommendationList,
    RecommendationRequest as RecommendationRequest,
)
from desktop_app.service.types import Recommendation
from desktop_app.store.db import Database
from desktop_app.store.schema import BrowsingEvent, Customer, Order, OrderItem, Product

log = logging.getLogger(__name__)

#: Attribute keys too generic to say anything about taste.
_GENERIC_KEYS = frozenset({"size", "width_cm", "depth_cm", "height_cm", "weight_kg", "volume_ml"})


class RecommendationService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def for_customer(self, customer_code: str, limit: int = 5) -> tuple[Recommendation, ...]:
        with self._db.session() as s:
            customer = s.scalar(select(Customer).where(Customer.code == customer_code))
            if customer is None:
                raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
            profile = self._profile(s, customer.id)
            co_bought = self._co_purchases(s, customer.id, profile.owned)
            candidates = load_candidates(s, in_stock_only=True)
            scored = [
                rec for p in candidates if p.id not in profile.owned
                if (rec := personal_recommendation(p, profile, co_bought)) is not None
            ]
        scored.sort(key=lambda r: (-r.score, r.product.product_id))
        return tuple(scored[:limit])

    def recommend(self, request: RecommendationRequest, *, customer_code: str | None = None,
                  limit: int = 5) -> RecommendationList:
        """Products that fit what was asked, best first, each with the reasons that put it there.

        Every condition of the request filters; the customer's history (when signed in) only ranks
        within what fits. Sold-out products never make the list. When nothing fits, conditions
        are dropped one at a time (budget first) and the list says which, so the reply can be honest.
        """
        self._validate(request, limit)
        with self._db.session() as s:
            profile: Profile | None = None
            co_bought: dict[int, set[int]] = {}
            if customer_code:
                customer = s.scalar(select(Customer).where(Customer.code == customer_code))
                if customer is None:
                    raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
                profile = self._profile(s, customer.id)
                co_bought = self._co_purchases(s, customer.id, profile.owned)
            products = load_candidates(s)
            bands = price_bands(products)
            owned = profile.owned if profile is not None and not request.is_gift else set()
            # A clearance item cannot be returned without reason: a poor gift.
            pool = [p for p in products if p.id not in owned and not (request.is_gift and p.final_sale)]
            active = {c for c in RELAX_ORDER if uses(request, c)}
            fitting = [p for p in pool if fits(p, request, active)]
            sold_out = tuple(p.summary() for p in fitting if p.stock <= 0)
            in_stock = [p for p in fitting if p.stock > 0]
            matched = len(in_stock)
            relaxed: list[str] = []
            for condition in RELAX_ORDER:
                if in_stock:
                    break
                if condition in active:
                    active.discard(condition)
                    relaxed.append(condition)
                    in_stock = [p for p in pool if p.stock > 0 and fits(p, request, active)]
            recs = {p.id: request_signals(p, request, active, profile, co_bought, bands) for p in in_stock}
            ranked = sorted(in_stock, key=lambda p: order_key(p, recs[p.id], request, relaxed))
            if request.order == "score" and not request.categories and not request.product_type:
                ranked = spread(ranked, limit)
            items = tuple(recs[p.id] for p in ranked[:limit])
        log.debug("recommendation request matched %d products (relaxed: %s)", matched, ",".join(relaxed) or "-")
        return RecommendationList(request=request, items=items, relaxed=tuple(relaxed), sold_out=sold_out,
                                  matched=matched)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _validate(r: RecommendationRequest, limit: int) -> None:
        if not 1 <= limit <= 20:
            raise InvalidInput("Ask for 1 to 20 recommendations.", message_zh="推荐数量应为 1 到 20 件。")
        for category in r.categories:
            if category not in CATEGORIES:
                raise InvalidInput(f"Unknown category {category!r}.", message_zh=f"未知的商品类目：{category}")
        if r.product_type is not None:
            try:
                product_type(r.product_type)
            except KeyError:
                raise InvalidInput(f"Unknown product type {r.product_type!r}.", message_zh="未知的商品类型。") from None
        if r.audience is not None and r.audience not in AUDIENCES:
            raise InvalidInput(f"Unknown recipient {r.audience!r}.", message_zh="未知的送礼对象。")
        if r.occasion is not None and r.occasion not in OCCASIONS:
            raise InvalidInput(f"Unknown occasion {r.occasion!r}.", message_zh="未知的使用场合。")
        for f in r.attributes:
            if f.key not in ATTRIBUTES:
                raise InvalidInput(f"Unknown attribute {f.key!r}.", message_zh=f"未知的筛选条件：{f.key}")
        for value in (r.min_price_fen, r.max_price_fen):
            if value is not None and value < 0:
                raise InvalidInput("Prices cannot be negative.", message_zh="价格不能为负数。")
        if r.min_price_fen is not None and r.max_price_fen is not None and r.min_price_fen > r.max_price_fen:
            raise InvalidInput("The minimum price is above the maximum.", message_zh="最低价高于最高价。")
        if r.order not in ("score", "price", "rating"):
            raise InvalidInput(f"Unknown order {r.order!r}.", message_zh="未知的排序方式。")

    def _profile(self, s: Session, customer_id: int) -> Profile:
        categories: dict[str, float] = {}
        brands: dict[str, float] = {}
        attributes: dict[tuple[str, str], float] = {}
        owned: set[int] = set()
        seen: set[int] = set()
        prices: list[int] = []

        def note(p: Product, weight: float) -> None:
            categories[p.category] = categories.get(p.category, 0.0) + weight
            brands[p.brand] = brands.get(p.brand, 0.0) + weight
            for a in p.attributes:
                if a.key not in _GENERIC_KEYS:
                    attributes[(a.key, a.value)] = attributes.get((a.key, a.value), 0.0) + weight

        bought = s.scalars(
            select(Product).join(OrderItem, OrderItem.product_id == Product.id)
            .join(Order, Order.id == OrderItem.order_id).where(Order.customer_id == customer_id)
        ).all()
        for p in bought:
            owned.add(p.id)
            prices.append(p.price_fen)
            note(p, PURCHASE_WEIGHT)
        views = s.execute(
            select(Product, BrowsingEvent.dwell_seconds).join(BrowsingEvent, BrowsingEvent.product_id == Product.id)
            .where(BrowsingEvent.customer_id == customer_id)
        ).all()
        for p, dwell in views:
            seen.add(p.id)
            prices.append(p.price_fen)
            note(p, VIEW_WEIGHT * min(2.0, 0.5 + dwell / 60))
        prices.sort()
        typical = float(prices[len(prices) // 2]) if prices else None
        return Profile(categories, brands, attributes, owned, seen, typical)

    @staticmethod
    def _co_purchases(s: Session, customer_id: int, owned: set[int]) -> dict[int, set[int]]:
        """product → the customer's own products it was bought together with (by other customers)."""
        if not owned:
            return {}
        rows = s.execute(
            select(OrderItem.order_id, OrderItem.product_id, Order.customer_id)
            .join(Order, Order.id == OrderItem.order_id)
        ).all()
        baskets: dict[int, set[int]] = defaultdict(set)
        for order_id, product_id, buyer in rows:
            if buyer != customer_id:
                baskets[order_id].add(product_id)
        together: dict[int, set[int]] = defaultdict(set)
        for basket in baskets.values():
            mine = basket & owned
            for other in basket - owned:
                together[other] |= mine
        return together

