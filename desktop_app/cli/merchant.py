"""``desktop-app merchant report``: resolution and satisfaction with their counts, complaint causes,
the handoff queue and the recommendation fairness audit, in the reply language.

The text is for a store manager: human names for topics and causes, every rate with what it is a
share of. ``--json`` keeps the machine-readable codes (``delivery_delay``, ``carrier``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.cli.common import lang
from desktop_app.cli.merchant_dashboard import register_dashboard
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.service.analytics import Rate, ResolutionStats, TopicFigures
from desktop_app.service.complaint_causes import RootCause, cause_name, topic_name
from desktop_app.service.types import TicketView

if TYPE_CHECKING:
    from desktop_app.service.fairness import FairnessReport

_PRIORITY_ZH = {"LOW": "低", "NORMAL": "普通", "HIGH": "高", "URGENT": "紧急"}


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


def fairness_lines(fairness: FairnessReport, language: str) -> list[str]:
    """The audit in the reply language: paths audited, each flag with its figures and latest review,
    what was not flagged and why, and parity across customer groups (``service.fairness_text``)."""
    from desktop_app.service.fairness_text import fairness_lines as lines

    return lines(fairness, language)


def fairness_json(fairness: FairnessReport) -> dict[str, Any]:
    """The audit for ``--json``: every figure, the flags, and per customer dimension the largest
    judged price ratio (``None`` when no group had enough customers to judge)."""
    gaps: dict[str, float | None] = {}
    for dimension in ("language", "city"):
        judged = [f.value.value for f in fairness.parity
                  if f.dimension == f"{dimension}.price" and f.value is not None and f.verdict != "too_few"]
        gaps[dimension] = max(judged, key=lambda r: max(r, 1 / r) if r else 0.0) if judged else None
    return {"fairness": fairness, "fairness_flagged": fairness.flagged, "parity_gap": gaps}


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.app import build_app
    from desktop_app.service.analytics import complaint_figures, resolution_stats
    from desktop_app.service.fairness import audit

    app = build_app(settings)
    figures = complaint_figures(app.db)
    queue = app.handoff.queue()
    stats = resolution_stats(app.db)
    fairness = audit(app.db, app.catalog, app.recommendations, clock=app.clock)
    if args.json:
        emit_json({"complaint_topics": {f.topic.value: f.complaints for f in figures},
                   "complaints": figures, "handoff_queue": queue, "resolution": stats,
                   "rates": {name: _rate_json(getattr(stats, name)) for name in (
                       "resolution", "handoff", "rephrase", "share_rated", "rated_down_share")},
                   "resolution_rate": stats.rate, "satisfaction": stats.satisfaction, **fairness_json(fairness)})
        return 0
    language = lang(args, settings)
    for line in [*resolution_lines(stats, language), *complaint_lines(figures, language), queue_line(queue, language),
                 *fairness_lines(fairness, language)]:
        print(line)
    return 0


def cmd_fairness_review(args: argparse.Namespace, settings: Settings) -> int:
    """A supervisor marks one flag of the current audit as accepted or explained, with a note.

    The supervisor signs in with the desk's PIN (asked without echo, or one line on stdin with
    ``--pin-stdin``; never an argument): a wrong PIN is refused in one line and counted towards the
    desk's lockout, like a sign-in at the console. Only a flag the audit shows now can be reviewed,
    and the record keeps the figures as they are now."""
    import getpass
    import sys

    from desktop_app.app import build_app
    from desktop_app.core.errors import InvalidInput
    from desktop_app.service.agent_accounts import require_supervisor
    from desktop_app.service.fairness import Verdict, audit
    from desktop_app.service.fairness_reviews import FairnessReviews

    pin = sys.stdin.readline().strip() if args.pin_stdin else getpass.getpass("Supervisor PIN: ")
    app = build_app(settings)
    supervisor = app.desk.accounts.sign_in(args.agent, pin)
    require_supervisor(supervisor)
    report = audit(app.db, app.catalog, app.recommendations, clock=app.clock)
    finding = report.finding(args.path, args.dimension, args.group)
    if finding is None:
        raise InvalidInput(f"The audit has no figure for {args.path} / {args.dimension} / {args.group}.",
                           message_zh=f"审计中没有 {args.path} / {args.dimension} / {args.group} 这一项。")
    if finding.verdict != Verdict.FLAGGED:
        raise InvalidInput(f"{args.path} / {args.dimension} / {args.group} is not flagged now; only flags are reviewed.",
                           message_zh=f"{args.path} / {args.dimension} / {args.group} 目前没有被标记，只有被标记的项需要复核。")
    value = finding.value
    figures = (value.value, value.low, value.high) if value is not None else (float("nan"),) * 3
    record = FairnessReviews(app.db, app.clock).record(supervisor, path=args.path, dimension=args.dimension,
                                                       group=args.group, verdict=args.verdict, note=args.note,
                                                       figures=figures)
    if args.json:
        emit_json(record)
    elif lang(args, settings) == "zh":
        print(f"已记录：{args.path} / {args.dimension} / {args.group}（当前 {record.ratio:.2f}，95% 区间 "
              f"{record.ci_low:.2f}–{record.ci_high:.2f}）由 {record.reviewer} 复核为"
              f"{'已接受' if record.verdict == 'accepted' else '已说明理由'}。")
    else:
        print(f"Recorded: {args.path} / {args.dimension} / {args.group} (now {record.ratio:.2f}, 95% interval "
              f"{record.ci_low:.2f}–{record.ci_high:.2f}) {record.verdict} by {record.reviewer}.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merchant = sub.add_parser("merchant", help="merchant figures").add_subparsers(dest="action", required=True)
    p = merchant.add_parser("report", help="resolution, satisfaction, complaint causes, queue, recommendation fairness")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="reply language")
    p.set_defaults(func=cmd_report)
    register_dashboard(merchant)
    p = merchant.add_parser("fairness-review", help="a supervisor marks a fairness flag accepted or explained")
    p.add_argument("--path", required=True, help="recommend, no_history, request, search, search_fallback or similar")
    p.add_argument("--dimension", required=True,
                   help="brand, origin_region, price_band, language.price, city.price, language.brand or city.brand")
    p.add_argument("--group", required=True, help="the group as the report names it (a brand-mix flag: GROUP/BRAND, e.g. en/Lumio)")
    p.add_argument("--verdict", required=True, choices=("accepted", "explained"))
    p.add_argument("--note", required=True, help="why (about products and groups, never about a customer)")
    p.add_argument("--agent", required=True, help="the supervisor's agent id")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line from stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_fairness_review)
