"""What a turn says about where it belongs, before any flow answers it: whether it answers the open
form, points at an item of the list just shown, narrows the last search, asks about another order,
or is just an order number; and whether an unsure reading still has one clear request.

Split out of ``manager`` so the manager keeps the routing decisions and this module the cues they
rest on. A leaf of the dialogue layer: it reads the turn and the session, and changes neither.
"""

from __future__ import annotations

import re

from desktop_app.dialogue import after_sales, smalltalk
from desktop_app.dialogue.slots import Understood, entity, list_reference, return_reason, yes_no
from desktop_app.dialogue.state import SessionState
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.return_policy import opened_from_text
from desktop_app.service.types import SortOrder

#: Words that re-sort the products just shown ("cheaper ones?", "评分最高").
SORTS = ((re.compile(r"cheap|lowest price|price low|便宜|从低到高|价格最低", re.I), SortOrder.PRICE_ASC),
         (re.compile(r"best.?rated|highest rat|评分最高|好评", re.I), SortOrder.RATING))


def answers_form(st: SessionState, q: Understood) -> bool:
    """Whether this turn supplies what the open form (or a pending question) is waiting for."""
    if entity(q, EntityKind.ORDER_REF) or entity(q, EntityKind.PHONE_LAST4) or re.fullmatch(r"\s*\d{1,4}\s*", q.text):
        return True
    if st.task is not None and after_sales.answers_task(st, q):
        return True
    form = st.form
    if form is None:
        return False
    if form.asking_opened and opened_from_text(q.text, answering=True) is not None:
        return True  # "没拆封" answers "has it been opened?"
    if form.step == "confirm":
        return yes_no(q.text) is not None
    if form.step == "reason":
        return return_reason(q.text) is not None
    if form.step == "item":
        return bool(entity(q, EntityKind.COLOUR) or entity(q, EntityKind.SIZE) or entity(q, EntityKind.PRODUCT))
    return False


#: Slots a short follow-up may change in the list just shown ("the black one", "under 500").
_REFINERS = (EntityKind.COLOUR, EntityKind.ATTRIBUTE, EntityKind.PRICE_RANGE, EntityKind.SIZE, EntityKind.BRAND)
#: Follow-ups are short; a long sentence is a new request even if it names a colour.
FOLLOW_UP_CHARS = 24


def picked_from_list(st: SessionState, q: Understood) -> str | None:
    """The SKU a short turn points at in the list just shown ("第二个呢", "the cheaper one"), if any."""
    about_an_item = q.intent in (Intent.PRODUCT_QUESTION, Intent.EXPLAIN_RECOMMENDATION)
    if not st.shown or (len(q.text) > FOLLOW_UP_CHARS and not about_an_item) or entity(q, EntityKind.ORDER_REF):
        return None
    ref = list_reference(q.text, len(st.shown))
    if isinstance(ref, int) and any(pattern.search(q.text) for pattern, _ in SORTS):
        return None  # "best rated first" re-sorts the list; it does not point at its first item
    if ref == "cheapest":
        return min(st.shown, key=lambda p: p.price_fen).sku
    if ref == "dearest":
        return max(st.shown, key=lambda p: p.price_fen).sku
    return st.shown[ref].sku if isinstance(ref, int) else None


def refines_last_search(st: SessionState, q: Understood) -> bool:
    """A short turn that only narrows or re-sorts the products shown last."""
    if st.last_search is None or st.last_intent not in (Intent.PRODUCT_SEARCH, Intent.RECOMMENDATION):
        return False
    if len(q.text) > FOLLOW_UP_CHARS or entity(q, EntityKind.ORDER_REF) or entity(q, EntityKind.PRODUCT):
        return False
    refines = any(entity(q, kind) for kind in _REFINERS) or any(p.search(q.text) for p, _ in SORTS)
    return refines and q.intent not in (Intent.HUMAN_AGENT, Intent.COMPLAINT)


#: E-mail addresses, tax ids, SKUs: Latin letters that say nothing about the customer's language.
CODES = re.compile(r"\S+@\S+|\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{4,}\b")
_ONLY_A_NUMBER = re.compile(r"^\D{0,12}\d{4}(?:\d{12})?\D{0,6}$")


def only_a_number(text: str) -> bool:
    """A short answer that is just an order number (its last four or all sixteen digits)."""
    return bool(_ONLY_A_NUMBER.match(re.sub(r"[\s-]", "", text)))


_WHAT_ABOUT = re.compile(r"呢[？?]?\s*$|^\s*(?:那|还有)|^\s*(?:and|what about|how about)\b", re.I)


def asks_about_another_order(st: SessionState, q: Understood) -> bool:
    """A short "what about the tent?" after an order was shown asks about another order of theirs."""
    if st.last_intent not in (Intent.ORDER_STATUS, Intent.LOGISTICS_DELAY) or len(q.text) > FOLLOW_UP_CHARS:
        return False
    names_one = entity(q, EntityKind.PRODUCT) or entity(q, EntityKind.CATEGORY)
    return bool(names_one and _WHAT_ABOUT.search(q.text) and (st.customer_code or st.verified))


#: Below the fused threshold, a request is still acted on when it is at least this likely and no
#: other request comes close (the runner-up is a greeting, off-topic, or far behind).
LEADER_CONFIDENCE = 0.3
LEADER_MARGIN = 2.0


def clear_leader(q: Understood) -> bool:
    """Whether an unsure turn still has one clear request; otherwise the customer is asked which one."""
    if q.intent not in smalltalk.INTENT_CHOICES or q.confidence < LEADER_CONFIDENCE:
        return False
    rival = next((p for i, p in getattr(q, "intents", ())[1:] if i in smalltalk.INTENT_CHOICES and i != q.intent), 0.0)
    return q.confidence >= LEADER_MARGIN * rival
