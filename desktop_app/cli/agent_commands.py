"""``desktop-app agent``: the human agents' console, and adding and listing agents.

``desktop-app agent`` alone opens the console window; ``agent add`` and ``agent list`` manage the
accounts. A PIN is never an argument (it would stay in the shell history and the process list):
it is asked for twice without echo, or read as one line from stdin with ``--pin-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.errors import InvalidInput

if TYPE_CHECKING:
    from desktop_app.service.desk import Desk


def open_desk(settings: Settings) -> Desk:
    from desktop_app.app import build_app

    return build_app(settings).desk


def read_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass("PIN (6+ digits): ")
    if getpass.getpass("PIN again: ") != pin:
        raise InvalidInput("The two PINs differ.", message_zh="两次输入的 PIN 不一致。")
    return pin


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.ui.agent.main import run_console

    return run_console(settings)


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.service.agent_accounts import check_pin_strength
    from desktop_app.service.desk_types import AgentRole

    pin = read_pin(args.pin_stdin)
    check_pin_strength(pin)  # before the store is opened: a weak PIN changes nothing
    agent = open_desk(settings).accounts.add(args.code, name=args.name, role=AgentRole(args.role), pin=pin,
                                             capacity=args.capacity)
    if args.json:
        emit_json(agent)
    else:
        print(f"Added {agent.role.value} {agent.code} ({agent.name}), capacity {agent.capacity}.")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    agents = open_desk(settings).accounts.agents()
    if args.json:
        emit_json(agents)
        return 0
    if not agents:
        print("No agents yet: add one with `desktop-app agent add CODE --name NAME`.")
    for a in agents:
        print(f"{a.code:<12} {a.role.value:<10} capacity {a.capacity:<3} {'active' if a.active else 'disabled':<8} {a.name}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agent = sub.add_parser("agent", help="the human agents' console (no sub-command), or manage agents")
    agent.set_defaults(func=cmd_console)
    actions = agent.add_subparsers(dest="agent_action")
    p = actions.add_parser("add", help="add an agent or supervisor (the PIN is asked for, never an argument)")
    p.add_argument("code", help="agent id used to sign in, e.g. A001")
    p.add_argument("--name", required=True, help="name the customer sees ('李娜 has joined')")
    p.add_argument("--role", choices=["agent", "supervisor"], default="agent")
    p.add_argument("--capacity", type=int, default=3, help="conversations held at once (default 3)")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN as one line from stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_add)
    p = actions.add_parser("list", help="the agents and their roles")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
