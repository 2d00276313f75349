"""Cancel, change address and urge shipping: order operations under the store's order rules.

Each operation finds the order the customer means (an order picker when several fit), checks what
the rules allow before asking anything, and changes nothing until the customer confirms. When the
parcel has already left, the refusal offers what is still possible (the carrier intercepting or
redirecting it) and a "yes" on the next turn requests it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.errors import AppError
from desktop_app.core.places import carrier_label
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, yes_no
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent
from desktop_app.service.order_changes import (
    ChangeCheck,
    ChangeRefused,
    ChangeRule,
    InterceptResult,
    looks_like_address,
    parse_address,
)
from desktop_app.service.refunds import channel_text, day_text
from desktop_app.service.types import OrderStatus, OrderView, status_text, yuan

# -- reading the customer's answers ------------------------------------------------------------

_QUIT = re.compile(r"^\s*(?:算了|不用了?|不要了?|不改了|不弄了|先这样|no\b|nope|never ?mind|forget it|leave it|stop)",
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


# -- addresses in a turn -----------------------------------------------------------------------

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


def _without(q: Understood, address: str | None) -> Understood:
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


# -- shared pieces -----------------------------------------------------------------------------


def _task(st: SessionState, intent: Intent) -> TaskForm | None:
    return st.task if st.task is not None and st.task.intent == intent else None


def _names_other_order(q: Understood, task: TaskForm) -> bool:
    """The turn points at an order other than the one the open task is about ("不是这个，是4582")."""
    ref = entity(q, EntityKind.ORDER_REF)
    return bool(ref and task.order_number and not task.order_number.endswith(ref.value))


def _goods(view: OrderView | ChangeCheck, language: str) -> str:
    if isinstance(view, ChangeCheck):
        return view.goods(language)
    names = [line.product.name(language) for line in view.lines]
    if len(names) <= 1:
        return names[0] if names else ""
    return f"{names[0]}等" if language == "zh" else f"{names[0]} and {len(names) - 1} more"


def _when_zh(when: datetime) -> str:
    return f"{when.month}月{when.day}日 {when:%H:%M}"


def _when_en(when: datetime) -> str:
    return f"{when:%b} {when.day}, {when:%H:%M}"


def _refused(out: ReplyBuilder, st: SessionState, exc: AppError) -> None:
    st.task = None
    out.add(exc.message, exc.message_zh)
    out.outcome = Outcome.REFUSED


def _unshipped(view: OrderView) -> bool:
    return view.status in (OrderStatus.UNPAID, OrderStatus.PAID)


# -- cancel ------------------------------------------------------------------------------------


def cancel_order(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _task(st, Intent.CANCEL_ORDER)
    if task is not None and task.order_number and not _names_other_order(_without(q, None), task):
        if task.step == "confirm":
            _answer_cancel(svc, st, q, out, task)
            return
        if task.step == "intercept":
            _answer_intercept(svc, st, q, out, task)
            return
    st.task = None
    view = resolve_order(svc, st, _without(q, None), out, Intent.CANCEL_ORDER.value, fits=_unshipped)
    if view is None:
        return
    try:
        check = svc.order_changes.check_cancel(view.order_number, **st.credentials(view.order_number))
    except AppError as exc:
        _refused(out, st, exc)
        return
    if check.allowed:
        _ask_cancel(st, out, check)
    else:
        _refuse_cancel(svc, st, out, check)


def _ask_cancel(st: SessionState, out: ReplyBuilder, check: ChangeCheck) -> None:
    st.task = TaskForm(intent=Intent.CANCEL_ORDER, step="confirm", order_number=check.order_number)
    m, total = check.masked_number, yuan(check.total_fen)
    if check.refund_fen:
        channel_en, channel_zh = channel_text(check.channel, "en"), channel_text(check.channel, "zh")
        days = check.refund_days
        then_en = (f"The refund of {yuan(check.refund_fen)} goes back to your {channel_en} "
                   f"{'the same day' if days == 0 else f'within {days} day' + ('s' if days != 1 else '')}.")
        then_zh = (f"退款 {yuan(check.refund_fen)} 将原路退回您的{channel_zh}，"
                   f"预计{'当天' if days == 0 else f' {days} 天内'}到账。")
    else:
        then_en, then_zh = "It is not paid yet, so there is nothing to refund.", "该订单尚未付款，取消后无需退款。"
    out.card(check)
    out.add(f"Shall I cancel order {m} ({check.goods('en')}, {total})? {then_en}",
            f"确认取消订单{m}（{check.goods('zh')}，{total}）吗？{then_zh}")
    out.suggest(("Yes, cancel it", "确认取消"), ("No, keep the order", "不取消了"))
    out.outcome = Outcome.FORM


def _answer_cancel(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder, task: TaskForm) -> None:
    assert task.order_number is not None
    answer = confirmation(q.text, CANCEL_WORDS)
    m = f"…{task.order_number[-4:]}"
    if answer is None:  # a question ("退回哪里？") or something unclear: the facts again, then the question
        try:
            check = svc.order_changes.check_cancel(task.order_number, **st.credentials(task.order_number))
        except AppError as exc:
            _refused(out, st, exc)
            return
        if not check.allowed:
            _refuse_cancel(svc, st, out, check)
            return
        _ask_cancel(st, out, check)
        out.add("Please answer yes or no.", "回复“确认取消”或“不取消了”即可。")
        return
    st.task = None
    if not answer:
        out.add(f"All right, order {m} stays as it is; nothing was changed.",
                f"好的，订单{m}不取消了，一切保持不变。")
        return
    try:
        result = svc.order_changes.cancel(task.order_number, **st.credentials(task.order_number))
    except ChangeRefused as exc:  # the order moved on while we were asking
        _refuse_cancel(svc, st, out, exc.check)
        return
    except AppError as exc:
        _refused(out, st, exc)
        return
    out.card(result)
    out.did(ServiceAction.ORDER_CANCELLED)
    refund = result.refund
    if refund is None:
        out.add(f"Order {m} is cancelled. It was not paid, so there is nothing to refund.",
                f"已为您取消订单{m}。该订单未付款，无需退款。")
    else:
        out.add(f"Order {m} is cancelled. {yuan(refund.amount_fen)} goes back to your "
                f"{channel_text(refund.channel, 'en')} by {day_text(refund.expected_by, 'en')}.",
                f"已为您取消订单{m}。{yuan(refund.amount_fen)} 将原路退回您的{channel_text(refund.channel, 'zh')}，"
                f"预计 {day_text(refund.expected_by, 'zh')} 前到账。")
        out.suggest(("Where is my refund?", "查看退款进度"))


def _refuse_cancel(svc: Services, st: SessionState, out: ReplyBuilder, check: ChangeCheck) -> None:
    st.task = None
    out.did(ServiceAction.CANCEL_REFUSED)
    out.outcome = Outcome.REFUSED
    out.add(check.explanation_en, check.explanation_zh)
    if check.rule == ChangeRule.SHIPPED:
        _offer_intercept(st, out, check, Intent.CANCEL_ORDER)
    elif check.rule == ChangeRule.DELIVERED:
        out.suggest(("Return an item", "申请退货"), ("Return rules", "退货规则"))
    elif check.rule == ChangeRule.CANCELLED:
        _mention_refund(svc, st, out, check.order_number)


def _mention_refund(svc: Services, st: SessionState, out: ReplyBuilder, order_number: str) -> None:
    try:
        refunds = svc.refunds.refunds_for(order_number, **st.credentials(order_number))
    except AppError:
        return
    for r in refunds[:1]:
        if r.completed and r.completed_at is not None:
            out.add(f"Its refund of {yuan(r.amount_fen)} reached your {channel_text(r.channel, 'en')} on "
                    f"{day_text(r.completed_at, 'en')}.",
                    f"该订单的退款 {yuan(r.amount_fen)} 已于 {day_text(r.completed_at, 'zh')} 原路退回您的"
                    f"{channel_text(r.channel, 'zh')}。")
        else:
            out.add(f"Its refund of {yuan(r.amount_fen)} is on its way to your {channel_text(r.channel, 'en')}, "
                    f"due by {day_text(r.expected_by, 'en')}.",
                    f"该订单的退款 {yuan(r.amount_fen)} 正在原路退回您的{channel_text(r.channel, 'zh')}，"
                    f"预计 {day_text(r.expected_by, 'zh')} 前到账。")


def _offer_intercept(st: SessionState, out: ReplyBuilder, check: ChangeCheck, intent: Intent,
                     address: str | None = None) -> None:
    """After a refusal for a parcel already on its way: offer the carrier's interception as a chip."""
    values = {"address": address} if address else {}
    st.task = TaskForm(intent=intent, step="intercept", order_number=check.order_number, values=values)
    out.did(ServiceAction.INTERCEPT_OFFERED)
    if intent == Intent.CHANGE_ADDRESS:
        out.add("Shall I ask the carrier to redirect it?", "需要我帮您申请快递改派吗？")
        out.suggest(("Yes, redirect it", "申请改派"), ("No, thanks", "不用了"))
    else:
        out.add("Shall I ask the carrier to intercept it?", "需要我帮您申请拦截吗？")
        out.suggest(("Yes, intercept it", "申请拦截"), ("No, I'll just refuse it", "不用，我拒收"))


