"""Key rotation: re-encrypt every encrypted value and recompute every blind index under a new key.

Driven by the schema, so a personal field added later is rotated without being listed here: the
``SealedText`` columns (names, phones, addresses), every ``*_encrypted`` binary column (messages,
ticket summaries, complaints, order changes, invoices, warranty problems...) and the blind
indexes computed from sealed columns. Values are read and written raw (lightweight Core tables
whose columns carry plain ``Text``/``LargeBinary`` types), bypassing ``SealedText``, which would
decrypt with whatever key the engine currently has bound.

Everything runs on the caller's session, so the caller's one transaction makes a rotation all or
nothing: a value the old key cannot open raises ``ConfigError`` and nothing is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, LargeBinary, Row, Table, Text, bindparam, column, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql.type_api import TypeEngine

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError
from desktop_app.store.sealed import (
    BLIND_INDEX_OF,
    NORMALISERS,
    blind_index_columns,
    blind_index_value,
    sealed_columns,
)

log = logging.getLogger(__name__)

#: Rows read and rewritten per round trip: bounds memory on a large store.
BATCH = 500


def encrypted_binary_columns(t: Table) -> list[str]:
    """The table's ``*_encrypted`` columns: Fernet tokens of text, written by the services."""
    return [c.name for c in t.columns if isinstance(c.type, LargeBinary) and c.name.endswith("_encrypted")]


def rewrite_rows(conn: Connection, table_name: str, columns: Mapping[str, TypeEngine[Any]],
                 compute: Callable[[Row[Any]], dict[str, Any] | None], pk: str = "id") -> int:
    """Read ``columns`` of every row raw (batch by batch, in primary-key order), write back what
    ``compute`` returns for the row (None: leave it; otherwise the same keys for every row).
    Returns the number of rows rewritten."""
    raw = table(table_name, column(pk), *(column(name, type_) for name, type_ in columns.items()))
    read = select(raw).order_by(raw.c[pk]).limit(BATCH)
    last: Any = None
    touched = 0
    while True:
        rows = conn.execute(read if last is None else read.where(raw.c[pk] > last)).all()
        if not rows:
            return touched
        computed = [(row[0], new) for row in rows if (new := compute(row)) is not None]
        if computed:
            names = list(computed[0][1])
            stmt = (raw.update().where(raw.c[pk] == bindparam("pk_"))
                    .values({name: bindparam(f"new_{name}", type_=columns[name]) for name in names}))
            conn.execute(stmt, [{"pk_": key, **{f"new_{name}": new[name] for name in names}} for key, new in computed])
            touched += len(computed)
        last = rows[-1][0]


def rekey(session: Session, old: StoreKeys, new: StoreKeys) -> int:
    """Re-encrypt every encrypted column from ``old`` to ``new`` and recompute the blind indexes;
    returns the rows rewritten. The caller commits (one transaction) and then binds ``new``
    (``Database.bind_keys``) before reading a sealed column again: the session's objects are expired,
    and reloading them with ``old`` still bound fails to decrypt."""
    from desktop_app.store.schema import Base

    conn = session.connection()
    session.flush()
    touched = 0
    for t in Base.metadata.sorted_tables:
        sealed = sealed_columns(t)
        binary = encrypted_binary_columns(t)
        indexes = blind_index_columns(t)
        if not (sealed or binary or indexes):
            continue
        types: dict[str, TypeEngine[Any]] = {name: Text() for name in sealed}
        types.update({name: LargeBinary() for name in binary})
        types.update({c.name: Text() for c in indexes})

        def compute(row: Row[Any], sealed: list[str] = sealed, binary: list[str] = binary,
                    indexes: list[Any] = indexes) -> dict[str, Any] | None:
            values = row._mapping
            if all(values[name] is None for name in (*sealed, *binary)):
                return None
            plain = {name: old.cipher.decrypt(values[name].encode("ascii")) if values[name] is not None else None
                     for name in sealed}
            out: dict[str, Any] = {name: None if text is None else new.cipher.encrypt(text).decode("ascii")
                                   for name, text in plain.items()}
            out.update({name: None if values[name] is None else new.cipher.encrypt(old.cipher.decrypt(
                bytes(values[name]))) for name in binary})
            out.update({c.name: blind_index_value(new, c, plain.get(c.info[BLIND_INDEX_OF])) for c in indexes})
            return out

        (pk,) = [c.name for c in t.primary_key.columns]
        count = rewrite_rows(conn, t.name, types, compute, pk=pk)
        if count:
            log.info("rekey: %s rewritten (%d rows)", t.name, count)
        touched += count
    session.expire_all()
    return touched


def seal_plain_columns(conn: Connection, keys: StoreKeys | None, table_name: str, sealed: Sequence[str],
                       indexes: Mapping[str, tuple[str, str]]) -> int:
    """Encrypt the plain text already stored in ``sealed`` columns (a migration turning them into
    ``SealedText``) and fill the blind ``indexes`` (index column → (source column, normaliser)).
    Columns are named by the migration, not read from today's schema, so the step stays what it was."""
    types: dict[str, TypeEngine[Any]] = {name: Text() for name in (*sealed, *indexes)}

    def compute(row: Row[Any]) -> dict[str, Any]:
        if keys is None:
            raise ConfigError("The store's key is not loaded, so its personal data cannot be encrypted.",
                              message_zh="未加载数据库密钥，无法加密个人信息。")
        values = row._mapping
        out: dict[str, Any] = {name: None if values[name] is None else keys.cipher.encrypt(values[name]).decode("ascii")
                               for name in sealed}
        for index, (source, normaliser) in indexes.items():
            normalised = NORMALISERS[normaliser](values[source])
            out[index] = None if normalised is None else keys.blind_index(normalised)
        return out

    return rewrite_rows(conn, table_name, types, compute)
