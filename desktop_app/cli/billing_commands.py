"""Billing: `desktop-app orders invoice | price-protect` and `coupons`.

``orders price-protect --check`` only says what a claim would refund (or why it cannot), so a
colleague can look before acting; without it the difference is refunded when the rules allow.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from desktop_app.cli.common import AddCommand, SubParsers, credentials, lang, open_app, order_access, print_card
from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput
from desktop_app.service.invoices import InvoiceKind
from desktop_app.service.price_protection import PriceVerdict

if TYPE_CHECKING:
    from desktop_app.app import App

#: ``--kind`` words → invoice kinds ("vat" is the 增值税专用发票).
KINDS = {"normal": InvoiceKind.NORMAL, "vat": InvoiceKind.VAT_SPECIAL}




def _app(settings: Settings) -> App:
    return open_app(settings)


def _fen(yuan_text: str | None) -> int | None:
    if yuan_text is None:
        return None
    try:
        value = float(yuan_text.strip().lstrip("¥￥").replace(",", ""))
    except ValueError:
        raise InvalidInput(f"--amount needs a number of yuan, not {yuan_text[:20]!r}.",
                           message_zh="--amount 需要填写金额（元）。") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput("--amount must be a positive number of yuan.", message_zh="--amount 必须是正数（元）。")
    return round(value * 100)


def cmd_invoice(args: argparse.Namespace, settings: Settings) -> int:
    creds = credentials(args)
    view = _app(settings).invoices.issue(args.order, KINDS[args.kind], args.title, args.tax_id, args.email,
                                         customer_code=creds["customer_code"], phone_last4=creds["phone_last4"],
                                         reissue=args.reissue)
    if args.json:
        emit_json(view)
    else:
        print_card(view, lang(args, settings))
    return 0


def cmd_price_protect(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    language = lang(args, settings)
    if args.check:
        check = app.price_protection.check(args.order, args.item, **credentials(args))
        if args.json:
            emit_json({"dry_run": True, "check": check})
        else:
            print_card(check, language)
        return 0 if check.verdict == PriceVerdict.ELIGIBLE else 1
    done = app.price_protection.claim(args.order, args.item, **credentials(args))
    if args.json:
        emit_json(done)
    else:
        print_card(done, language)
    return 0


def cmd_coupons(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    language = lang(args, settings)
    customer = args.customer.upper() if args.customer else None
    if args.code:
        status = app.coupons.lookup(args.code, customer)
        if args.json:
            emit_json(status)
        else:
            print(status.explanation(language))
        return 0
    listing = app.coupons.available(customer, args.category, _fen(args.amount))
    if args.json:
        emit_json(listing)
    else:
        print_card(listing, language)
    return 0


def register_orders(orders: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Sub-commands under ``desktop-app orders``."""
    p = add("invoice", cmd_invoice, "issue an order's invoice (one per order; --reissue voids and replaces it)", orders)
    order_access(p)
    p.add_argument("--kind", choices=sorted(KINDS), default="normal",
                   help="normal: 普通发票 (person or company); vat: 增值税专用发票 (VAT-registered company)")
    p.add_argument("--title", required=True, help="invoice title: 个人, or the company's full name")
    p.add_argument("--tax-id", metavar="CODE", help="the company's unified social credit code (18 characters)")
    p.add_argument("--email", help="where to send the e-invoice")
    p.add_argument("--reissue", action="store_true", help="void the current invoice and issue the next revision")
    p = add("price-protect", cmd_price_protect, "refund a price drop since purchase (once per item)", orders)
    order_access(p)
    p.add_argument("--item", type=int, metavar="ID", help="order item id (needed when several items dropped)")
    p.add_argument("--check", action="store_true", help="only say what would be refunded, change nothing")


def register(sub: SubParsers[argparse.ArgumentParser], add: AddCommand) -> None:
    """Top-level sub-commands."""
    p = add("coupons", cmd_coupons, "coupons usable now (best one for --amount), or one coupon by --code", sub)
    p.add_argument("--customer", metavar="CODE", help="signed-in customer (leaves out coupons they used up)")
    p.add_argument("--category", help="product category (store-wide coupons are always included)")
    p.add_argument("--amount", metavar="YUAN", help="amount to reach a threshold with; marks the best coupon")
    p.add_argument("--code", help="explain one coupon by its code (valid, expired, used up)")
