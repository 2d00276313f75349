"""``desktop-app merchant report``: resolution and satisfaction with their counts, complaint causes,
the handoff queue and the recommendation fairness audit, in the reply language.

The text is for a store manager: human names for topics and causes, every rate with what it is a
share of. ``--json`` keeps the machine-readable codes (``delivery_delay``, ``carrier``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from desktop_app.cli.common import lang
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.service.analytics import Rate, ResolutionStats, TopicFigures
from desktop_app.service.complaint_causes import RootCause, cause_name, topic_name
from desktop_app.service.types import TicketView

_PRIORITY_ZH = {"LOW": "低", "NORMAL": "普通", "HIGH": "高", "URGENT": "紧急"}
_DIMENSIONS = {"brand": ("brand", "品牌"), "origin_region": ("origin", "产地"), "price_band": ("price band", "价格段"),
               "language": ("language", "语言"), "city": ("city", "城市")}


def _rate(rate: Rate, zh: bool) -> str:
    return f"{rate.value:.0%}（{rate.numerator}/{rate.denominator}）" if zh else \
        f"{rate.value:.0%} ({rate.numerator} of {rate.denominator})"


def _rate_json(rate: Rate) -> dict[str, float | int]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "value": round(rate.value, 4)}


def resolution_lines(stats: ResolutionStats, language: str) -> list[str]:
    zh = language == "zh"
    satisfaction = stats.satisfaction
    if zh:
        lines = [f"会话（有实际诉求）：{stats.conversations}（另有仅寒暄的 {stats.small_talk_only} 个未计入）",
                 f"智能助手独立解决率：{_rate(stats.resolution, zh)}",
                 f"  未解决原因：转人工 {stats.handed_off}，需重复提问 {stats.rephrased}，"
                 f"结束时问题未解决 {stats.ended_open}，差评 {stats.rated_down}",
                 f"转人工率：{_rate(stats.handoff, zh)}",
                 f"重复提问率：{_rate(stats.rephrase, zh)}"]
        lines.append(f"满意度：{satisfaction:.1f} / 5 星（{stats.rated} 个评分，评分率 {_rate(stats.share_rated, zh)}）"
                     if satisfaction is not None else f"满意度：暂无评分（评分率 {_rate(stats.share_rated, zh)}）")
        return lines
    lines = [f"Conversations with a request: {stats.conversations} "
             f"(another {stats.small_talk_only} were small talk only and are not counted)",
             f"Resolved by the assistant: {_rate(stats.resolution, zh)}",
             f"  not resolved because: handed to a person {stats.handed_off}, customer had to rephrase "
             f"{stats.rephrased}, ended with the request open {stats.ended_open}, rated 1–2 stars {stats.rated_down}",
             f"Handed to a person: {_rate(stats.handoff, zh)}",
             f"Had to rephrase: {_rate(stats.rephrase, zh)}"]
    lines.append(f"Satisfaction: {satisfaction:.1f} of 5 stars ({stats.rated} ratings, "
                 f"{_rate(stats.share_rated, zh)} of conversations rated)" if satisfaction is not None
                 else f"Satisfaction: no ratings yet ({_rate(stats.share_rated, zh)} of conversations rated)")
    return lines


def complaint_lines(figures: Sequence[TopicFigures], language: str) -> list[str]:
    zh = language == "zh"
    total = sum(f.complaints for f in figures)
    if not total:
        return ["投诉：暂无" if zh else "Complaints: none"]
    lines = [f"投诉：共 {total} 条，按根本原因：" if zh else f"Complaints: {total}, by root cause:"]
    for cause in RootCause:
        group = [f for f in figures if f.cause == cause]
        count = sum(f.complaints for f in group)
        if not count:
            continue
        share = Rate(count, total)
        lines.append(f"  {cause_name(cause, language)}：{_rate(share, zh)}" if zh
                     else f"  {cause_name(cause, language)}: {_rate(share, zh)}")
        for f in group:
            products = "，".join(f"{sku}×{n}" for sku, n in f.products[:3]) if zh else \
                ", ".join(f"{sku} ×{n}" for sku, n in f.products[:3])
            if zh:
                lines.append(f"    {topic_name(f.topic, language)} {f.complaints} 条（关联订单 {f.with_order}"
                             + (f"；商品 {products}" if products else "") + "）")
            else:
                lines.append(f"    {topic_name(f.topic, language)} {f.complaints} ({f.with_order} linked to an order"
                             + (f"; products {products}" if products else "") + ")")
    return lines


def queue_line(queue: Sequence[TicketView], language: str) -> str:
    if language == "zh":
        first = f"（第一位：#{queue[0].ticket_id}，优先级{_PRIORITY_ZH[queue[0].priority.name]}）" if queue else ""
        return f"人工排队：{len(queue)} 个等待中{first}"
    first = f" (first: #{queue[0].ticket_id}, {queue[0].priority.name.lower()} priority)" if queue else ""
    return f"Handoff queue: {len(queue)} waiting{first}"


def fairness_lines(fairness: Any, language: str) -> list[str]:
    zh = language == "zh"
    gap_language, gap_city = fairness.parity_gap("language"), fairness.parity_gap("city")
    lines = [f"推荐公平性（{fairness.slots} 个推荐位）：按语言的价格差 ×{gap_language:.2f}，按城市 ×{gap_city:.2f}" if zh
             else f"Recommendation fairness over {fairness.slots} slots: price parity gap by language "
                  f"×{gap_language:.2f}, by city ×{gap_city:.2f}"]
    for e in sorted(fairness.flagged, key=lambda e: e.ratio):
        en, zh_name = _DIMENSIONS.get(e.dimension, (e.dimension, e.dimension))
        lines.append(f"  {zh_name if zh else en:<10} {e.group:<14} "
                     + (f"目录占比 {e.catalog_share:5.1%}  推荐占比 {e.exposure_share:5.1%}  ×{e.ratio:.2f}" if zh else
                        f"catalogue {e.catalog_share:5.1%}  recommended {e.exposure_share:5.1%}  ×{e.ratio:.2f}"))
    return lines


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.app import build_app
    from desktop_app.service.analytics import complaint_figures, resolution_stats
    from desktop_app.service.fairness import audit

    app = build_app(settings)
    figures = complaint_figures(app.db)
    queue = app.handoff.queue()
    stats = resolution_stats(app.db)
    fairness = audit(app.db, app.recommendations)
    if args.json:
        emit_json({"complaint_topics": {f.topic.value: f.complaints for f in figures},
                   "complaints": figures, "handoff_queue": queue, "resolution": stats,
                   "rates": {name: _rate_json(getattr(stats, name)) for name in (
                       "resolution", "handoff", "rephrase", "share_rated", "rated_down_share")},
                   "resolution_rate": stats.rate, "satisfaction": stats.satisfaction, "fairness": fairness,
                   "fairness_flagged": fairness.flagged,
                   "parity_gap": {d: fairness.parity_gap(d) for d in ("language", "city")}})
        return 0
    language = lang(args, settings)
    for line in [*resolution_lines(stats, language), *complaint_lines(figures, language), queue_line(queue, language),
                 *fairness_lines(fairness, language)]:
        print(line)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merchant = sub.add_parser("merchant", help="merchant figures").add_subparsers(dest="action", required=True)
    p = merchant.add_parser("report", help="resolution, satisfaction, complaint causes, queue, recommendation fairness")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)
