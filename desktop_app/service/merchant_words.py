"""What customers said that the merchant has to read: complaints by topic and cause, and searches that
found nothing. The only module of the dashboard that decrypts customers' words, and what it returns
is short and redacted (``core.redact``: phones, order numbers, e-mails, addresses, known names).

A complaint row does not name its conversation, so the conversation is found by what was said: the
dialogue files the complaint with the customer's words and records the same words as the customer's
turn moments later (same clock, same process). A complaint is linked to the first customer turn with
the same words within ``MATCH_WINDOW`` after it; one filed from the command line has no conversation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from desktop_app.core.crypto import TextCipher
from desktop_app.core.redact import redact
from desktop_app.core.text import clean_text
from desktop_app.service.complaint_causes import root_cause
from desktop_app.service.merchant_types import WORDS_MAX_CHARS, Period, TopicTrend, UnmetSearch, week_start
from desktop_app.service.types import ComplaintTopic, Outcome
from desktop_app.store.db import Database
from desktop_app.store.schema import Complaint, Message, Order, OrderItem, Product

#: A customer turn recorded this long after a complaint with the same words is the complaint's turn.
MATCH_WINDOW = timedelta(minutes=10)
#: Complaint texts are stored cut to this length (``HandoffService.file_complaint``).
_COMPLAINT_CHARS = 4000
#: Examples shown per topic.
EXAMPLES = 3
#: The intents under which a turn is a product search or question (vocabulary of ``nlu.types.Intent``).
SEARCH_INTENTS = frozenset({"product_search", "product_question", "recommendation"})
_TRAILING = re.compile(r"[\s?？!！.。,，~～、…]+$")
_WINDOWS_PER_QUERY = 50


def short_words(text: str, max_chars: int = WORDS_MAX_CHARS) -> str:
    """A customer's words as the dashboard may show them: redacted, one line, at most ``max_chars``."""
    words = redact(clean_text(text, max_chars=10_000, normalize=False))
    return words if len(words) <= max_chars else words[:max_chars - 1].rstrip() + "…"


def search_key(text: str) -> str:
    """Searches are grouped by their words with case, width, spacing and closing punctuation folded."""
    return _TRAILING.sub("", clean_text(text, max_chars=10_000).casefold())


@dataclass(frozen=True)
class _Complaint:
    topic: ComplaintTopic
    order_id: int | None
    text: str
    created_at: datetime


def complaint_trends(db: Database, cipher: TextCipher, period: Period) -> tuple[TopicTrend, ...]:
    """Complaints filed in the period per topic, most complaints first (then by topic code)."""
    with db.session() as s:
        rows = s.execute(select(Complaint.topic, Complaint.order_id, Complaint.text_encrypted, Complaint.created_at)
                         .where(Complaint.created_at >= period.since, Complaint.created_at < period.until)
                         .order_by(Complaint.created_at.desc(), Complaint.id.desc())).all()
        order_ids = {order_id for _, order_id, _, _ in rows if order_id is not None}
        skus: dict[int, set[str]] = defaultdict(set)
        carriers: dict[int, str] = {}
        if order_ids:
            for order_id, sku in s.execute(select(OrderItem.order_id, Product.sku).join(Product)
                                           .where(OrderItem.order_id.in_(order_ids))):
                skus[order_id].add(sku)
            carriers = {order_id: carrier for order_id, carrier in
                        s.execute(select(Order.id, Order.carrier).where(Order.id.in_(order_ids)))}
    complaints = [_Complaint(_topic(topic), order_id, cipher.decrypt(token) if token else "", created_at)
                  for topic, order_id, token, created_at in rows]
    conversations = _conversations_of(db, cipher, complaints)
    by_topic: dict[ComplaintTopic, list[int]] = defaultdict(list)
    for i, c in enumerate(complaints):
        by_topic[c.topic].append(i)
    out = []
    for topic, members in by_topic.items():
        linked = [complaints[i].order_id for i in members if complaints[i].order_id is not None]
        weeks = Counter(week_start(complaints[i].created_at.date()) for i in members)
        examples: list[str] = []
        for i in members:  # newest first
            words = short_words(complaints[i].text)
            if words and words not in examples:
                examples.append(words)
        out.append(TopicTrend(
            topic=topic, cause=root_cause(topic), complaints=len(members),
            by_week=tuple((week, weeks[week]) for week in period.weeks),
            examples=tuple(examples[:EXAMPLES]),
            products=_most_first(Counter(sku for o in linked if o is not None for sku in skus[o])),
            carriers=_most_first(Counter(carriers[o] for o in linked if o is not None and o in carriers)),
            conversation_ids=tuple(sorted({conversations[i] for i in members if i in conversations})),
            with_order=len(linked)))
    return tuple(sorted(out, key=lambda t: (-t.complaints, t.topic.value)))


