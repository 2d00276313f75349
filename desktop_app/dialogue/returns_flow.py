"""The return/exchange form: order → phone digits → item → reason → eligibility → confirm → file.

Each turn fills whatever slots it carries (a customer may say everything at once), then asks for
the first one still missing; nothing is filed until the customer confirms.
"""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, pick_item, return_reason, yes_no
from desktop_app.dialogue.state import ReturnForm, SessionState
from desktop_app.nlu.types import EntityKind
from desktop_app.service.types import OrderView, ReturnKind, ReturnReason

_REASON_NAMES = {
    ReturnReason.NO_REASON: ("no reason (7-day return)", "七天无理由"),
    ReturnReason.QUALITY: ("a quality problem", "质量问题"),
    ReturnReason.DAMAGED: ("damaged in delivery", "运输破损"),
    ReturnReason.WRONG_ITEM: ("wrong item sent", "发错商品"),
    ReturnReason.SIZE: ("wrong size", "尺码不合适"),
}


def start(st: SessionState, kind: ReturnKind) -> None:
    if st.form is None or st.form.kind != kind:
        st.form = ReturnForm(kind=kind, order_number=None)


def step(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    form = st.form
    assert form is not None
    if form.step == "confirm":
        answer = yes_no(q.text)
        if answer is True:
            _file(app, st, out)
            return
        if answer is False:
            st.form = None
            out.add("All right, I have not filed anything.", "好的，已取消，没有提交申请。")
            return
    # Fill every slot this turn carries.
    colour = entity(q, EntityKind.COLOUR)
    if colour and form.item_hint is None:
        form.item_hint = colour.value
    reason = return_reason(q.text)
    if reason is not None:
        form.reason = reason
    view = _order(app, st, q, out)
    if view is None:
        return
    form.order_number = view.order_number
    if form.item_id is None:
        line = pick_item(q, view.lines)
        if line is None and form.item_hint:
            hits = [ln for ln in view.lines if ln.colour == form.item_hint]
            line = hits[0] if len(hits) == 1 else None
        if line is None:
            form.step = "item"
            out.card(ItemChoice(view.masked_number, tuple(
                f"{i}. {ln.product.name(st.language)}{' · ' + ln.colour if ln.colour else ''}"
                f"{' · ' + ln.size if ln.size else ''}" for i, ln in enumerate(view.lines, start=1))))
            out.add("Which item is it? You can say its number, name or colour.",
                    "请问是哪一件商品？可以说序号、名称或颜色。")
            out.outcome = Outcome.FORM
            return
        form.item_id = line.item_id
        st.current_product = line.product.sku
    if form.reason is None:
        form.step = "reason"
        out.add("What is the reason: a quality problem, damage, wrong item, wrong size, or no reason (7-day return)?",
                "请问退换原因是：质量问题、运输破损、发错商品、尺码不合适，还是七天无理由？")
        out.suggest(("Quality problem", "质量问题"), ("No reason", "七天无理由"), ("Wrong size", "尺码不合适"))
        out.outcome = Outcome.FORM
        return
    kind = form.kind
    if form.reason == ReturnReason.SIZE and kind == ReturnKind.RETURN:
        kind = ReturnKind.RETURN  # a size return is judged as a no-reason return
        form.reason = ReturnReason.NO_REASON
    try:
        decision = app.returns.check(view.order_number, kind=kind, reason=form.reason, item_id=form.item_id,
                                     **st.credentials(view.order_number))
    except AppError as exc:
        st.form = None
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        return
    out.card(decision)
    if not decision.eligible:
        st.form = None
        out.add(decision.explanation_en, decision.explanation_zh)
        out.suggest(("Talk to a person", "转人工"))
        out.outcome = Outcome.REFUSED
        return
    form.step = "confirm"
    name = next(ln.product for ln in view.lines if ln.item_id == form.item_id)
    reason_en, reason_zh = _REASON_NAMES[form.reason]
    out.add(f"{decision.explanation_en} Shall I file a {kind.value} for {name.name_en} ({reason_en})?",
            f"{decision.explanation_zh}要为「{name.name_zh}」提交{'退货' if kind == ReturnKind.RETURN else '换货'}"
            f"申请吗（{reason_zh}）？")
    out.suggest(("Yes, file it", "确认提交"), ("No", "先不了"))
    out.outcome = Outcome.FORM


def _order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> OrderView | None:
    form = st.form
    assert form is not None
    if form.order_number and entity(q, EntityKind.ORDER_REF) is None:
        st.current_order = form.order_number
    view = resolve_order(app, st, q, out, "return_request")
    if view is None:
        form.step = "phone" if st.pending_order_ref else "order"
    return view


def _file(app: Services, st: SessionState, out: ReplyBuilder) -> None:
    form = st.form
    assert form is not None and form.order_number and form.reason
    try:
        request = app.returns.file(form.order_number, kind=form.kind, reason=form.reason, item_id=form.item_id,
                                   **st.credentials(form.order_number))
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        st.form = None
        return
    st.form = None
    out.card(request)
    if request.created:
        out.add(f"Done: {request.kind.value} request #{request.request_id} is filed. A courier pickup will be "
                "arranged; you will get the refund or replacement once the item is checked.",
                f"已提交{'退货' if request.kind == ReturnKind.RETURN else '换货'}申请（编号 {request.request_id}），"
                "我们会安排快递上门取件，商品检验后为您退款或换新。")
    else:
        out.add(f"This {request.kind.value} was already filed as request #{request.request_id}; nothing new was added.",
                f"该申请此前已提交（编号 {request.request_id}），无需重复提交。")
