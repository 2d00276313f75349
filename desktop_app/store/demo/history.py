"""Four weeks of customer service before the demo store's "now", so the merchant's figures mean
something on a fresh store: conversations on the laptop and the kiosk in both languages, with the
failures an honest resolution rate must count (searches that found nothing, turns said again,
requests left open), complaints linked to orders, tickets agents took and closed, ratings, and the
assembly guides' step times with the viewings given up at a hard step.

Rows are written the way the services write them, so every figure is computed by the same code as
for real traffic: messages encrypted with the store's cipher (``ConversationStore``), a complaint
filed with the customer's own words moments before her turn is recorded (``merchant_words`` links
them by those words), a kiosk conversation that proved an order linked to it
(``ConversationOrder``: export and delete reach it), low-confidence turns in the review queue.

Deterministic: one ``random.Random`` of its own (the rest of the demo store does not move when this
changes), every time relative to ``anchor``. Nothing lies more than 27 days before it, inside the
dashboard's default 28-day period and far inside the retention period (see the README on the
real-time retention purge).
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from desktop_app.core.crypto import TextCipher
from desktop_app.core.text import clean_text
from desktop_app.store.demo.history_data import AGENTS, COMMENTS, GUIDES, MISSING, SCRIPTS, GuideProfile, Script
from desktop_app.store.schema import (
    Agent,
    Complaint,
    Conversation,
    ConversationOrder,
    Customer,
    DeskEvent,
    DeskTicket,
    GuideStepTime,
    GuideViewing,
    HandoffTicket,
    Message,
    NluReviewItem,
    Order,
)

log = logging.getLogger(__name__)

#: Conversations seeded (before the few that could not find a fitting order are dropped).
CONVERSATIONS = 110
#: The history spans the 27 days before the anchor's day and that morning.
DAYS = 27
#: A customer turn below this confidence joins the review queue (= ``service.nlu_review.LOW_CONFIDENCE``).
LOW_CONFIDENCE = 0.45
#: Conversations every demo walk-through can show: the signed-in laptop customer's own history.
_FIXED = (("logistics_delay", "C001"), ("complaint_late", "C001"), ("order_status", "C001"))
_KIOSK_SHARE = 0.35
_HIGH, _NORMAL = 3, 2  # service.types.Priority
_URGENT_REASONS = frozenset({"damaged_parcel", "wrong_item", "angry", "repeated_failure"})


@dataclass(frozen=True)
class HistorySummary:
    conversations: int
    messages: int
    complaints: int
    tickets: int
    rated: int
    guide_viewings: int


@dataclass
class _Counts:
    messages: int = 0
    complaints: int = 0
    tickets: int = 0
    rated: int = 0


def seed_history(s: Session, *, seed: int, anchor: datetime, cipher: TextCipher, customers: dict[str, Customer],
                 orders: Sequence[Order]) -> HistorySummary:
    """Add the service history in the caller's transaction (after customers and orders exist).

    Written in three passes with one flush each (conversations; their messages, complaints and
    tickets; the desk's rows and the review queue), not a flush per conversation: seeding stays
    a fraction of a second."""
    rng = random.Random(seed * 31 + 22)
    s.flush()
    agents = _add_agents(s, anchor)
    pools = _order_pools(orders)
    by_id = {c.id: c for c in customers.values()}
    everyone = list(customers.values())
    plans: list[tuple[str, str | None]] = list(_FIXED)
    plans += [(sc.key, None) for sc in rng.choices(SCRIPTS, weights=[sc.weight for sc in SCRIPTS],
                                                   k=CONVERSATIONS - len(_FIXED))]
    scripts = {sc.key: sc for sc in SCRIPTS}
    visits: list[_Visit] = []
    for key, code in plans:
        script = scripts[key]
        order = _pick_order(rng, pools, script, customers[code].id if code else None)
        if script.order_status is not None and order is None:
            continue
        visits.append(_visit(rng, script, _start_time(rng, anchor), order, customers.get(code) if code else None,
                             by_id, everyone))
    s.add_all(v.conv for v in visits)
    s.flush()  # conversation ids
    counts = _Counts()
    for v in visits:
        _turns(s, rng, v, cipher, counts)
    s.flush()  # message and ticket ids
    for v in visits:
        if v.ticket is not None:
            _desk(s, rng, v, agents, cipher, anchor)
        for message, words, at in v.unsure:
            s.add(NluReviewItem(message_id=message.id, text=words, language=v.conv.language, source="low_confidence",
                                predicted_intent=message.intent, confidence=message.confidence, status="pending",
                                created_at=at))
    viewings = sum(_add_guide(s, rng, g, anchor) for g in GUIDES)
    summary = HistorySummary(len(visits), counts.messages + sum(v.late_messages for v in visits), counts.complaints,
                             counts.tickets, counts.rated, viewings)
    log.info("seeded demo service history: %d conversations, %d messages, %d complaints, %d tickets",
             summary.conversations, summary.messages, summary.complaints, summary.tickets)
    return summary


def _add_agents(s: Session, anchor: datetime) -> list[Agent]:
    """The desk's agents, without a usable PIN: an empty hash never equals scrypt's 64 hex digits, so
    nobody signs in as them (a demo store must not ship known PINs); they are who took the tickets."""
    rows = [Agent(code=code, display_name=name, role=role, pin_hash="", pin_salt="", capacity=3, active=True,
                  failed_pins=0, created_at=anchor - timedelta(days=120)) for code, name, role in AGENTS]
    s.add_all(rows)
    s.flush()
    return rows


def _order_pools(orders: Sequence[Order]) -> dict[tuple[str, str | None], list[Order]]:
    """Orders with an owner by (status, None) and by (status, category of any item)."""
    pools: dict[tuple[str, str | None], list[Order]] = defaultdict(list)
    for o in sorted(orders, key=lambda o: o.order_number):
        if o.customer_id is None:
            continue
        pools[(o.status, None)].append(o)
        for category in sorted({line.product.category for line in o.items}):
            pools[(o.status, category)].append(o)
    return pools


def _pick_order(rng: random.Random, pools: dict[tuple[str, str | None], list[Order]], script: Script,
                customer_id: int | None) -> Order | None:
    if script.order_status is None:
        return None
    pool = pools.get((script.order_status, script.category), [])
    if customer_id is not None:
        pool = [o for o in pool if o.customer_id == customer_id]
    return rng.choice(pool) if pool else None


def _start_time(rng: random.Random, anchor: datetime) -> datetime:
    """A moment in shop hours (busier in the evening) on one of the last ``DAYS`` days, or that morning."""
    days_ago = rng.randint(0, DAYS)
    hour = rng.choices(range(8, 23), weights=[2, 3, 4, 4, 4, 3, 3, 3, 3, 4, 5, 6, 6, 5, 3])[0]
    if days_ago == 0:
        hour = min(hour, anchor.hour - 2)
    day = (anchor - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))


def _words(text: str, order: Order | None, language: str, missing: tuple[str, str]) -> str:
    product = order.items[0].product if order is not None and order.items else None
    name = (product.name_zh if language == "zh" else product.name_en) if product is not None else ""
    filled = text.format(tail=order.order_number[-4:] if order is not None else "", product=name,
                         missing=missing[0] if language == "zh" else missing[1])
    return clean_text(filled, max_chars=10_000, normalize=False)


@dataclass
class _Visit:
    """One conversation being written: the row, what it is about, and what later passes add."""

    conv: Conversation
    script: Script
    order: Order | None
    kiosk: bool
    missing: tuple[str, str]
    said: list[str] = field(default_factory=list)
    #: Low-confidence customer turns for the review queue: (message, words, when).
    unsure: list[tuple[Message, str, datetime]] = field(default_factory=list)
    ticket: HandoffTicket | None = None
    #: When the assistant's part ended (the ticket, the rating comment follow).
    ended: datetime | None = None
    late_messages: int = 0


def _visit(rng: random.Random, script: Script, start: datetime, order: Order | None, fixed: Customer | None,
           by_id: dict[int, Customer], everyone: list[Customer]) -> _Visit:
    """Who talks where and in which language: a signed-in customer on the laptop, or a visitor at the
    kiosk (who, asking about an order, proves it is hers)."""
    kiosk = fixed is None and rng.random() < _KIOSK_SHARE
    owner = fixed or (by_id.get(order.customer_id) if order is not None and order.customer_id else None)
    if owner is None and not kiosk:
        owner = rng.choice(everyone)
    language = owner.language if owner is not None and not kiosk else rng.choice(("zh", "zh", "en"))
    conv = Conversation(session_key=f"{rng.getrandbits(128):032x}",
                        customer_id=owner.id if owner is not None and not kiosk else None,
                        channel="kiosk" if kiosk else "laptop", language=language, started_at=start)
    return _Visit(conv, script, order, kiosk, rng.choice(MISSING))


def _turns(s: Session, rng: random.Random, v: _Visit, cipher: TextCipher, counts: _Counts) -> None:
    """The customer's turns and the assistant's replies, the complaint, the ticket and the rating."""
    conv, script, order, language = v.conv, v.script, v.order, v.conv.language
    if v.kiosk and order is not None:  # she proved the order at the kiosk: the conversation is hers
        s.add(ConversationOrder(conversation_id=conv.id, order_id=order.id))
    at = conv.started_at
    complained = False
    for line in script.turns:
        words = _words(line.zh if language == "zh" else line.en, order, language, v.missing)
        reply = _words(line.reply_zh if language == "zh" else line.reply_en, order, language, v.missing)
        confidence = round(min(0.99, max(0.05, line.confidence + rng.uniform(-0.05, 0.05))), 3)
        if script.complaint and line.intent == "complaint" and not complained:
            s.add(Complaint(customer_id=conv.customer_id, order_id=order.id if order is not None else None,
                            topic=script.complaint, text_encrypted=cipher.encrypt(words), created_at=at))
            complained = True
            counts.complaints += 1
        customer = Message(conversation_id=conv.id, role="customer", text_encrypted=cipher.encrypt(words),
                           intent=line.intent, confidence=confidence, created_at=at)
        s.add_all([customer, Message(conversation_id=conv.id, role="assistant", text_encrypted=cipher.encrypt(reply),
                                     intent=line.intent, outcome=line.outcome, created_at=at)])
        counts.messages += 2
        v.said.append(line.intent)
        if confidence < LOW_CONFIDENCE:
            v.unsure.append((customer, words, at))
        at += timedelta(seconds=rng.randint(25, 120))
    v.ended = at
    if script.handoff is not None:
        reason = script.handoff
        summary = ("顾客诉求：" if language == "zh" else "Customer asks: ") + ", ".join(dict.fromkeys(v.said))
        v.ticket = HandoffTicket(conversation_id=conv.id, customer_id=conv.customer_id,
                                 order_id=order.id if order is not None else None,
                                 priority=_HIGH if reason in _URGENT_REASONS else _NORMAL, reason=reason,
                                 summary_encrypted=cipher.encrypt(summary), status="queued",
                                 created_at=at - timedelta(seconds=30))
        s.add(v.ticket)
        counts.tickets += 1
    if rng.random() < script.rate_chance:
        conv.rating = rng.choice(script.ratings)
        counts.rated += 1
        if v.ticket is None and rng.random() < 0.3:  # with a ticket, the comment follows the agent's part
            zh, en = rng.choice(COMMENTS[conv.rating >= 4])
            s.add(Message(conversation_id=conv.id, role="customer", text_encrypted=cipher.encrypt(zh if language == "zh" else en),
                          intent="rating_comment", created_at=at))
            counts.messages += 1


def _desk(s: Session, rng: random.Random, v: _Visit, agents: list[Agent], cipher: TextCipher,
          anchor: datetime) -> None:
    """The desk's side of the ticket: taken, answered and closed by an agent, unless it was opened this
    morning (then it is still waiting in the queue, as the desk would find it). A rating comment, when
    the customer left one, comes after it all."""
    ticket, script, conv, order = v.ticket, v.script, v.conv, v.order
    assert ticket is not None and v.ended is not None
    language, reason = conv.language, ticket.reason
    failed = sum(1 for line in script.turns if line.outcome in ("rephrased", "unsupported", "not_found", "clarify"))
    desk = DeskTicket(ticket_id=ticket.id, angry_turns=1 if reason == "angry" else 0,
                      peak_anger=0.8 if reason == "angry" else 0.0, escalation=0, failed_turns=failed,
                      order_late=order is not None and order.status == "delayed",
                      intents=",".join(dict.fromkeys(v.said)))
    s.add(desk)
    if ticket.created_at.date() == anchor.date():
        return
    agent = agents[2] if reason == "angry" else rng.choice(agents[:2])
    taken = ticket.created_at + timedelta(seconds=rng.randint(40, 900))
    ticket.status, desk.agent_id, desk.taken_at = "taken", agent.id, taken
    s.add(DeskEvent(agent_id=agent.id, ticket_id=ticket.id, action="take", at=taken))
    at = taken + timedelta(seconds=rng.randint(15, 120))
    for role, zh, en in script.agent_lines:
        text = zh if language == "zh" else en
        s.add(Message(conversation_id=conv.id, role=role, text_encrypted=cipher.encrypt(text), created_at=at))
        v.late_messages += 1
        if role == "agent":
            desk.first_response_at = desk.first_response_at or at
            s.add(DeskEvent(agent_id=agent.id, ticket_id=ticket.id, action="message", detail=f"{len(text)} chars",
                            at=at))
        at += timedelta(seconds=rng.randint(30, 240))
    closed = at + timedelta(seconds=rng.randint(60, 600))
    ticket.status, desk.closed_at, desk.resolution_code = "closed", closed, script.resolution
    desk.rating_requested = True
    s.add(DeskEvent(agent_id=agent.id, ticket_id=ticket.id, action="close", detail=script.resolution, at=closed))
    if conv.rating is not None and rng.random() < 0.3:
        zh, en = rng.choice(COMMENTS[conv.rating >= 4])
        s.add(Message(conversation_id=conv.id, role="customer", text_encrypted=cipher.encrypt(zh if language == "zh" else en),
                      intent="rating_comment", created_at=closed + timedelta(seconds=40)))
        v.late_messages += 1


def _add_guide(s: Session, rng: random.Random, guide: GuideProfile, anchor: datetime) -> int:
    """One product's guide viewings: per-step times around its profile, a replay now and then (more
    often at the hard step), and some viewings given up at the hard step."""
    steps = len(guide.step_seconds)
    for _ in range(guide.viewings):
        at = anchor - timedelta(days=rng.uniform(0.2, DAYS), hours=0)
        at = at.replace(microsecond=0)
        quit_at = guide.hard_step if rng.random() < guide.abandon_chance else steps
        visits_of: dict[int, int] = {}
        for step in range(1, quit_at + 1):
            hard = step == guide.hard_step
            visits = 2 if rng.random() < (0.5 if hard else 0.08) else 1
            seconds = guide.step_seconds[step - 1] * rng.lognormvariate(0.0, 0.35) * (1.0 if visits == 1 else 1.4)
            visits_of[step] = visits
            s.add(GuideStepTime(product_sku=guide.sku, step=step, seconds=round(seconds, 2), visits=visits,
                                recorded_at=at))
        s.add(GuideViewing(product_sku=guide.sku, steps_total=steps, last_step=quit_at, finished=quit_at == steps,
                           replays=sum(1 for v in visits_of.values() if v > 1), recorded_at=at))
    return guide.viewings