def _answer_intercept(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder, task: TaskForm) -> None:
    assert task.order_number is not None
    fee = yuan(svc.policy.orders.intercept_fee_fen)
    redirect = task.intent == Intent.CHANGE_ADDRESS
    answer = confirmation(q.text, INTERCEPT_WORDS)
    if answer is None:
        if redirect:
            out.add(f"Redirecting costs {fee} and the carrier cannot always manage it. Shall I ask them?",
                    f"改派需要 {fee} 的费用，且不一定能成功。需要为您申请吗？")
            out.suggest(("Yes, redirect it", "申请改派"), ("No, thanks", "不用了"))
        else:
            out.add(f"Interception costs {fee} and the carrier cannot always manage it. Shall I ask them?",
                    f"拦截需要 {fee} 的费用，且不一定能成功。需要为您申请吗？")
            out.suggest(("Yes, intercept it", "申请拦截"), ("No, I'll just refuse it", "不用，我拒收"))
        out.outcome = Outcome.FORM
        return
    st.task = None
    if not answer:
        if redirect:
            out.add("All right, nothing was changed; the parcel goes to the original address.",
                    "好的，不做改动，包裹仍按原地址派送。")
        else:
            out.add("All right. You can simply refuse the parcel when it is delivered; once it is back with us "
                    "we refund you by the way you paid.",
                    "好的。快递派送时您直接拒收即可，包裹退回仓库后会为您原路退款。")
        return
    address = task.values.get("address") if redirect else None
    if redirect and address is None:
        st.task = TaskForm(intent=Intent.CHANGE_ADDRESS, step="redirect", order_number=task.order_number)
        out.add("What is the new address the parcel should go to?", "请告诉我包裹需要改派到的新地址。")
        out.outcome = Outcome.FORM
        return
    try:
        result = svc.order_changes.intercept(task.order_number, new_address=address,
                                             **st.credentials(task.order_number))
    except AppError as exc:
        _refused(out, st, exc)
        return
    _say_intercept(out, result)


def _say_intercept(out: ReplyBuilder, result: InterceptResult) -> None:
    out.card(result)
    out.did(ServiceAction.INTERCEPT_REQUESTED)
    m, fee = result.masked_number, yuan(result.fee_fen)
    carrier_en, carrier_zh = carrier_label(result.carrier, "en"), carrier_label(result.carrier, "zh")
    if not result.created:
        out.add(f"An interception request for order {m} is already with {carrier_en}; "
                "you will get a text with the result.",
                f"订单{m}已经提交过拦截申请，{carrier_zh}处理后会短信通知您结果。")
        return
    if result.purpose == "redirect":
        out.add(f"I have asked {carrier_en} to redirect order {m} to the new address (fee {fee}). "
                "Redirecting can fail; you will get a text with the result.",
                f"已为您向{carrier_zh}提交改派申请，订单{m}将改派到新地址（费用 {fee}）。改派不一定成功，结果会短信通知您。")
    else:
        out.add(f"I have asked {carrier_en} to intercept order {m} and send it back (fee {fee}). If it works, "
                f"{yuan(result.refund_fen)} is refunded to your {channel_text(result.channel, 'en')} once the parcel "
                "is back; if it fails, you can still refuse the delivery.",
                f"已为您向{carrier_zh}提交拦截申请（拦截费 {fee}），订单{m}拦截成功后退回仓库，"
                f"{yuan(result.refund_fen)} 将原路退回您的{channel_text(result.channel, 'zh')}；"
                "如果拦截失败，您也可以在派送时直接拒收。")


# -- change address ----------------------------------------------------------------------------


