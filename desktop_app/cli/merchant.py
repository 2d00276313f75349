"""``desktop-app merchant``: complaint topics, the handoff queue, resolution rate, fairness audit."""

from __future__ import annotations

import argparse

from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.app import build_app
    from desktop_app.service.analytics import resolution_stats
    from desktop_app.service.fairness import audit

    app = build_app(settings)
    topics = app.handoff.complaint_topics()
    queue = app.handoff.queue()
    stats = resolution_stats(app.db)
    fairness = audit(app.db, app.recommendations)
    if args.json:
        emit_json({"complaint_topics": topics, "handoff_queue": queue, "resolution": stats,
                   "resolution_rate": stats.rate, "fairness": fairness,
                   "fairness_flagged": fairness.flagged,
                   "parity_gap": {d: fairness.parity_gap(d) for d in ("language", "city")}})
        return 0
    print("Complaint topics:", ", ".join(f"{t} {n}" for t, n in topics.items()) or "none")
    print(f"Handoff queue: {len(queue)} waiting" + (f" (first: #{queue[0].ticket_id} {queue[0].priority.name})"
                                                    if queue else ""))
    print(f"Resolution rate: {stats.rate:.0%} of {stats.conversations} conversations "
          f"(handed off {stats.handed_off}, rephrased {stats.rephrased}, rated down {stats.rated_down}, "
          f"could not help yet {stats.unsupported})")
    print(f"Recommendation fairness over {fairness.slots} slots: "
          f"price parity gap by language ×{fairness.parity_gap('language'):.2f}, by city ×{fairness.parity_gap('city'):.2f}")
    for e in sorted(fairness.flagged, key=lambda e: e.ratio):
        print(f"  {e.dimension:<13} {e.group:<14} catalogue {e.catalog_share:5.1%}  "
              f"recommended {e.exposure_share:5.1%}  ×{e.ratio:.2f}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merchant = sub.add_parser("merchant", help="merchant figures").add_subparsers(dest="action", required=True)
    p = merchant.add_parser("report", help="complaints, queue, resolution rate, recommendation fairness")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)
