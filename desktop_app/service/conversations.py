"""Conversation records: every turn stored encrypted, with intent, confidence and outcome.

The outcome column is what the merchant's resolution rate is computed from; the text itself is
only readable with the key file, never from the database alone. A turn the assistant was unsure of
joins the review queue (``service.nlu_review``) in the same transaction as the turn itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.nlu_review import is_low_confidence, low_confidence_item
from desktop_app.service.types import Outcome
from desktop_app.store.db import Database
from desktop_app.store.schema import Conversation, ConversationOrder, Customer, Message, Order

ROLES = frozenset({"customer", "assistant", "agent"})


@dataclass(frozen=True)
class StoredMessage:
    role: str
    text: str
    intent: str | None
    confidence: float | None
    outcome: str | None
    created_at: datetime


class ConversationStore:
    def __init__(self, db: Database, clock: Clock, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._cipher = cipher

    def start(self, *, channel: str, language: str, customer_code: str | None = None) -> tuple[int, str]:
        """Open a conversation; returns (id, opaque session key)."""
        with self._db.session() as s:
            customer_id = None
            if customer_code:
                customer_id = s.scalar(select(Customer.id).where(Customer.code == customer_code))
            conv = Conversation(session_key=uuid.uuid4().hex, customer_id=customer_id, channel=channel,
                                language=language, started_at=self._clock.now())
            s.add(conv)
            s.flush()
            return conv.id, conv.session_key

    def add(self, conversation_id: int, role: str, text: str, *, intent: str | None = None,
            confidence: float | None = None, outcome: Outcome | None = None) -> None:
        if role not in ROLES:
            raise InvalidInput(f"Unknown role {role!r}.")
        with self._db.session() as s:
            if s.get(Conversation, conversation_id) is None:
                raise NotFound("Unknown conversation.")
            s.add(Message(conversation_id=conversation_id, role=role,
                          text_encrypted=self._cipher.encrypt(clean_text(text, max_chars=10_000, normalize=False)),
                          intent=intent, confidence=confidence, outcome=outcome, created_at=self._clock.now()))

    def record_turn(self, conversation_id: int, customer_text: str, reply_text: str, *, intent: str,
                    confidence: float | None, outcome: Outcome | None, rephrased: bool = False) -> None:
        """One turn in one transaction: the customer's words, the reply, and (when the customer had to
        ask again) the previous reply marked as rephrased. One round trip instead of three: on a
        shared PostgreSQL store every statement per turn is paid by every kiosk."""
        now = self._clock.now()
        try:
            self._write_turn(conversation_id, customer_text, reply_text, intent, confidence, outcome, rephrased, now)
        except IntegrityError as exc:  # the conversation was deleted meanwhile (a kiosk visit wiped)
            raise NotFound("Unknown conversation.") from exc

    def _write_turn(self, conversation_id: int, customer_text: str, reply_text: str, intent: str,
                    confidence: float | None, outcome: Outcome | None, rephrased: bool, now: datetime) -> None:
        with self._db.session() as s:
            if rephrased:
                last = s.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                      Message.role == "assistant").order_by(Message.id.desc()).limit(1))
                if last is not None:
                    last.outcome = Outcome.REPHRASED
            words = clean_text(customer_text, max_chars=10_000, normalize=False)
            said = Message(conversation_id=conversation_id, role="customer", created_at=now, intent=intent,
                           confidence=confidence, text_encrypted=self._cipher.encrypt(words))
            s.add_all([
                said,
                Message(conversation_id=conversation_id, role="assistant", created_at=now, intent=intent,
                        outcome=outcome,
                        text_encrypted=self._cipher.encrypt(clean_text(reply_text, max_chars=10_000, normalize=False))),
            ])
            if is_low_confidence(confidence, words):  # a person should look at it: into the review queue
                s.flush()  # the message's id (one more statement, only for the unsure turns)
                s.add(low_confidence_item(said, words, now))

    def link_order(self, conversation_id: int, order_number: str) -> None:
        """Record that this conversation proved ownership of the order: from now on the conversation
        belongs to the order's customer for export and delete, even at a kiosk where nobody signs in."""
        with self._db.session() as s:
            order_id = s.scalar(select(Order.id).where(Order.order_number == order_number))
            if order_id is None or s.get(Conversation, conversation_id) is None:
                return
            if s.get(ConversationOrder, (conversation_id, order_id)) is None:
                s.add(ConversationOrder(conversation_id=conversation_id, order_id=order_id))

    def mark_last_outcome(self, conversation_id: int, outcome: Outcome) -> None:
        """Re-label the latest assistant turn, e.g. "rephrased" when the customer had to ask again."""
        with self._db.session() as s:
            last = s.scalar(select(Message).where(Message.conversation_id == conversation_id,
                                                  Message.role == "assistant").order_by(Message.id.desc()).limit(1))
            if last is not None:
                last.outcome = outcome

    def rate(self, conversation_id: int, rating: int) -> None:
        if not 1 <= rating <= 5:
            raise InvalidInput("A rating is 1 to 5.", message_zh="评分为 1 到 5。")
        with self._db.session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound("Unknown conversation.")
            conv.rating = rating

    def messages(self, conversation_id: int) -> tuple[StoredMessage, ...]:
        with self._db.session() as s:
            rows = s.scalars(select(Message).where(Message.conversation_id == conversation_id)
                             .order_by(Message.id)).all()
            return tuple(StoredMessage(m.role, self._cipher.decrypt(m.text_encrypted), m.intent, m.confidence,
                                       m.outcome, m.created_at) for m in rows)

    def delete(self, conversation_id: int) -> None:
        """Wipe one session (a kiosk's idle timeout ends with this)."""
        with self._db.session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is not None:
                s.delete(conv)
