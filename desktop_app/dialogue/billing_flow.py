"""Invoices, price protection, coupons and payment problems.

Invoices are a small form (type → title → tax id for a company → e-mail) kept in ``st.task``
across turns, but a customer who says everything at once ("开个公司发票，抬头xx科技有限公司，税号…")
is served in one turn. Each slot is checked as it arrives, so a mistyped tax id is caught while the
customer still has the licence in hand. Price protection claims straight away when the rules allow
it (the claim is in the customer's favour, so there is nothing to confirm) and otherwise says why,
with the prices.

Reading the turn lives in ``billing_slots``, wording the answers in ``billing_replies``.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.core.errors import AppError, InvalidInput, NotEligible, NotFound
from desktop_app.dialogue.billing_replies import (
    TALK_TO_PERSON,
    ask_which_item,
    describe_coupons,
    explain_coupon_code,
    explain_price_refusal,
    explain_thresholds,
    mention_other_drops,
    say_charged_but_unpaid,
    say_invoice_issued,
    say_payment_failed,
    say_price_protected,
    unpaid_orders,
)
from desktop_app.dialogue.billing_slots import (
    ASKS_HOW,
    CANCEL,
    CHARGED,
    CODE_ONLY,
    DUPLICATE,
    FAILED,
    NO_EMAIL,
    SAME_EMAIL_MARK,
    UNPAID_WORDS,
    answers_task,
    coupon_code,
    coupon_subject,
    current_if_named,
    named_line,
    order_named,
    read_invoice_slots,
)
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import Outcome, ReplyBuilder, ServiceAction, say
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, pick_item
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.invoices import InvoiceKind, is_personal_title
from desktop_app.service.payments import UNPAID_AUTO_CANCEL_HOURS, duration_text, payment_due
from desktop_app.service.price_protection import PriceCheck, PriceVerdict
from desktop_app.service.types import OrderStatus, OrderView, status_text, yuan


def _own_task(st: SessionState, intent: Intent) -> TaskForm | None:
    return st.task if st.task is not None and st.task.intent == intent else None


def _keep_language(st: SessionState, out: ReplyBuilder, task: TaskForm | None, text: str) -> None:
    """A bare e-mail address or tax id answering the form is no sign of a new language: the
    reply stays in the language the form was started in."""
    started = task.values.get("lang") if task else None
    if started and started != st.language and CODE_ONLY.fullmatch(text):
        st.language = out.language = started


# -- invoices ------------------------------------------------------------------------------

_INVOICEABLE = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED,
                          OrderStatus.DELIVERED})


def invoice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _own_task(st, Intent.INVOICE)
    step = task.step if task else None
    values = dict(task.values) if task else {"lang": st.language}
    _keep_language(st, out, task, q.text)
    if task is not None and CANCEL.search(q.text) and not (step == "email" and NO_EMAIL.search(q.text)):
        st.task = None
        out.add("All right, no invoice for now. You can ask for it any time after payment.",
                "好的，先不开发票了。付款后随时可以再找我开。")
        return
    problems = read_invoice_slots(q, values, step)
    order_number = task.order_number if task else None
    if order_number is None:
        said = len(out.texts)
        view = resolve_order(app, st, q, out, Intent.INVOICE.value, fits=lambda v: v.status in _INVOICEABLE)
        if view is None:
            # A question about the order was asked (or it was refused): keep what was said meanwhile.
            st.task = TaskForm(Intent.INVOICE, "order", values=values) if out.outcome == Outcome.FORM else None
            if out.outcome != Outcome.FORM:
                out.did(ServiceAction.INVOICE_REFUSED)
            elif task is None and ServiceAction.ORDER_PICKER_SHOWN not in out.actions:
                # "请告诉我订单号" alone does not say why it is asked.
                out.texts.insert(said, say(out.language, "Sure, I'll issue the invoice.", "好的，马上为您开具发票。"))
            return
        order_number = view.order_number
        try:
            current = app.invoices.precheck(order_number, reissue=bool(values.get("reissue")),
                                            **st.credentials(order_number))
        except NotEligible as exc:
            _refuse_invoice(app, st, out, order_number, exc)
            return
        if current is not None and values.get("reissue") and current.voided is False:
            values.setdefault("kind", current.kind.value)
            if current.email_masked:
                values["previous_email"] = current.email_masked
            out.add(f"I'll re-issue the invoice of order …{order_number[-4:]}; the current one is voided when the "
                    "new one is issued.",
                    f"好的，为订单…{order_number[-4:]}重开发票，新发票开具时原发票自动作废。")
    for problem in problems:
        out.add(*problem)
    if problems:
        out.did(ServiceAction.INVOICE_REFUSED)
    _next_invoice_step(app, st, out, order_number, values)


def _refuse_invoice(app: Services, st: SessionState, out: ReplyBuilder, order_number: str, exc: AppError) -> None:
    st.task = None
    out.add(exc.message, exc.message_zh)
    out.outcome = Outcome.REFUSED
    out.did(ServiceAction.INVOICE_REFUSED)
    try:
        current = app.invoices.current(order_number, **st.credentials(order_number))
    except AppError:
        current = None
    if current is not None and not current.voided:
        out.card(current)
        out.suggest(("Re-issue the invoice", "重开发票"))


def _next_invoice_step(app: Services, st: SessionState, out: ReplyBuilder, order_number: str,
                       values: dict[str, str]) -> None:
    """Ask for the first missing slot, or issue the invoice when nothing is missing."""
    kind, title = values.get("kind"), values.get("title")
    tail = order_number[-4:]

    def ask(step: str, en: str, zh: str, *chips: tuple[str, str]) -> None:
        st.task = TaskForm(Intent.INVOICE, step, order_number=order_number, values=values)
        out.add(en, zh)
        out.suggest(*chips, ("Never mind", "算了"))
        out.outcome = Outcome.FORM

    if kind is None:
        ask("kind", f"Which invoice would you like for order …{tail}: a standard e-invoice (for yourself or a "
            "company) or a special VAT invoice (VAT-registered companies only)?",
            f"请问订单…{tail}要开哪种发票：普通电子发票（个人或单位均可），还是增值税专用发票（仅限一般纳税人企业）？",
            ("Standard e-invoice", "普通发票"), ("Special VAT invoice", "增值税专用发票"))
        return
    if not title:
        if kind == InvoiceKind.VAT_SPECIAL.value:
            ask("title", "Please give the company's full registered name for the invoice title.",
                "请提供发票抬头（公司全称）。")
        else:
            ask("title", "What title should the invoice carry: 个人 (yourself) or a company's full name?",
                "发票抬头开什么呢？个人，还是单位全称？", ("Personal", "个人"))
        return
    if not values.get("tax_id") and not is_personal_title(title):
        ask("tax_id", f"Please give the taxpayer id (unified social credit code, 18 characters) of {title}.",
            f"请提供“{title}”的纳税人识别号（统一社会信用代码，18 位）。")
        return
    if "email" not in values and values.get("previous_email"):
        previous = values["previous_email"]
        ask("email", f"Shall I send it to the same address as before ({previous}), or to another e-mail?",
            f"新发票还发到原来的邮箱（{previous}）吗？也可以告诉我新的邮箱。",
            ("Same e-mail as before", "发原邮箱"))
        return
    if "email" not in values:
        ask("email", "Which e-mail address should the e-invoice go to? (Or say \"no e-mail\" and download it from "
            "the order page.)", "电子发票发送到哪个邮箱呢？（不需要的话说“不用”，可在订单详情中下载。）",
            ("No e-mail, I'll download it", "不用邮箱"))
        return
    try:
        same = values.get("email") == SAME_EMAIL_MARK
        view = app.invoices.issue(order_number, kind, title, values.get("tax_id") or None,
                                  None if same else values.get("email") or None, reissue=bool(values.get("reissue")),
                                  same_email=same, **st.credentials(order_number))
    except (InvalidInput, NotEligible, NotFound) as exc:
        _refuse_invoice(app, st, out, order_number, exc)
        return
    st.task = None
    out.card(view)
    out.did(ServiceAction.INVOICE_ISSUED)
    say_invoice_issued(out, view, values)


# -- price protection ----------------------------------------------------------------------


def price_protection(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _own_task(st, Intent.PRICE_PROTECTION)
    if task is not None and task.order_number:
        if CANCEL.search(q.text):
            st.task = None
            out.add("All right, nothing was claimed.", "好的，暂不申请价保。")
            return
        opened = app.orders.lookup(task.order_number, **st.credentials(task.order_number))
        line = pick_item(q, opened.lines) or named_line(q, opened.lines)
        if line is None:
            ask_which_item(st, out, opened, [c for c in _checks(app, st, opened) if c.verdict == PriceVerdict.ELIGIBLE])
            return
        st.task = None
        _claim_or_explain(app, st, out, opened, line.item_id)
        return
    st.task = None
    view = current_if_named(app, st, q)
    if view is None:
        named = order_named(app, st, q)
        if named is not None:
            st.current_order = named  # "书桌降价了": the item's words point at the order
        elif _nothing_to_claim(app, st, q, out):
            return
        view = resolve_order(app, st, q, out, Intent.PRICE_PROTECTION.value, fits=app.price_protection.claimable)
    if view is None:
        if out.outcome not in (Outcome.FORM, Outcome.ANSWERED):
            out.did(ServiceAction.PRICE_PROTECTION_REFUSED)
        return
    checks = _checks(app, st, view)
    chosen = named_line(q, view.lines)
    eligible = [c for c in checks if c.verdict == PriceVerdict.ELIGIBLE]
    if chosen is not None:
        _claim_or_explain(app, st, out, view, chosen.item_id)
    elif len(eligible) == 1:
        _claim_or_explain(app, st, out, view, eligible[0].item_id)
    elif eligible:
        ask_which_item(st, out, view, eligible)
    else:
        explain_price_refusal(out, checks)
    if out.outcome == Outcome.REFUSED:
        mention_other_drops(app, st, out, view.order_number)


def _checks(app: Services, st: SessionState, view: OrderView) -> tuple[PriceCheck, ...]:
    return app.price_protection.check_all(view.order_number, **st.credentials(view.order_number))


def _nothing_to_claim(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> bool:
    """A signed-in customer asking in general ("能价保吗") when none of their orders can be claimed:
    say so at once (naming a drop that came too late) instead of opening their newest order."""
    if not st.customer_code or st.current_order or st.pending_order_ref or st.shown_orders:
        return False
    if any(entity(q, k) for k in (EntityKind.ORDER_REF, EntityKind.PRODUCT, EntityKind.CATEGORY,
                                  EntityKind.ORDER_STATE, EntityKind.RELATIVE_DATE)):
        return False
    mine = app.orders.orders_of(st.customer_code)
    if any(app.price_protection.claimable(v) for v in mine):
        return False
    days = app.policy.price_protection.window_days
    late = [c for v in mine if v.status.value in ("paid", "shipped", "in_transit", "delayed", "delivered")
            for c in _checks(app, st, v) if c.verdict == PriceVerdict.OUTSIDE_WINDOW and c.lowest_fen < c.paid_fen]
    out.add(f"I checked your orders of the last {days} days: none of them is cheaper now than what you paid, so there "
            "is no difference to refund.",
            f"帮您查了近 {days} 天的订单，目前都没有低于您购买时的价格，暂无差价可退。")
    for check in late[:2]:
        out.card(check)
        out.add(check.explanation("en"), check.explanation("zh"))
    if not late:
        out.add("If you mean a particular item, tell me which one or its order number.",
                "如果您指的是某件商品，告诉我商品名或订单号，我再帮您看看。")
    out.outcome = Outcome.REFUSED
    out.did(ServiceAction.PRICE_PROTECTION_REFUSED)
    return True


def _claim_or_explain(app: Services, st: SessionState, out: ReplyBuilder, view: OrderView, item_id: int) -> None:
    try:
        done = app.price_protection.claim(view.order_number, item_id, **st.credentials(view.order_number))
    except NotEligible as exc:
        check = app.price_protection.check(view.order_number, item_id, **st.credentials(view.order_number))
        out.card(check)
        out.add(exc.message, exc.message_zh)
        out.outcome = Outcome.REFUSED
        out.did(ServiceAction.PRICE_PROTECTION_REFUSED)
        return
    out.card(done)
    out.did(ServiceAction.PRICE_PROTECTED)
    say_price_protected(out, done)


# -- coupons -------------------------------------------------------------------------------


def coupon_promotion(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    code = coupon_code(q.text)
    if code is not None and explain_coupon_code(app, st, out, code):
        return
    category, amount, name_en, name_zh = coupon_subject(app, st, q)
    listing = app.coupons.available(st.customer_code, category, amount, item_name_en=name_en, item_name_zh=name_zh)
    if ASKS_HOW.search(q.text):
        explain_thresholds(out, listing)
    out.card(listing)
    out.did(ServiceAction.COUPONS_LISTED)
    describe_coupons(out, listing, category)


# -- payment problems ----------------------------------------------------------------------


def payment_issue(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    text = q.text
    if DUPLICATE.search(text):
        out.add("If one order was charged twice, the duplicate payment is refunded automatically to the same account "
                "as soon as our payment check detects it, usually within 1–3 working days. If it has not come back "
                "by then, a colleague can trace it with you.",
                "同一订单如被重复扣款，系统核对到后会自动原路退回多扣的款项，一般 1–3 个工作日到账。"
                "如果到时还没退回，可以转人工帮您核查。")
        out.suggest(TALK_TO_PERSON)
        out.did(ServiceAction.PAYMENT_HELPED)
        return
    if CHARGED.search(text) and UNPAID_WORDS.search(text):
        say_charged_but_unpaid(out)
        return
    if FAILED.search(text):
        say_payment_failed(app, st, out)
        return
    if UNPAID_WORDS.search(text) or entity(q, EntityKind.ORDER_REF) or st.pending_order_ref:
        _unpaid_order(app, st, q, out)
        return
    if st.customer_code and unpaid_orders(app, st.customer_code):
        _unpaid_order(app, st, q, out)
        return
    say_payment_failed(app, st, out)


def _is_unpaid(view: OrderView) -> bool:
    return view.status == OrderStatus.UNPAID


def _unpaid_order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if st.customer_code and not entity(q, EntityKind.ORDER_REF) and not st.pending_order_ref \
            and not unpaid_orders(app, st.customer_code):
        out.add(f"None of your orders is waiting for payment. (Unpaid orders are cancelled automatically "
                f"{UNPAID_AUTO_CANCEL_HOURS} hours after they are placed.)",
                f"您目前没有待付款的订单。（未付款订单会在下单 {UNPAID_AUTO_CANCEL_HOURS} 小时后自动取消。）")
        out.did(ServiceAction.PAYMENT_HELPED)
        return
    view = resolve_order(app, st, q, out, Intent.PAYMENT_ISSUE.value, fits=_is_unpaid)
    if view is None:
        return
    out.did(ServiceAction.PAYMENT_HELPED)
    if view.status != OrderStatus.UNPAID:
        out.add(f"Order {view.masked_number} is already paid ({status_text(view.status.value, 'en')}); "
                "nothing more to pay.",
                f"订单{view.masked_number}已经付过款了（{status_text(view.status.value, 'zh')}），无需再付。")
        return
    due = payment_due(view, app.clock.now())
    out.card(due)
    out.add(f"Order {due.masked_number} ({yuan(due.amount_fen)}) is waiting for payment. By the store's rule, unpaid "
            f"orders are cancelled automatically {UNPAID_AUTO_CANCEL_HOURS} hours after they are placed, so please pay "
            f"by {due.cancel_at:%m-%d %H:%M} ({duration_text(due.minutes_left, 'en')} left).",
            f"订单{due.masked_number}待付款，金额 {yuan(due.amount_fen)}。按本店规则，未付款订单在下单 "
            f"{UNPAID_AUTO_CANCEL_HOURS} 小时后自动取消，请在 {due.cancel_at:%m-%d %H:%M} 前完成付款"
            f"（还剩 {duration_text(due.minutes_left, 'zh')}）。")
    out.suggest(("Payment failed", "付款失败怎么办"), TALK_TO_PERSON)


# -- open forms ----------------------------------------------------------------------------


#: Per intent, whether a turn answers that intent's open form (the manager lets it claim the turn).
TASK_ANSWERS: dict[Intent, Callable[[TaskForm, Understood], bool]] = {
    Intent.INVOICE: answers_task,
    Intent.PRICE_PROTECTION: answers_task,
}

HANDLERS: dict[Intent, Handler] = {
    Intent.INVOICE: invoice,
    Intent.PRICE_PROTECTION: price_protection,
    Intent.COUPON_PROMOTION: coupon_promotion,
    Intent.PAYMENT_ISSUE: payment_issue,
}
