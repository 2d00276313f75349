"""The human-handoff queue and complaint records.

The queue is ordered by rule priority, then waiting time (``desk_queue``, ``desk_priority``): the
dialogue's observations travel with the summary (``HandoffBrief``) and are kept on the ticket's desk
row; the priority a caller passes is not trusted for the order. Summaries and complaint texts are
encrypted like every other piece of conversation text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.desk_priority import band
from desktop_app.service.desk_queue import entry_for, position_of, ranked
from desktop_app.service.desk_types import HandoffBrief, HandoffSignals, QueueEntry
from desktop_app.service.types import ComplaintTopic, ComplaintView, Priority, TicketView
from desktop_app.store.db import Database
from desktop_app.store.schema import Complaint, Customer, DeskTicket, HandoffTicket, Order

log = logging.getLogger(__name__)

HANDOFF_REASONS = frozenset(
    {"customer_request", "angry", "anxious", "repeated_failure", "complaint", "verification_failed", "other",
     "damaged_parcel", "wrong_item", "lost_parcel"}
)


class HandoffService:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher,
                 publish: Callable[[int], None] | None = None) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher
        #: Tells the desk a ticket changed (PostgreSQL ``NOTIFY``: agents' consoles on other
        #: machines refresh their queue at once instead of on their next poll).
        self._publish = publish or (lambda _ticket_id: None)

    def open_ticket(self, *, reason: str, priority: Priority, summary: str | HandoffBrief = "",
                    customer_code: str | None = None, order_number: str | None = None,
                    conversation_id: int | None = None) -> TicketView:
        """Queue a ticket. ``priority`` is the caller's wish (a form lets the customer pick one): it is
        logged, not used; the queue's priority comes from the rules over ``summary.signals``."""
        if reason not in HANDOFF_REASONS:
            raise InvalidInput(f"Unknown handoff reason {reason!r}.", message_zh="未知的转人工原因。")
        brief = summary if isinstance(summary, HandoffBrief) else HandoffBrief(summary, HandoffSignals())
        lines = (clean_text(line, max_chars=2000, normalize=False) for line in brief.text.splitlines())
        text = "\n".join(line for line in lines if line)[:2000]  # the summary's lines stay lines
        sig = brief.signals
        with self._db.session() as s:
            ticket = HandoffTicket(
                conversation_id=conversation_id,
                customer_id=self._customer_id(s, customer_code),
                order_id=self._order_id(s, order_number),
                priority=int(Priority.NORMAL),
                reason=reason,
                summary_encrypted=self._cipher.encrypt(text) if text else None,
                status="queued",
                created_at=self._clock.now(),
            )
            s.add(ticket)
            s.flush()
            s.add(DeskTicket(ticket_id=ticket.id, angry_turns=sig.angry_turns, peak_anger=sig.peak_anger,
                             escalation=sig.escalation, failed_turns=sig.failed_turns, order_late=sig.order_late,
                             intents=",".join(sig.intents)[:400]))
            s.flush()
            entry = entry_for(s, ticket, self._clock.now(), 0)
            ticket.priority = int(band(entry.score.points))
            log.info("handoff ticket %d queued (%d points, asked %s, %s)", ticket.id, entry.score.points,
                     priority.name, reason)
            view = self._view(s, ticket, order_number)
        self._publish(view.ticket_id)  # once committed: a woken console must find it
        return view

    def queue(self) -> tuple[TicketView, ...]:
        return tuple(self._ticket_view(e) for e in self.ranked())

    def ranked(self) -> tuple[QueueEntry, ...]:
        """The waiting tickets with their points and the reasons for them, in the order agents take them."""
        with self._db.session() as s:
            return tuple(ranked(s, self._clock.now()))

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
        self._publish(ticket_id)

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
        return TicketView(ticket.id, Priority(ticket.priority), ticket.reason, ticket.status, ticket.created_at,
                          f"…{order_number[-4:]}" if order_number else None,
                          position_of(s, ticket.id, self._clock.now()))

    @staticmethod
    def _ticket_view(e: QueueEntry) -> TicketView:
        return TicketView(e.ticket_id, band(e.score.points), e.reason, e.state.value, e.created_at, e.order_tail,
                          e.position)
