"""The numbers behind the fairness audit: position-weighted exposure and bootstrap intervals.

Exposure weighting: the item at rank r gets 1/log2(r+1) of a look (1, 0.63, 0.5, 0.43, 0.39 for
five picks). It is the position discount of DCG and of "fairness of exposure in rankings" (Singh &
Joachims, 2018): attention falls with position but the tail still counts, so a brand always shown
fifth is not treated as if it were shown first, nor as if it were never shown.

Intervals: percentile bootstrap over the audited units (customers, queries or products), resampled
with replacement ``resamples`` times from a fixed seed, so the same store always gives the same
report. A unit's slots are resampled together: the picks one customer gets are not independent.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
#: Two-sided 95 % percentile interval.
LOW_Q, HIGH_Q = 2.5, 97.5


def rank_weights(k: int) -> Matrix:
    """1/log2(rank+1) for ranks 1..k."""
    return 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))


def rng_for(seed: int, label: str) -> np.random.Generator:
    """One generator per figure, so adding a path or a group never moves another figure's interval."""
    return np.random.default_rng([seed, zlib.crc32(label.encode())])


def resample_counts(n: int, resamples: int, rng: np.random.Generator) -> Matrix:
    """``resamples`` × ``n``: how often each unit is drawn in each bootstrap sample."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float


def interval(samples: Matrix) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if not finite.size:
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [LOW_Q, HIGH_Q])
    return float(low), float(high)


def exposure_matrices(units: Sequence[tuple[Sequence[int], frozenset[int]]], group_of: Callable[[int], int],
                      groups: int) -> tuple[Matrix, Matrix]:
    """Per unit and group: the exposure it gave (rank-weighted slots) and the exposure a fair draw
    from its eligible products would give (its total weight split by their group shares)."""
    k = max((len(shown) for shown, _ in units), default=0)
    weights = rank_weights(k)
    shown_m = np.zeros((len(units), groups))
    fair_m = np.zeros((len(units), groups))
    for i, (shown, eligible) in enumerate(units):
        for rank, product_id in enumerate(shown):
            shown_m[i, group_of(product_id)] += weights[rank]
        total = float(weights[: len(shown)].sum())
        if eligible and total:
            for product_id in eligible:
                fair_m[i, group_of(product_id)] += total / len(eligible)
    return shown_m, fair_m


def exposure_estimates(shown_m: Matrix, fair_m: Matrix, counts: Matrix) -> tuple[list[Estimate], list[Estimate], Matrix]:
    """Per group: its share of the exposure (with interval), its fair share, and the exposure
    ratio share / fair share (with interval). Returns (shares, ratios, fair shares)."""
    shares = _shares(shown_m.sum(axis=0, keepdims=True))[0]
    fair = _shares(fair_m.sum(axis=0, keepdims=True))[0]
    boot_shares = _shares(counts @ shown_m)
    boot_fair = _shares(counts @ fair_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = shares / fair
        boot_ratio = boot_shares / boot_fair
    share_est, ratio_est = [], []
    for g in range(shown_m.shape[1]):
        share_est.append(Estimate(float(shares[g]), *interval(boot_shares[:, g])))
        ratio_est.append(Estimate(float(ratio[g]), *interval(boot_ratio[:, g])))
    return share_est, ratio_est, fair


def _shares(totals: Matrix) -> Matrix:
    sums = totals.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sums > 0, totals / np.where(sums > 0, sums, 1.0), np.nan)


# -- parity: one group of customers against the rest ------------------------------------------


def weighted_medians(prices: Matrix, owner: npt.NDArray[np.int64], counts: Matrix) -> Matrix:
    """The median of the pooled slot prices in each bootstrap sample (a slot counts as often as its
    customer was drawn); the mean of the two middle values when the count is even."""
    order = np.argsort(prices, kind="stable")
    sorted_prices, sorted_owner = prices[order], owner[order]
    cum = np.cumsum(counts[:, sorted_owner], axis=1)
    half = cum[:, -1:] / 2
    low = np.argmax(cum >= half, axis=1)
    high = np.argmax(cum > half, axis=1)
    result: Matrix = (sorted_prices[low] + sorted_prices[high]) / 2
    return result


def median_of(prices: Sequence[Sequence[int]]) -> float:
    flat = np.array([p for slot in prices for p in slot], dtype=np.float64)
    return float(np.median(flat)) if flat.size else float("nan")


@dataclass(frozen=True)
class PriceParity:
    group_median: float
    others_median: float
    ratio: Estimate
    difference: Estimate


def price_parity(group: Sequence[Sequence[int]], others: Sequence[Sequence[int]], resamples: int,
                 rng: np.random.Generator) -> PriceParity:
    """Median recommended price of ``group`` over that of ``others`` (and the difference in fen),
    each side's customers resampled separately (a stratified bootstrap)."""
    boot = []
    for side in (group, others):
        prices = np.array([p for slot in side for p in slot], dtype=np.float64)
        owner = np.array([i for i, slot in enumerate(side) for _ in slot], dtype=np.int64)
        boot.append(weighted_medians(prices, owner, resample_counts(len(side), resamples, rng)))
    g, o = median_of(group), median_of(others)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = Estimate(g / o if o else float("nan"), *interval(boot[0] / boot[1]))
    return PriceParity(g, o, ratio, Estimate(g - o, *interval(boot[0] - boot[1])))


def share_difference(group: Matrix, others: Matrix, resamples: int,
                     rng: np.random.Generator) -> tuple[Matrix, Matrix, list[Estimate]]:
    """Per column (brand): its share of ``group``'s slots minus its share of ``others``' slots.
    Rows are customers, cells their slots of that brand."""
    boot_g = _shares(resample_counts(group.shape[0], resamples, rng) @ group)
    boot_o = _shares(resample_counts(others.shape[0], resamples, rng) @ others)
    g = _shares(group.sum(axis=0, keepdims=True))[0]
    o = _shares(others.sum(axis=0, keepdims=True))[0]
    diff = boot_g - boot_o
    return g, o, [Estimate(float(g[b] - o[b]), *interval(diff[:, b])) for b in range(group.shape[1])]
