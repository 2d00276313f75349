"""Personal fields encrypted at rest, column by column, with keyed blind indexes for lookups.

A copied database file must not reveal who the customers are, so names, phones and addresses are
stored as Fernet tokens (``SealedText``); services read and write plain ``str`` as before, because
the column type encrypts on the way in and decrypts on the way out with the keys bound to the
engine (``Database.bind_keys``). Tokens are random, so SQL can no longer compare, search or sort
these columns: such a comparison raises instead of silently matching nothing. The one lookup the
app needs (an order by the phone's last four digits) goes through a blind index column: a keyed
HMAC of those digits, kept up to date by mapper events whenever the phone is written.

Both kinds of column are found from the schema (``sealed_columns``, ``blind_index_columns``), so
key rotation and tests cover a new personal field without being told about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Column, Connection, String, Table, Text, event, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import MappedColumn, Mapper, mapped_column
from sqlalchemy.sql import FromClause, operators
from sqlalchemy.types import TypeDecorator

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.errors import ConfigError

#: ``Column.info`` key naming the sealed column a blind index is computed from.
BLIND_INDEX_OF = "blind_index_of"
#: ``Column.info`` key naming how the source value is normalised before hashing (see ``NORMALISERS``).
NORMALISED_BY = "normalised_by"


def phone_last_four(phone: str | None) -> str | None:
    """The last four digits of a phone number (what a customer is asked to confirm), or None."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else None


#: How an indexed value is reduced before hashing; the index holds ``blind_index(normalised)``.
NORMALISERS: dict[str, Callable[[str | None], str | None]] = {"phone_last4": phone_last_four}


def keys_of(dialect: Dialect) -> StoreKeys:
    """The keys ``Database.bind_keys`` attached to this engine's dialect."""
    keys: StoreKeys | None = getattr(dialect, "desktop_app_keys", None)
    if keys is None:
        raise ConfigError("The store's key is not loaded, so personal data cannot be read or written.",
                          message_zh="未加载数据库密钥，无法读写个人信息。")
    return keys


class SealedText(TypeDecorator[str]):
    """Text stored as a Fernet token (ASCII), read back as the original string.

    TEXT on every backend: a token is about 1.4 times the UTF-8 size of the plain text plus
    ~100 characters, so the plain column's VARCHAR length would not hold it on PostgreSQL.
    """

    impl = Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator[str]):
        """Only NULL tests are meaningful on random tokens; anything else is a bug, so it raises."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in (operators.is_, operators.is_not):
                return super().operate(op, *other, **kwargs)
            raise TypeError(f"{self.expr} is encrypted at rest: SQL cannot compare or search it "
                            "(use its blind index, or filter in Python)")

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            return self.operate(op, other, **kwargs)

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keys_of(dialect).cipher.encrypt(value).decode("ascii")

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keys_of(dialect).cipher.decrypt(value.encode("ascii") if isinstance(value, str) else bytes(value))

    @property
    def python_type(self) -> type[str]:
        return str


def blind_index_of(source: str, normalised_by: str) -> MappedColumn[str | None]:
    """A blind index column: ``keys.blind_index(NORMALISERS[normalised_by](<source>))``, or NULL when
    the source has nothing to index. Kept up to date by ``maintain_blind_indexes``."""
    return mapped_column(String(32), index=True, nullable=True,
                         info={BLIND_INDEX_OF: source, NORMALISED_BY: normalised_by})


def sealed_columns(table: FromClause) -> list[str]:
    """The names of the table's ``SealedText`` columns (also the mapped attributes' names: the schema
    never renames a column)."""
    return [c.key for c in table.columns if isinstance(c.type, SealedText)]


def blind_index_columns(table: Table) -> list[Column[Any]]:
    """The table's blind index columns (``info[BLIND_INDEX_OF]`` names the sealed source column)."""
    return [c for c in table.columns if BLIND_INDEX_OF in c.info]


def blind_index_value(keys: StoreKeys, index_column: Column[Any], source_value: str | None) -> str | None:
    """What ``index_column`` must hold for this plain source value (None when nothing to index)."""
    normalised = NORMALISERS[index_column.info[NORMALISED_BY]](source_value)
    return None if normalised is None else keys.blind_index(normalised)


def _refresh(mapper: Mapper[Any], connection: Connection, target: Any, *, changed_only: bool) -> None:
    columns = [cast("Column[Any]", c) for c in mapper.local_table.columns if BLIND_INDEX_OF in c.info]
    if not columns:
        return
    keys = keys_of(connection.dialect)
    state = inspect(target)
    for column in columns:
        source = column.info[BLIND_INDEX_OF]
        if changed_only and not state.attrs[source].history.has_changes():
            continue
        setattr(target, column.key, blind_index_value(keys, column, getattr(target, source)))


def _before_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _refresh(mapper, connection, target, changed_only=False)


def _before_update(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _refresh(mapper, connection, target, changed_only=True)


def maintain_blind_indexes(base: type[Any]) -> None:
    """Recompute every blind index of a mapped class from its source whenever a row is inserted
    or its source column changes (bulk Core UPDATEs bypass this: write the index with them)."""
    event.listen(base, "before_insert", _before_insert, propagate=True)
    event.listen(base, "before_update", _before_update, propagate=True)
