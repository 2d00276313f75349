"""Data-subject rights and retention: export one customer's data, delete it, purge old conversations.

Deleting a customer keeps their orders for the merchant's accounts (tax law requires it) but
strips every personal field from them; everything else about the person is removed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import CursorResult, Delete, delete, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import NotFound
from desktop_app.store.db import Database
from desktop_app.store.schema import (
    BrowsingEvent,
    Complaint,
    Conversation,
    Customer,
    HandoffTicket,
    Message,
    Order,
)

log = logging.getLogger(__name__)
ERASED = "[erased]"


class PrivacyService:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher

    def export_customer(self, customer_code: str) -> dict[str, Any]:
        """Everything the store holds about one customer, decrypted, as JSON-ready data."""
        with self._db.session() as s:
            c = self._customer(s, customer_code)
            orders = s.scalars(select(Order).where(Order.customer_id == c.id).order_by(Order.placed_at)).all()
            convs = s.scalars(select(Conversation).where(Conversation.customer_id == c.id)).all()
            views = s.scalars(select(BrowsingEvent).where(BrowsingEvent.customer_id == c.id)).all()
            complaints = s.scalars(select(Complaint).where(Complaint.customer_id == c.id)).all()
            tickets = s.scalars(select(HandoffTicket).where(HandoffTicket.customer_id == c.id)).all()
            return {
                "customer": {"code": c.code, "name": c.name, "phone": c.phone, "city": c.city,
                             "address": c.address, "language": c.language, "created_at": c.created_at.isoformat()},
                "orders": [
                    {"order_number": o.order_number, "status": o.status, "placed_at": o.placed_at.isoformat(),
                     "total_fen": o.total_fen, "ship_address": o.ship_address,
                     "items": [{"sku": i.product.sku, "quantity": i.quantity, "unit_price_fen": i.unit_price_fen}
                               for i in o.items]}
                    for o in orders
                ],
                "browsing": [{"product_id": v.product_id, "viewed_at": v.viewed_at.isoformat()} for v in views],
                "conversations": [
                    {"started_at": cv.started_at.isoformat(), "channel": cv.channel,
                     "messages": [{"role": m.role, "text": self._cipher.decrypt(m.text_encrypted),
                                   "at": m.created_at.isoformat()} for m in cv.messages]}
                    for cv in convs
                ],
                "complaints": [{"topic": x.topic, "created_at": x.created_at.isoformat(),
                                "text": self._cipher.decrypt(x.text_encrypted) if x.text_encrypted else ""}
                               for x in complaints],
                "handoff_tickets": [{"reason": t.reason, "priority": t.priority, "status": t.status,
                                     "created_at": t.created_at.isoformat()} for t in tickets],
            }

    def delete_customer(self, customer_code: str) -> dict[str, int]:
        with self._db.session() as s:
            c = self._customer(s, customer_code)
            counts = {
                "conversations": len(s.scalars(select(Conversation.id).where(Conversation.customer_id == c.id)).all()),
                "browsing_events": _deleted(s, delete(BrowsingEvent).where(BrowsingEvent.customer_id == c.id)),
                "complaints": _deleted(s, delete(Complaint).where(Complaint.customer_id == c.id)),
                "handoff_tickets": _deleted(s, delete(HandoffTicket).where(HandoffTicket.customer_id == c.id)),
            }
            for conv in s.scalars(select(Conversation).where(Conversation.customer_id == c.id)).all():
                s.delete(conv)
            orders = s.scalars(select(Order).where(Order.customer_id == c.id)).all()
            for o in orders:
                o.customer_id = None
                o.contact_phone = ERASED
                o.ship_address = ERASED
            counts["orders_anonymised"] = len(orders)
            s.delete(c)
        log.info("deleted customer data: %s", counts)
        return counts

    def purge_conversations(self, older_than_days: int) -> int:
        """Retention: drop conversations (and their messages) started before the cut-off."""
        cutoff = self._clock.now() - timedelta(days=older_than_days)
        with self._db.session() as s:
            old = s.scalars(select(Conversation.id).where(Conversation.started_at < cutoff)).all()
            if old:
                s.execute(delete(Message).where(Message.conversation_id.in_(old)))
                s.execute(delete(Conversation).where(Conversation.id.in_(old)))
        log.info("retention purge removed %d conversations", len(old))
        return len(old)

    @staticmethod
    def _customer(s: Session, code: str) -> Customer:
        customer = s.scalar(select(Customer).where(Customer.code == code.strip().upper()))
        if customer is None:
            raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
        return customer


def _deleted(s: Session, statement: Delete) -> int:
    """Rows a bulk DELETE removed (the ORM runs DML through a cursor, whose result counts them)."""
    result = s.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount
