"""Reading an order-operation turn: yes or no to a confirmation (where "取消吧" confirms a cancel), a
new address, and the turn as the order lookup should see it, with the address's numbers left out.

Split out of ``order_ops_flow`` so the flow keeps the operations and this module the reading of
the words; nothing here writes a reply or changes the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.dialogue.slots import Understood, entity, yes_no
from desktop_app.dialogue.state import TaskForm
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent
from desktop_app.service.order_changes import looks_like_address

QUIT = re.compile(r"^\s*(?:算了|不用了?|不要了?|不改了|不弄了|先这样|no\b|nope|never ?mind|forget it|leave it|stop)",
                   re.I)
_NEGATIVE = re.compile(r"^\s*(?:不|别|算了|先不|不用|不要|no\b|nope|nah\b|don'?t|do not|never ?mind|forget it|keep it)"
                       r"|不(?:取消|改|拦|用了|要了)|别(?:取消|改|拦)|\bdon'?t\b|\bdo not\b|\bnot now\b|拒收", re.I)
_AFFIRM = re.compile(r"^\s*(?:嗯|好|行|可以|确认|确定|是|对|没问题|麻烦|要的|ok|okay|yes|yep|yeah|sure|please|go ahead|"
                     r"do it|confirm|correct|right)", re.I)
_QUESTION = re.compile(r"[?？吗]|是不是|多少|怎么|how much|how long|what|which|will it", re.I)
CANCEL_WORDS = re.compile(r"取消|cancel", re.I)
CHANGE_WORDS = re.compile(r"改|change|update", re.I)
INTERCEPT_WORDS = re.compile(r"拦截|拦下|拦回|改派|退回|intercept|redirect|stop (?:it|the parcel)|send it back", re.I)


def confirmation(text: str, verbs: re.Pattern[str]) -> bool | None:
    """Yes (True), no (False) or neither (None) to a confirmation whose action words are ``verbs``:
    "取消吧" confirms a cancel although a bare "取消" reads as "no" anywhere else."""
    if _NEGATIVE.search(text):
        return False
    if _QUESTION.search(text):
        return None  # "要收费吗？": a question, answered by asking again with the facts
    if verbs.search(text) or _AFFIRM.search(text):
        return True
    return yes_no(text)


_ADDRESS_MARKER = re.compile(
    r"(?:改成|改为|改到|换成|换到|寄到|送到|发到|寄往|派到|新地址(?:是|为)?|地址(?:是|为)|"
    r"\bnew address\b(?:\s+is)?|\baddress\s+is\b|\b(?:to|as)\b)\s*[:：]?\s*", re.I)
_TRAILER = re.compile(r"[\s,，。.!！~]*(?:谢谢(?:啦|了)?|麻烦(?:你|您)?了|辛苦了|thanks|thank you|please|pls|ok\??|好吗[?？]?)"
                      r"[\s,，。.!！~]*$", re.I)


def address_in(text: str, *, whole: bool = False) -> str | None:
    """The new address a turn gives ("地址改成北京市朝阳区…", "change it to 88 Jianguo Road, Beijing"),
    or None. ``whole``: the turn answers "what is the new address?", so all of it may be the address."""
    candidates = [text[m.end():] for m in _ADDRESS_MARKER.finditer(text)]
    candidates.reverse()  # the last marker before an address is the one that introduces it
    if whole:
        candidates.append(text)
    for raw in candidates:
        cleaned = _TRAILER.sub("", raw).strip(" ,，。.;；:：")
        if cleaned and looks_like_address(cleaned):
            return cleaned
    return None


@dataclass(frozen=True)
class _Without:
    """The turn with an address taken out, so the numbers in "5号楼1201" are not read as an order."""

    text: str
    intent: Intent
    confidence: float
    is_confident: bool
    entities: tuple[Entity, ...]
    emotion: Emotion
    primary_language: str


#: "order 7216", "订单号 2611…": an order named in so many words.
_NAMED_ORDER = re.compile(r"(?:\border\s*(?:no\.?|number|#)?|订单号?|单号)\s*#?\s*(\d{16}|\d{4})(?!\d)", re.I)


def without_address(q: Understood, address: str | None) -> Understood:
    """The turn as the order lookup should read it: numbers inside the address dropped, and an order
    named in so many words kept even when the understanding read it as something else ("order 7216
    to 20 Wensan Road" is not a price range of 20 to 7216)."""
    rest = q.text.replace(address, " ").strip() if address and address in q.text else q.text
    digit_kinds = (EntityKind.ORDER_REF, EntityKind.PHONE_LAST4)
    kept = tuple(e for e in q.entities
                 if e.kind not in digit_kinds or e.value in rest or not address or e.value not in address)
    named = _NAMED_ORDER.search(rest)
    if named and not any(e.kind == EntityKind.ORDER_REF for e in kept):
        digits = named.group(1)
        kept = (*kept, Entity(kind=EntityKind.ORDER_REF, value=digits, text="", start=0, end=0, confidence=0.9,
                              partial=len(digits) < 16))
        kept = tuple(e for e in kept if e.kind != EntityKind.PRICE_RANGE)  # the order number was read as a price
    if rest == q.text and kept == tuple(q.entities):
        return q
    return _Without(text=rest, intent=q.intent, confidence=q.confidence, is_confident=q.is_confident,
                    entities=kept, emotion=q.emotion, primary_language=q.primary_language)


def names_other_order(q: Understood, task: TaskForm) -> bool:
    """The turn points at an order other than the one the open task is about ("不是这个，是4582")."""
    ref = entity(q, EntityKind.ORDER_REF)
    return bool(ref and task.order_number and not task.order_number.endswith(ref.value))
