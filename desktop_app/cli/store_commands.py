"""Service commands: orders, product questions, search, recommendations, returns, handoff, privacy."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from desktop_app.cli import billing_commands, care_commands, catalog_commands, key_commands, order_ops_commands
from desktop_app.cli.output import emit_json, to_jsonable
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput
from desktop_app.core.vocabulary import ATTRIBUTES, attribute_label
from desktop_app.service.types import (
    AttributeFilter,
    ComplaintTopic,
    Priority,
    ReturnKind,
    ReturnReason,
    SearchQuery,
    SortOrder,
    status_text,
    yuan,
)

if TYPE_CHECKING:
    from desktop_app.app import App

_ATTR = re.compile(r"^(?P<key>[a-z_0-9]+)(?:(?P<op>=|>=|<=)(?P<value>.+))?$")


def _lang(args: argparse.Namespace, settings: Settings) -> str:
    return args.lang or settings.language


def _app(settings: Settings) -> App:
    from desktop_app.app import build_app

    return build_app(settings)


def parse_attr(text: str) -> AttributeFilter:
    """``waterproof`` (flag), ``colour=blue``, ``battery_mah>=5000``, ``price``-free."""
    m = _ATTR.match(text.strip())
    if not m or m["key"] not in ATTRIBUTES:
        known = ", ".join(sorted(ATTRIBUTES))
        raise InvalidInput(f"Unknown attribute filter {text!r}; known attributes: {known}.")
    key, op, value = m["key"], m["op"], m["value"]
    if op is None:
        if ATTRIBUTES[key].kind != "flag":
            raise InvalidInput(f"Attribute {key!r} needs a value, e.g. {key}=... or {key}>=...")
        return AttributeFilter(key, "true")
    if op == "=":
        return AttributeFilter(key, value)
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{key}{op} needs a number, got {value!r}.") from None
    return AttributeFilter(key, min_value=number) if op == ">=" else AttributeFilter(key, max_value=number)


def _fen(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return round(float(value) * 100)
    except ValueError:
        raise InvalidInput(f"Not a price: {value!r}.") from None


# -- handlers ------------------------------------------------------------------------------


def cmd_orders_show(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    view = app.orders.lookup(args.order, customer_code=args.customer, phone_last4=args.phone_last4)
    if args.json:
        emit_json(view)
        return 0
    zh = _lang(args, settings) == "zh"
    status = status_text(view.status.value, "zh" if zh else "en")
    print(f"{'订单' if zh else 'Order'} {view.order_number}  {status}{'  ⚠ ' + ('已延误' if zh else 'late') if view.is_late else ''}")
    print(f"  {'承运' if zh else 'Carrier'}: {view.carrier}  {view.tracking_number or ''}   "
          f"{'预计送达' if zh else 'Promised by'}: {view.promised_by:%Y-%m-%d}   {'电话' if zh else 'Phone'}: {view.masked_phone}")
    for line in view.lines:
        print(f"  - {line.product.name('zh' if zh else 'en')} ×{line.quantity}  {yuan(line.unit_price_fen)}")
    for e in view.timeline:
        where, what = (e.location_zh, e.description_zh) if zh else (e.location_en, e.description_en)
        print(f"  {e.occurred_at:%m-%d %H:%M}  {where}  {what}")
    return 0


def cmd_product(args: argparse.Namespace, settings: Settings) -> int:
    answer = _app(settings).catalog.answer(args.sku, destination_city=args.city)
    if args.json:
        emit_json(answer)
        return 0
    lang = _lang(args, settings)
    p, d = answer.product, answer.delivery
    zh = lang == "zh"
    print(f"{p.summary.name(lang)}  {yuan(p.summary.price_fen)}  {answer.stock_text_zh if zh else answer.stock_text_en}  "
          f"★{p.summary.rating:.1f} ({p.rating_count})")
    print("  " + (p.description_zh if zh else p.description_en))
    specs = ", ".join(attribute_label(a.key, a.value, lang) for a in p.attributes)
    print(f"  {'规格' if zh else 'Specs'}: {specs}")
    print(f"  {'发货地' if zh else 'Ships from'} {p.ship_from}: {d.earliest_days}-{d.latest_days} {'天送达' if zh else 'days'}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    query = SearchQuery(
        text=args.text, category=args.category, min_price_fen=_fen(args.min_price), max_price_fen=_fen(args.max_price),
        attributes=tuple(parse_attr(a) for a in args.attr), in_stock_only=args.in_stock,
        sort=SortOrder(args.sort), page=args.page, page_size=args.page_size,
    )
    result = _app(settings).catalog.search(query)
    if args.json:
        emit_json(result)
        return 0
    lang = _lang(args, settings)
    print(f"{result.total} {'件商品' if lang == 'zh' else 'products'} ({result.page}/{result.pages})")
    for p in result.items:
        print(f"  {p.sku:<16} {yuan(p.price_fen):>10}  ★{p.rating:.1f}  {p.name(lang)}")
    return 0


def cmd_recommend(args: argparse.Namespace, settings: Settings) -> int:
    recs = _app(settings).recommendations.for_customer(args.customer.upper(), limit=args.limit)
    if args.json:
        emit_json(recs)
        return 0
    lang = _lang(args, settings)
    for r in recs:
        print(f"  {r.product.sku:<16} {yuan(r.product.price_fen):>10}  {r.product.name(lang)}")
        print(f"      {'推荐理由' if lang == 'zh' else 'why'}: {r.why(lang)}")
    return 0


class _ReturnArgs(TypedDict):
    kind: ReturnKind
    reason: ReturnReason
    item_id: int | None
    customer_code: str | None
    phone_last4: str | None
    opened: bool | None


def _return_args(args: argparse.Namespace) -> _ReturnArgs:
    return _ReturnArgs(kind=ReturnKind(args.kind), reason=ReturnReason(args.reason), item_id=args.item,
                       customer_code=args.customer, phone_last4=args.phone_last4, opened=args.opened)


def cmd_returns_check(args: argparse.Namespace, settings: Settings) -> int:
    decision = _app(settings).returns.check(args.order, **_return_args(args))
    if args.json:
        emit_json(decision)
    else:
        print(decision.explanation_zh if _lang(args, settings) == "zh" else decision.explanation_en)
    return 0 if decision.eligible else 1


def cmd_returns_file(args: argparse.Namespace, settings: Settings) -> int:
    req = _app(settings).returns.file(args.order, **_return_args(args))
    if args.json:
        emit_json(req)
        return 0
    zh = _lang(args, settings) == "zh"
    name = req.product_name_zh if zh else req.product_name_en
    state = ("已提交" if req.created else "已存在（未重复提交）") if zh else ("filed" if req.created else "already filed")
    print(f"#{req.request_id} {req.kind.value} {name}: {state}")
    return 0


def cmd_handoff_queue(args: argparse.Namespace, settings: Settings) -> int:
    queue = _app(settings).handoff.queue()
    if args.json:
        emit_json(queue)
        return 0
    for t in queue:
        print(f"  {t.queue_position:>3}. #{t.ticket_id} {t.priority.name:<7} {t.reason:<18} {t.created_at:%m-%d %H:%M} "
              f"{t.order_number_masked or ''}")
    return 0


def cmd_handoff_open(args: argparse.Namespace, settings: Settings) -> int:
    ticket = _app(settings).handoff.open_ticket(reason=args.reason, priority=Priority[args.priority.upper()],
                                                summary=args.summary or "", customer_code=args.customer,
                                                order_number=args.order)
    if args.json:
        emit_json(ticket)
    else:
        print(f"#{ticket.ticket_id} {ticket.priority.name}: position {ticket.queue_position} in the queue")
    return 0


def cmd_complaint(args: argparse.Namespace, settings: Settings) -> int:
    c = _app(settings).handoff.file_complaint(topic=ComplaintTopic(args.topic), text=args.text or "",
                                               customer_code=args.customer, order_number=args.order)
    print(json.dumps(to_jsonable(c), ensure_ascii=False) if args.json else f"complaint #{c.complaint_id} ({c.topic.value})")
    return 0


def cmd_privacy_export(args: argparse.Namespace, settings: Settings) -> int:
    data = _app(settings).privacy.export_customer(args.customer)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        Path(args.out).chmod(0o600)
    else:
        print(text)
    return 0


def cmd_privacy_delete(args: argparse.Namespace, settings: Settings) -> int:
    if not args.yes:
        raise InvalidInput("Deleting a customer's data cannot be undone; add --yes to confirm.")
    counts = _app(settings).privacy.delete_customer(args.customer)
    print(json.dumps(counts) if args.json else ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def cmd_privacy_purge(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.clock import SystemClock  # retention counts real days, not the demo clock's

    days = args.days if args.days is not None else settings.retention_days
    removed = _app(settings).privacy.purge_conversations(days, now=SystemClock().now())
    print(f"purged {removed} conversations")
    return 0


# -- parser --------------------------------------------------------------------------------


def _order_access(p: argparse.ArgumentParser) -> None:
    p.add_argument("order", metavar="ORDER", help="16-digit order number (or its last 4 with --phone-last4)")
    p.add_argument("--phone-last4", metavar="NNNN", help="last four digits of the order's phone number")
    p.add_argument("--customer", metavar="CODE", help="signed-in customer code (laptop mode)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def add(name: str, func: Callable[[argparse.Namespace, Settings], int], help: str,
            parent: argparse._SubParsersAction[argparse.ArgumentParser] = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)
        return p

    orders = sub.add_parser("orders", help="order status, logistics and order operations").add_subparsers(
        dest="action", required=True)
    _order_access(add("show", cmd_orders_show, "show an order with its timeline", orders))
    for module in (order_ops_commands, billing_commands, care_commands, catalog_commands):
        module.register_orders(orders, add)
        module.register(sub, add)

    p = add("product", cmd_product, "price, specs, stock and delivery estimate")
    p.add_argument("sku")
    p.add_argument("--city", help="destination city for the delivery estimate")

    p = add("search", cmd_search, "multi-condition product search")
    p.add_argument("--text")
    p.add_argument("--category")
    p.add_argument("--min-price", metavar="YUAN")
    p.add_argument("--max-price", metavar="YUAN")
    p.add_argument("--attr", action="append", default=[], metavar="FILTER",
                   help="waterproof | colour=blue | battery_mah>=5000 (repeatable)")
    p.add_argument("--in-stock", action="store_true")
    p.add_argument("--sort", choices=[s.value for s in SortOrder], default="relevance")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--page-size", type=int, default=10)

    p = add("recommend", cmd_recommend, "recommendations for a customer, with reasons")
    p.add_argument("customer", metavar="CUSTOMER")
    p.add_argument("--limit", type=int, default=5)

    returns = sub.add_parser("returns", help="return/exchange eligibility and filing").add_subparsers(
        dest="action", required=True)
    for name, func, text in (("check", cmd_returns_check, "check eligibility"),
                             ("file", cmd_returns_file, "file a request (once)")):
        p = add(name, func, text, returns)
        _order_access(p)
        p.add_argument("--kind", choices=[k.value for k in ReturnKind], default="return")
        p.add_argument("--reason", choices=[r.value for r in ReturnReason], default="no_reason")
        p.add_argument("--item", type=int, help="order item id when the order has several")
        opened = p.add_mutually_exclusive_group()
        opened.add_argument("--opened", dest="opened", action="store_const", const=True, default=None,
                            help="the item has been opened (decides no-reason returns of e.g. skin care)")
        opened.add_argument("--unopened", dest="opened", action="store_const", const=False)

    handoff = sub.add_parser("handoff", help="human-agent queue").add_subparsers(dest="action", required=True)
    add("queue", cmd_handoff_queue, "list the queue by priority", handoff)
    p = add("open", cmd_handoff_open, "queue a conversation for a human agent", handoff)
    p.add_argument("--reason", default="customer_request")
    p.add_argument("--priority", choices=[x.name.lower() for x in Priority], default="normal")
    p.add_argument("--summary")
    p.add_argument("--customer")
    p.add_argument("--order")

    p = add("complaint", cmd_complaint, "record a complaint with its topic")
    p.add_argument("--topic", choices=[t.value for t in ComplaintTopic], required=True)
    p.add_argument("--text")
    p.add_argument("--customer")
    p.add_argument("--order")

    privacy = sub.add_parser("privacy", help="export or delete a customer's data; retention purge").add_subparsers(
        dest="action", required=True)
    p = add("export", cmd_privacy_export, "export everything about one customer", privacy)
    p.add_argument("customer")
    p.add_argument("--out", help="write to this file (mode 0600) instead of stdout")
    p = add("delete", cmd_privacy_delete, "delete one customer's personal data", privacy)
    p.add_argument("customer")
    p.add_argument("--yes", action="store_true")
    p = add("purge", cmd_privacy_purge, "drop conversations past the retention period", privacy)
    p.add_argument("--days", type=int)
    key_commands.register_privacy(privacy, add)
