"""The human-handoff queue and complaint records.

Priority orders the queue (urgent first, then oldest first); summaries and complaint texts are
encrypted like every other piece of conversation text.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.types import ComplaintTopic, ComplaintView, Priority, TicketView
from desktop_app.store.db import Database
from desktop_app.store.schema import Complaint, Customer, HandoffTicket, Order

log = logging.getLogger(__name__)

HANDOFF_REASONS = frozenset(
    {"customer_request", "angry", "anxious", "repeated_failure", "complaint", "verification_failed", "other",
     "damaged_parcel", "wrong_item", "lost_parcel"}
)


class HandoffService:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher

    def open_ticket(self, *, reason: str, priority: Priority, summary: str = "", customer_code: str | None = None,
                    order_number: str | None = None, conversation_id: int | None = None) -> TicketView:
        if reason not in HANDOFF_REASONS:
            raise InvalidInput(f"Unknown handoff reason {reason!r}.", message_zh="未知的转人工原因。")
        text = clean_text(summary, max_chars=2000, normalize=False)
        with self._db.session() as s:
            ticket = HandoffTicket(
                conversation_id=conversation_id,
                customer_id=self._customer_id(s, customer_code),
                order_id=self._order_id(s, order_number),
                priority=int(priority),
                reason=reason,
                summary_encrypted=self._cipher.encrypt(text) if text else None,
                status="queued",
                created_at=self._clock.now(),
            )
            s.add(ticket)
            s.flush()
            log.info("handoff ticket %d queued (priority %s, %s)", ticket.id, priority.name, reason)
            return self._view(s, ticket, order_number)

    def queue(self) -> tuple[TicketView, ...]:
        with self._db.session() as s:
            rows = s.execute(
                select(HandoffTicket, Order.order_number)
                .outerjoin(Order, Order.id == HandoffTicket.order_id)
                .where(HandoffTicket.status == "queued")
                .order_by(HandoffTicket.priority.desc(), HandoffTicket.created_at, HandoffTicket.id)
            ).all()
            return tuple(TicketView(t.id, Priority(t.priority), t.reason, t.status, t.created_at,
                                    f"…{number[-4:]}" if number else None, position)
                         for position, (t, number) in enumerate(rows, start=1))

    def summary(self, ticket_id: int) -> str:
        """The AI's summary for the agent who takes the ticket (decrypted; never logged)."""
        with self._db.session() as s:
            ticket = s.get(HandoffTicket, ticket_id)
            if ticket is None:
                raise NotFound(f"No ticket {ticket_id}.", message_zh="没有该工单。")
            return self._cipher.decrypt(ticket.summary_encrypted) if ticket.summary_encrypted else ""

    def close_ticket(self, ticket_id: int) -> None:
        with self._db.session() as s:
            ticket = s.get(HandoffTicket, ticket_id)
            if ticket is None:
                raise NotFound(f"No ticket {ticket_id}.", message_zh="没有该工单。")
            ticket.status = "closed"

    def file_complaint(self, *, topic: ComplaintTopic, text: str = "", customer_code: str | None = None,
                       order_number: str | None = None) -> ComplaintView:
        body = clean_text(text, max_chars=4000, normalize=False)
        with self._db.session() as s:
            complaint = Complaint(
                customer_id=self._customer_id(s, customer_code),
                order_id=self._order_id(s, order_number),
                topic=topic.value,
                text_encrypted=self._cipher.encrypt(body) if body else None,
                created_at=self._clock.now(),
            )
            s.add(complaint)
            s.flush()
            log.info("complaint %d filed (%s)", complaint.id, topic.value)
            return ComplaintView(complaint.id, topic, complaint.created_at,
                                 f"…{order_number[-4:]}" if order_number else None)

    def complaint_topics(self) -> dict[str, int]:
        with self._db.session() as s:
            rows = s.execute(select(Complaint.topic, func.count()).group_by(Complaint.topic)).all()
            return {topic: count for topic, count in sorted(rows, key=lambda r: -r[1])}

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _customer_id(s: Session, code: str | None) -> int | None:
        if not code:
            return None
        customer_id = s.scalar(select(Customer.id).where(Customer.code == code))
        if customer_id is None:
            raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
        return customer_id

    @staticmethod
    def _order_id(s: Session, number: str | None) -> int | None:
        if not number:
            return None
        order_id = s.scalar(select(Order.id).where(Order.order_number == number))
        if order_id is None:
            raise NotFound("We could not find that order.", message_zh="没有找到该订单。")
        return order_id

    def _view(self, s: Session, ticket: HandoffTicket, order_number: str | None) -> TicketView:
        ahead = s.scalar(
            select(func.count()).select_from(HandoffTicket).where(
                HandoffTicket.status == "queued",
                (HandoffTicket.priority > ticket.priority)
                | ((HandoffTicket.priority == ticket.priority) & (HandoffTicket.id < ticket.id)),
            )
        ) or 0
        return TicketView(ticket.id, Priority(ticket.priority), ticket.reason, ticket.status, ticket.created_at,
                          f"…{order_number[-4:]}" if order_number else None, ahead + 1)
