"""Keeping knowledge current: `desktop-app catalog import FILE`, `policy check FILE`, `policy show`.

A merchant changes prices and rules with files, not code: the catalogue from a CSV (all rows or
none), the after-sales rules from the policy file, which `policy check` validates line by line
before the app is pointed at it and `policy show` prints as the assistant will apply it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop_app.cli.common import AddCommand, SubParsers, lang, open_app
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput
from desktop_app.service.catalog_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CatalogImporter
from desktop_app.service.policy import Policy, load_policy
from desktop_app.service.policy_sections import policy_sections


def cmd_catalog_import(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    try:
        report = CatalogImporter(app.db, app.clock).import_file(Path(args.file), dry_run=args.dry_run)
    finally:
        app.close()
    if args.json:
        emit_json(report)
        return 0
    language = lang(args, settings)
    print(report.card_title(language))
    for line in report.card_lines(language):
        print(f"  {line}")
    return 0


def cmd_policy_check(args: argparse.Namespace, settings: Settings) -> int:
    """OK, or each problem on its own line (exit 1): the same check the app runs when it starts."""
    try:
        load_policy(Path(args.file))
    except InvalidInput as exc:
        text = exc.localized(lang(args, settings))
        problems = text.splitlines()[1:] or [text]
        if args.json:
            print(json.dumps({"ok": False, "problems": problems}, ensure_ascii=False))
        else:
            for problem in problems:
                print(problem)
        return 1
    if args.json:
        print(json.dumps({"ok": True, "problems": []}))
    else:
        print("OK")
    return 0


def cmd_policy_show(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file) if args.file else settings.resolved_policy_file
    policy = load_policy(path)
    if args.json:
        emit_json(policy_as_data(policy))
        return 0
    language = lang(args, settings)
    print(f"{'规则文件' if language == 'zh' else 'Policy file'}: {path}")
    for section in policy_sections(policy):
        print(f"\n{section.card_title(language)}")
        for line in section.card_lines(language):
            print(f"  - {line}")
    return 0


def policy_as_data(policy: Policy) -> dict[str, Any]:
    """The rules as plain JSON data, lists sorted so the output is stable."""
    r, o, sh, pp, w, ins = (policy.returns, policy.orders, policy.shipping, policy.price_protection, policy.warranty,
                            policy.installation)
    return {
        "returns": {"no_reason_days": r.no_reason_days, "quality_return_days": r.quality_return_days,
                    "quality_exchange_days": r.quality_exchange_days, "refund_days": r.refund_days,
                    "buyer_pays_no_reason_shipping": r.buyer_pays_no_reason_shipping,
                    "never_no_reason": sorted(r.never_no_reason),
                    "opened_not_returnable_categories": sorted(r.opened_not_returnable_categories),
                    "final_sale_no_reason": r.final_sale_no_reason},
        "orders": {"ship_within_hours": o.ship_within_hours, "refund_days_after_cancel": o.refund_days_after_cancel,
                   "intercept_fee_fen": o.intercept_fee_fen},
        "shipping": {"free_over_fen": sh.free_over_fen, "base_fee_fen": sh.base_fee_fen,
                     "remote_regions": sorted(sh.remote_regions), "remote_fee_fen": sh.remote_fee_fen,
                     "remote_free_over_fen": sh.remote_free_over_fen},
        "price_protection": {"window_days": pp.window_days, "excluded_categories": sorted(pp.excluded_categories),
                             "coupons_count": pp.coupons_count},
        "warranty": {"months": dict(w.months), "phone_battery_months": w.phone_battery_months,
                     "failed_repairs_before_exchange": w.failed_repairs_before_exchange},
        "installation": {"categories": sorted(ins.categories), "days_ahead": ins.days_ahead,
                         "slots": [s.label() for s in ins.slots], "per_slot_capacity": ins.per_slot_capacity},
        "size_chart": [{"category": s.category, "size": s.size, "height_cm": list(s.height_cm),
                        "weight_kg": list(s.weight_kg)} for s in policy.size_chart],
    }


def register_orders(orders: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Sub-commands under ``desktop-app orders``: none here."""


def register(sub: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """``catalog import`` and ``policy check`` / ``policy show``."""
    catalog = sub.add_parser("catalog", help="update the catalogue from a file").add_subparsers(
        dest="action", required=True)
    p = add("import", cmd_catalog_import, "upsert products by SKU from a UTF-8 CSV (all rows or none)", catalog)
    p.add_argument("file", metavar="FILE",
                   help=f"CSV with the header {','.join(REQUIRED_COLUMNS)}[,{','.join(OPTIONAL_COLUMNS)}]")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    policy = sub.add_parser("policy", help="the after-sales rules file").add_subparsers(dest="action", required=True)
    p = add("check", cmd_policy_check, "validate a policy file: OK, or each problem on its own line", policy)
    p.add_argument("file", metavar="FILE")
    p = add("show", cmd_policy_show, "print the rules in force (--lang zh|en)", policy)
    p.add_argument("--file", metavar="FILE", help="a policy file other than the configured one")

