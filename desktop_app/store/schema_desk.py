"""The agents' desk (schema v3): agents, the desk's side of handoff tickets, the audit trail and quick
replies. Part of the one schema (``store.schema`` re-exports them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.base import Base
from desktop_app.store.sealed import SealedText

# -- the agents' desk (issue 21) ----------------------------------------------------------------
# ``desk_tickets`` points at ``handoff_tickets`` (so at a customer): exported and deleted with the
# customer, its personal fields encrypted. ``desk_events`` keeps a plain ticket id, not a foreign key,
# so the audit trail outlives a deleted customer; it holds ids, codes and masked order tails only.


class Agent(Base):
    """A human agent or supervisor; the PIN is only kept as a salted scrypt hash, and wrong PINs are
    counted here so every desk of the chain shares one lockout."""

    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # agent | supervisor
    #: Hex of scrypt(PIN, salt); hex rather than binary so it is never mistaken for an encrypted column.
    pin_hash: Mapped[str] = mapped_column(String(128))
    pin_salt: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DeskTicket(Base):
    """The desk's side of one handoff ticket: the signals its priority is computed from, who holds it,
    and the times first response and resolution are measured by."""

    __tablename__ = "desk_tickets"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("handoff_tickets.id", ondelete="CASCADE"), primary_key=True)
    angry_turns: Mapped[int] = mapped_column(Integer, default=0)
    peak_anger: Mapped[float] = mapped_column(default=0.0)
    escalation: Mapped[int] = mapped_column(Integer, default=0)
    failed_turns: Mapped[int] = mapped_column(Integer, default=0)
    order_late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Intent names seen in the conversation, comma-separated (vocabulary words, never customer text).
    intents: Mapped[str] = mapped_column(String(400), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True,
                                                 index=True)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolution_code: Mapped[str | None] = mapped_column(String(24), nullable=True)
    note_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    rating_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A number to call back on instead of waiting (personal data: encrypted at rest).
    callback_phone: Mapped[str | None] = mapped_column(SealedText, nullable=True)
    callback_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DeskEvent(Base):
    """One thing an agent did (sign-in, take, message, order action, hand back, close, reply edits)."""

    __tablename__ = "desk_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True,
                                                 index=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class CannedReply(Base):
    """A quick reply (快捷回复) for one topic, in both languages; supervisors edit them."""

    __tablename__ = "canned_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    text_en: Mapped[str] = mapped_column(Text)
    text_zh: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
