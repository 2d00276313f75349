"""One turn in, one reply out: routing by intent, forms, care and handoff, and the turn record.

The manager is synchronous and headless; the UI calls it on a worker thread, the CLI directly.
Each session's state is touched by one turn at a time (the caller serialises a session's turns).

The cues a routing decision rests on (an answer to the open form, a pick from the list shown) live
in ``turn_cues``; complaint topics in ``complaints``.
"""

from __future__ import annotations

import logging
import re

from desktop_app.core.errors import AppError
from desktop_app.dialogue import after_sales, orders_flow, products_flow, refunds_flow, returns_flow, smalltalk
from desktop_app.dialogue.care import acknowledgement, handoff_needed
from desktop_app.dialogue.complaints import CASE_WORDS, complaint_topic, complex_case, keyword_topic
from desktop_app.dialogue.product_slots import asked_fields, asks_comparison, mentioned_products
from desktop_app.dialogue.reply import FAILURES, Outcome, Reply, ReplyBuilder
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, list_reference
from desktop_app.dialogue.state import SessionState, TurnNote
from desktop_app.dialogue.summary import handoff_summary
from desktop_app.dialogue.turn_cues import (
    CODES,
    FOLLOW_UP_CHARS,
    SORTS,
    answers_form,
    asks_about_another_order,
    clear_leader,
    only_a_number,
    picked_from_list,
    refines_last_search,
)
from desktop_app.nlu.language import dominant_language
from desktop_app.nlu.types import EmotionLabel, EntityKind, Intent
from desktop_app.service.types import ComplaintTopic, OrderStatus, OrderView, Priority, ReturnKind, ServiceAction

log = logging.getLogger(__name__)

#: Intents answered by the same flow count once when an utterance carries both.
_FAMILY = {Intent.LOGISTICS_DELAY: Intent.ORDER_STATUS, Intent.EXCHANGE_REQUEST: Intent.RETURN_REQUEST}
#: Intents that may interrupt an open form when the classifier is sure and the turn does not answer it.
_SWITCH_INTENTS = frozenset({Intent.HUMAN_AGENT, Intent.ORDER_STATUS, Intent.PRODUCT_SEARCH, Intent.COMPLAINT,
                             Intent.PRODUCT_QUESTION, Intent.LOGISTICS_DELAY})
SWITCH_CONFIDENCE = 0.7
_EXPLICIT_COMPLAINT = re.compile(r"\bcomplain|\bcomplaint|投诉", re.I)
_SOCIAL = {Intent.GREETING: smalltalk.greeting, Intent.THANKS: smalltalk.thanks, Intent.GOODBYE: smalltalk.goodbye}
#: The intent a rating's comment is stored under: a customer line, not a request.
RATING_COMMENT = "rating_comment"


#: Services that close an after-sales case in the customer's favour (a coupon may follow).
_RESOLVED_ACTIONS = frozenset({ServiceAction.RETURN_FILED, ServiceAction.WARRANTY_FILED, ServiceAction.PRICE_PROTECTED,
                               ServiceAction.INSTALLATION_BOOKED})
#: Turn outcomes that left the customer's request open: asking the same again is escalation.
UNRESOLVED = FAILURES | {Outcome.FORM, Outcome.REFUSED}


