"""Reading the human queue: tickets ranked by rule priority then waiting time, and the estimated wait.

Shared by the handoff service (the customer's position when a ticket opens) and the agents' desk
(the console's queue, the customer's live position), so both always agree on the order. The
estimate divides the people ahead by the agents on duty and multiplies by the median handling
time of closed tickets; with none closed yet it states that it assumed ``DEFAULT_HANDLING_S``.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.service.desk_priority import TicketFacts, score
from desktop_app.service.desk_types import QueueEntry, TicketState, WaitEstimate
from desktop_app.store.schema import Agent, DeskTicket, HandoffTicket, Order

#: Handling time assumed until the first ticket is closed (stated to the customer as an assumption).
DEFAULT_HANDLING_S = 360.0
#: Closed tickets the median is taken over (the most recent).
HANDLING_SAMPLE = 200
#: An agent seen (signed in, polling) this recently is on duty.
ON_DUTY = timedelta(minutes=5)
OPEN_STATES = (TicketState.QUEUED.value, TicketState.TAKEN.value)


def desk_row(s: Session, ticket_id: int) -> DeskTicket:
    """The ticket's desk row, made for a ticket opened before the desk existed. Only called by the
    agent who just won the ticket (``AgentDesk.take``), so two sessions never make it at once."""
    row = s.get(DeskTicket, ticket_id)
    if row is None:
        row = DeskTicket(ticket_id=ticket_id, angry_turns=0, peak_anger=0.0, escalation=0, failed_turns=0,
                         order_late=False, intents="")
        s.add(row)
        s.flush()
    return row


def entry_for(s: Session, ticket: HandoffTicket, now: datetime, position: int, agent_name: str | None = None,
              order_total: int | None = None, order_number: str | None = None) -> QueueEntry:
    desk = s.get(DeskTicket, ticket.id)
    if ticket.order_id is not None and order_number is None:
        order_total, order_number = s.execute(select(Order.total_fen, Order.order_number)
                                              .where(Order.id == ticket.order_id)).one()
    earlier = _earlier_contacts(s, ticket)
    waited = max(0.0, (now - ticket.created_at).total_seconds())
    if desk is None:  # a ticket opened before the desk existed: no signals recorded
        facts = TicketFacts(ticket.reason, 0, 0.0, 0, 0, (), False, order_total, earlier, waited)
    else:
        facts = TicketFacts(ticket.reason, desk.angry_turns, desk.peak_anger, desk.escalation, desk.failed_turns,
                            tuple(i for i in desk.intents.split(",") if i), desk.order_late, order_total, earlier,
                            waited)
    return QueueEntry(ticket.id, TicketState(ticket.status), ticket.reason, ticket.created_at, waited, score(facts),
                      position, f"…{order_number[-4:]}" if order_number else None, agent_name,
                      desk is not None and desk.callback_at is not None, ticket.customer_id is not None,
                      desk.agent_id if desk is not None else None)


def ranked(s: Session, now: datetime, states: tuple[str, ...] = (TicketState.QUEUED.value,)) -> list[QueueEntry]:
    """Tickets in ``states``, highest points first, then the longest waiting; positions count the queued."""
    rows = s.execute(
        select(HandoffTicket, Order.total_fen, Order.order_number, Agent.display_name)
        .outerjoin(Order, Order.id == HandoffTicket.order_id)
        .outerjoin(DeskTicket, DeskTicket.ticket_id == HandoffTicket.id)
        .outerjoin(Agent, Agent.id == DeskTicket.agent_id)
        .where(HandoffTicket.status.in_(states))
    ).all()
    entries = [entry_for(s, t, now, 0, name, total, number) for t, total, number, name in rows]
    entries.sort(key=lambda e: (e.state != TicketState.QUEUED, -e.score.points, e.created_at, e.ticket_id))
    out, position = [], 0
    for e in entries:
        position += e.state == TicketState.QUEUED
        out.append(QueueEntry(e.ticket_id, e.state, e.reason, e.created_at, e.waited_s, e.score,
                              position if e.state == TicketState.QUEUED else 0, e.order_tail, e.agent_name,
                              e.has_callback, e.customer_known, e.agent_id))
    return out


def position_of(s: Session, ticket_id: int, now: datetime) -> int:
    """1-based place in the queue (0 when the ticket is not waiting)."""
    return next((e.position for e in ranked(s, now) if e.ticket_id == ticket_id), 0)


def handling_seconds(s: Session) -> tuple[float, bool]:
    """Median seconds from take to close over recent closed tickets, and whether it was measured."""
    rows = s.execute(select(DeskTicket.taken_at, DeskTicket.closed_at)
                     .where(DeskTicket.taken_at.is_not(None), DeskTicket.closed_at.is_not(None))
                     .order_by(DeskTicket.closed_at.desc()).limit(HANDLING_SAMPLE)).all()
    spans = [(closed - taken).total_seconds() for taken, closed in rows if taken and closed and closed >= taken]
    if not spans:
        return DEFAULT_HANDLING_S, False
    return max(30.0, statistics.median(spans)), True


def estimate(s: Session, now: datetime, position: int) -> WaitEstimate:
    per_ticket, measured = handling_seconds(s)
    on_duty = s.scalar(select(func.count()).select_from(Agent).where(
        Agent.active.is_(True), Agent.last_seen_at.is_not(None), Agent.last_seen_at >= now - ON_DUTY)) or 0
    servers = max(1, on_duty)
    minutes = math.ceil(max(1, position) / servers * per_ticket / 60)
    return WaitEstimate(position, minutes, measured, per_ticket)


def _earlier_contacts(s: Session, ticket: HandoffTicket) -> int:
    """Handoffs before this one by the same customer or about the same order."""
    same = []
    if ticket.customer_id is not None:
        same.append(HandoffTicket.customer_id == ticket.customer_id)
    if ticket.order_id is not None:
        same.append(HandoffTicket.order_id == ticket.order_id)
    if not same:
        return 0
    return s.scalar(select(func.count()).select_from(HandoffTicket)
                    .where(HandoffTicket.id < ticket.id, or_(*same))) or 0
