"""The return/exchange form: order → phone digits → item → reason → opened? → eligibility → confirm → file.

Each turn fills whatever slots it carries (a customer may say everything at once), then asks for
the first one still missing; nothing is filed until the customer confirms. A signed-in customer
need not know an order number: their delivered orders are offered in a picker, and a multi-item
order lists its items. Whether the item was opened is asked only where the policy makes it decide
(skin care), because the rules say so, never as a formality. A refusal names what is still
possible (a quality return or exchange, warranty repair, a person) instead of ending the talk.
"""

from __future__ import annotations

import re

from desktop_app.core.errors import AppError
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, pick_item, return_reason, yes_no
from desktop_app.dialogue.state import ReturnForm, SessionState
from desktop_app.nlu.types import EntityKind
from desktop_app.service.return_policy import opened_from_text
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, ReturnDecision, ReturnKind, ReturnReason

_REASON_NAMES = {
    ReturnReason.NO_REASON: ("no reason (no-reason return)", "无理由退货"),
    ReturnReason.QUALITY: ("a quality problem", "质量问题"),
    ReturnReason.DAMAGED: ("damaged in delivery", "运输破损"),
    ReturnReason.WRONG_ITEM: ("wrong item sent", "发错商品"),
    ReturnReason.SIZE: ("the size doesn't fit", "尺码不合适"),
}
_KIND_ZH = {ReturnKind.RETURN: "退货", ReturnKind.EXCHANGE: "换货"}
_KIND_EN = {ReturnKind.RETURN: "return", ReturnKind.EXCHANGE: "exchange"}
#: "Forget it" at any step drops the form ("不要了" is not here: it answers the reason question),
#: unless the same words go on to ask for something else ("算了还是退货吧").
_CANCEL_ANY = re.compile(r"^\s*(?:算了|不用了|取消申请|never ?mind|forget it|cancel (?:the|my|this) (?:return|exchange|request))",
                         re.I)
_CANCEL_KIND = {ReturnKind.RETURN: re.compile(r"不退了|先不退|don'?t want to return", re.I),
                ReturnKind.EXCHANGE: re.compile(r"不换了|先不换|don'?t want to exchange", re.I)}
_INSTEAD = re.compile(r"还是|直接|改为|改成|instead|rather", re.I)
#: Confirmations the shared yes/no reader misses when more words follow ("确认提交", "好的谢谢").
_CONFIRM = re.compile(r"^\s*(?:确认|确定|提交|好的|好|可以|是的|对|行|没问题|嗯|yes|yeah|yep|sure|ok|go ahead|file it)",
                      re.I)
#: Rules whose refusal may still leave the quality route open.
_NOT_QUALITY_RULES = frozenset({"no_reason_window", "final_sale", "legal_exclusion", "opened_excluded",
                                "size_exchange_window", "size_exchange_apparel", "no_reason_is_return"})


def _form(st: SessionState) -> ReturnForm:
    form = st.form
    assert form is not None
    return form


def _cancelled(text: str, kind: ReturnKind) -> bool:
    if _CANCEL_KIND[kind].search(text) and not _INSTEAD.search(text):
        return True
    return bool(_CANCEL_ANY.search(text)) and not _INSTEAD.search(text)


def start(st: SessionState, kind: ReturnKind) -> None:
    if st.form is None or st.form.kind != kind:
        st.form = ReturnForm(kind=kind, order_number=None)


def _intent(kind: ReturnKind) -> str:
    return "exchange_request" if kind == ReturnKind.EXCHANGE else "return_request"


