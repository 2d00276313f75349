"""Human agents: adding them, listing them, and signing in with a PIN.

The PIN is kept only as a salted scrypt hash (slow on purpose: a copied database does not give the
PINs away cheaply), and wrong PINs are counted in the store, not in the process, so every desk of
a chain shares one lockout: five wrong PINs lock the agent for fifteen minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.core.clock import Clock
from desktop_app.core.errors import AccessDenied, InvalidInput, NotFound
from desktop_app.service.desk_types import AgentRole, AgentView, SignInLocked
from desktop_app.store.db import Database
from desktop_app.store.schema import Agent, DeskEvent

log = logging.getLogger(__name__)

MIN_PIN_DIGITS = 6
MAX_PIN_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
#: scrypt cost: ~50 ms and 16 MiB per check on a laptop.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")


def hash_pin(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32).hex()


def check_pin_strength(pin: str) -> None:
    """At least six digits, not one digit repeated and not a run such as 123456 or 654321."""
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        raise InvalidInput(f"A PIN is at least {MIN_PIN_DIGITS} digits.", message_zh=f"PIN 至少 {MIN_PIN_DIGITS} 位数字。")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise InvalidInput("That PIN is too easy to guess.", message_zh="该 PIN 太容易被猜到。")


def _view(a: Agent) -> AgentView:
    return AgentView(a.id, a.code, a.display_name, AgentRole(a.role), a.capacity, a.active)


class AgentAccounts:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def add(self, code: str, *, name: str, role: AgentRole, pin: str, capacity: int = 3) -> AgentView:
        if not _CODE.match(code):
            raise InvalidInput("An agent id is 2-32 letters, digits, '-' or '_'.",
                               message_zh="坐席工号为 2-32 位字母、数字、“-”或“_”。")
        name = name.strip()
        if not name or len(name) > 64:
            raise InvalidInput("A display name is 1-64 characters.", message_zh="显示名称为 1-64 个字符。")
        if not 1 <= capacity <= 20:
            raise InvalidInput("Capacity is 1 to 20 conversations.", message_zh="同时接待数为 1 到 20。")
        check_pin_strength(pin)
        salt = secrets.token_bytes(16)
        try:
            with self._db.session() as s:
                agent = Agent(code=code, display_name=name, role=role.value, pin_hash=hash_pin(pin, salt),
                              pin_salt=salt.hex(), capacity=capacity, active=True, failed_pins=0,
                              created_at=self._clock.now())
                s.add(agent)
                s.flush()
                s.add(DeskEvent(agent_id=agent.id, action="agent_added", detail=role.value, at=self._clock.now()))
                log.info("agent %d added (%s)", agent.id, role.value)
                return _view(agent)
        except IntegrityError:
            raise InvalidInput(f"Agent {code} already exists.", message_zh=f"坐席 {code} 已存在。") from None

    def agents(self) -> tuple[AgentView, ...]:
        with self._db.session() as s:
            return tuple(_view(a) for a in s.scalars(select(Agent).order_by(Agent.code)))

    def get(self, agent_id: int) -> AgentView:
        with self._db.session() as s:
            agent = s.get(Agent, agent_id)
            if agent is None:
                raise NotFound("No such agent.", message_zh="没有该坐席。")
            return _view(agent)

    def sign_in(self, code: str, pin: str) -> AgentView:
        """The agent, or AccessDenied (wrong id or PIN, one message for both) / SignInLocked."""
        now = self._clock.now()
        with self._db.session() as s:
            agent = s.scalar(select(Agent).where(Agent.code == code).with_for_update())
            if agent is None or not agent.active:
                hash_pin(pin, b"\0" * 16)  # the same cost either way: timing does not tell which ids exist
                raise AccessDenied("Wrong agent id or PIN.", message_zh="工号或 PIN 不正确。")
            if agent.locked_until is not None and agent.locked_until > now:
                minutes = max(1, int((agent.locked_until - now).total_seconds() // 60) + 1)
                raise SignInLocked(f"Too many wrong PINs; try again in {minutes} min.",
                                   message_zh=f"PIN 错误次数过多，请 {minutes} 分钟后再试。")
            if not hmac.compare_digest(hash_pin(pin, bytes.fromhex(agent.pin_salt)), agent.pin_hash):
                agent.failed_pins += 1
                left = MAX_PIN_FAILURES - agent.failed_pins
                s.add(DeskEvent(agent_id=agent.id, action="sign_in_failed", detail=f"failures={agent.failed_pins}",
                                at=now))
                if left <= 0:
                    agent.locked_until, agent.failed_pins = now + LOCKOUT, 0
                    log.warning("agent %d locked after %d wrong PINs", agent.id, MAX_PIN_FAILURES)
                    denied: AccessDenied = SignInLocked(
                        f"Too many wrong PINs; locked for {LOCKOUT.seconds // 60} min.",
                        message_zh=f"PIN 错误次数过多，已锁定 {LOCKOUT.seconds // 60} 分钟。")
                else:
                    denied = AccessDenied(f"Wrong agent id or PIN ({left} tries left).",
                                          message_zh=f"工号或 PIN 不正确（还可尝试 {left} 次）。")
                s.commit()  # the count must survive the error below
                raise denied
            agent.failed_pins, agent.locked_until, agent.last_seen_at = 0, None, now
            s.add(DeskEvent(agent_id=agent.id, action="sign_in", at=now))
            return _view(agent)

    def set_active(self, supervisor: AgentView, code: str, active: bool) -> None:
        require_supervisor(supervisor)
        with self._db.session() as s:
            agent = s.scalar(select(Agent).where(Agent.code == code))
            if agent is None:
                raise NotFound(f"No agent {code}.", message_zh=f"没有坐席 {code}。")
            agent.active = active
            s.add(DeskEvent(agent_id=supervisor.agent_id, action="agent_" + ("enabled" if active else "disabled"),
                            detail=code, at=self._clock.now()))


def require_supervisor(agent: AgentView) -> None:
    if not agent.is_supervisor:
        raise AccessDenied("Only a supervisor can do that.", message_zh="只有主管可以进行此操作。")
