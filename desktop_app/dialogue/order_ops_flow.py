"""Cancel, change address and urge shipping: order operations under the store's order rules.

Each operation finds the order the customer means (an order picker when several fit), checks what
the rules allow before asking anything, and changes nothing until the customer confirms. When the
parcel has already left, the refusal offers what is still possible (the carrier intercepting or
redirecting it) and a "yes" on the next turn requests it.

Reading the turn lives in ``order_ops_slots``, wording the answers in ``order_ops_replies``.
"""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.core.places import carrier_label
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.order_ops_replies import (
    ask_cancel,
    goods_text,
    mention_refund,
    offer_intercept,
    say_intercept,
    when_en,
    when_zh,
)
from desktop_app.dialogue.order_ops_slots import (
    CANCEL_WORDS,
    CHANGE_WORDS,
    INTERCEPT_WORDS,
    QUIT,
    address_in,
    confirmation,
    names_other_order,
    without_address,
)
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Intent
from desktop_app.service.order_changes import ChangeCheck, ChangeRefused, ChangeRule, parse_address
from desktop_app.service.refunds import channel_text, day_text
from desktop_app.service.types import OrderStatus, OrderView, status_text, yuan

# -- shared pieces -----------------------------------------------------------------------------


def _task(st: SessionState, intent: Intent) -> TaskForm | None:
    return st.task if st.task is not None and st.task.intent == intent else None


def _refused(out: ReplyBuilder, st: SessionState, exc: AppError) -> None:
    st.task = None
    out.add(exc.message, exc.message_zh)
    out.outcome = Outcome.REFUSED


def _unshipped(view: OrderView) -> bool:
    return view.status in (OrderStatus.UNPAID, OrderStatus.PAID)


# -- cancel ------------------------------------------------------------------------------------


def cancel_order(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _task(st, Intent.CANCEL_ORDER)
    if task is not None and task.order_number and not names_other_order(without_address(q, None), task):
        if task.step == "confirm":
            _answer_cancel(svc, st, q, out, task)
            return
        if task.step == "intercept":
            _answer_intercept(svc, st, q, out, task)
            return
    st.task = None
    view = resolve_order(svc, st, without_address(q, None), out, Intent.CANCEL_ORDER.value, fits=_unshipped)
    if view is None:
        return
    try:
        check = svc.order_changes.check_cancel(view.order_number, **st.credentials(view.order_number))
    except AppError as exc:
        _refused(out, st, exc)
        return
    if check.allowed:
        ask_cancel(st, out, check)
    else:
        _refuse_cancel(svc, st, out, check)


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
        ask_cancel(st, out, check)
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
        offer_intercept(st, out, check, Intent.CANCEL_ORDER)
    elif check.rule == ChangeRule.DELIVERED:
        out.suggest(("Return an item", "申请退货"), ("Return rules", "退货规则"))
    elif check.rule == ChangeRule.CANCELLED:
        mention_refund(svc, st, out, check.order_number)


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
    say_intercept(out, result)


# -- change address ----------------------------------------------------------------------------


def change_address(svc: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _task(st, Intent.CHANGE_ADDRESS)
    collecting = task is not None and task.step in ("address", "redirect", "confirm", "intercept")
    given = address_in(q.text, whole=collecting)
    turn = without_address(q, given)
    if task is not None and task.order_number and not names_other_order(turn, task):
        if QUIT.search(q.text) and task.step != "intercept":
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
            offer_intercept(st, out, check, Intent.CHANGE_ADDRESS, pending)
        return
    task = TaskForm(intent=Intent.CHANGE_ADDRESS, step="address", order_number=view.order_number)
    st.task = task
    if pending:
        _take_address(svc, st, out, task, pending, pending)
        return
    m = view.masked_number
    out.add(f"Order {m} ({goods_text(view, 'en')}) has not shipped yet, so the address can still be changed. "
            "What is the new address? Please include the city, district, street and number.",
            f"订单{m}（{goods_text(view, 'zh')}）还未发货，可以修改地址。请告诉我新的收货地址，"
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
            offer_intercept(st, out, exc.check, Intent.CHANGE_ADDRESS, task.values["address"])
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
    view = resolve_order(svc, st, without_address(q, None), out, Intent.URGE_SHIPPING.value,
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
    due_en, due_zh = when_en(result.ship_by), when_zh(result.ship_by)
    if result.already_urged:
        out.add(f"I already reminded the warehouse about order {m} today, so it is on record; it is due to ship "
                f"by {due_en}.",
                f"今天已经为您催促过订单{m}了，仓库已记录，会尽快处理；承诺发货时间是 {due_zh} 前。")
    elif result.overdue:
        out.add(f"I'm sorry: order {m} ({goods_text(view, 'en')}) should have shipped by {due_en} ({hours} hours after "
                "payment). I have flagged it to the warehouse as urgent.",
                f"非常抱歉，订单{m}（{goods_text(view, 'zh')}）已超过承诺的发货时间（{due_zh}，付款后 {hours} 小时内），"
                "已为您加急催促仓库尽快发出。")
        out.suggest(("Talk to a person", "转人工"), ("Cancel the order", "取消订单"))
    else:
        out.add(f"I have reminded the warehouse to ship order {m} ({goods_text(view, 'en')}). It is promised to ship "
                f"by {due_en} ({hours} hours after payment), so it is still on time.",
                f"已帮您催促仓库尽快发货。订单{m}（{goods_text(view, 'zh')}）承诺在 {due_zh} 前发货"
                f"（付款后 {hours} 小时内），目前还在承诺时间内，请您再耐心等一下。")


HANDLERS: dict[Intent, Handler] = {
    Intent.CANCEL_ORDER: cancel_order,
    Intent.CHANGE_ADDRESS: change_address,
    Intent.URGE_SHIPPING: urge_shipping,
}