class DialogueManager:
    def __init__(self, services: Services, *, guides: frozenset[str] = frozenset(), channel: str = "kiosk") -> None:
        self._svc = services
        self._guides = guides
        self._channel = channel

    def new_session(self, *, language: str = "zh", customer_code: str | None = None) -> SessionState:
        conversation_id, _ = self._svc.conversations.start(channel=self._channel, language=language,
                                                           customer_code=customer_code)
        return SessionState(conversation_id=conversation_id, language=language, customer_code=customer_code)

    def end_session(self, st: SessionState, *, wipe: bool) -> None:
        """Close a session; ``wipe`` deletes its stored turns (a kiosk visitor walked away)."""
        if wipe and st.conversation_id is not None:
            self._svc.conversations.delete(st.conversation_id)
        st.conversation_id = None

    def rate(self, conversation_id: int, stars: int, comment: str = "") -> None:
        """The customer's rating of a conversation the assistant resolved (the agent path rates through
        the desk); an optional comment is kept as the customer's own encrypted line."""
        self._svc.conversations.rate(conversation_id, stars)
        if comment.strip():
            self._svc.conversations.add(conversation_id, "customer", comment, intent=RATING_COMMENT)

    def handle(self, st: SessionState, q: Understood) -> Reply:
        st.turns += 1
        words = CODES.sub(" ", q.text)  # "PHN-QL-E3 有货吗" is asked in Chinese: the code is no English
        if re.search(r"[A-Za-z\u4e00-\u9fff]", words):
            st.language = dominant_language(words)
        out = ReplyBuilder(st.language)
        # Answering our own question (a confirmation, a slot) repeats the intent but is not asking again.
        answering = (st.task is not None and st.task.intent == q.intent) or st.form is not None
        st.escalate(q.emotion, asked_again=st.last_intent == q.intent and st.last_outcome in UNRESOLVED
                    and not answering)
        ack = acknowledgement(q.emotion, escalation=st.escalation)
        if ack:
            out.add(*ack)
        intent = self._route(st, q, out)
        self._care(st, q, intent, out)
        self._thank_with_a_coupon(st, q, out)
        reply = out.build(intent=intent.value, confidence=q.confidence, emotion=q.emotion.label.value)
        self._record(st, q, intent, reply)
        return reply

    # -- routing ---------------------------------------------------------------------------

    def _route(self, st: SessionState, q: Understood, out: ReplyBuilder) -> Intent:
        intent = self._effective_intent(st, q)
        if intent is None:
            candidates = [i for i, _ in getattr(q, "intents", ())[:3]] or [q.intent]
            smalltalk.clarify(out, candidates)
            return q.intent
        try:
            self._dispatch(st, q, intent, out)
            handled = {_FAMILY.get(intent, intent)}
            extras = list(getattr(q, "secondary_intents", ()))
            if _EXPLICIT_COMPLAINT.search(q.text) and intent != Intent.COMPLAINT:
                extras.append((Intent.COMPLAINT, 1.0))  # "I want to complain" is always recorded
            for extra, _ in extras:
                family = _FAMILY.get(extra, extra)
                if family in handled or extra in _SOCIAL or (out.outcome == Outcome.FORM and extra != Intent.COMPLAINT):
                    continue  # one answer per need; a pending question must be answered first (a complaint is still noted)
                handled.add(family)
                self._dispatch(st, q, extra, out)
        except AppError as exc:
            out.add(exc.message, exc.message_zh)
            out.outcome = Outcome.REFUSED
        return intent

    def _effective_intent(self, st: SessionState, q: Understood) -> Intent | None:
        """The intent to act on, letting an open form or a pending question claim the turn."""
        answers = answers_form(st, q)
        switches = q.confidence >= SWITCH_CONFIDENCE and not answers and q.intent in _SWITCH_INTENTS
        if st.form is not None and switches:
            st.form = None  # the customer moved on; the unfinished form is dropped, nothing was filed
        if st.form is not None:
            return Intent.EXCHANGE_REQUEST if st.form.kind == ReturnKind.EXCHANGE else Intent.RETURN_REQUEST
        if st.task is not None:
            moved_on = q.is_confident and q.intent != st.task.intent and (
                q.intent in _SWITCH_INTENTS or q.intent in after_sales.HANDLERS)
            if not moved_on or answers_form(st, q):
                return st.task.intent  # the open operation claims the turn; its flow reads the answer
            st.task = None  # the customer moved on; nothing was changed
        if st.shown_orders and st.pending_intent and (
                list_reference(q.text, len(st.shown_orders)) is not None
                or q.text.strip().rstrip("。.") in {str(n) for n in range(1, len(st.shown_orders) + 1)}
                or (len(q.text) <= FOLLOW_UP_CHARS and (entity(q, EntityKind.PRODUCT) or entity(q, EntityKind.CATEGORY)))
                or any(n.endswith(d) for n in st.shown_orders for d in re.findall(r"\d{4,16}", q.text))):
            return Intent(st.pending_intent)  # "第二个" / "the one ending 4582" answers the order picker
        answers_pending = entity(q, EntityKind.PHONE_LAST4) or orders_flow.lone_digits(q.text)
        if st.pending_order_ref and answers_pending and st.pending_intent:
            return Intent(st.pending_intent)
        if st.pending_intent and entity(q, EntityKind.ORDER_REF) and (not q.is_confident or only_a_number(q.text)):
            return Intent(st.pending_intent)  # "7298" answering "what is your order number?"
        if complex_case(q.text, keyword_topic(q.text)) and q.intent not in (
                Intent.RETURN_REQUEST, Intent.EXCHANGE_REQUEST, Intent.WARRANTY_REPAIR, Intent.REFUND_STATUS):
            return Intent.COMPLAINT  # damaged, wrong or lost goods: a person acts on it, with the context
        if asks_about_another_order(st, q):
            return Intent.ORDER_STATUS  # "那帐篷呢" right after a parcel was shown
        if st.shown and asks_comparison(q.text) and not entity(q, EntityKind.ORDER_REF) and (
                q.intent in (Intent.PRODUCT_QUESTION, Intent.PRODUCT_SEARCH, Intent.RECOMMENDATION) or not q.is_confident):
            return Intent.PRODUCT_QUESTION  # "哪个更便宜" / "which one is lighter?" compares the products just shown
        picked = picked_from_list(st, q)
        if picked is not None:
            st.current_product = picked
            return Intent.EXPLAIN_RECOMMENDATION if q.intent == Intent.EXPLAIN_RECOMMENDATION else Intent.PRODUCT_QUESTION
        if refines_last_search(st, q):
            return Intent.PRODUCT_SEARCH  # "要黑色的" / "cheaper ones?" right after a list of products
        if q.intent == Intent.OUT_OF_SCOPE and mentioned_products(self._svc, q):
            return Intent.PRODUCT_QUESTION  # "tell me about the birch bookshelf": a product was named
        if q.intent == Intent.OUT_OF_SCOPE and entity(q, EntityKind.BRAND):
            return Intent.PRODUCT_SEARCH  # "what about Qinglan?": a brand of ours was named
        if q.is_confident:
            return q.intent
        # Unsure about the words, but the entities say what this is about.
        if entity(q, EntityKind.ORDER_REF):
            return Intent.ORDER_STATUS
        if entity(q, EntityKind.PRODUCT):
            return Intent.PRODUCT_QUESTION  # one product of ours was named: a question about it
        if entity(q, EntityKind.PRICE_RANGE) or entity(q, EntityKind.CATEGORY) or entity(q, EntityKind.BRAND):
            return Intent.PRODUCT_SEARCH
        if st.current_product and st.last_intent == Intent.PRODUCT_QUESTION and (
                asked_fields(q) or entity(q, EntityKind.COLOUR) or entity(q, EntityKind.SIZE)):
            return Intent.PRODUCT_QUESTION  # "and in pink?" / "保修呢" right after a question about a product
        if (entity(q, EntityKind.COLOUR) or entity(q, EntityKind.ATTRIBUTE)) and st.last_search is not None:
            return Intent.PRODUCT_SEARCH  # "what about the black one?"
        if st.last_search is not None and any(pattern.search(q.text) for pattern, _ in SORTS):
            return Intent.PRODUCT_SEARCH  # "cheaper ones?": re-sort what was just shown
        return q.intent if clear_leader(q) else None

    def _dispatch(self, st: SessionState, q: Understood, intent: Intent, out: ReplyBuilder) -> None:
        svc = self._svc
        if intent in _SOCIAL:
            _SOCIAL[intent](out)
        elif intent in (Intent.ORDER_STATUS, Intent.LOGISTICS_DELAY):
            orders_flow.order_status(svc, st, q, out, intent.value)
        elif intent == Intent.REFUND_STATUS:
            refunds_flow.refund_status(svc, st, q, out, intent.value)
        elif intent in (Intent.RETURN_REQUEST, Intent.EXCHANGE_REQUEST):
            returns_flow.start(st, ReturnKind.EXCHANGE if intent == Intent.EXCHANGE_REQUEST else ReturnKind.RETURN)
            returns_flow.step(svc, st, q, out)
        elif intent == Intent.PRODUCT_QUESTION:
            products_flow.product_question(svc, st, q, out)
        elif intent == Intent.PRODUCT_SEARCH:
            for pattern, order in SORTS:
                if pattern.search(q.text) and products_flow.sort_last_search(svc, st, order, out):
                    return
            products_flow.search(svc, st, q, out)
        elif intent == Intent.RECOMMENDATION:
            products_flow.recommend(svc, st, q, out)
        elif intent == Intent.ASSEMBLY_HELP:
            products_flow.assembly_help(svc, st, q, out, self._guides)
        elif intent == Intent.COMPLAINT:
            self._complaint(st, q, out)
        elif intent == Intent.HUMAN_AGENT:
            pass  # the care step opens the ticket
        elif intent == Intent.EXPLAIN_RECOMMENDATION:
            products_flow.explain_recommendation(st, out, q, svc)
        elif intent in after_sales.HANDLERS:
            after_sales.HANDLERS[intent](svc, st, q, out)
        else:
            smalltalk.out_of_scope(out)

    def _complaint(self, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
        topic = complaint_topic(q.text)
        case = complex_case(q.text, keyword_topic(q.text))  # the same screen that routed the turn here
        view = None
        if entity(q, EntityKind.ORDER_REF) or st.current_order or st.customer_code:
            # Look the order up quietly: the complaint is filed either way, and a question the turn
            # already asked (e.g. for the phone digits) must keep its own pending intent.
            pending = (st.pending_order_ref, st.pending_intent, st.shown_order_views)
            view = orders_flow.resolve_order(self._svc, st, q, ReplyBuilder(st.language),
                                             "return_request" if case else "complaint")
            if view is None:
                st.pending_order_ref, st.pending_intent, st.shown_order_views = pending
        if view is not None and view.is_late and topic in (ComplaintTopic.OTHER, ComplaintTopic.DELIVERY_DELAY):
            topic = ComplaintTopic.DELIVERY_DELAY
            if not any(isinstance(c, OrderView) and c.order_number == view.order_number for c in out.cards):
                out.card(view)
        # The order this conversation already proved is the complaint's, even when this turn's quiet
        # lookup failed: the complaint is then exported and deleted with the order's customer.
        proven = st.current_order if st.current_order in st.verified else None
        self._svc.handoff.file_complaint(topic=topic, text=q.text, customer_code=st.customer_code,
                                         order_number=view.order_number if view else proven)
        out.did(ServiceAction.COMPLAINT_RECORDED)
        if case is None or st.handed_off:
            out.add("I have recorded your complaint and it will be reviewed by our team.",
                    "您的投诉已记录，我们的团队会认真处理。")
            return
        # Damaged, wrong or lost goods and delivery disputes need a person who can act on them.
        ticket = self._svc.handoff.open_ticket(
            reason=case, priority=Priority.HIGH, summary=handoff_summary(st, case, view, q.text),
            customer_code=st.customer_code, order_number=view.order_number if view and view.order_number in st.verified
            else None, conversation_id=st.conversation_id)
        st.handed_off = True
        out.ticket = ticket
        out.card(ticket)
        out.did(ServiceAction.HANDED_OFF)
        out.outcome = Outcome.HANDED_OFF
        what_en, what_zh = CASE_WORDS[case]
        order_en = f" (order {view.masked_number})" if view else ""
        order_zh = f"（订单{view.masked_number}）" if view else ""
        out.apologise(f"I'm sorry about the {what_en}.", f"非常抱歉{what_zh}给您添麻烦了。")
        out.add(f"I've passed your report of the {what_en}{order_en} to a colleague together with what you told me, "
                f"so you won't have to explain again; you are number {ticket.queue_position} in the queue.",
                f"已将{what_zh}一事{order_zh}连同您的描述一并转交人工客服优先处理，无需重复说明，"
                f"您目前排在第 {ticket.queue_position} 位。")
        if view is not None and view.status == OrderStatus.DELIVERED and case in ("damaged_parcel", "wrong_item"):
            out.add("A photo of the item and the packaging helps; you can also start a return now.",
                    "方便的话请拍下商品和外包装的照片；也可以现在直接申请退换货。")
            out.suggest(("Start a return", "申请退货"), ("Exchange it", "申请换货"))


    # -- care and records --------------------------------------------------------------------

    def _care(self, st: SessionState, q: Understood, intent: Intent, out: ReplyBuilder) -> None:
        if out.outcome in FAILURES:
            st.consecutive_failures += 1
        elif out.outcome not in (Outcome.FORM, Outcome.SMALL_TALK):
            st.consecutive_failures = 0
        late = any(isinstance(c, OrderView) and c.is_late for c in out.cards)
        mood = st.remember_mood(q.emotion)
        decision = handoff_needed(intent, mood, failures=st.consecutive_failures, order_late=late,
                                  escalation=st.escalation)
        if decision is None or st.handed_off:
            if intent == Intent.HUMAN_AGENT and st.handed_off:
                out.add("You are already in the queue for a person; they will be with you shortly.",
                        "您已在人工客服队列中，请稍候。")
            return
        order = st.current_order if st.current_order in st.verified else None
        view = next((c for c in out.cards if isinstance(c, OrderView) and c.order_number == order), None)
        if view is None and order is not None:
            try:
                view = self._svc.orders.lookup(order, **st.credentials(order))
            except AppError:
                view = None
        ticket = self._svc.handoff.open_ticket(
            reason=decision.reason, priority=decision.priority, summary=handoff_summary(st, decision.reason, view, q.text),
            customer_code=st.customer_code, order_number=order, conversation_id=st.conversation_id)
        out.did(ServiceAction.HANDED_OFF)
        st.handed_off = True
        st.consecutive_failures = 0
        out.ticket = ticket
        out.card(ticket)
        out.outcome = Outcome.HANDED_OFF
        out.add(f"I have asked a colleague to take over (priority: {ticket.priority.name.lower()}); "
                f"you are number {ticket.queue_position} in the queue.",
                f"已为您转接人工客服（优先级：{_PRIORITY_ZH[ticket.priority.name]}），您目前排在第 {ticket.queue_position} 位。")

    def _thank_with_a_coupon(self, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
        """After an after-sales case ends well, a coupon that fits may be offered, once per session; never
        to someone who complained, was upset or went to a person in this conversation."""
        if (st.coupon_offered or not st.customer_code or not _RESOLVED_ACTIONS & set(out.actions)
                or q.emotion.label == EmotionLabel.ANGRY or st.handed_off
                or any(n.intent == Intent.COMPLAINT or n.emotion == EmotionLabel.ANGRY for n in st.history)):
            return
        category = None
        if st.current_product:
            try:
                category = self._svc.catalog.product(st.current_product).summary.category
            except AppError:
                category = None
        coupon = self._svc.coupons.offer_after_resolution(st.customer_code, category)
        if coupon is None:
            return
        st.coupon_offered = True
        out.add(f"As a thank-you for your patience, the coupon \"{coupon.title('en')}\" ({coupon.rule('en')}) "
                "is available for your next order.",
                f"感谢您的耐心，下次购物可以使用优惠券「{coupon.title('zh')}」（{coupon.rule('zh')}）。")

    def _record(self, st: SessionState, q: Understood, intent: Intent, reply: Reply) -> None:
        if st.conversation_id is None:
            return
        rephrased = st.last_outcome in FAILURES and st.last_intent == intent
        try:
            self._svc.conversations.record_turn(st.conversation_id, q.text, reply.text, intent=intent.value,
                                                confidence=round(q.confidence, 4), outcome=reply.outcome,
                                                rephrased=rephrased)
        except AppError:
            log.exception("could not record a turn")
        st.last_intent, st.last_outcome = intent, reply.outcome
        st.note_turn(TurnNote(q.text, intent, reply.outcome, q.emotion.label, q.emotion.intensity,
                              tuple(a.value for a in reply.actions)))


_PRIORITY_ZH = {"LOW": "低", "NORMAL": "普通", "HIGH": "高", "URGENT": "紧急"}
