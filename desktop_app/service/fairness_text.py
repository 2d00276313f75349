"""The fairness audit in a store manager's words, in Chinese or English.

Kept beside the audit (not in the CLI) so the report and the dashboard say the same thing: every
figure with what it is a share of, its 95 % interval and how many customers or queries it rests on.
"""

from __future__ import annotations

import math

from desktop_app.service.fairness import MIN_CUSTOMERS, POOLED, ExposureFinding, FairnessReport, ParityFinding, Verdict
from desktop_app.service.fairness_reviews import ReviewRecord
from desktop_app.service.fairness_stats import Estimate
from desktop_app.service.types import yuan

#: path → (en, zh)
PATHS = {"recommend": ("Personal recommendations", "个性化推荐"),
         "no_history": ("Picks for customers with no history", "无购买浏览记录顾客的推荐"),
         "request": ("Picks for a request", "按需求推荐"),
         "search": ("Search results", "搜索结果"),
         "search_fallback": ("Alternatives when a search finds nothing", "搜索无结果时的替代推荐"),
         "similar": ("Similar products", "相似商品")}
#: unit → (en singular, en plural, zh measure word + noun)
UNITS = {"customer": ("customer", "customers", "位顾客"), "query": ("query", "queries", "个查询"),
         "product": ("product", "products", "件商品")}
DIMENSIONS = {"brand": ("brand", "品牌"), "origin_region": ("origin", "产地"), "price_band": ("price band", "价格段"),
              "language.price": ("price by language", "各语言顾客的推荐价格"),
              "city.price": ("price by city", "各城市顾客的推荐价格"),
              "language.brand": ("brand mix by language", "各语言顾客的品牌构成"),
              "city.brand": ("brand mix by city", "各城市顾客的品牌构成")}
_LANGUAGES = {"zh": ("Chinese-speaking customers", "中文顾客"), "en": ("English-speaking customers", "英文顾客")}
_VERDICTS = {"accepted": ("accepted", "已接受"), "explained": ("explained", "已说明理由")}


def _pct(x: float) -> str:
    return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"


def _span(e: Estimate, fmt: str = "pct") -> str:
    if not (math.isfinite(e.low) and math.isfinite(e.high)):
        return "–"
    if fmt == "pct":
        return f"{_pct(e.low).rstrip('%')}–{_pct(e.high)}"
    if fmt == "points":
        return f"{e.low * 100:+.0f}–{e.high * 100:+.0f}"
    return f"{e.low:.2f}–{e.high:.2f}"


def _units(n: int, unit: str, zh: bool) -> str:
    one, many, measure = UNITS[unit]
    return f"{n} {measure}" if zh else f"{n} {one if n == 1 else many}"


def group_label(dimension: str, group: str, zh: bool) -> str:
    """A customer group in words: "英文顾客", "other cities (each under 20 customers)"."""
    kind = dimension.split(".")[0]
    if group == POOLED:
        return (f"不足 {MIN_CUSTOMERS} 位顾客的城市合计" if zh else f"cities with under {MIN_CUSTOMERS} customers, pooled") \
            if kind == "city" else ("其他语言合计" if zh else "other languages, pooled")
    if kind == "language" and group in _LANGUAGES:
        return _LANGUAGES[group][1 if zh else 0]
    return group


def review_line(review: ReviewRecord, current: float, zh: bool) -> str:
    verdict = _VERDICTS.get(review.verdict, (review.verdict, review.verdict))[1 if zh else 0]
    when = review.reviewed_at.strftime("%Y-%m-%d")
    if not review.still_covers(current):
        return (f"    复核（{verdict}，{review.reviewer}，{when}）时为 {review.ratio:.2f}；现在为 {current:.2f}，数据已明显变化，需重新复核。"
                f"说明：{review.note}" if zh else
                f"    reviewed at {review.ratio:.2f} ({verdict} by {review.reviewer} on {when}); now {current:.2f}, "
                f"which has changed materially: review again. Note: {review.note}")
    return (f"    复核：{verdict}（{review.reviewer}，{when}）。说明：{review.note}" if zh else
            f"    review: {verdict} by {review.reviewer} on {when}. Note: {review.note}")


def exposure_line(f: ExposureFinding, unit: str, zh: bool) -> str:
    path = PATHS[f.path][1 if zh else 0]
    dim = DIMENSIONS[f.dimension][1 if zh else 0]
    if zh:
        return (f"  {path} · {dim} {f.group}：曝光占比 {_pct(f.shown.value)}（95% 区间 {_span(f.shown)}），"
                f"目录占比 {_pct(f.catalogue_share)}，可展示范围内占比 {_pct(f.fair_share)}，"
                f"为应得曝光的 {f.ratio.value:.2f} 倍（95% 区间 {_span(f.ratio, 'x')}）；"
                f"样本 {_units(f.units, unit, zh)}，在售 {f.catalogue_items} 件")
    return (f"  {path} · {dim} {f.group}: {_pct(f.shown.value)} of the exposure (95% interval {_span(f.shown)}), "
            f"catalogue share {_pct(f.catalogue_share)}, share of what it could show {_pct(f.fair_share)}, "
            f"so {f.ratio.value:.2f}× its fair exposure (95% interval {_span(f.ratio, 'x')}); "
            f"sample {_units(f.units, unit, zh)}, {f.catalogue_items} in stock")