def step(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    form = _form(st)
    if _cancelled(q.text, form.kind):
        st.form = None
        out.add("All right, I have not filed anything.", "好的，已取消，没有提交申请。")
        return
    if form.asking_opened:
        answer = opened_from_text(q.text, answering=True)
        if answer is not None:
            form.opened, form.asking_opened = answer, False
    elif form.step == "confirm":
        answer_yes = yes_no(q.text)
        if answer_yes is None and _CONFIRM.search(q.text):
            answer_yes = True
        if answer_yes is True:
            _file(app, st, out)
            return
        if answer_yes is False:
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
    said_opened = opened_from_text(q.text)
    if said_opened is not None:
        form.opened = said_opened
    view, picked_order = _order(app, st, q, out)
    if view is None:
        return
    if form.order_number is not None and form.order_number != view.order_number:
        form.item_id = None  # another order: its item is picked afresh
    form.order_number = view.order_number
    if form.item_id is None:
        line = view.lines[0] if len(view.lines) == 1 else None if picked_order else _pick(q, view, form.item_hint)
        if line is None:
            form.step = "item"
            out.card(ItemChoice(view.masked_number, tuple(
                f"{i}. {ln.product.name(st.language)}{' · ' + ln.colour if ln.colour else ''}"
                f"{' · ' + ln.size if ln.size else ''}" for i, ln in enumerate(view.lines, start=1))))
            out.add("Which item is it? You can say its number, name or colour.",
                    "请问是哪一件商品？可以说序号、名称或颜色。")
            out.suggest(*((ln.product.name_en, ln.product.name_zh) for ln in view.lines[:4]))
            out.outcome = Outcome.FORM
            return
        form.item_id = line.item_id
        st.current_product = line.product.sku
    if form.reason is None:
        form.step = "reason"
        days = app.policy.returns.no_reason_days
        out.add("What is the reason: a quality problem, damage in delivery, a wrong item sent, the size doesn't fit, "
                f"or no reason ({days}-day no-reason return)?",
                f"请问退换原因是：质量问题、运输破损、发错商品、尺码不合适，还是{days}天无理由？")
        out.suggest(("Quality problem", "质量问题"), ("No reason", "无理由退货"), ("Size doesn't fit", "尺码不合适"))
        out.outcome = Outcome.FORM
        return
    kind = form.kind
    try:
        decision = app.returns.check(view.order_number, kind=kind, reason=form.reason, item_id=form.item_id,
                                     opened=form.opened, **st.credentials(view.order_number))
    except AppError as exc:
        st.form = None
        out.add(exc.message, exc.message_zh)
        out.did(ServiceAction.RETURN_REFUSED)
        out.outcome = Outcome.REFUSED
        return
    if decision.rule == "ask_opened":
        form.step, form.asking_opened = "confirm", True  # a yes/no question: the manager lets yes or no answer it
        out.add(decision.explanation_en, decision.explanation_zh)
        out.suggest(("Not opened", "没拆封"), ("Opened", "已拆封"))
        out.outcome = Outcome.FORM
        return
    out.card(decision)
    if not decision.eligible:
        _refuse(app, st, view, decision, out)
        return
    form.step = "confirm"
    product = next(ln.product for ln in view.lines if ln.item_id == form.item_id)
    reason_en, reason_zh = _REASON_NAMES[form.reason]
    out.add(f"{decision.explanation_en} Shall I file {'an exchange' if kind == ReturnKind.EXCHANGE else 'a return'} "
            f"for {product.name_en} ({reason_en})?",
            f"{decision.explanation_zh}要为「{product.name_zh}」提交{_KIND_ZH[kind]}申请吗（{reason_zh}）？")
    out.suggest(("Yes, file it", "确认提交"), ("No", "先不了"))
    out.outcome = Outcome.FORM


def _pick(q: Understood, view: OrderView, hint: str | None) -> OrderLine | None:
    line = pick_item(q, view.lines)
    if line is None and hint:
        hits = [ln for ln in view.lines if ln.colour == hint]
        line = hits[0] if len(hits) == 1 else None
    return line or _by_words(q.text, view.lines)


_STOP_WORDS = frozenset({"the", "one", "that", "this", "return", "exchange", "want", "item", "please", "and", "for"})


def _by_words(text: str, lines: tuple[OrderLine, ...]) -> OrderLine | None:
    """The line whose name shares the most with the turn ("面霜", "the cream"), when one clearly wins."""
    han = "".join(re.findall(r"[\u4e00-\u9fff]+", text))
    words = {w for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in _STOP_WORDS}

    def score(line: OrderLine) -> int:
        name_zh, name_en = line.product.name_zh, line.product.name_en.lower()
        longest = max((n for n in range(len(han), 1, -1) for i in range(len(han) - n + 1)
                       if han[i:i + n] in name_zh), default=0)
        return longest + 2 * sum(1 for w in words if w in name_en)

    ranked = sorted(((score(ln), n) for n, ln in enumerate(lines)), reverse=True)
    if not ranked or ranked[0][0] == 0 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return lines[ranked[0][1]]


def _order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> tuple[OrderView | None, bool]:
    """The order the form is about, and whether this turn picked it from the order picker (then the
    turn's "第一个" named the order, not an item)."""
    form = _form(st)
    intent = _intent(form.kind)
    if form.order_number and entity(q, EntityKind.ORDER_REF) is None and form.order_number in st.verified:
        # Already found and verified: the item or reason words of this turn must not reopen the picker.
        try:
            return app.orders.lookup(form.order_number, **st.credentials(form.order_number)), False
        except AppError:
            form.order_number = None
    picking = bool(st.shown_orders) and st.pending_intent == intent
    bare = re.fullmatch(r"\s*#?(\d)\s*", q.text)
    if picking and bare and 1 <= int(bare.group(1)) <= len(st.shown_orders):
        st.pending_order_ref = st.shown_orders[int(bare.group(1)) - 1]  # "2" answers the picker by position
        st.shown_order_views = ()
    view = resolve_order(app, st, q, out, intent, fits=lambda o: o.status == OrderStatus.DELIVERED)
    if view is None:
        form.step = "phone" if st.pending_order_ref else "order"
    return view, picking and not st.shown_orders


def _refuse(app: Services, st: SessionState, view: OrderView, decision: ReturnDecision, out: ReplyBuilder) -> None:
    """Say no with the reason, then what is still possible for this item."""
    form = _form(st)
    st.form = None
    out.add(decision.explanation_en, decision.explanation_zh)
    out.did(ServiceAction.RETURN_REFUSED)
    out.outcome = Outcome.REFUSED
    if decision.rule in _NOT_QUALITY_RULES:
        for kind in (ReturnKind.RETURN, ReturnKind.EXCHANGE):
            try:
                quality = app.returns.check(view.order_number, kind=kind, reason=ReturnReason.QUALITY,
                                            item_id=form.item_id, opened=form.opened,
                                            **st.credentials(view.order_number))
            except AppError:
                break
            if quality.eligible and quality.deadline is not None:
                what_en = "returned" if kind == ReturnKind.RETURN else "exchanged"
                out.add(f"If it has a quality problem, it can still be {what_en} until {quality.deadline:%Y-%m-%d}, "
                        "and we pay the shipping.",
                        f"如果商品有质量问题，{quality.deadline:%Y-%m-%d} 前仍可{_KIND_ZH[kind]}，运费由我们承担。")
                out.suggest(("It has a quality problem", "有质量问题"))
                break
    if decision.rule in ("no_reason_is_return", "size_exchange_apparel"):
        out.suggest(("Return it instead", "改为退货"))
    line = next((ln for ln in view.lines if ln.item_id == form.item_id), None)
    if line is not None and app.policy.warranty.months_for(line.product.category) > 0 and \
            decision.rule not in ("not_delivered", "case_open"):
        out.suggest(("Warranty repair", "申请保修"))
    out.suggest(("Talk to a person", "转人工"))


def _file(app: Services, st: SessionState, out: ReplyBuilder) -> None:
    form = _form(st)
    assert form.order_number and form.reason
    try:
        request = app.returns.file(form.order_number, kind=form.kind, reason=form.reason, item_id=form.item_id,
                                   opened=form.opened, **st.credentials(form.order_number))
    except AppError as exc:
        out.add(exc.message, exc.message_zh)
        out.did(ServiceAction.RETURN_REFUSED)
        out.outcome = Outcome.REFUSED
        out.suggest(("Talk to a person", "转人工"))
        st.form = None
        return
    st.form = None
    out.card(request)
    if request.created:
        out.did(ServiceAction.RETURN_FILED)
        out.add(f"Done: {_KIND_EN[request.kind]} request #{request.request_id} is filed. A courier pickup will be "
                "arranged; you will get the refund or replacement once the item is checked.",
                f"已提交{_KIND_ZH[request.kind]}申请（编号 {request.request_id}），"
                "我们会安排快递上门取件，商品检验后为您退款或换新。")
    else:
        out.add(f"This {_KIND_EN[request.kind]} was already filed as request #{request.request_id} on "
                f"{request.created_at:%Y-%m-%d}; nothing new was added.",
                f"该申请此前已提交（编号 {request.request_id}，{request.created_at:%Y-%m-%d}），无需重复提交。")
