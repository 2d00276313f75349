"""Recommendations from a customer's history, each with the signals that produced it.

A transparent linear score over a handful of named signals: simple enough to explain to the
customer ("why recommended") and to audit for fairness later, strong enough for a catalog of
hundreds of products. Weights are per-signal constants, not learned.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.errors import NotFound
from desktop_app.core.vocabulary import CATEGORIES, attribute_label
from desktop_app.service.convert import summary
from desktop_app.service.types import Recommendation, Signal
from desktop_app.store.db import Database
from desktop_app.store.schema import BrowsingEvent, Customer, Order, OrderItem, Product

log = logging.getLogger(__name__)

WEIGHTS = {"category": 0.35, "brand": 0.15, "co_purchase": 0.25, "attributes": 0.15, "price_fit": 0.05, "rating": 0.05}
PURCHASE_WEIGHT = 3.0
VIEW_WEIGHT = 1.0
#: Attribute keys too generic to say anything about taste.
_GENERIC_KEYS = frozenset({"size", "width_cm", "depth_cm", "height_cm", "weight_kg", "volume_ml"})


@dataclass
class _Profile:
    #: Interest weights (purchases and views); a key never seen is absent, read it with ``.get(key, 0.0)``.
    categories: dict[str, float]
    brands: dict[str, float]
    attributes: dict[tuple[str, str], float]
    owned: set[int]
    seen: set[int]
    typical_price: float | None


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
            candidates = s.scalars(select(Product).where(Product.stock > 0)).all()
            scored = [
                rec for p in candidates if p.id not in profile.owned
                if (rec := self._score(p, profile, co_bought)) is not None
            ]
        scored.sort(key=lambda r: (-r.score, r.product.product_id))
        return tuple(scored[:limit])

    # -- internals -------------------------------------------------------------------------

    def _profile(self, s: Session, customer_id: int) -> _Profile:
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
        return _Profile(categories, brands, attributes, owned, seen, typical)

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

    def _score(self, p: Product, prof: _Profile, co_bought: dict[int, set[int]]) -> Recommendation | None:
        signals: list[Signal] = []
        total_cat = sum(prof.categories.values()) or 1.0
        if prof.categories.get(p.category, 0.0):
            share = prof.categories[p.category] / total_cat
            en, zh = CATEGORIES[p.category].en, CATEGORIES[p.category].zh
            signals.append(Signal("category", WEIGHTS["category"] * share,
                                  f"you often buy or browse {en.lower()}", f"您常购买或浏览{zh}"))
        if prof.brands.get(p.brand, 0.0):
            share = min(1.0, prof.brands[p.brand] / total_cat * 2)
            signals.append(Signal("brand", WEIGHTS["brand"] * share,
                                  f"you like the brand {p.brand}", f"您喜欢 {p.brand} 品牌"))
        partners = co_bought.get(p.id)
        if partners:
            signals.append(Signal("co_purchase", WEIGHTS["co_purchase"] * min(1.0, len(partners) / 2),
                                  "often bought together with items you own", "其他顾客常与您已购商品一起购买"))
        shared = [(a.key, a.value) for a in p.attributes if prof.attributes.get((a.key, a.value), 0.0) >= 2]
        if shared:
            shared.sort(key=lambda kv: -prof.attributes[kv])
            top = shared[:2]
            signals.append(Signal("attributes", WEIGHTS["attributes"] * min(1.0, len(shared) / 3),
                                  "matches what you look for: " + ", ".join(attribute_label(k, v, "en") for k, v in top),
                                  "符合您的偏好：" + "、".join(attribute_label(k, v, "zh") for k, v in top)))
        if not signals:
            return None  # nothing personal to say: no recommendation beats a random one
        if prof.typical_price:
            ratio = p.price_fen / prof.typical_price
            if 0.5 <= ratio <= 1.5:
                signals.append(Signal("price_fit", WEIGHTS["price_fit"],
                                      "in your usual price range", "在您常买的价格区间内"))
        if p.rating >= 4.5:
            signals.append(Signal("rating", WEIGHTS["rating"] * (p.rating - 4.0),
                                  f"highly rated ({p.rating:.1f}★)", f"好评率高（{p.rating:.1f}分）"))
        if p.id in prof.seen:
            signals.append(Signal("viewed", 0.02, "you looked at it recently", "您最近浏览过"))
        signals.sort(key=lambda sig: -sig.weight)
        score = round(sum(sig.weight for sig in signals), 4)
        return Recommendation(product=summary(p), score=score, signals=tuple(signals))