def parity_line(f: ParityFinding, zh: bool) -> str:
    kind, measure = f.dimension.split(".")
    group, _, brand = f.group.partition("/")
    who = group_label(f.dimension, group, zh)
    sizes = (f"{who}（{f.customers} 位）与其余顾客（{f.others} 位）" if zh
             else f"{who} ({f.customers}) against everybody else ({f.others})")
    if f.verdict == Verdict.TOO_FEW and f.value is None:
        need = f"每组至少 {MIN_CUSTOMERS} 位顾客" if zh else f"at least {MIN_CUSTOMERS} customers on each side"
        return f"  {sizes}：样本太少，无法判断（需{need}）" if zh else f"  {sizes}: too few to judge (needs {need})"
    assert f.value is not None and f.difference is not None and f.group_figure is not None
    assert f.others_figure is not None
    if measure == "price":
        diff = f.difference
        span = f"{yuan(int(diff.low))}–{yuan(int(diff.high))}"
        return (f"  {sizes}：推荐价格中位数 {yuan(int(f.group_figure))} 对 {yuan(int(f.others_figure))}，"
                f"相差 {yuan(int(diff.value))}（95% 区间 {span}），为其余顾客的 {f.value.value:.2f} 倍"
                f"（95% 区间 {_span(f.value, 'x')}）" if zh else
                f"  {sizes}: median recommended price {yuan(int(f.group_figure))} against "
                f"{yuan(int(f.others_figure))}, a difference of {yuan(int(diff.value))} (95% interval {span}), "
                f"{f.value.value:.2f}× (95% interval {_span(f.value, 'x')})")
    return (f"  {sizes} · 品牌 {brand}：占推荐 {_pct(f.group_figure)}，其余顾客 {_pct(f.others_figure)}，"
            f"相差 {f.value.value * 100:+.0f} 个百分点（95% 区间 {_span(f.value, 'points')}）" if zh else
            f"  {sizes} · brand {brand}: {_pct(f.group_figure)} of their picks against {_pct(f.others_figure)}, "
            f"{f.value.value * 100:+.0f} points (95% interval {_span(f.value, 'points')})")


def fairness_lines(report: FairnessReport, language: str) -> list[str]:
    zh = language == "zh"
    low, high = report.band
    units_of = {p.path: p.unit for p in report.paths}
    lines = [f"公平性审计：按位置加权曝光（第 r 位权重 {report.weighting}），95% 自助法区间（{report.resamples:,} 次重抽样，"
             f"种子 {report.seed}）；只有整个区间落在应得曝光的 {low:g}–{high:g} 倍之外才标记" if zh else
             f"Fairness audit: position-weighted exposure (rank r weighs {report.weighting}), 95% bootstrap intervals "
             f"({report.resamples:,} resamples, seed {report.seed}); flagged only when the whole interval lies outside "
             f"{low:g}–{high:g}× the fair exposure"]
    for p in report.paths:
        name = PATHS[p.path][1 if zh else 0]
        lines.append(f"  {name}：{_units(p.units, p.unit, zh)}，共 {p.slots} 个展示位" if zh
                     else f"  {name}: {_units(p.units, p.unit, zh)}, {p.slots} items shown")
    flagged = report.flagged
    lines.append(f"需要关注（{len(flagged)} 项）：" if zh else f"Flagged ({len(flagged)}):")
    if not flagged:
        lines.append("  无" if zh else "  none")
    for f in flagged:
        if isinstance(f, ExposureFinding):
            lines.append(exposure_line(f, units_of[f.path], zh))
            current = f.ratio.value
        else:
            lines.append(parity_line(f, zh))
            current = f.value.value if f.value is not None else float("nan")
        if f.review is not None:
            lines.append(review_line(f.review, current, zh))
    too_few = sum(1 for f in report.exposures if f.verdict == Verdict.TOO_FEW)
    within = sum(1 for f in report.exposures if f.verdict == Verdict.WITHIN)
    lines.append(f"未标记：{within} 项在容差内或区间与容差重叠；{too_few} 项样本太少无法判断"
                 f"（在售不足 {report.min_catalogue_items} 件，或样本不足 {report.min_units} 个）" if zh else
                 f"Not flagged: {within} figures within the band or with an interval reaching it; {too_few} too few "
                 f"to judge (under {report.min_catalogue_items} products in stock or under {report.min_units} audited)")
    p_low, p_high = report.price_band
    lines.append(f"顾客群体公平性（每组及其余顾客至少 {report.min_customers} 位；价格容差 {p_low:g}–{p_high:g} 倍，"
                 f"品牌占比容差 ±{report.brand_tolerance * 100:.0f} 个百分点）：" if zh else
                 f"Parity across customer groups (at least {report.min_customers} customers in the group and in the "
                 f"rest; tolerated: {p_low:g}–{p_high:g}× the price, ±{report.brand_tolerance * 100:.0f} points of a "
                 f"brand's share):")
    for f in report.parity:
        if f.dimension.endswith(".price"):
            lines.append(parity_line(f, zh))
    return lines
