"""Data-subject rights and retention: export one customer's data, delete it, purge old conversations.

Deleting a customer keeps their orders for the merchant's accounts (tax law requires it) but
strips every personal field from them; everything else about the person is removed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Delete, delete, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.config import RANGES
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.store.db import Database
from desktop_app.store.schema import (
    BrowsingEvent,
    Complaint,
    Conversation,
    ConversationOrder,
    CouponUse,
    Customer,
    DeskTicket,
    HandoffTicket,
    InstallationBooking,
    Invoice,
    Message,
    NluReviewItem,
    Order,
    OrderChange,
    OrderItem,
    PriceProtectionClaim,
    Refund,
    RestockAlert,
    ReturnRequest,
    WarrantyTicket,
)
from desktop_app.store.sealed import sealed_columns

log = logging.getLogger(__name__)
ERASED = "[erased]"

#: Every table that holds data about a customer, directly or through their orders, order items and
#: conversations. Export and delete below handle each; a test fails when the schema gains a table
#: linked to a customer that is not listed here (and so not handled).
COVERED_TABLES = frozenset({
    "customers", "browsing_events", "orders", "order_items", "logistics_events", "return_requests",
    "conversations", "messages", "handoff_tickets", "complaints", "refunds", "order_changes", "invoices",
    "price_protection_claims", "coupon_uses", "warranty_tickets", "installation_bookings", "restock_alerts",
    "conversation_orders", "desk_tickets",  # desk_tickets: deleted with its handoff ticket (cascade)
    "nlu_review_items",  # her words in the assistant's review queue: listed, and deleted with her messages
})


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
            order_ids = [o.id for o in orders]
            convs = s.scalars(select(Conversation).where(_hers(Conversation, c, order_ids))
                              .order_by(Conversation.id)).all()
            views = s.scalars(select(BrowsingEvent).where(BrowsingEvent.customer_id == c.id)).all()
            complaints = s.scalars(select(Complaint).where(_hers(Complaint, c, order_ids))).all()
            tickets = s.scalars(select(HandoffTicket).where(_hers(HandoffTicket, c, order_ids))).all()
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
                "nlu_review_items": self._review_items(s, [cv.id for cv in convs]),
                "complaints": [{"topic": x.topic, "created_at": x.created_at.isoformat(),
                                "text": self._cipher.decrypt(x.text_encrypted) if x.text_encrypted else ""}
                               for x in complaints],
                "handoff_tickets": [{"reason": t.reason, "priority": t.priority, "status": t.status,
                                     "created_at": t.created_at.isoformat(),
                                     "summary": self._text(t.summary_encrypted), **self._desk(s, t.id)}
                                    for t in tickets],
                **self._after_sales(s, c, [o.id for o in orders]),
            }

    @staticmethod
    def _review_items(s: Session, conversation_ids: list[int]) -> list[dict[str, Any]]:
        """Her turns in the review queue (``service.nlu_review``): the words, and what became of them."""
        said = select(Message.id).where(Message.conversation_id.in_(conversation_ids))
        items = s.scalars(select(NluReviewItem).where(NluReviewItem.message_id.in_(said)).order_by(NluReviewItem.id))
        return [{"text": i.text, "source": i.source, "predicted_intent": i.predicted_intent,
                 "suggested_intent": i.suggested_intent, "status": i.status, "final_intent": i.final_intent,
                 "created_at": i.created_at.isoformat()} for i in items]

    def _desk(self, s: Session, ticket_id: int) -> dict[str, Any]:
        """What the agents' desk holds about the ticket: the callback number she left, the agent's note."""
        desk = s.get(DeskTicket, ticket_id)
        if desk is None:
            return {}
        return {"callback_phone": desk.callback_phone, "resolution": desk.resolution_code,
                "agent_note": self._text(desk.note_encrypted),
                "closed_at": desk.closed_at.isoformat() if desk.closed_at else None}

    def _text(self, token: bytes | None) -> str:
        return self._cipher.decrypt(token) if token else ""

    def _after_sales(self, s: Session, c: Customer, order_ids: list[int]) -> dict[str, Any]:
        """The after-sales records tied to the customer's orders and items, decrypted."""
        numbers = {o.id: o.order_number for o in s.scalars(select(Order).where(Order.id.in_(order_ids)))}
        item_ids = list(s.scalars(select(OrderItem.id).where(OrderItem.order_id.in_(order_ids))))

        def by_order(model: Any) -> list[Any]:
            return list(s.scalars(select(model).where(model.order_id.in_(order_ids)).order_by(model.id)))

        def by_item(model: Any) -> list[Any]:
            return list(s.scalars(select(model).where(model.order_item_id.in_(item_ids)).order_by(model.id)))

        return {
            "return_requests": [{"item_id": r.order_item_id, "kind": r.kind, "reason": r.reason_code,
                                 "status": r.status, "created_at": r.created_at.isoformat()}
                                for r in by_item(ReturnRequest)],
            "refunds": [{"order_number": numbers[r.order_id], "source": r.source, "amount_fen": r.amount_fen,
                         "channel": r.channel, "status": r.status, "created_at": r.created_at.isoformat()}
                        for r in by_order(Refund)],
            "order_changes": [{"order_number": numbers[x.order_id], "kind": x.kind, "status": x.status,
                               "detail": self._text(x.detail_encrypted), "created_at": x.created_at.isoformat()}
                              for x in by_order(OrderChange)],
            "invoices": [{"order_number": numbers[i.order_id], "kind": i.kind, "title": self._text(i.title_encrypted),
                          "tax_id": i.tax_id, "email": self._text(i.email_encrypted), "amount_fen": i.amount_fen,
                          "status": i.status, "created_at": i.created_at.isoformat()} for i in by_order(Invoice)],
            "price_protection_claims": [{"item_id": p.order_item_id, "refund_fen": p.refund_fen,
                                         "created_at": p.created_at.isoformat()} for p in by_item(PriceProtectionClaim)],
            "warranty_tickets": [{"item_id": w.order_item_id, "problem": self._text(w.problem_encrypted),
                                  "status": w.status, "created_at": w.created_at.isoformat()}
                                 for w in by_item(WarrantyTicket)],
            "installation_bookings": [{"item_id": b.order_item_id, "slot_start": b.slot_start.isoformat(),
                                       "status": b.status} for b in by_item(InstallationBooking)],
            "coupon_uses": [{"coupon_id": u.coupon_id, "used_at": u.used_at.isoformat()}
                            for u in s.scalars(select(CouponUse).where(CouponUse.customer_id == c.id))],
            "restock_alerts": [{"product_id": a.product_id, "created_at": a.created_at.isoformat()}
                               for a in s.scalars(select(RestockAlert).where(RestockAlert.customer_id == c.id))],
        }

    def delete_customer(self, customer_code: str) -> dict[str, int]:
        with self._db.session() as s:
            c = self._customer(s, customer_code)
            orders = s.scalars(select(Order).where(Order.customer_id == c.id)).all()
            order_ids = [o.id for o in orders]
            # Hers too: what was said about her orders at a kiosk, and the tickets and complaints it led to.
            conversations = s.scalars(select(Conversation).where(_hers(Conversation, c, order_ids))).all()
            counts = {
                "conversations": len(conversations),
                "browsing_events": _deleted(s, delete(BrowsingEvent).where(BrowsingEvent.customer_id == c.id)),
                "complaints": _deleted(s, delete(Complaint).where(_hers(Complaint, c, order_ids))),
                "handoff_tickets": _deleted(s, delete(HandoffTicket).where(_hers(HandoffTicket, c, order_ids))),
            }
            # The review queue hangs off her messages (ON DELETE CASCADE); removed explicitly to count it.
            said = select(Message.id).where(Message.conversation_id.in_([cv.id for cv in conversations]))
            counts["nlu_review_items"] = _deleted(s, delete(NluReviewItem).where(NluReviewItem.message_id.in_(said)))
            for conv in conversations:
                s.delete(conv)
            item_ids = list(s.scalars(select(OrderItem.id).where(OrderItem.order_id.in_(order_ids))))
            # Kept for the accounts, stripped of what identifies the person: addresses they gave,
            # invoice titles and e-mails, the words describing a fault.
            for change in s.scalars(select(OrderChange).where(OrderChange.order_id.in_(order_ids))):
                change.detail_encrypted = None
            for invoice in s.scalars(select(Invoice).where(Invoice.order_id.in_(order_ids))):
                invoice.title_encrypted, invoice.email_encrypted = self._cipher.encrypt(ERASED), None
                invoice.tax_id = None
            for ticket in s.scalars(select(WarrantyTicket).where(WarrantyTicket.order_item_id.in_(item_ids))):
                ticket.problem_encrypted = None
            counts["coupon_uses"] = _deleted(s, delete(CouponUse).where(CouponUse.customer_id == c.id))
            counts["restock_alerts"] = _deleted(s, delete(RestockAlert).where(RestockAlert.customer_id == c.id))
            for o in orders:  # every encrypted personal field of the order, whatever the schema adds
                o.customer_id = None
                for name in sealed_columns(Order.__table__):
                    setattr(o, name, ERASED)
            counts["orders_anonymised"] = len(orders)
            s.delete(c)
        log.info("deleted customer data: %s", counts)
        return counts

    def purge_conversations(self, older_than_days: int, *, now: datetime | None = None) -> int:
        """Retention: drop conversations (and their messages) started before the cut-off.

        ``now`` is the real time (``app.build_app`` passes the system clock): the demo store's clock
        restarts at the same moment on every start, so measured against it alone nothing would ever
        grow old. The later of the two is used, so a store whose clock runs ahead of the calendar
        keeps purging as before. A period outside 1 day .. 10 years is refused before anything is
        deleted: ``-1`` would otherwise put the cut-off in the future and purge everything.
        """
        low, high = RANGES["retention_days"]
        if isinstance(older_than_days, bool) or not isinstance(older_than_days, int) \
                or not low <= older_than_days <= high:
            raise InvalidInput(f"The retention period must be {low:g} to {high:g} days, got {older_than_days!r}.",
                               message_zh=f"保留期限须为 {low:g} 到 {high:g} 天，实际为 {older_than_days!r}。")
        store_now = self._clock.now()
        cutoff = (max(now, store_now) if now is not None else store_now) - timedelta(days=older_than_days)
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


def _hers(model: Any, c: Customer, order_ids: list[int]) -> ColumnElement[bool]:
    """Rows about this customer: keyed by her, about one of her orders, or (conversations) where
    she proved an order was hers, or (tickets) raised from such a conversation."""
    proven = select(ConversationOrder.conversation_id).where(ConversationOrder.order_id.in_(order_ids))
    if model is Conversation:
        return or_(Conversation.customer_id == c.id, Conversation.id.in_(proven))
    clauses = [model.customer_id == c.id, model.order_id.in_(order_ids)]
    if model is HandoffTicket:
        clauses.append(HandoffTicket.conversation_id.in_(proven))
    return or_(*clauses)


def _deleted(s: Session, statement: Delete) -> int:
    """Rows a bulk DELETE removed (the ORM runs DML through a cursor, whose result counts them)."""
    result = s.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount
