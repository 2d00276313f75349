"""The agents' desk: taking a ticket, live messages both ways, handing back, closing, and the
customer's side of the same ticket (position, estimated wait, callback, rating).

Live messages are rows of the conversation (role ``agent`` or ``customer``), so the transcript,
export and delete stay in one place. Both windows poll with a cursor (the newest message id they
have seen) every second or faster; every write also calls ``publish(ticket_id)``, which on
PostgreSQL sends ``NOTIFY desk, '<ticket id>'`` (:mod:`desktop_app.service.desk_notify`), so a
window subscribed through ``notices`` fetches at once instead of on its next tick. A ticket queued or
closed by the customer's side (``HandoffService``) is published the same way, so an agent's queue
shows it at once.

Taking is atomic: one conditional UPDATE moves the ticket from queued to taken, so of two agents
pressing Take at once exactly one wins and the other is told who did. Everything an agent does is
recorded in ``desk_events`` (who, when, what; ids and codes only, never customer text).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.desk_notify import DeskNotices
from desktop_app.service.desk_queue import OPEN_STATES, desk_row, entry_for, estimate, position_of, ranked
from desktop_app.service.desk_types import (
    RESOLUTION_CODES,
    AgentView,
    CustomerUpdate,
    DeskMessage,
    QueueEntry,
    TicketDetail,
    TicketState,
    TicketTaken,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Agent, Conversation, Customer, DeskEvent, DeskTicket, HandoffTicket, Message, Order

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
#: An agent's "last seen" is written at most this often by queue refreshes.
SEEN_EVERY_S = 30

GONE_EN = "This ticket no longer exists (the customer's data may have been deleted)."
GONE_ZH = "该工单已不存在（顾客数据可能已被删除）。"


def record(s: Session, agent_id: int | None, ticket_id: int | None, action: str, detail: str, at: datetime) -> None:
    """One audit row; ``detail`` holds ids, codes and masked order tails only."""
    s.add(DeskEvent(agent_id=agent_id, ticket_id=ticket_id, action=action, detail=detail[:200], at=at))


def ticket_or_gone(s: Session, ticket_id: int) -> HandoffTicket:
    ticket = s.get(HandoffTicket, ticket_id)
    if ticket is None:
        raise NotFound(GONE_EN, message_zh=GONE_ZH)
    return ticket


class AgentDesk:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher,
                 publish: Callable[[int], None] | None = None, notices: DeskNotices | None = None) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher
        #: NOTIFY on every write (PostgreSQL) and the windows' way to be woken by it.
        self.notices = notices or DeskNotices(db)
        self._also = publish

    def _publish(self, ticket_id: int) -> None:
        self.notices.publish(ticket_id)
        if self._also is not None:
            self._also(ticket_id)

    # -- the agent's side ------------------------------------------------------------------

    def queue(self, agent: AgentView) -> tuple[QueueEntry, ...]:
        """Waiting tickets by priority then waiting time, followed by the ones being handled."""
        now = self._clock.now()
        with self._db.session() as s:
            row = s.get(Agent, agent.agent_id)
            if row is not None and (row.last_seen_at is None or (now - row.last_seen_at).total_seconds() >= SEEN_EVERY_S):
                row.last_seen_at = now
            return tuple(ranked(s, now, OPEN_STATES))

    def detail(self, agent: AgentView, ticket_id: int) -> TicketDetail:
        now = self._clock.now()
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            desk = s.get(DeskTicket, ticket_id)
            holder = s.get(Agent, desk.agent_id) if desk is not None and desk.agent_id is not None else None
            position = position_of(s, ticket_id, now) if ticket.status == TicketState.QUEUED else 0
            entry = entry_for(s, ticket, now, position, holder.display_name if holder else None)
            order_number = s.scalar(select(Order.order_number).where(Order.id == ticket.order_id)) \
                if ticket.order_id is not None else None
            code = s.scalar(select(Customer.code).where(Customer.id == ticket.customer_id)) \
                if ticket.customer_id is not None else None
            summary = self._cipher.decrypt(ticket.summary_encrypted) if ticket.summary_encrypted else ""
            messages = self._messages(s, ticket, 0)
            record(s, agent.agent_id, ticket_id, "viewed", "", now)
            return TicketDetail(entry, summary, order_number, code, messages, desk.resolution_code if desk else None)

    def take(self, agent: AgentView, ticket_id: int) -> QueueEntry:
        """Atomic: of several agents taking the same ticket, one wins; the others get ``TicketTaken``."""
        now = self._clock.now()
        with self._db.session() as s:
            moved = s.execute(update(HandoffTicket)
                              .where(HandoffTicket.id == ticket_id, HandoffTicket.status == TicketState.QUEUED.value)
                              .values(status=TicketState.TAKEN.value))
            assert isinstance(moved, CursorResult)
            if moved.rowcount != 1:
                self._refuse_take(s, ticket_id)
            held = s.scalar(select(func.count()).select_from(DeskTicket).join(
                HandoffTicket, HandoffTicket.id == DeskTicket.ticket_id).where(
                DeskTicket.agent_id == agent.agent_id, HandoffTicket.status == TicketState.TAKEN.value)) or 0
            if held >= agent.capacity:
                raise NotEligible(f"You already hold {held} conversations (your capacity is {agent.capacity}).",
                                  message_zh=f"您已在接待 {held} 个会话（上限 {agent.capacity}）。")
            ticket = ticket_or_gone(s, ticket_id)
            desk = desk_row(s, ticket_id)
            desk.agent_id, desk.taken_at = agent.agent_id, now
            if ticket.conversation_id is None:  # opened from a form: give the live messages a conversation
                conv = Conversation(session_key=uuid.uuid4().hex, customer_id=ticket.customer_id, channel="desk",
                                    language="zh", started_at=now)
                s.add(conv)
                s.flush()
                ticket.conversation_id = conv.id
            record(s, agent.agent_id, ticket_id, "take", "", now)
            s.flush()
            log.info("agent %d took ticket %d", agent.agent_id, ticket_id)
            entry = entry_for(s, ticket, now, 0, agent.name)
        self._publish(ticket_id)
        return entry

    def take_next(self, agent: AgentView) -> QueueEntry | None:
        """Auto-assignment: the first waiting ticket this agent can win (skips ones taken meanwhile)."""
        for entry in self.queue(agent):
            if entry.state == TicketState.QUEUED:
                try:
                    return self.take(agent, entry.ticket_id)
                except TicketTaken:
                    continue
        return None

    def send(self, agent: AgentView, ticket_id: int, text: str) -> DeskMessage:
        body = clean_text(text, max_chars=MAX_MESSAGE_CHARS, normalize=False).strip()
        if not body:
            raise InvalidInput("Type a message first.", message_zh="请先输入消息。")
        now = self._clock.now()
        with self._db.session() as s:
            ticket, desk = self._held(s, agent, ticket_id)
            message = Message(conversation_id=ticket.conversation_id, role="agent",
                              text_encrypted=self._cipher.encrypt(body), created_at=now)
            s.add(message)
            if desk.first_response_at is None:
                desk.first_response_at = now
            record(s, agent.agent_id, ticket_id, "message", f"{len(body)} chars", now)
            s.flush()
            sent = DeskMessage(message.id, "agent", body, now)
        self._publish(ticket_id)
        return sent

    def messages_since(self, agent: AgentView, ticket_id: int, after_id: int) -> tuple[DeskMessage, ...]:
        with self._db.session() as s:
            return self._messages(s, ticket_or_gone(s, ticket_id), after_id)

    def hand_back(self, agent: AgentView, ticket_id: int) -> None:
        """The assistant answers the customer again; the ticket leaves the agent's list."""
        now = self._clock.now()
        with self._db.session() as s:
            ticket, desk = self._held(s, agent, ticket_id)
            ticket.status = TicketState.RETURNED.value
            record(s, agent.agent_id, ticket_id, "hand_back", "", now)
        self._publish(ticket_id)

    def close(self, agent: AgentView, ticket_id: int, resolution_code: str, note: str = "") -> None:
        if resolution_code not in RESOLUTION_CODES:
            raise InvalidInput(f"Unknown resolution code {resolution_code!r}.", message_zh="未知的结案代码。")
        body = clean_text(note, max_chars=MAX_MESSAGE_CHARS, normalize=False).strip()
        now = self._clock.now()
        with self._db.session() as s:
            ticket, desk = self._held(s, agent, ticket_id)
            ticket.status = TicketState.CLOSED.value
            desk.closed_at, desk.resolution_code = now, resolution_code
            desk.note_encrypted = self._cipher.encrypt(body) if body else None
            desk.rating_requested = ticket.conversation_id is not None
            record(s, agent.agent_id, ticket_id, "close", resolution_code, now)
            log.info("agent %d closed ticket %d (%s)", agent.agent_id, ticket_id, resolution_code)
        self._publish(ticket_id)

    # -- the customer's side ---------------------------------------------------------------

    def customer_says(self, ticket_id: int, text: str) -> bool:
        """Deliver the customer's text to the agent holding the ticket; False when no agent holds it
        (the assistant answers instead)."""
        body = clean_text(text, max_chars=MAX_MESSAGE_CHARS, normalize=False).strip()
        with self._db.session() as s:
            ticket = s.get(HandoffTicket, ticket_id)
            if ticket is None or ticket.status != TicketState.TAKEN.value or ticket.conversation_id is None or not body:
                return False
            s.add(Message(conversation_id=ticket.conversation_id, role="customer",
                          text_encrypted=self._cipher.encrypt(body), created_at=self._clock.now()))
        self._publish(ticket_id)
        return True

    def poll(self, ticket_id: int, after_id: int = 0) -> CustomerUpdate:
        """The ticket's state for the customer's window, with the agent's messages newer than ``after_id``."""
        now = self._clock.now()
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            desk = s.get(DeskTicket, ticket_id)
            holder = s.get(Agent, desk.agent_id) if desk is not None and desk.agent_id is not None else None
            state = TicketState(ticket.status)
            wait = estimate(s, now, position_of(s, ticket_id, now)) if state == TicketState.QUEUED else None
            new = self._messages(s, ticket, after_id)
            cursor = max([after_id, *(m.message_id for m in new)])
            return CustomerUpdate(ticket_id, state, holder.display_name if holder else None, wait,
                                  tuple(m for m in new if m.role == "agent"), cursor,
                                  bool(desk is not None and desk.rating_requested),
                                  bool(desk is not None and desk.callback_at is not None))

    def leave_callback(self, ticket_id: int, phone: str) -> None:
        """A number to be called back on instead of waiting (stored encrypted; the ticket keeps its place)."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not 7 <= len(digits) <= 15 or len(digits) != len(phone.replace(" ", "").replace("-", "").lstrip("+")):
            raise InvalidInput("Please enter a phone number (7 to 15 digits).", message_zh="请输入 7 到 15 位的电话号码。")
        now = self._clock.now()
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            if ticket.status not in OPEN_STATES:
                raise NotEligible("This conversation has already ended.", message_zh="该会话已结束。")
            desk = desk_row(s, ticket_id)
            desk.callback_phone, desk.callback_at = digits, now
            record(s, None, ticket_id, "callback_left", "", now)
        self._publish(ticket_id)

    def rate(self, ticket_id: int, rating: int) -> None:
        """The customer's rating of the closed conversation (what ``ConversationStore.rate`` stores)."""
        if not 1 <= rating <= 5:
            raise InvalidInput("A rating is 1 to 5.", message_zh="评分为 1 到 5。")
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            conv = s.get(Conversation, ticket.conversation_id) if ticket.conversation_id is not None else None
            if conv is None:
                raise NotFound("Unknown conversation.", message_zh="未找到该会话。")
            conv.rating = rating
            desk = desk_row(s, ticket_id)
            desk.rating_requested = False
            record(s, None, ticket_id, "rated", str(rating), self._clock.now())

    # -- internals -------------------------------------------------------------------------

    def _held(self, s: Session, agent: AgentView, ticket_id: int) -> tuple[HandoffTicket, DeskTicket]:
        ticket = ticket_or_gone(s, ticket_id)
        desk = s.get(DeskTicket, ticket_id)
        if ticket.status != TicketState.TAKEN.value or desk is None or desk.agent_id != agent.agent_id:
            raise AccessDenied("Take the ticket first; it is not yours.", message_zh="请先接单；该工单不在您名下。")
        if ticket.conversation_id is None:
            raise NotFound(GONE_EN, message_zh=GONE_ZH)
        return ticket, desk

    def _refuse_take(self, s: Session, ticket_id: int) -> None:
        ticket = ticket_or_gone(s, ticket_id)
        desk = s.get(DeskTicket, ticket_id)
        holder = s.get(Agent, desk.agent_id) if desk is not None and desk.agent_id is not None else None
        if ticket.status == TicketState.TAKEN.value and holder is not None:
            raise TicketTaken(f"{holder.display_name} has just taken ticket #{ticket_id}.",
                              message_zh=f"工单 #{ticket_id} 已被{holder.display_name}接走。")
        raise TicketTaken(f"Ticket #{ticket_id} is no longer waiting.", message_zh=f"工单 #{ticket_id} 已不在排队中。")

    def _messages(self, s: Session, ticket: HandoffTicket, after_id: int) -> tuple[DeskMessage, ...]:
        if ticket.conversation_id is None:
            return ()
        rows = s.scalars(select(Message).where(Message.conversation_id == ticket.conversation_id,
                                               Message.id > after_id).order_by(Message.id)).all()
        return tuple(DeskMessage(m.id, m.role, self._cipher.decrypt(m.text_encrypted), m.created_at) for m in rows)
