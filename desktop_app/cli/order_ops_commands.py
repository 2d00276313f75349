"""Order operations: `desktop-app orders cancel | address | urge | intercept` and `refunds`.

A cancel without ``--yes`` is a dry run: it says what would happen (the refund, its channel) or
why it cannot, and changes nothing, so a script or a colleague can look before acting.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop_app.cli.common import AddCommand, SubParsers, credentials, lang, open_app, order_access, print_card
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput

if TYPE_CHECKING:
    from desktop_app.app import App




def _app(settings: Settings) -> App:
    return open_app(settings)


def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    language = lang(args, settings)
    if not args.yes:
        check = app.order_changes.check_cancel(args.order, **credentials(args))
        if args.json:
            emit_json({"dry_run": True, "check": check})
        else:
            print_card(check, language)
            if check.allowed:
                print("（未做任何修改；加 --yes 确认取消）" if language == "zh"
                      else "(nothing changed; add --yes to cancel)")
        return 0 if check.allowed else 1
    result = app.order_changes.cancel(args.order, **credentials(args))
    if args.json:
        emit_json(result)
    else:
        print_card(result, language)
    return 0


def cmd_address(args: argparse.Namespace, settings: Settings) -> int:
    if not args.to or not args.to.strip():
        raise InvalidInput("Please give the new address with --to \"ADDRESS\".", message_zh="请用 --to 提供新的收货地址。")
    result = _app(settings).order_changes.change_address(args.order, args.to, **credentials(args))
    if args.json:
        emit_json(result)
    else:
        print_card(result, lang(args, settings))
    return 0


def cmd_urge(args: argparse.Namespace, settings: Settings) -> int:
    result = _app(settings).order_changes.urge(args.order, **credentials(args))
    if args.json:
        emit_json(result)
    else:
        print_card(result, lang(args, settings))
    return 0


def cmd_intercept(args: argparse.Namespace, settings: Settings) -> int:
    result = _app(settings).order_changes.intercept(args.order, new_address=args.to, **credentials(args))
    if args.json:
        emit_json(result)
    else:
        print_card(result, lang(args, settings))
    return 0


def cmd_refunds(args: argparse.Namespace, settings: Settings) -> int:
    refunds = _app(settings).refunds.refunds_for(args.order, **credentials(args))
    if args.json:
        emit_json(refunds)
        return 0
    language = lang(args, settings)
    if not refunds:
        print("该订单没有退款记录。" if language == "zh" else "No refunds on this order.")
    for r in refunds:
        print_card(r, language)
    return 0


def register_orders(orders: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Sub-commands under ``desktop-app orders``."""
    p = add("cancel", cmd_cancel, "cancel an order not yet shipped (dry run without --yes)", orders)
    order_access(p)
    p.add_argument("--yes", action="store_true", help="really cancel (otherwise only say what would happen)")
    p = add("address", cmd_address, "change the delivery address of an order not yet shipped", orders)
    order_access(p)
    p.add_argument("--to", metavar="ADDRESS", required=True, help="the new address, with city, street and number")
    p = add("urge", cmd_urge, "remind the warehouse to ship a paid order (once a day)", orders)
    order_access(p)
    p = add("intercept", cmd_intercept, "ask the carrier to intercept (or redirect) a shipped parcel", orders)
    order_access(p)
    p.add_argument("--to", metavar="ADDRESS", help="redirect to this address instead of sending it back")


def register(sub: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Top-level sub-commands."""
    p = add("refunds", cmd_refunds, "refunds of an order: amount, channel, status and dates", sub)
    order_access(p)
