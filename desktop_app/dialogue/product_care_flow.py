"""Shipping fees, warranty repair, installation booking, size advice and restock alerts.

Each handler reads what the turn already says (a city, a product, a fault, a time, a height) and
asks only for what is missing, keeping the operation open in ``st.task`` until it is done; the
rules themselves live in the services, so a refusal here is the service's refusal in words.

Reading the turn lives in ``care_slots``, wording the answers in ``care_replies``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from desktop_app.core.errors import AccessDenied, AppError, NotEligible
from desktop_app.dialogue.care_replies import (
    TALK_TO_PERSON,
    ask_for_slot,
    offer_slots,
    say_installation_booked,
    say_nothing_to_install,
    say_shipping_quote,
    say_size_advice,
    say_warranty_filed,
)
from desktop_app.dialogue.care_slots import (
    AM,
    CHANGE,
    FAULT,
    METRES,
    NUMBER,
    PM,
    TurnWithout,
    hour_of,
    line_of,
    named_in,
    named_products,
    names_a_day,
    read_body,
    shipping_destination,
    sized_product,
    stated_amount,
    wanted_slot,
    words_of,
)
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import OrderFilter, resolve_order
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entities, entity, list_reference
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.installation import CARD_SLOTS, installable
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, status_text

#: The whole turn says "stop" (a fault description may start with 不, so yes/no is too eager here).
_CANCEL = re.compile(r"^\s*(算了|不用了?|不要了|取消|先不了?|不弄了|不约了|不修了|never\s*mind|forget it|cancel|"
                     r"no thanks|nope|stop)\s*(吧|啦|了)?\s*[。.!！]*\s*$", re.I)


def _cancelled(st: SessionState, q: Understood, out: ReplyBuilder) -> bool:
    if st.task is not None and _CANCEL.search(q.text):
        st.task = None
        out.add("All right, I have left it there; nothing was changed.", "好的，已为您取消，没有做任何更改。")
        return True
    return False


def _task(st: SessionState, intent: Intent) -> TaskForm:
    """The open operation of this intent, or a new one (replacing another intent's)."""
    if st.task is None or st.task.intent != intent:
        st.task = TaskForm(intent=intent, step="order")
    return st.task


def _task_order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder, intent: Intent,
                fits: OrderFilter) -> OrderView | None:
    """The order of the open operation (kept across turns), or the one this turn points at."""
    task = st.task
    if task is not None and task.order_number and entity(q, EntityKind.ORDER_REF) is None:
        st.current_order = task.order_number
    view = resolve_order(app, st, q, out, intent.value, fits=fits)
    if view is None and out.outcome != Outcome.FORM:
        st.task = None  # not found or refused: nothing is waiting for an answer
    return view


def _ask_item(st: SessionState, view: OrderView, lines: list[OrderLine], out: ReplyBuilder, question: tuple[str, str],
              ) -> None:
    assert st.task is not None
    st.task.step = "item"
    out.card(ItemChoice(view.masked_number, tuple(
        f"{n}. {ln.product.name(st.language)}" for n, ln in enumerate(lines, start=1))))
    out.add(*question)
    out.suggest(*((ln.product.name_en, ln.product.name_zh) for ln in lines[:4]))
    out.outcome = Outcome.FORM


# -- shipping fee ----------------------------------------------------------------------------


