"""Which key a store takes: the fingerprint check at start, restore, backup and rotation.

The store records the fingerprint of the key its encrypted data is sealed with. A start whose
key file is missing or holds another key is refused with one line saying how to fix it, and
nothing is written: silently making a new key would orphan every encrypted value (and a second
kiosk with its own key would write data the first cannot read). A new key is made only for an
empty store, or for a store from before fingerprints that holds no encrypted data at all.

Rotation writes the new key to ``<key>.next`` first, re-encrypts everything and records the new
fingerprint in one transaction, then renames ``<key>.next`` over the key file; a start that finds
the store already on the ``.next`` key (killed between commit and rename) finishes the rename.
"""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, inspect, text

from desktop_app.core.crypto import StoreKeys, key_fingerprint
from desktop_app.core.errors import ConfigError
from desktop_app.core.keyfile import (
    create_key,
    install_key,
    move_key,
    next_key_path,
    read_key,
    secure_dir,
    write_key_exclusive,
)
from desktop_app.store.db import FINGERPRINT_META, Database
from desktop_app.store.locking import store_label, store_lock
from desktop_app.store.schema import Base, SchemaMeta
from desktop_app.store.sealed import SealedText

log = logging.getLogger(__name__)

#: How every Fernet token starts (version byte 0x80, base64): tells a sealed value from plain text.
TOKEN_PREFIX = "gAAAAA"

FIX = "desktop-app privacy key restore FILE"
FIX_ZH = "desktop-app privacy key restore 密钥备份文件"


def missing_key(url: str, key_path: Path) -> ConfigError:
    return ConfigError(
        f"The store {store_label(url)} holds encrypted data but its key file {key_path} is missing; without that "
        f"key the data is unreadable, so nothing was changed and no new key was made. Restore the key: {FIX}",
        message_zh=f"数据库 {store_label(url)} 中有加密数据，但密钥文件 {key_path} 不存在；没有这把密钥数据将无法读取，"
                   f"因此未做任何更改，也未生成新密钥。请恢复密钥：{FIX_ZH}")


def wrong_key(url: str, key_path: Path, found: str, expected: str | None) -> ConfigError:
    expects = f"the store expects {expected}" if expected else "it cannot decrypt the store's data"
    expects_zh = f"数据库需要 {expected}" if expected else "无法解密数据库中的数据"
    return ConfigError(
        f"The key file {key_path} does not belong to the store {store_label(url)} (key fingerprint {found}; "
        f"{expects}); with it the data would be unreadable, so nothing was changed. Restore the store's key: {FIX}",
        message_zh=f"密钥文件 {key_path} 不属于数据库 {store_label(url)}（密钥指纹 {found}；{expects_zh}）；"
                   f"用它数据将无法读取，因此未做任何更改。请恢复该数据库的密钥：{FIX_ZH}")


def encrypted_samples(engine: Engine) -> list[bytes]:
    """One stored token from every encrypted column that holds any, read from the database as it
    is (any schema version, so it works before migrations run): the ``*_encrypted`` binary columns,
    and the sealed text columns (names, phones, addresses) where they already hold tokens (a store
    from before sealing holds plain text there, which is not a sample)."""
    insp = inspect(engine)
    sealed = {(c.table.name, c.name) for t in Base.metadata.tables.values() for c in t.columns
              if isinstance(c.type, SealedText)}
    samples: list[bytes] = []
    with engine.connect() as conn:
        for table_name in insp.get_table_names():
            for col in insp.get_columns(table_name):
                name = col["name"]
                if name.endswith("_encrypted"):
                    where = f'"{name}" IS NOT NULL'
                elif (table_name, name) in sealed:
                    where = f"\"{name}\" LIKE '{TOKEN_PREFIX}%'"
                else:
                    continue
                value = conn.execute(text(f'SELECT "{name}" FROM "{table_name}" WHERE {where} LIMIT 1')).scalar()
                if value is not None:
                    samples.append(value.encode("ascii") if isinstance(value, str) else bytes(value))
    return samples


def decrypts_all(key: bytes, samples: list[bytes]) -> bool:
    fernet = Fernet(key)
    try:
        for token in samples:
            fernet.decrypt(token)
    except Exception:  # InvalidToken, or a value that is not a token at all
        return False
    return True


