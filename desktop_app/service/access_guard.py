"""Failed ownership checks counted in the store, so guessing is limited across processes and kiosks.

A kiosk has no login: a caller proves an order is theirs with the phone's last four digits, so
10,000 guesses would open any order if nothing stopped them. Counting in memory does not stop them:
every CLI run is a new process and every kiosk its own machine. So each failed check is written to
``access_attempts`` in the one store they all share, under several scopes at once:

* ``order`` - every order the guess was aimed at (the one a full number names, or every order a
  partial number's digits end), so varying the reference does not reset the order's count;
* ``ref`` - the digits given, whether or not an order has them (an unknown number counts exactly
  like a real one, so the count and the lockout cannot tell real numbers apart);
* ``session`` - the chat conversation; ``device`` - this machine (what catches a CLI loop, which
  has no session).

The caller's own scopes (ref, session, device) answer "too many attempts" when locked: they are
keyed by what the caller typed and where, so the answer says nothing about any order. A locked
*order* gives the ordinary "could not verify" answer instead and counts against the caller, as an
unknown number would, so a lockout never reveals that an order exists.

Counting is atomic on SQLite and PostgreSQL: the rows are created if missing, then locked
(``FOR UPDATE``; SQLite's first write takes its database-wide write lock), updated and committed
in one transaction, so concurrent failures are never lost and at most ``max_failures`` checks are
ever evaluated before a lockout, however many processes guess at once.
"""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied
from desktop_app.store.db import Database
from desktop_app.store.schema import AccessAttempt

log = logging.getLogger(__name__)


class ScopeKind(StrEnum):
    ORDER = "order"
    REF = "ref"
    SESSION = "session"
    DEVICE = "device"


#: The caller's own scopes: locked, they answer "too many attempts" (it reveals nothing about orders).
CALLER_SCOPES = (ScopeKind.REF, ScopeKind.SESSION, ScopeKind.DEVICE)