def shipping_fee(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    st.task = None
    destination, is_home = shipping_destination(app, st, q)
    product = entity(q, EntityKind.PRODUCT)
    sku = product.value if product else st.current_product
    quote = app.shipping.quote(destination, stated_amount(q), sku)
    out.card(quote)
    out.did(ServiceAction.SHIPPING_FEE_QUOTED)
    say_shipping_quote(out, quote, is_home=is_home)


# -- warranty repair -------------------------------------------------------------------------


def _delivered(view: OrderView) -> bool:
    return view.status == OrderStatus.DELIVERED


def _warranty_words(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> list[str] | None:
    """The product words narrowing a signed-in customer's orders; None when the turn was answered
    here because the only product they name has not been delivered (no warranty before delivery)."""
    words, mine = words_of(app, st, q)
    named = [(o, ln) for o in mine for ln in o.lines if words and named_in(ln, words)]
    if named and not any(o.status == OrderStatus.DELIVERED for o, _ in named):
        order, line = named[0]
        st.task = None
        out.add(f"Your {line.product.name_en} (order {order.masked_number}) is {status_text(order.status.value, 'en')}; "
                "the warranty starts the day you sign for it, so there is nothing to repair under it yet.",
                f"您的{line.product.name_zh}（订单{order.masked_number}）目前{status_text(order.status.value, 'zh')}，"
                "保修期从签收之日起算，签收后如有问题再来找我哦。")
        out.did(ServiceAction.WARRANTY_REFUSED)
        out.outcome = Outcome.REFUSED
        return None
    return words


def warranty_repair(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    task = _task(st, Intent.WARRANTY_REPAIR)
    if task.step == "problem" and q.text.strip():
        task.values["problem"] = q.text.strip()
    elif "problem" not in task.values and FAULT.search(q.text):
        task.values["problem"] = q.text.strip()
    words = _warranty_words(app, st, q, out)
    if words is None:
        return
    view = _task_order(app, st, q, out, Intent.WARRANTY_REPAIR,
                       lambda v: _delivered(v) and any(named_in(ln, words) for ln in v.lines))
    if view is None:
        return
    task.order_number = view.order_number
    line = line_of(q, task, list(view.lines), words)
    if line is None:
        _ask_item(st, view, list(view.lines), out, ("Which item needs the repair?", "请问是哪件商品需要维修？"))
        return
    task.item_id = line.item_id
    st.current_product = line.product.sku
    creds = st.credentials(view.order_number)
    problem = task.values.get("problem", "")
    status = app.warranty.check(view.order_number, line.item_id, problem_text=problem, **creds)
    if not status.covered and status.open_ticket_id is None:
        st.task = None
        out.card(status)
        out.add(status.explanation_en, status.explanation_zh)
        out.did(ServiceAction.WARRANTY_REFUSED)
        out.outcome = Outcome.REFUSED
        if status.remedy in ("return", "exchange"):
            out.suggest(("Return an item", "申请退货"), ("Exchange an item", "申请换货"))
        out.suggest(TALK_TO_PERSON)
        return
    if not problem and status.open_ticket_id is None:
        task.step = "problem"
        out.card(status)
        out.add(f"{status.explanation_en} What is wrong with it? A sentence is enough.",
                f"{status.explanation_zh}请问商品出现了什么问题？简单描述一下就好。")
        out.outcome = Outcome.FORM
        return
    try:
        ticket = app.warranty.file(view.order_number, problem or q.text, line.item_id, **creds)
    except NotEligible as exc:
        st.task = None
        out.add(exc.message, exc.message_zh)
        out.did(ServiceAction.WARRANTY_REFUSED)
        out.outcome = Outcome.REFUSED
        out.suggest(TALK_TO_PERSON)
        return
    st.task = None
    out.card(ticket)
    out.did(ServiceAction.WARRANTY_FILED)
    say_warranty_filed(out, ticket)


# -- installation ----------------------------------------------------------------------------


_INSTALL_STATES = frozenset({OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED})


def _installable_order(app: Services) -> OrderFilter:
    def fits(view: OrderView) -> bool:
        moving = view.status in _INSTALL_STATES
        return moving and any(installable(ln.product.category, ln.product.needs_assembly, app.policy) for ln in view.lines)
    return fits


def installation_service(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    task = _task(st, Intent.INSTALLATION_SERVICE)
    words, mine = words_of(app, st, q)
    can_install = _installable_order(app)
    if mine and not any(can_install(o) and any(named_in(ln, words) for ln in o.lines) for o in mine):
        say_nothing_to_install(app, st, mine, words, out)
        return
    view = _task_order(app, st, TurnWithout(q, EntityKind.RELATIVE_DATE), out, Intent.INSTALLATION_SERVICE,
                       lambda v: can_install(v) and any(named_in(ln, words) for ln in v.lines))
    if view is None:
        return
    task.order_number = view.order_number
    lines = [ln for ln in view.lines if installable(ln.product.category, ln.product.needs_assembly, app.policy)]
    line = line_of(q, task, lines, words) if lines else None
    if line is None and len(lines) > 1 and view.status not in _INSTALL_STATES:
        line = lines[0]  # which item does not matter yet: the order itself cannot be booked (the service says why)
    if line is None and len(lines) > 1:
        _ask_item(st, view, lines, out, ("Which item should the installer set up?", "请问需要安装哪一件？"))
        return
    creds = st.credentials(view.order_number)
    try:
        info = app.installation.slots(view.order_number, line.item_id if line else None, **creds)
    except NotEligible as exc:
        st.task = None
        out.add(exc.message, exc.message_zh)
        out.did(ServiceAction.INSTALLATION_REFUSED)
        out.outcome = Outcome.REFUSED
        return
    task.item_id = info.item_id
    offered = [datetime.fromisoformat(v) for v in task.values.get("offered", "").split(",") if v]
    wanted = wanted_slot(app, q.text, info, offered)
    change = info.booked is not None and (task.values.get("mode") == "change" or bool(CHANGE.search(q.text)))
    name_en, name_zh = info.product_en, info.product_zh
    if wanted is None:
        ask_for_slot(app, st, q.text, info, out)
        return
    try:
        if change:
            booking = app.installation.reschedule(view.order_number, wanted, info.item_id, **creds)
        else:
            booking = app.installation.book(view.order_number, wanted, info.item_id, **creds)
    except NotEligible as exc:
        out.add(exc.message, exc.message_zh)
        out.did(ServiceAction.INSTALLATION_REFUSED)
        out.outcome = Outcome.REFUSED
        if info.free:  # the customer can pick another time straight away
            offer_slots(st, info, out, change=info.booked is not None)
            out.outcome = Outcome.REFUSED
        else:
            st.task = None
        return
    st.task = None
    out.card(booking)
    out.did(ServiceAction.INSTALLATION_BOOKED)
    say_installation_booked(out, booking, name_en, name_zh)


# -- size advice -----------------------------------------------------------------------------


def size_advice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    task = _task(st, Intent.SIZE_ADVICE)
    read_body(q, task)
    sku = sized_product(app, st, q) or task.values.get("sku")
    if sku:
        task.values["sku"] = sku
    height, weight = task.values.get("height_cm"), task.values.get("weight_kg")
    if height is None or weight is None:
        task.step = "body"
        if height is None and weight is None:
            out.add("Happy to help with the size. What are your height and weight? For example \"172 cm, 65 kg\".",
                    "亲，帮您推荐尺码～请告诉我您的身高和体重，比如“172cm 65kg”。")
        elif weight is None:
            out.add("And your weight, roughly?", "您的体重大概多少呢？")
        else:
            out.add("And your height?", "您的身高是多少呢？")
        out.outcome = Outcome.FORM
        return
    st.task = None
    advice = app.sizing.advise(float(height), float(weight), sku)
    if advice.sku:
        st.current_product = advice.sku
    out.card(advice)
    say_size_advice(out, advice)


# -- restock alerts ----------------------------------------------------------------------------


def _restock_choice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> str | None:
    """The product a restock request is about, or None after asking which one."""
    named = entity(q, EntityKind.PRODUCT)
    if named is not None:
        return named.value
    hits = named_products(app, q.text)
    if len(hits) == 1:
        return hits[0]
    sold_out = [p for p in (app.catalog.product(sku) for sku in hits[:30]) if p.summary.stock <= 0]
    if len(sold_out) == 1:
        return sold_out[0].summary.sku
    if not hits and st.current_product:
        return st.current_product
    st.task = TaskForm(intent=Intent.RESTOCK_ALERT, step="product")
    out.add("Which item would you like to be told about? Tell me its name.",
            "请问是哪件商品需要到货提醒？告诉我商品名称就好。")
    for p in sold_out[:3]:
        out.suggest((f"Notify me when {p.summary.name_en} is back", f"{p.summary.name_zh}到货提醒我"))
    out.outcome = Outcome.FORM
    return None


def restock_alert(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    sku = _restock_choice(app, st, q, out)
    if sku is None:
        return
    st.task = None
    st.current_product = sku
    try:
        view = app.restock.subscribe(st.customer_code, sku)
    except NotEligible as exc:  # in stock: it can be bought now
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        out.suggest(("Tell me about it", "看看这款"))
        return
    except AccessDenied as exc:  # a visitor without an account: nothing is stored
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    out.card(view)
    out.did(ServiceAction.RESTOCK_SUBSCRIBED)
    if view.created:
        out.add(f"Done: I'll let you know as soon as {view.product_en} is back in stock.",
                f"已为您订阅「{view.product_zh}」的到货提醒，到货后会第一时间通知您。")
    else:
        out.add(f"You're already on the list for {view.product_en}; we'll tell you as soon as it is back.",
                f"您之前已订阅过「{view.product_zh}」的到货提醒，到货后会第一时间通知您。")


def answers_task(task: TaskForm, q: Understood) -> bool:
    """Whether this turn answers the question an open product-care task asked ("the screen went black"
    after "what is wrong with it?", "周日下午" after the slots, "175 70" after "height and weight?"),
    so a confident reading of the same words as another request must not drop the task."""
    if task.intent not in HANDLERS:
        return False
    if task.step == "item":
        return bool(entity(q, EntityKind.PRODUCT)) or list_reference(q.text, 9) is not None
    if task.intent == Intent.WARRANTY_REPAIR and task.step == "problem":
        return bool(FAULT.search(q.text))
    if task.intent == Intent.INSTALLATION_SERVICE and task.step == "slot":
        return bool(list_reference(q.text, CARD_SLOTS) is not None or CHANGE.search(q.text) or AM.search(q.text)
                    or PM.search(q.text) or hour_of(q.text) or names_a_day(q.text))
    if task.intent == Intent.SIZE_ADVICE and task.step == "body":
        return bool(entities(q, EntityKind.BODY) or NUMBER.search(q.text) or METRES.search(q.text))
    if task.intent == Intent.RESTOCK_ALERT and task.step == "product":
        return bool(entity(q, EntityKind.PRODUCT))
    return False


def _closing_on_error(handler: Handler) -> Handler:
    """A service error ends the open operation: the manager shows the message, and the next turn
    must not be read as an answer to a question that is no longer asked."""
    def run(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
        try:
            handler(app, st, q, out)
        except AppError:
            st.task = None
            raise
    return run


HANDLERS: dict[Intent, Handler] = {
    Intent.SHIPPING_FEE: _closing_on_error(shipping_fee),
    Intent.WARRANTY_REPAIR: _closing_on_error(warranty_repair),
    Intent.INSTALLATION_SERVICE: _closing_on_error(installation_service),
    Intent.SIZE_ADVICE: _closing_on_error(size_advice),
    Intent.RESTOCK_ALERT: _closing_on_error(restock_alert),
}

#: Per intent, whether a turn answers that intent's open task (merged in ``after_sales``).
TASK_ANSWERS: dict[Intent, Callable[[TaskForm, Understood], bool]] = {intent: answers_task for intent in HANDLERS}