def unmet_searches(db: Database, cipher: TextCipher, period: Period, limit: int) -> tuple[UnmetSearch, ...]:
    """Product searches and questions the assistant answered with "not found" in the period, grouped by
    their normalised words, most asked first (then most recent). A turn later marked "rephrased" lost
    its first outcome and is not counted; the customer's next try is, when it also found nothing."""
    if limit < 1:
        return ()
    with db.session() as s:
        replies = s.execute(select(Message.id, Message.conversation_id).where(
            Message.role == "assistant", Message.outcome == Outcome.NOT_FOUND.value,
            Message.intent.in_(SEARCH_INTENTS), Message.created_at >= period.since,
            Message.created_at < period.until)).all()
        if not replies:
            return ()
        conversations = {conv_id for _, conv_id in replies}
        asked: dict[int, tuple[bytes, datetime]] = {}
        for conv_ids in _chunks(sorted(conversations)):
            turns = s.execute(select(Message.id, Message.conversation_id, Message.role, Message.text_encrypted,
                                     Message.created_at).where(Message.conversation_id.in_(conv_ids))
                              .order_by(Message.conversation_id, Message.id)).all()
            last_customer: tuple[int, bytes, datetime] | None = None
            for message_id, conv_id, role, token, at in turns:
                if role == "customer":
                    last_customer = (conv_id, token, at)
                elif last_customer is not None and last_customer[0] == conv_id:
                    asked[message_id] = (last_customer[1], last_customer[2])
    groups: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for reply_id, conv_id in replies:
        if reply_id in asked:
            token, at = asked[reply_id]
            key = search_key(cipher.decrypt(token))
            if key:
                groups[key].append((at, conv_id))
    found = [UnmetSearch(short_words(key), len(seen), max(at for at, _ in seen),
                         tuple(sorted({conv for _, conv in seen}))) for key, seen in groups.items()]
    found.sort(key=lambda u: (-u.count, -u.last_seen.timestamp(), u.text))
    return tuple(found[:limit])


def _conversations_of(db: Database, cipher: TextCipher, complaints: list[_Complaint]) -> dict[int, int]:
    """complaint index -> the conversation whose customer turn said its words (see the module's note)."""
    wanted = [(i, c) for i, c in enumerate(complaints) if c.text]
    if not wanted:
        return {}
    windows = _merged((c.created_at, c.created_at + MATCH_WINDOW) for _, c in wanted)
    candidates: list[tuple[datetime, int, int, bytes]] = []  # (at, message id, conversation, encrypted words)
    with db.session() as s:
        for start in range(0, len(windows), _WINDOWS_PER_QUERY):
            spans = windows[start:start + _WINDOWS_PER_QUERY]
            for message_id, conv_id, token, at in s.execute(
                    select(Message.id, Message.conversation_id, Message.text_encrypted, Message.created_at).where(
                        Message.role == "customer",
                        or_(*(and_(Message.created_at >= a, Message.created_at <= b) for a, b in spans)))):
                candidates.append((at, message_id, conv_id, token))
    by_words: dict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    for at, message_id, conv_id, token in candidates:
        by_words[clean_text(cipher.decrypt(token), max_chars=_COMPLAINT_CHARS, normalize=False)].append(
            (at, message_id, conv_id))
    used: set[int] = set()
    out: dict[int, int] = {}
    for i, c in sorted(wanted, key=lambda w: w[1].created_at):
        for at, message_id, conv_id in sorted(by_words.get(c.text, ())):
            if message_id not in used and c.created_at <= at <= c.created_at + MATCH_WINDOW:
                used.add(message_id)
                out[i] = conv_id
                break
    return out


def _merged(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _topic(value: str) -> ComplaintTopic:
    try:
        return ComplaintTopic(value)
    except ValueError:
        return ComplaintTopic.OTHER


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda p: (-p[1], p[0])))