def change_address(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _task(st, Intent.CHANGE_ADDRESS)
    collecting = task is not None and task.step in ("address", "redirect", "confirm", "intercept")
    given = address_in(q.text, whole=collecting)
    turn = _without(q, given)
    if task is not None and task.order_number and not _names_other_order(turn, task):
        if _QUIT.search(q.text) and task.step != "intercept":
            st.task = None
            out.add("All right, the address stays as it is.", "好的，收货地址保持不变。")
            return
        if task.step in ("address", "redirect"):
            _take_address(svc, st, out, task, q.text, given)
            return
        if task.step == "confirm":
            if given and given != task.values.get("address"):
                _take_address(svc, st, out, task, q.text, given)  # a corrected address replaces the one asked about
                return
            _answer_address(svc, st, q, out, task)
            return
        if task.step == "intercept":
            if given and given != task.values.get("address"):
                task.step = "redirect"  # "改派到…": the address to redirect to, read back before asking the carrier
                _take_address(svc, st, out, task, q.text, given)
                return
            _answer_intercept(svc, st, q, out, task)
            return
    pending = given or (task.values.get("address") if task is not None else None)
    st.task = None
    view = resolve_order(svc, st, turn, out, Intent.CHANGE_ADDRESS.value, fits=_unshipped)
    if view is None:
        if pending and out.outcome == Outcome.FORM:  # still finding the order: keep the address for then
            st.task = TaskForm(intent=Intent.CHANGE_ADDRESS, step="order", values={"address": pending})
        return
    try:
        check = svc.order_changes.check_address(view.order_number, **st.credentials(view.order_number))
    except AppError as exc:
        _refused(out, st, exc)
        return
    if not check.allowed:
        out.did(ServiceAction.ADDRESS_REFUSED)
        out.outcome = Outcome.REFUSED
        out.add(check.explanation_en, check.explanation_zh)
        if check.rule == ChangeRule.SHIPPED:
            _offer_intercept(st, out, check, Intent.CHANGE_ADDRESS, pending)
        return
    task = TaskForm(intent=Intent.CHANGE_ADDRESS, step="address", order_number=view.order_number)
    st.task = task
    if pending:
        _take_address(svc, st, out, task, pending, pending)
        return
    m = view.masked_number
    out.add(f"Order {m} ({_goods(view, 'en')}) has not shipped yet, so the address can still be changed. "
            "What is the new address? Please include the city, district, street and number.",
            f"订单{m}（{_goods(view, 'zh')}）还未发货，可以修改地址。请告诉我新的收货地址，"
            "包括城市、区县、街道和门牌号。")
    out.outcome = Outcome.FORM


def _take_address(svc: Services, st: SessionState, out: ReplyBuilder, task: TaskForm, text: str,
                  given: str | None) -> None:
    """Check a new address; a good one is read back for confirmation, a bad one is asked for again."""
    assert task.order_number is not None
    m = f"…{task.order_number[-4:]}"
    try:
        address = parse_address(given or text)
    except AppError as exc:
        task.step = "redirect" if task.step == "redirect" else "address"
        out.add(exc.message, exc.message_zh)
        out.add("What is the new address?", "请重新告诉我新的收货地址。")
        out.suggest(("Never mind", "算了，不改了"))
        out.outcome = Outcome.FORM
        return
    if task.step == "redirect":
        st.task = TaskForm(intent=Intent.CHANGE_ADDRESS, step="intercept", order_number=task.order_number,
                           values={"address": address.text})
        fee = yuan(svc.policy.orders.intercept_fee_fen)
        out.add(f"Shall I ask the carrier to redirect order {m} to: {address.text}? It costs {fee} and may fail.",
                f"确认申请快递把订单{m}改派到：{address.text} 吗？改派费用 {fee}，不一定能成功。")
        out.suggest(("Yes, redirect it", "申请改派"), ("No, thanks", "不用了"))
        out.outcome = Outcome.FORM
        return
    task.step = "confirm"
    task.values["address"] = address.text
    st.task = task
    out.add(f"Shall I change the delivery address of order {m} to: {address.text}?",
            f"确认将订单{m}的收货地址改为：{address.text} 吗？")
    out.suggest(("Yes, change the address", "确认修改"), ("No, keep the old one", "不改了"))
    out.outcome = Outcome.FORM


def _answer_address(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder, task: TaskForm) -> None:
    assert task.order_number is not None
    m = f"…{task.order_number[-4:]}"
    answer = confirmation(q.text, CHANGE_WORDS)
    if answer is None:
        out.add(f"Shall I change the address of order {m}? Please answer yes or no.",
                f"请问确认修改订单{m}的收货地址吗？回复“确认”或“不改了”即可。")
        out.suggest(("Yes, change the address", "确认修改"), ("No, keep the old one", "不改了"))
        out.outcome = Outcome.FORM
        return
    st.task = None
    if not answer:
        out.add(f"All right, order {m} keeps its address; nothing was changed.",
                f"好的，订单{m}的收货地址保持不变。")
        return
    try:
        result = svc.order_changes.change_address(task.order_number, task.values["address"],
                                                  **st.credentials(task.order_number))
    except ChangeRefused as exc:  # shipped while we were asking
        out.did(ServiceAction.ADDRESS_REFUSED)
        out.outcome = Outcome.REFUSED
        out.add(exc.message, exc.message_zh)
        if exc.check.rule == ChangeRule.SHIPPED:
            _offer_intercept(st, out, exc.check, Intent.CHANGE_ADDRESS, task.values["address"])
        return
    except AppError as exc:
        _refused(out, st, exc)
        return
    out.card(result)
    out.did(ServiceAction.ADDRESS_CHANGED)
    out.add(f"Done: order {m} will now go to {result.address}.",
            f"已为您修改，订单{m}将寄往：{result.address}。")


# -- urge shipping -----------------------------------------------------------------------------


def urge_shipping(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    st.task = None
    view = resolve_order(svc, st, _without(q, None), out, Intent.URGE_SHIPPING.value,
                         fits=lambda v: v.status == OrderStatus.PAID)
    if view is None:
        return
    try:
        result = svc.order_changes.urge(view.order_number, **st.credentials(view.order_number))
    except AppError as exc:
        _refused(out, st, exc)
        return
    m = view.masked_number
    if result.shipped:
        out.card(view)
        out.did(ServiceAction.ORDER_SHOWN)
        carrier_en, carrier_zh = carrier_label(result.carrier, "en"), carrier_label(result.carrier, "zh")
        latest_en = f" Latest: {result.latest_en}." if result.latest_en else ""
        latest_zh = f"最新进度：{result.latest_zh}。" if result.latest_zh else ""
        state_en = "" if view.status == OrderStatus.SHIPPED else f" ({status_text(view.status.value, 'en')})"
        state_zh = "" if view.status == OrderStatus.SHIPPED else f"（{status_text(view.status.value, 'zh')}）"
        out.add(f"Order {m} has already shipped with {carrier_en}{state_en}.{latest_en}",
                f"订单{m}已经发货了，由{carrier_zh}配送{state_zh}。{latest_zh}")
        if view.is_late:
            out.add(f"It was promised by {day_text(view.promised_by, 'en')}, so it is late.",
                    f"原定 {day_text(view.promised_by, 'zh')} 前送达，已经延误了。")
            out.apologise("I'm sorry for the wait.", "非常抱歉让您久等。")
            out.suggest(("Talk to a person", "转人工"))
        else:
            out.add(f"It should arrive by {day_text(view.promised_by, 'en')}.",
                    f"预计 {day_text(view.promised_by, 'zh')} 前送达。")
        return
    assert result.ship_by is not None
    out.card(result)
    out.did(ServiceAction.SHIPPING_URGED)
    hours = svc.policy.orders.ship_within_hours
    due_en, due_zh = _when_en(result.ship_by), _when_zh(result.ship_by)
    if result.already_urged:
        out.add(f"I already reminded the warehouse about order {m} today, so it is on record; it is due to ship "
                f"by {due_en}.",
                f"今天已经为您催促过订单{m}了，仓库已记录，会尽快处理；承诺发货时间是 {due_zh} 前。")
    elif result.overdue:
        out.add(f"I'm sorry: order {m} ({_goods(view, 'en')}) should have shipped by {due_en} ({hours} hours after "
                "payment). I have flagged it to the warehouse as urgent.",
                f"非常抱歉，订单{m}（{_goods(view, 'zh')}）已超过承诺的发货时间（{due_zh}，付款后 {hours} 小时内），"
                "已为您加急催促仓库尽快发出。")
        out.suggest(("Talk to a person", "转人工"), ("Cancel the order", "取消订单"))
    else:
        out.add(f"I have reminded the warehouse to ship order {m} ({_goods(view, 'en')}). It is promised to ship "
                f"by {due_en} ({hours} hours after payment), so it is still on time.",
                f"已帮您催促仓库尽快发货。订单{m}（{_goods(view, 'zh')}）承诺在 {due_zh} 前发货"
                f"（付款后 {hours} 小时内），目前还在承诺时间内，请您再耐心等一下。")


HANDLERS: dict[Intent, Handler] = {
    Intent.CANCEL_ORDER: cancel_order,
    Intent.CHANGE_ADDRESS: change_address,
    Intent.URGE_SHIPPING: urge_shipping,
}
