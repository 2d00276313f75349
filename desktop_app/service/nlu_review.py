"""The review queue through which the assistant learns from people: turns it may have misread.

Two things put a customer's turn in the queue (``nlu_review_items``):

* **low confidence** — ``ConversationStore.record_turn`` enqueues, in the same transaction, a turn
  whose intent confidence was below ``LOW_CONFIDENCE``. The confidence it gets is the fused turn's
  (``fusion.fuse``): for typed words alone that is the intent model's calibrated probability of its
  top intent (0..1; the three calibrated folds averaged), and the dialogue acts on a turn only from
  ``fusion.fuse.DEFAULT_THRESHOLD`` = 0.45 up. Below that the assistant asked the customer to say
  it again, so exactly those turns are the ones worth a person's look (a test keeps the values equal;
  the service layer may not import fusion);
* **an agent's correction** — in the console an agent says "the AI misread this turn: it was
  <intent>" on a customer turn of the ticket's conversation (``correct``).

A supervisor then accepts an item as a training example (with the intent it really was) or rejects
it; ``desktop-app nlu retrain`` learns from the accepted ones (``accepted_examples``).

The customer's words stay sealed (``SealedText``) and are deleted with the message they came from
(``ON DELETE CASCADE``), so a privacy delete or the retention purge takes them along. Nothing here
logs them: log lines and audit rows carry ids, intents and agent codes only.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.agent_accounts import require_supervisor
from desktop_app.service.agent_desk import record, ticket_or_gone
from desktop_app.service.desk_types import AgentView
from desktop_app.store.db import Database
from desktop_app.store.schema import Message, NluReviewItem

log = logging.getLogger(__name__)

#: A turn whose intent confidence is below this goes to the queue (= ``fusion.fuse.DEFAULT_THRESHOLD``).
LOW_CONFIDENCE = 0.45
#: The intent names of ``nlu.types.Intent`` (this layer may not import nlu; a test keeps them equal).
INTENT_NAMES = frozenset({
    "order_status", "logistics_delay", "cancel_order", "change_address", "urge_shipping", "return_policy",
    "return_request", "exchange_request", "refund_status", "invoice", "price_protection", "coupon_promotion",
    "shipping_fee", "warranty_repair", "installation_service", "size_advice", "product_question",
    "product_search", "recommendation", "explain_recommendation", "assembly_help", "complaint", "human_agent",
    "payment_issue", "restock_alert", "greeting", "thanks", "goodbye", "out_of_scope",
})
AGENT_CORRECTION = "agent_correction"
LOW_CONFIDENCE_SOURCE = "low_confidence"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class ReviewItemView:
    """One queued turn as a reviewer sees it (the words decrypted, for the reviewer's eyes only)."""

    item_id: int
    message_id: int
    text: str
    language: str
    source: str
    predicted_intent: str | None
    confidence: float | None
    suggested_intent: str | None
    suggested_by: str | None
    status: str
    final_intent: str | None
    reviewer: str | None
    created_at: datetime


@dataclass(frozen=True)
class ReviewedExample:
    """An accepted item as a training example: the words, their language and the intent they carry."""

    text: str
    language: str
    intent: str


def language_of(text: str) -> str:
    """"zh" when the words contain Chinese characters, else "en": which training file they extend."""
    return "zh" if _HAN.search(text) else "en"


def is_low_confidence(confidence: float | None, text: str) -> bool:
    """Worth a review: a turn with words in it whose intent confidence fell below ``LOW_CONFIDENCE``
    (a turn with no intent evidence at all, such as a photo alone, has no confidence and is skipped)."""
    return confidence is not None and confidence < LOW_CONFIDENCE and bool(_WORD.search(text))


def low_confidence_item(message: Message, text: str, now: datetime) -> NluReviewItem:
    """The queue row for a low-confidence customer turn, added in the caller's transaction."""
    return NluReviewItem(message_id=message.id, text=text, language=language_of(text), source=LOW_CONFIDENCE_SOURCE,
                         predicted_intent=message.intent, confidence=message.confidence, status=PENDING,
                         created_at=now)


def check_intent(intent: str) -> str:
    name = (intent or "").strip().lower()
    if name not in INTENT_NAMES:
        raise InvalidInput(f"Unknown intent {intent!r}; one of: {', '.join(sorted(INTENT_NAMES))}.",
                           message_zh=f"未知的意图 {intent!r}；可选：{', '.join(sorted(INTENT_NAMES))}。")
    return name


def _view(item: NluReviewItem) -> ReviewItemView:
    return ReviewItemView(item.id, item.message_id, item.text, item.language, item.source, item.predicted_intent,
                          item.confidence, item.suggested_intent, item.suggested_by, item.status, item.final_intent,
                          item.reviewer, item.created_at)


class NluReviewQueue:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def correct(self, agent: AgentView, ticket_id: int, message_id: int, intent: str) -> ReviewItemView:
        """An agent says the assistant misread one of the customer's turns in this ticket's conversation.

        A turn already waiting in the queue (low confidence, or corrected before) takes the newer
        suggestion rather than appearing twice; a turn already decided gets a new item."""
        name = check_intent(intent)
        now = self._clock.now()
        with self._db.session() as s:
            ticket = ticket_or_gone(s, ticket_id)
            message = s.get(Message, message_id)
            if message is None or message.conversation_id != ticket.conversation_id or message.role != "customer":
                raise InvalidInput("Pick one of the customer's messages in this ticket.",
                                   message_zh="请选择本工单中顾客说的一句话。")
            if message.intent == name:
                raise InvalidInput("That is what the assistant understood; pick the intent it should have been.",
                                   message_zh="助手理解的正是这个意图；请选择它本应理解的意图。")
            item = s.scalar(select(NluReviewItem).where(NluReviewItem.message_id == message_id,
                                                        NluReviewItem.status == PENDING))
            if item is None:
                text = self._db.keys.cipher.decrypt(message.text_encrypted)
                item = NluReviewItem(message_id=message_id, text=text, language=language_of(text),
                                     predicted_intent=message.intent, confidence=message.confidence,
                                     status=PENDING, created_at=now)
                s.add(item)
            item.source, item.suggested_intent, item.suggested_by = AGENT_CORRECTION, name, agent.code
            s.flush()
            record(s, agent.agent_id, ticket_id, "nlu_correction", f"item={item.id} intent={name}", now)
            log.info("agent %d corrected message %d to %s (review item %d)", agent.agent_id, message_id, name, item.id)
            return _view(item)

    def items(self, reviewer: AgentView, *, status: str | None = PENDING, limit: int = 200) -> tuple[ReviewItemView, ...]:
        """The queue for a supervisor, oldest first (``status=None``: every item)."""
        require_supervisor(reviewer)
        if status is not None and status not in (PENDING, ACCEPTED, REJECTED):
            raise InvalidInput(f"Unknown status {status!r}.", message_zh=f"未知的状态 {status!r}。")
        with self._db.session() as s:
            query = select(NluReviewItem).order_by(NluReviewItem.id).limit(max(1, min(limit, 10_000)))
            if status is not None:
                query = query.where(NluReviewItem.status == status)
            return tuple(_view(i) for i in s.scalars(query))

    def counts(self) -> dict[str, int]:
        """How many items are pending, accepted and rejected (no words: anyone may see these)."""
        with self._db.session() as s:
            rows = s.execute(select(NluReviewItem.status, func.count()).group_by(NluReviewItem.status)).all()
        found = {str(status): int(n) for status, n in rows}
        return {k: found.get(k, 0) for k in (PENDING, ACCEPTED, REJECTED)}

    def accept(self, reviewer: AgentView, item_id: int, intent: str | None = None) -> ReviewItemView:
        """Accept an item as a training example with ``intent`` (default: the agent's suggestion)."""
        require_supervisor(reviewer)
        with self._db.session() as s:
            item = self._pending(s, item_id)
            chosen = intent if intent is not None else item.suggested_intent
            if chosen is None:
                raise InvalidInput("Say which intent this turn really was (--intent).",
                                   message_zh="请指明这句话实际的意图（--intent）。")
            return self._decide(s, reviewer, item, ACCEPTED, check_intent(chosen))

    def reject(self, reviewer: AgentView, item_id: int) -> ReviewItemView:
        require_supervisor(reviewer)
        with self._db.session() as s:
            return self._decide(s, reviewer, self._pending(s, item_id), REJECTED, None)

    def accepted_examples(self) -> tuple[ReviewedExample, ...]:
        """Every accepted item as a training example, oldest first (what ``nlu retrain`` adds)."""
        with self._db.session() as s:
            rows = s.scalars(select(NluReviewItem).where(NluReviewItem.status == ACCEPTED)
                             .order_by(NluReviewItem.id)).all()
            return tuple(ReviewedExample(r.text, r.language, r.final_intent) for r in rows if r.final_intent)

    @staticmethod
    def _pending(s: Session, item_id: int) -> NluReviewItem:
        item = s.get(NluReviewItem, item_id)
        if item is None:
            raise NotFound(f"No review item #{item_id}.", message_zh=f"没有待审条目 #{item_id}。")
        if item.status != PENDING:
            raise InvalidInput(f"Review item #{item_id} was already {item.status}.",
                               message_zh=f"待审条目 #{item_id} 已处理（{item.status}）。")
        return item

    def _decide(self, s: Session, reviewer: AgentView, item: NluReviewItem, status: str,
                intent: str | None) -> ReviewItemView:
        now = self._clock.now()
        item.status, item.final_intent, item.reviewer, item.reviewed_at = status, intent, reviewer.code, now
        record(s, reviewer.agent_id, None, f"nlu_review_{status}", f"item={item.id} intent={intent or '-'}", now)
        log.info("review item %d %s by agent %d", item.id, status, reviewer.agent_id)
        return _view(item)
