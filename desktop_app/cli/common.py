"""What every command module shares: the language to answer in, the app, order-access options,
and the ``add`` helper that registers a sub-command with ``--json``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_app.core.config import Settings
from desktop_app.service.types import FactCard

if TYPE_CHECKING:
    from desktop_app.app import App

Command = Callable[[argparse.Namespace, Settings], int]
SubParsers = argparse._SubParsersAction  # noqa: SLF001 - argparse has no public name for it
#: ``add(name, func, help, parent)`` → the new sub-command's parser (with ``--json`` already added).
AddCommand = Callable[[str, Command, str, "SubParsers[argparse.ArgumentParser]"], argparse.ArgumentParser]


def lang(args: argparse.Namespace, settings: Settings) -> str:
    return str(args.lang or settings.language)


def open_app(settings: Settings) -> App:
    from desktop_app.app import build_app

    return build_app(settings)


def order_access(p: argparse.ArgumentParser) -> None:
    p.add_argument("order", metavar="ORDER", help="16-digit order number (or its last 4 with --phone-last4)")
    p.add_argument("--phone-last4", metavar="NNNN",
                   help="last four digits of the order's phone number (misses are counted in the store, "
                        "per order and per machine; repeated misses lock further tries for a while)")
    p.add_argument("--customer", metavar="CODE", help="signed-in customer code (laptop mode)")


def make_add(sub: SubParsers[argparse.ArgumentParser]) -> AddCommand:
    def add(name: str, func: Command, help: str,
            parent: SubParsers[argparse.ArgumentParser] = sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)
        return p

    return add


def print_card(card: FactCard, language: str) -> None:
    print(card.card_title(language))
    for line in card.card_lines(language):
        print(f"  {line}")


def credentials(args: argparse.Namespace) -> dict[str, str | None]:
    """The order-access options as the services' keyword arguments."""
    return {"customer_code": args.customer.upper() if args.customer else None, "phone_last4": args.phone_last4}
