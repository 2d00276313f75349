"""Recommendation fairness audit for the merchant.

Two questions, answered from the recommender's actual output for every customer:
- exposure: does any brand, origin region or price band get far more (or less) of the
  recommendation slots than its share of the in-stock catalogue?
- parity: do customer groups (by language, by city) get systematically pricier or cheaper
  recommendations? A gap there would mean the recommender treats people differently by who they are.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.service.recommend import RecommendationService
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Product

#: Exposure ratios outside [LOW, HIGH] are flagged; they need a look, not automatic correction.
LOW, HIGH = 0.5, 2.0
PRICE_BANDS = ((0, 10_000, "< ¥100"), (10_000, 50_000, "¥100–500"), (50_000, 200_000, "¥500–2000"),
               (200_000, 10**12, "≥ ¥2000"))


@dataclass(frozen=True)
class Exposure:
    dimension: str  # brand | origin_region | price_band
    group: str
    catalog_share: float
    exposure_share: float

    @property
    def ratio(self) -> float:
        return self.exposure_share / self.catalog_share if self.catalog_share else 0.0

    @property
    def flagged(self) -> bool:
        return not LOW <= self.ratio <= HIGH


@dataclass(frozen=True)
class GroupParity:
    dimension: str  # language | city
    group: str
    customers: int
    median_price_fen: int


@dataclass(frozen=True)
class FairnessReport:
    slots: int
    exposures: tuple[Exposure, ...]
    parity: tuple[GroupParity, ...]

    @property
    def flagged(self) -> tuple[Exposure, ...]:
        return tuple(e for e in self.exposures if e.flagged)

    def parity_gap(self, dimension: str) -> float:
        """Highest over lowest group median price (1.0 = identical treatment)."""
        prices = [p.median_price_fen for p in self.parity if p.dimension == dimension and p.median_price_fen]
        return max(prices) / min(prices) if len(prices) > 1 else 1.0


def _band(price: int) -> str:
    return next(label for lo, hi, label in PRICE_BANDS if lo <= price < hi)


def audit(db: Database, recommender: RecommendationService, *, per_customer: int = 5) -> FairnessReport:
    with db.session() as s:
        products = s.scalars(select(Product).where(Product.stock > 0)).all()
        groups_of = {p.id: {"brand": p.brand, "origin_region": p.origin_region, "price_band": _band(p.price_fen)}
                     for p in products}
        customers = s.execute(select(Customer.code, Customer.language, Customer.city)).all()
    catalog = {dim: Counter(g[dim] for g in groups_of.values()) for dim in ("brand", "origin_region", "price_band")}
    exposure: dict[str, Counter[str]] = {dim: Counter() for dim in catalog}
    prices: dict[tuple[str, str], list[int]] = {}
    slots = 0
    for code, language, city in customers:
        for rec in recommender.for_customer(code, limit=per_customer):
            slots += 1
            for dim in catalog:
                exposure[dim][groups_of[rec.product.product_id][dim]] += 1
            for dim, group in (("language", language), ("city", city)):
                prices.setdefault((dim, group), []).append(rec.product.price_fen)
    exposures = tuple(
        Exposure(dim, group, count / len(groups_of), exposure[dim][group] / slots if slots else 0.0)
        for dim, counts in catalog.items() for group, count in sorted(counts.items())
    )
    per_group = Counter((dim, g) for code, language, city in customers for dim, g in (("language", language),
                                                                                      ("city", city)))
    parity = tuple(GroupParity(dim, group, per_group[(dim, group)], int(statistics.median(values)))
                   for (dim, group), values in sorted(prices.items()))
    return FairnessReport(slots=slots, exposures=exposures, parity=parity)
