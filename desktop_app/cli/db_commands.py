"""``desktop-app db upgrade`` and ``db status``: the store's schema against the app's.

The window and every other command refuse a store whose schema is behind or ahead of the app;
``db upgrade`` is the one deliberate step that brings an older store to the app's schema (once per
chain, after a backup), and ``db status`` says where the store stands without writing anything.
"""

from __future__ import annotations

import argparse

from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings


def _zh(args: argparse.Namespace, settings: Settings) -> bool:
    return (args.lang or settings.language) == "zh"


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.store.locking import store_label
    from desktop_app.store.upgrade import schema_status

    report = schema_status(settings.resolved_db_url)
    if args.json:
        emit_json({"store": report.store, "head": report.head, "current": report.current,
                   "location": store_label(settings.resolved_db_url)})
    else:
        zh = _zh(args, settings)
        none = "（无）" if zh else "(none)"
        print(f"{'数据库结构' if zh else 'store schema'}: {report.store or none}")
        print(f"{'程序结构' if zh else 'app schema'}:   {report.head}")
        if report.ahead:
            print("请升级程序。" if zh else "update the app.")
        elif not report.current:
            print("请先备份，然后运行 desktop-app db upgrade" if zh else "back up, then run: desktop-app db upgrade")
    return 0 if report.current else 1


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.store.upgrade import upgrade_store

    report = upgrade_store(settings.resolved_db_url, settings.resolved_key_file)
    changed = report.upgraded_from != report.store
    if args.json:
        emit_json({"from": report.upgraded_from, "to": report.store, "upgraded": changed})
    elif _zh(args, settings):
        print(f"数据库结构已从 {report.upgraded_from} 升级到 {report.store}。" if changed
              else f"数据库结构已是最新（{report.store}），无需升级。")
    else:
        print(f"upgraded the store's schema from {report.upgraded_from} to {report.store}." if changed
              else f"the store's schema is already current ({report.store}); nothing to do.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="the store's schema: status, upgrade")
    actions = db.add_subparsers(dest="db_action", required=True)
    p = actions.add_parser("status", help="the store's schema revision and the app's (writes nothing)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    p = actions.add_parser("upgrade", help="upgrade an older store to the app's schema (back it up first)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_upgrade)
