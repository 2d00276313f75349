"""``desktop-app privacy key …``: back up, restore, rotate and show the store's key.

Restore and fingerprint work while starts are refused (they read only the store's recorded
fingerprint), because that is exactly when an operator needs them; backup and rotate open the
store normally, so they act only with the store's own key.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from desktop_app.cli.output import emit_json
from desktop_app.core.config import Settings
from desktop_app.core.crypto import key_fingerprint
from desktop_app.core.errors import ConfigError
from desktop_app.core.keyfile import read_key

AddCommand = Callable[..., argparse.ArgumentParser]


def _zh(args: argparse.Namespace, settings: Settings) -> bool:
    return (args.lang or settings.language) == "zh"


def cmd_key_fingerprint(args: argparse.Namespace, settings: Settings) -> int:
    if args.file:
        key = read_key(Path(args.file))
        if key is None:
            raise ConfigError(f"The key file {args.file} does not exist.", message_zh=f"密钥文件 {args.file} 不存在。")
        if args.json:
            emit_json({"file": args.file, "fingerprint": key_fingerprint(key)})
        else:
            print(key_fingerprint(key))
        return 0
    from desktop_app.store.db import FINGERPRINT_META
    from desktop_app.store.opening import probe_store

    key = read_key(settings.resolved_key_file)
    db = probe_store(settings.resolved_db_url)
    try:
        store = None if db.is_blank() else db.get_meta(FINGERPRINT_META)
    finally:
        db.dispose()
    mine = key_fingerprint(key) if key is not None else None
    matches = mine is not None and (store is None or store == mine)
    if args.json:
        emit_json({"key_file": str(settings.resolved_key_file), "key": mine, "store": store, "matches": matches})
    else:
        zh = _zh(args, settings)
        print(f"{'密钥文件' if zh else 'key file'}: {mine or ('（不存在）' if zh else '(missing)')}")
        print(f"{'数据库' if zh else 'store'}:    {store or ('（尚未记录）' if zh else '(none recorded)')}")
    return 0 if matches else 1


def cmd_key_backup(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.app import open_database
    from desktop_app.store.keys import backup_key

    db = open_database(settings)
    try:
        fingerprint = backup_key(db, settings.resolved_key_file, Path(args.out))
    finally:
        db.dispose()
    if args.json:
        emit_json({"out": args.out, "fingerprint": fingerprint})
    elif _zh(args, settings):
        print(f"密钥 {fingerprint} 已备份到 {args.out}（权限 0600）。请离线妥善保管；在其他收银机上运行 "
              f"desktop-app privacy key restore {args.out}")
    else:
        print(f"key {fingerprint} backed up to {args.out} (mode 0600). Keep it offline; on each other kiosk run: "
              f"desktop-app privacy key restore {args.out}")
    return 0


def cmd_key_restore(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.store.keys import restore_key
    from desktop_app.store.opening import probe_store

    db = probe_store(settings.resolved_db_url)
    try:
        fingerprint = restore_key(db, settings.resolved_key_file, Path(args.file))
    finally:
        db.dispose()
    if args.json:
        emit_json({"key_file": str(settings.resolved_key_file), "fingerprint": fingerprint})
    elif _zh(args, settings):
        print(f"已恢复密钥 {fingerprint} 到 {settings.resolved_key_file}")
    else:
        print(f"restored key {fingerprint} to {settings.resolved_key_file}")
    return 0


def cmd_key_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.app import open_database
    from desktop_app.store.keys import rotate_key

    db = open_database(settings)
    try:
        fingerprint, rewritten = rotate_key(db, settings.resolved_key_file)
    finally:
        db.dispose()
    if args.json:
        emit_json({"fingerprint": fingerprint, "rewritten": rewritten})
    elif _zh(args, settings):
        print(f"新密钥 {fingerprint}，已重新加密 {rewritten} 项。旧的密钥备份已失效：请立即备份新密钥，"
              f"并在共用此数据库的其他收银机上恢复它。")
    else:
        print(f"new key {fingerprint}; {rewritten} values re-encrypted. Old key backups no longer work: back up "
              f"the new key now and restore it on every other kiosk sharing this store.")
    return 0


def register_privacy(privacy: argparse._SubParsersAction[argparse.ArgumentParser], add: AddCommand) -> None:
    """``privacy key backup|restore|rotate|fingerprint`` under the existing ``privacy`` command."""
    key = privacy.add_parser("key", help="back up, restore, rotate or show the store's encryption key")
    actions = key.add_subparsers(dest="key_action", required=True)
    p = add("backup", cmd_key_backup, "copy the key to a new file (mode 0600; never overwrites)", actions)
    p.add_argument("--out", required=True, metavar="FILE")
    p = add("restore", cmd_key_restore, "install a backed-up key; only the store's own key is accepted", actions)
    p.add_argument("file", metavar="FILE")
    add("rotate", cmd_key_rotate, "make a new key and re-encrypt everything in one transaction", actions)
    p = add("fingerprint", cmd_key_fingerprint, "show the key's and the store's fingerprints", actions)
    p.add_argument("file", metavar="FILE", nargs="?", help="a key file (e.g. a backup) to show instead")
