"""Product care: `desktop-app shipping-fee | warranty | install | size | restock`.

Values are parsed here rather than by argparse types, so a bad one ("--height tall") is one line
on stderr in the customer's language instead of a usage dump.
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime

from desktop_app.cli.common import AddCommand, SubParsers, lang, open_app, order_access, print_card
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput
from desktop_app.service.types import FactCard


def _number(text: str | None, what: str, what_zh: str) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        raise InvalidInput(f"{what} must be a number, not {text[:20]!r}.", message_zh=f"{what_zh}必须是数字。") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{what} must be a positive number.", message_zh=f"{what_zh}必须是正数。")
    return value


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace("T", " "))
    except ValueError:
        raise InvalidInput(f"Give the time as \"2026-11-22 09:00\", not {text[:30]!r}.",
                           message_zh="时间格式应为“2026-11-22 09:00”。") from None


def _item(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit():
        raise InvalidInput(f"--item needs an item number, not {text[:20]!r}.", message_zh="--item 需要商品编号（数字）。")
    return int(text)


def cmd_shipping_fee(args: argparse.Namespace, settings: Settings) -> int:
    amount = _number(args.amount, "--amount", "--amount 金额")
    quote = open_app(settings).shipping.quote(args.city, None if amount is None else round(amount * 100), args.sku)
    if args.json:
        emit_json(quote)
    else:
        print_card(quote, lang(args, settings))
    return 0


def cmd_warranty(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    creds = {"customer_code": args.customer, "phone_last4": args.phone_last4}
    item = _item(args.item)
    if args.file is not None:
        ticket = app.warranty.file(args.order, args.file, item, **creds)
        if args.json:
            emit_json(ticket)
        else:
            print_card(ticket, lang(args, settings))
        return 0
    status = app.warranty.check(args.order, item, **creds)
    if args.json:
        emit_json(status)
    else:
        language = lang(args, settings)
        print_card(status, language)
        print(f"  {status.explanation_zh if language == 'zh' else status.explanation_en}")
    return 0 if status.covered else 1


def cmd_install(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    creds = {"customer_code": args.customer, "phone_last4": args.phone_last4}
    item = _item(args.item)
    if args.book and args.move:
        raise InvalidInput("Give either --book or --move, not both.", message_zh="--book 和 --move 只能选一个。")
    result: FactCard
    if args.book:
        result = app.installation.book(args.order, _when(args.book), item, **creds)
    elif args.move:
        result = app.installation.reschedule(args.order, _when(args.move), item, **creds)
    else:
        result = app.installation.slots(args.order, item, **creds)
    if args.json:
        emit_json(result)
    else:
        print_card(result, lang(args, settings))
    return 0


def cmd_size(args: argparse.Namespace, settings: Settings) -> int:
    height = _number(args.height, "--height", "--height 身高")
    weight = _number(args.weight, "--weight", "--weight 体重")
    assert height is not None and weight is not None  # both are required options
    advice = open_app(settings).sizing.advise(height, weight, args.sku, category=args.category)
    if args.json:
        emit_json(advice)
    else:
        print_card(advice, lang(args, settings))
    return 0 if advice.size else 1


def cmd_restock(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    if args.pending:
        pending = app.restock.pending_for(args.sku)
        if args.json:
            emit_json(pending)
        else:
            for p in pending:
                print(f"  {p.customer_code}  {p.subscribed_at:%Y-%m-%d %H:%M}")
        return 0
    view = app.restock.subscribe(args.customer, args.sku)
    if args.json:
        emit_json(view)
    else:
        print_card(view, lang(args, settings))
    return 0


def register_orders(orders: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Sub-commands under ``desktop-app orders``."""


def register(sub: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Top-level sub-commands."""
    p = add("shipping-fee", cmd_shipping_fee, "shipping fee to a city, and what is missing to ship free", sub)
    p.add_argument("--city", help="destination city or province (Chinese or English)")
    p.add_argument("--amount", metavar="YUAN", help="order amount in yuan")
    p.add_argument("--sku", help="a product: its price is the amount, and its delivery time is estimated")

    p = add("warranty", cmd_warranty, "warranty status of an order item, or file a repair", sub)
    order_access(p)
    p.add_argument("--item", metavar="ID", help="order item number (when the order holds several)")
    p.add_argument("--file", metavar="PROBLEM", help="file a warranty repair with this description of the fault")

    p = add("install", cmd_install, "free installation slots, or book / move a visit", sub)
    order_access(p)
    p.add_argument("--item", metavar="ID", help="order item number (when several items need installing)")
    p.add_argument("--book", metavar="WHEN", help="book the slot starting then, e.g. \"2026-11-22 09:00\"")
    p.add_argument("--move", metavar="WHEN", help="move the existing booking to the slot starting then")

    p = add("size", cmd_size, "size advice from height and weight", sub)
    p.add_argument("--height", metavar="CM", required=True)
    p.add_argument("--weight", metavar="KG", required=True)
    p.add_argument("--sku", help="the garment: only its sizes are advised")
    p.add_argument("--category", default="apparel", help="size chart to use without --sku (default: apparel)")

    p = add("restock", cmd_restock, "ask to be told when a sold-out item is back", sub)
    p.add_argument("sku", metavar="SKU")
    p.add_argument("--customer", metavar="CODE", help="the signed-in customer")
    p.add_argument("--pending", action="store_true", help="list the customers waiting for SKU instead")