def check_key(db: Database, key_path: Path) -> bytes:
    """The key for a non-empty store (the store lock held), or a one-line refusal.

    With a recorded fingerprint the key file must match it (or ``<key>.next`` does: a rotation is
    finished). A store from before fingerprints adopts the key file only if it opens the store's
    encrypted data, and records its fingerprint."""
    stored = db.get_meta(FINGERPRINT_META)
    key = read_key(key_path)
    pending_path = next_key_path(key_path)
    pending = read_key(pending_path)
    if stored is not None:
        if pending is not None and key_fingerprint(pending) == stored:
            move_key(pending_path, key_path)
            log.info("finished an interrupted key rotation (store key %s)", stored)
            return pending
        if key is None:
            raise missing_key(db.url, key_path)
        if key_fingerprint(key) != stored:
            raise wrong_key(db.url, key_path, key_fingerprint(key), stored)
        if pending is not None:  # a rotation killed before its commit: that key sealed nothing
            pending_path.unlink(missing_ok=True)
            log.info("removed the key of a rotation that never committed")
        return key
    samples = encrypted_samples(db.engine)
    if key is None:
        if samples:
            raise missing_key(db.url, key_path)
        key = create_key(key_path)
    elif not decrypts_all(key, samples):
        raise wrong_key(db.url, key_path, key_fingerprint(key), None)
    db.set_meta(FINGERPRINT_META, key_fingerprint(key))
    log.info("recorded the fingerprint of the store's key (%s)", key_fingerprint(key))
    return key


def backup_key(db: Database, key_path: Path, out: Path) -> str:
    """Copy the key of the open store to ``out``, mode 0600; never over an existing file."""
    key = read_key(key_path)
    if key is None or key_fingerprint(key) != db.keys.fingerprint:
        raise missing_key(db.url, key_path)
    if out.exists() or out.is_symlink():
        raise ConfigError(f"{out} already exists; a key backup never overwrites a file. Choose a new name.",
                          message_zh=f"{out} 已存在；密钥备份不会覆盖已有文件，请换一个文件名。")
    if not out.parent.is_dir():
        raise ConfigError(f"The folder {out.parent} does not exist.", message_zh=f"文件夹 {out.parent} 不存在。")
    if not write_key_exclusive(out, key):
        raise ConfigError(f"{out} already exists; a key backup never overwrites a file. Choose a new name.",
                          message_zh=f"{out} 已存在；密钥备份不会覆盖已有文件，请换一个文件名。")
    return key_fingerprint(key)


def restore_key(db: Database, key_path: Path, source: Path) -> str:
    """Install the key in ``source`` as the store's key if it is the store's key (or the store is
    still empty). Works while starts are refused: it reads only the store's fingerprint."""
    key = read_key(source)
    if key is None:
        raise ConfigError(f"The key backup {source} does not exist.", message_zh=f"密钥备份文件 {source} 不存在。")
    found = key_fingerprint(key)
    with store_lock(db.url):
        if not db.is_blank():
            stored = db.get_meta(FINGERPRINT_META)
            if stored is not None and stored != found:
                raise wrong_key(db.url, source, found, stored)
            if stored is None and not decrypts_all(key, encrypted_samples(db.engine)):
                raise wrong_key(db.url, source, found, None)
        if not key_path.parent.exists():
            secure_dir(key_path.parent)
        install_key(key_path, key)
        next_key_path(key_path).unlink(missing_ok=True)
    log.info("restored the store key %s", found)
    return found


def rotate_key(db: Database, key_path: Path) -> tuple[str, int]:
    """A new key for an open store: every encrypted value and blind index rewritten and the new
    fingerprint recorded in one transaction. Returns (new fingerprint, values rewritten)."""
    from desktop_app.store.rekey import rekey

    old = db.keys
    new_key = Fernet.generate_key()
    new = StoreKeys.from_key(new_key)
    pending = next_key_path(key_path)
    with store_lock(db.url):
        if db.get_meta(FINGERPRINT_META) != old.fingerprint:
            raise ConfigError("The store's key changed while this command ran; run it again.",
                              message_zh="本命令运行期间数据库的密钥已被更换，请重新运行。")
        install_key(pending, new_key)
        try:
            with db.session() as s:
                rewritten = rekey(s, old, new)
                meta = s.get(SchemaMeta, FINGERPRINT_META)
                assert meta is not None
                meta.value = new.fingerprint
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
        move_key(pending, key_path)
    db.bind_keys(new)
    log.info("rotated the store key %s -> %s (%d values rewritten)", old.fingerprint, new.fingerprint, rewritten)
    return new.fingerprint, rewritten