@dataclass(frozen=True)
class LockRule:
    """``max_failures`` within ``window`` of the first → locked for ``lockout``; every further
    ``max_failures`` while the last lockout is remembered (``forget_after`` past its end) doubles
    the lockout, up to ``max_lockout``."""

    max_failures: int
    window: timedelta
    lockout: timedelta
    max_lockout: timedelta
    forget_after: timedelta

    def lockout_for(self, failures: int) -> timedelta | None:
        """The lockout the ``failures``-th failure starts, or None."""
        if failures <= 0 or failures % self.max_failures:
            return None
        level = min(failures // self.max_failures - 1, 20)
        return min(self.lockout * (1 << level), self.max_lockout)


_QUARTER_HOUR, _DAY = timedelta(minutes=15), timedelta(days=1)
#: A person mistypes once or twice; five misses on one order, reference or conversation is guessing.
#: A kiosk serves many people, so the device allows more before it stops everyone there.
DEFAULT_RULES: Mapping[ScopeKind, LockRule] = {
    ScopeKind.ORDER: LockRule(5, _QUARTER_HOUR, _QUARTER_HOUR, _DAY, _DAY),
    ScopeKind.REF: LockRule(5, _QUARTER_HOUR, _QUARTER_HOUR, _DAY, _DAY),
    ScopeKind.SESSION: LockRule(5, _QUARTER_HOUR, _QUARTER_HOUR, _DAY, _DAY),
    ScopeKind.DEVICE: LockRule(20, _QUARTER_HOUR, _QUARTER_HOUR, _DAY, _DAY),
}
#: Rows idle this long (and not remembered for backoff) are deleted, so the table stays small.
PRUNE_AFTER = timedelta(days=2)


class OwnershipNotProven(AccessDenied):
    """The one answer for an unknown order, wrong phone digits and a partial number that matches
    nothing: the same text and type for all, so an answer never tells real order numbers apart."""

    def __init__(self) -> None:
        super().__init__(
            "We could not verify that order with those details. Please check the order number and the last "
            "four digits of the order's phone number.",
            message_zh="无法用您提供的信息核实该订单，请核对订单号和下单手机号后四位。",
        )


class TooManyAttempts(AccessDenied):
    """This conversation, machine or reference has failed too often; nothing is checked until later."""

    code = "too_many_attempts"

    def __init__(self) -> None:
        super().__init__(
            "Too many unsuccessful attempts. Please try again later or ask a staff member.",
            message_zh="验证失败次数过多，请稍后再试或联系工作人员。",
        )


@dataclass(frozen=True)
class Attempt:
    """One ownership check: what was typed (``ref_key``, already hashed), the orders it was aimed at
    and the conversation it came from (None for the CLI and the order form)."""

    ref_key: str
    order_ids: tuple[int, ...] = ()
    session: str | None = None
    #: The reference is the order's full number: a pass clears its count along with the order's.
    exact: bool = False


def device_identity() -> str:
    """A stable id for this machine (host name and machine id, hashed): the same for every process
    on it, so a loop of CLI runs shares one count."""
    parts = [socket.gethostname()]
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            parts.append(Path(path).read_text(encoding="ascii").strip())
            break
        except (OSError, UnicodeDecodeError):
            continue
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _locked(row: AccessAttempt | None, now: datetime) -> bool:
    return row is not None and row.locked_until is not None and row.locked_until > now


class AccessGuard:
    """Records failed ownership checks and refuses callers or orders that failed too often."""

    #: Tries of a transaction that met a lock timeout or deadlock (it is rolled back, so none double-counts).
    RETRIES = 3

    def __init__(self, db: Database, clock: Clock, *, device_id: str,
                 rules: Mapping[ScopeKind, LockRule] = DEFAULT_RULES) -> None:
        self._db = db
        self._clock = clock
        self._device = device_id
        self._rules = dict(rules)

    def scopes(self, attempt: Attempt) -> dict[str, ScopeKind]:
        """The ``access_attempts`` keys this attempt counts against, with their kinds."""
        keys = {f"ref:{attempt.ref_key}": ScopeKind.REF, f"device:{self._device}": ScopeKind.DEVICE}
        if attempt.session:
            keys[f"session:{attempt.session}"] = ScopeKind.SESSION
        keys.update({f"order:{order_id}": ScopeKind.ORDER for order_id in attempt.order_ids})
        return keys

    def settle(self, attempt: Attempt, *, verified: bool) -> bool:
        """Whether the check counts as passed. Raises ``TooManyAttempts`` (recording nothing) when one
        of the caller's scopes is locked; a failure, or a success on a locked order, is counted."""
        scopes = self.scopes(attempt)
        clear = [k for k, kind in scopes.items()
                 if kind == ScopeKind.ORDER or (kind == ScopeKind.REF and attempt.exact)]
        for attempt_no in range(1, self.RETRIES + 1):
            try:
                if verified and self._pass(scopes, clear):
                    return True
                self._fail(scopes)
                return False
            except OperationalError:
                if attempt_no == self.RETRIES:
                    raise
                log.info("access count busy, retrying (%d)", attempt_no)
        raise AssertionError("unreachable")  # pragma: no cover

    def failures(self, scope: str) -> int:
        """The failures counted for a scope key (0 when none): for tests and the operator."""
        with self._db.session() as s:
            row = s.get(AccessAttempt, scope)
            return row.failures if row is not None else 0

    # -- internals ----------------------------------------------------------------------------

    def _pass(self, scopes: dict[str, ScopeKind], clear: Sequence[str]) -> bool:
        """A verified check: refused when a caller scope is locked, not passed when an order is;
        otherwise the orders' own counts are cleared (never the caller's: an attacker must not reset
        them with an order of his own). Writes only when there is a count to clear."""
        now = self._clock.now()
        with self._db.session() as s:
            rows = {r.scope: r for r in s.scalars(select(AccessAttempt).where(AccessAttempt.scope.in_(scopes)))}
            if any(_locked(rows.get(k), now) for k, kind in scopes.items() if kind in CALLER_SCOPES):
                raise TooManyAttempts()
            if any(_locked(rows.get(k), now) for k, kind in scopes.items() if kind == ScopeKind.ORDER):
                return False
            counted = [k for k in clear if k in rows]
            if counted:
                s.execute(delete(AccessAttempt).where(AccessAttempt.scope.in_(counted),
                                                      or_(AccessAttempt.locked_until.is_(None),
                                                          AccessAttempt.locked_until <= now)))
        return True

    def _fail(self, scopes: dict[str, ScopeKind]) -> None:
        now = self._clock.now()
        keys = sorted(scopes)  # one order everywhere: concurrent transactions cannot deadlock
        with self._db.session() as s:
            self._create_missing(s, keys, now)
            rows = {r.scope: r for r in s.scalars(
                select(AccessAttempt).where(AccessAttempt.scope.in_(keys)).order_by(AccessAttempt.scope)
                .with_for_update().execution_options(populate_existing=True))}
            if any(_locked(rows[k], now) for k in keys if scopes[k] in CALLER_SCOPES):
                raise TooManyAttempts()  # rolls back the rows just created: nothing changes
            for key in keys:
                row = rows[key]
                if not _locked(row, now):
                    self._count(row, self._rules[scopes[key]], now)
            self._prune(s, keys, now)
        log.info("ownership check failed (%s)", ", ".join(sorted({k.split(":", 1)[0] for k in keys})))

    @staticmethod
    def _count(row: AccessAttempt, rule: LockRule, now: datetime) -> None:
        remembered = row.locked_until is not None and now < row.locked_until + rule.forget_after
        if row.failures <= 0 or (not remembered and now - row.first_failure_at > rule.window):
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        lockout = rule.lockout_for(row.failures)
        if lockout is not None:
            row.locked_until = now + lockout
            # INFO, never on the console: which scopes locked would tell a real order from an unknown one.
            log.info("%s locked for %d minutes after %d failures", row.scope.split(":", 1)[0],
                     lockout // timedelta(minutes=1), row.failures)

    @staticmethod
    def _create_missing(s: Session, keys: Sequence[str], now: datetime) -> None:
        values: list[dict[str, Any]] = [
            {"scope": k, "failures": 0, "first_failure_at": now, "last_failure_at": now, "locked_until": None}
            for k in keys
        ]
        dialect = s.get_bind().dialect.name
        if dialect == "sqlite":
            s.execute(sqlite_insert(AccessAttempt).values(values).on_conflict_do_nothing(index_elements=["scope"]))
        elif dialect == "postgresql":
            # Imported here: a SQLite store never needs the PostgreSQL dialect (~25 ms of every cold start).
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            s.execute(pg_insert(AccessAttempt).values(values).on_conflict_do_nothing(index_elements=["scope"]))
        else:  # another backend: insert each missing row in a savepoint, a concurrent insert wins
            for value in values:
                try:
                    with s.begin_nested():
                        s.execute(insert(AccessAttempt).values(value))
                except IntegrityError:
                    pass

    @staticmethod
    def _prune(s: Session, keep: Sequence[str], now: datetime) -> None:
        cutoff = now - PRUNE_AFTER
        s.execute(delete(AccessAttempt).where(
            AccessAttempt.scope.not_in(keep), AccessAttempt.last_failure_at < cutoff,
            or_(AccessAttempt.locked_until.is_(None), AccessAttempt.locked_until < cutoff)))
