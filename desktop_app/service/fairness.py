"""Fairness audit of every path that shows products, for the merchant and a supervisor's review.

Two questions, answered from what the services actually show (``fairness_units``):

- exposure: on each path (personal picks, picks for customers with no history, picks for a request,
  search results, what a search that found nothing shows instead, "similar" lists) does a brand,
  origin region or price band get a different share of the position-weighted exposure than its
  share of the in-stock products that path could have shown?
- parity: do customer groups (by language, by city) get pricier or cheaper picks, or a different
  brand mix, than everybody else?

Every figure comes with its audited sample size and a 95 % bootstrap interval (``fairness_stats``).
Nothing is flagged on thin evidence: a group with fewer than ``MIN_CATALOGUE_ITEMS`` in-stock
products, a path with fewer than ``MIN_UNITS`` audited units and a customer group (or the rest) of
fewer than ``MIN_CUSTOMERS`` are reported as too few to judge; otherwise a figure is flagged only
when its whole interval lies outside the tolerance band. A flag asks for a person's look
(``fairness_reviews``), not an automatic correction: ranking by fit is meant to be uneven.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from desktop_app.core.clock import Clock, SystemClock
from desktop_app.service import fairness_stats as st
from desktop_app.service.fairness_reviews import FairnessReviews, ReviewRecord
from desktop_app.service.fairness_units import PATH_UNITS, AuditUnits, Catalogue, CustomerPicks, Recommender, collect
from desktop_app.store.db import Database

log = logging.getLogger(__name__)

#: Exposure ratio (shown share / fair share) tolerated either way: half to double. Ranking by fit and
#: rating is uneven on purpose; only an interval wholly outside this band is flagged.
BAND = (0.5, 2.0)
#: Median recommended price of a customer group over that of everybody else: within ±25 % is tolerated.
PRICE_BAND = (0.8, 1.25)
#: A brand's share of a group's picks minus its share of everybody else's: ±10 points tolerated.
BRAND_TOLERANCE = 0.10
MIN_CATALOGUE_ITEMS = 3
MIN_UNITS = 20
MIN_CUSTOMERS = 20
RESAMPLES = 2000
SEED = 22
WEIGHTING = "1/log2(rank+1)"
PRICE_BANDS = ((0, 10_000, "< ¥100"), (10_000, 50_000, "¥100–500"), (50_000, 200_000, "¥500–2000"),
               (200_000, 10**12, "≥ ¥2000"))
DIMENSIONS = ("brand", "origin_region", "price_band")
#: Customer groups with fewer than ``MIN_CUSTOMERS`` each are pooled under this name.
POOLED = "other"


class Verdict(StrEnum):
    FLAGGED = "flagged"
    WITHIN = "within"  # the interval reaches the tolerance band
    TOO_FEW = "too_few"  # too few products or audited units to judge


@dataclass(frozen=True)
class PathSummary:
    path: str
    unit: str  # customer | query | product
    #: Audited units that showed at least one product, and the slots they filled.
    units: int
    slots: int


@dataclass(frozen=True)
class ExposureFinding:
    path: str
    dimension: str  # brand | origin_region | price_band
    group: str
    #: In-stock products of the group, and the audited units of the path.
    catalogue_items: int
    units: int
    catalogue_share: float  # of the in-stock catalogue
    fair_share: float  # of what this path's units could have shown
    shown: st.Estimate  # share of the position-weighted exposure
    ratio: st.Estimate  # shown / fair share; 1.0 is exactly proportional
    verdict: Verdict
    review: ReviewRecord | None = None

    @property
    def value(self) -> st.Estimate:
        return self.ratio


@dataclass(frozen=True)
class ParityFinding:
    """One customer group against everybody else on what "recommend something" shows them.

    ``dimension`` is ``language.price`` / ``city.price`` (``value``: ratio of median recommended
    prices, ``difference``: in fen) or ``language.brand`` / ``city.brand`` (``group`` is
    "group/brand", ``value`` and ``difference``: the brand's share minus its share for the rest)."""

    dimension: str
    group: str
    customers: int
    others: int
    group_figure: float | None  # median price in fen, or the brand's share
    others_figure: float | None
    value: st.Estimate | None
    difference: st.Estimate | None
    verdict: Verdict
    review: ReviewRecord | None = None
    path: str = "recommend"


@dataclass(frozen=True)
class FairnessReport:
    weighting: str
    resamples: int
    seed: int
    band: tuple[float, float]
    price_band: tuple[float, float]
    brand_tolerance: float
    min_catalogue_items: int
    min_units: int
    min_customers: int
    paths: tuple[PathSummary, ...]
    exposures: tuple[ExposureFinding, ...]
    parity: tuple[ParityFinding, ...]
    #: Every product slot audited, over all paths.
    slots: int

    @property
    def findings(self) -> tuple[ExposureFinding | ParityFinding, ...]:
        return (*self.exposures, *self.parity)

    @property
    def flagged(self) -> tuple[ExposureFinding | ParityFinding, ...]:
        return tuple(f for f in self.findings if f.verdict == Verdict.FLAGGED)

    def finding(self, path: str, dimension: str, group: str) -> ExposureFinding | ParityFinding | None:
        return next((f for f in self.findings if (f.path, f.dimension, f.group) == (path, dimension, group)), None)


def price_band(price_fen: int) -> str:
    return next(label for lo, hi, label in PRICE_BANDS if lo <= price_fen < hi)


def audit(db: Database, catalog: Catalogue, recommender: Recommender, *, clock: Clock | None = None,
          resamples: int = RESAMPLES, seed: int = SEED) -> FairnessReport:
    """Run every path over the whole store now (nothing cached) and judge what it showed."""
    units = collect(db, catalog, recommender)
    exposures = _exposures(units, resamples, seed)
    parity = _parity(units, resamples, seed)
    latest = FairnessReviews(db, clock or SystemClock()).latest()
    exposures = [replace(f, review=latest.get((f.path, f.dimension, f.group))) for f in exposures]
    parity = [replace(f, review=latest.get((f.path, f.dimension, f.group))) for f in parity]
    paths = tuple(PathSummary(path, PATH_UNITS[path], sum(1 for u in path_units if u.shown),
                              sum(len(u.shown) for u in path_units)) for path, path_units in units.paths.items())
    return FairnessReport(WEIGHTING, resamples, seed, BAND, PRICE_BAND, BRAND_TOLERANCE, MIN_CATALOGUE_ITEMS,
                          MIN_UNITS, MIN_CUSTOMERS, paths, tuple(exposures), tuple(parity),
                          sum(p.slots for p in paths))


def _group_names(units: AuditUnits, dimension: str) -> dict[int, str]:
    if dimension == "price_band":
        return {pid: price_band(p.price_fen) for pid, p in units.products.items()}
    return {pid: getattr(p, dimension) for pid, p in units.products.items()}


def _exposures(units: AuditUnits, resamples: int, seed: int) -> list[ExposureFinding]:
    findings: list[ExposureFinding] = []
    stocked = [pid for pid, p in units.products.items() if p.in_stock]
    for dimension in DIMENSIONS:
        names = _group_names(units, dimension)
        groups = sorted(set(names.values()))
        index = {g: i for i, g in enumerate(groups)}
        in_stock = Counter(names[pid] for pid in stocked)
        group_of = {pid: index[name] for pid, name in names.items()}
        for path, path_units in units.paths.items():
            showing = [(u.shown, u.eligible) for u in path_units if u.shown]
            if not showing:
                continue
            shown_m, fair_m = st.exposure_matrices(showing, group_of.__getitem__, len(groups))
            counts = st.resample_counts(len(showing), resamples, st.rng_for(seed, f"{path}:{dimension}"))
            shares, ratios, fair = st.exposure_estimates(shown_m, fair_m, counts)
            for g, name in enumerate(groups):
                if not fair[g] > 0:
                    continue  # this path could never show the group: nothing to compare
                too_few = in_stock[name] < MIN_CATALOGUE_ITEMS or len(showing) < MIN_UNITS
                outside = ratios[g].high < BAND[0] or ratios[g].low > BAND[1]
                verdict = Verdict.TOO_FEW if too_few else Verdict.FLAGGED if outside else Verdict.WITHIN
                findings.append(ExposureFinding(path, dimension, name, in_stock[name], len(showing),
                                                in_stock[name] / max(1, len(stocked)), float(fair[g]), shares[g],
                                                ratios[g], verdict))
    return findings


def _customer_groups(customers: Sequence[CustomerPicks], dimension: str) -> dict[str, list[int]]:
    """Group name → customer indexes; groups under ``MIN_CUSTOMERS`` are pooled as ``POOLED``."""
    members: dict[str, list[int]] = {}
    for i, c in enumerate(customers):
        members.setdefault(getattr(c, dimension), []).append(i)
    large = {g: m for g, m in members.items() if len(m) >= MIN_CUSTOMERS}
    small = sorted(i for g, m in members.items() if len(m) < MIN_CUSTOMERS for i in m)
    if small and len(large) != len(members):
        if len(members) - len(large) == 1:
            large.update({g: m for g, m in members.items() if len(m) < MIN_CUSTOMERS})  # one small group: its name
        else:
            large[POOLED] = small
    return dict(sorted(large.items()))


def _parity(units: AuditUnits, resamples: int, seed: int) -> list[ParityFinding]:
    customers = [c for c in units.customers if c.shown]
    products = units.products
    brands = sorted({products[pid].brand for c in customers for pid in c.shown})
    stocked = Counter(p.brand for p in products.values() if p.in_stock)
    brand_m = np.zeros((len(customers), len(brands)))
    for i, c in enumerate(customers):
        for pid in c.shown:
            brand_m[i, brands.index(products[pid].brand)] += 1
    findings: list[ParityFinding] = []
    for dimension in ("language", "city"):
        for group, members in _customer_groups(customers, dimension).items():
            inside = set(members)
            rest = [i for i in range(len(customers)) if i not in inside]
            n, others = len(members), len(rest)
            if n < MIN_CUSTOMERS or others < MIN_CUSTOMERS:
                findings.append(ParityFinding(f"{dimension}.price", group, n, others, None, None, None, None,
                                              Verdict.TOO_FEW))
                continue
            prices = [[products[pid].price_fen for pid in customers[i].shown] for i in members]
            rest_prices = [[products[pid].price_fen for pid in customers[i].shown] for i in rest]
            pp = st.price_parity(prices, rest_prices, resamples, st.rng_for(seed, f"{dimension}.price:{group}"))
            outside = pp.ratio.high < PRICE_BAND[0] or pp.ratio.low > PRICE_BAND[1]
            findings.append(ParityFinding(f"{dimension}.price", group, n, others, pp.group_median, pp.others_median,
                                          pp.ratio, pp.difference, Verdict.FLAGGED if outside else Verdict.WITHIN))
            g_share, o_share, diffs = st.share_difference(brand_m[members], brand_m[rest], resamples,
                                                          st.rng_for(seed, f"{dimension}.brand:{group}"))
            for b, brand in enumerate(brands):
                d = diffs[b]
                outside = d.low > BRAND_TOLERANCE or d.high < -BRAND_TOLERANCE
                verdict = (Verdict.TOO_FEW if stocked[brand] < MIN_CATALOGUE_ITEMS
                           else Verdict.FLAGGED if outside else Verdict.WITHIN)
                findings.append(ParityFinding(f"{dimension}.brand", f"{group}/{brand}", n, others, float(g_share[b]),
                                              float(o_share[b]), d, d, verdict))
    return findings
