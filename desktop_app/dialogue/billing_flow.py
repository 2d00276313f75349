"""Invoices, price protection, coupons and payment problems.

Invoices are a small form (type → title → tax id for a company → e-mail) kept in ``st.task``
across turns, but a customer who says everything at once ("开个公司发票，抬头xx科技有限公司，税号…")
is served in one turn. Each slot is checked as it arrives, so a mistyped tax id is caught while the
customer still has the licence in hand. Price protection claims straight away when the rules allow
it (the claim is in the customer's favour, so there is nothing to confirm) and otherwise says why,
with the prices.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop_app.core.errors import AppError, InvalidInput, NotEligible, NotFound
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import resolve_order
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder, ServiceAction, say
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity, pick_item
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.coupons import COUPON_CODE, COUPONS_PER_ORDER, CouponList, CouponState, category_text
from desktop_app.service.invoices import (
    KIND_EN,
    KIND_ZH,
    InvoiceKind,
    is_personal_title,
    normalize_email,
    normalize_tax_id,
)
from desktop_app.service.payments import (
    PAY_CHANNELS_EN,
    PAY_CHANNELS_ZH,
    UNPAID_AUTO_CANCEL_HOURS,
    duration_text,
    payment_due,
)
from desktop_app.service.price_protection import PriceCheck, PriceVerdict, channel_text
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, status_text, yuan

_TALK_TO_PERSON = ("Talk to a person", "转人工")
_CANCEL = re.compile(r"算了|不开了|不用开|不要了|先不(?:开|用)了?|取消|\bnever ?mind\b|\bforget it\b|\bcancel\b", re.I)


_CODE_ONLY = re.compile(r"\s*(?:[^\s@]+@[^\s@]+|[0-9A-Za-z\-]+)\s*[.。]?\s*")


def _own_task(st: SessionState, intent: Intent) -> TaskForm | None:
    return st.task if st.task is not None and st.task.intent == intent else None


def _keep_language(st: SessionState, out: ReplyBuilder, task: TaskForm | None, text: str) -> None:
    """A bare e-mail address or tax id answering the form is no sign of a new language: the
    reply stays in the language the form was started in."""
    started = task.values.get("lang") if task else None
    if started and started != st.language and _CODE_ONLY.fullmatch(text):
        st.language = out.language = started


# -- invoices ------------------------------------------------------------------------------

_VAT = re.compile(r"专票|专用发票|增值税专用|\bvat\b|special\s+invoice", re.I)
_NORMAL = re.compile(r"普票|普通|电子发票|个人发票|公司发票|单位发票|"
                     r"\b(?:normal|standard|regular|ordinary|electronic|e-invoice|general)\b", re.I)
_PERSONAL = re.compile(r"个人|本人|\b(?:personal|individual|myself|private)\b", re.I)
_REISSUE = re.compile(r"重开|重新开|再开一张|换(?:个|一下)?抬头|改(?:一下)?抬头|抬头(?:开|写|填)?错|开错|作废|"
                      r"\bre-?issue\b|\bredo\b|\bwrong title\b|change the title|correct(?:ed)? invoice", re.I)
_TITLE_ZH = re.compile(r"(?:抬头|开给|开到|名称)(?:改成|换成|改为|换为|写成|开成|填成|就写|是|为|写|开|填|用|叫)?\s*[:：]?\s*"
                       r"(?P<t>[^，,。；;！!？?\s]+)")
#: "抬头开错了": words about the title, not the title itself.
_NOT_A_TITLE_EN = re.compile(r"^(?:wrong|incorrect|not right|mistaken|a typo|misspelt|misspelled)\b", re.I)
_NOT_A_TITLE = re.compile(r"^(?:错|有误|不对|写错|开错|弄错|搞错|改|换|重开)")
_TITLE_EN = re.compile(r"(?:\btitle|made out to|addressed to|in the name of|\bname on (?:it|the invoice))\s*"
                       r"(?:is|should be|as|to|:|=)?\s*(?P<t>[^;\n]+?)\s*"
                       r"(?=,(?!\s*(?:ltd|limited|inc|llc|co|corp|plc)\b)|;|\.(?:\s|$)|"
                       r"\s+(?:and|with|tax|taxpayer|email|e-mail|please)\b|$)", re.I)
_TITLE_NOISE_HEAD = re.compile(r"^(?:就|请|麻烦)?(?:写|开|填|用)?(?:成|为|是)?\s*|^(?:it'?s|it is|use|please)\s+", re.I)
_TITLE_NOISE_TAIL = re.compile(r"(?:就行了?|就好了?|就可以了?|即可|可以吗|吧|哈|啊|呀|的|please)$", re.I)
_TAX_CUE = re.compile(r"(?:税号|纳税人识别号|识别号|信用代码|\btax\s*(?:id|number|no\.?|code)|\btaxpayer\s*(?:id|number)|"
                      r"\btin\b|\buscc\b)\s*(?:是|为|is|:|：|=)?\s*"
                      r"(?P<v>[0-9A-Za-z]+(?:[ \-](?=[0-9A-Za-z]*\d)[0-9A-Za-z]+)*)", re.I)
_TAX_BARE = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{15,20}(?![0-9A-Za-z])")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]{2,28}[0-9A-Za-z]")
_EMAIL_RAW = re.compile(r"[^\s@，,；;:：<>()（）]+@[^\s@，,；;<>()（）]+")
_NO_EMAIL = re.compile(r"不用|不需要|不要|没有|无|\bno\b|\bskip\b|\bnone\b|no need|don'?t need|download", re.I)
#: "不用邮箱" / "no e-mail" said up front: the e-invoice is downloaded from the order page.
_NO_EMAIL_ANY = re.compile(r"(?:不用|不需要|不要|无需)(?:发)?邮箱|邮箱不用|\bno e-?mail\b|\bwithout (?:an )?e-?mail\b", re.I)
_SAME_EMAIL = re.compile(r"原来|原邮箱|之前|一样|同一个|还是那个|\bsame\b|\bas before\b|\bprevious\b|\bold\b|"
                         r"^\s*(?:好|好的|可以|是|对|行|嗯|yes|ok|okay|sure)\s*[。.!！]?\s*$", re.I)
_SAME = "\x00same"
_VAT_EXTRAS = re.compile(r"地址|电话|开户行|银行|账号|\baddress\b|\bphone\b|\bbank\b|\baccount\b", re.I)
_INVOICEABLE = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED,
                          OrderStatus.DELIVERED})

#: Where a bare answer ends: Chinese or English punctuation, but not the comma of "Co., Ltd.".
_PARTS = re.compile(r"[，；;。\n]|,(?!\s*(?:ltd|limited|inc|llc|co|corp|plc)\b)", re.I)

Problem = tuple[str, str]


def _clean_title(raw: str) -> str:
    title = _TITLE_NOISE_TAIL.sub("", _TITLE_NOISE_HEAD.sub("", raw.strip(" ：:\"'“”「」").strip()))
    return title.strip(" ：:\"'“”「」.。")


def _read_title(text: str, step: str | None) -> str | None:
    named = [t for t in (_clean_title(m.group("t")) for m in _TITLE_ZH.finditer(text))
             if t and not _NOT_A_TITLE.match(t)]
    english = [t for t in (_clean_title(m.group("t")) for m in _TITLE_EN.finditer(text))
               if t and not _NOT_A_TITLE_EN.match(t)]
    if english and not named:
        named = english[-1:]
    if named and named[-1]:
        title = named[-1]  # "抬头开错了，改成xx公司": the last one said is meant
        return "个人" if _PERSONAL.fullmatch(title) else title
    if step == "title":
        # A bare answer to "what title?": the first part, with any tax id or e-mail taken out.
        rest = _EMAIL_RAW.sub(" ", _TAX_CUE.sub(" ", text))
        first = next((p for p in _PARTS.split(rest) if p.strip()), "")
        title = _clean_title(first)
        return "个人" if title and _PERSONAL.search(title) and len(title) <= 12 else title or None
    return None


def _read_tax_id(text: str, step: str | None) -> str | None:
    m = _TAX_CUE.search(text)
    if m:
        return str(m.group("v")).strip()
    bare = [str(t) for t in _TAX_BARE.findall(text) if not (t.isdigit() and len(t) == 16)]  # not an order number
    if bare:
        return bare[0]
    if step == "tax_id":
        tokens = [t for t in _TOKEN.findall(_EMAIL_RAW.sub(" ", text)) if any(c.isdigit() for c in t)]
        return tokens[0] if tokens else None
    return None


def _read_invoice_slots(q: Understood, values: dict[str, str], step: str | None) -> list[Problem]:
    """Fill what this turn says into ``values`` (kind, title, tax_id, email, reissue); return the
    problems found in what it gave (a malformed tax id, e-mail, a VAT invoice for a person)."""
    text, problems = q.text, []
    if _REISSUE.search(text):
        values["reissue"] = "1"
    if _VAT.search(text) and not re.search(r"普通|普票|\bnormal\b|\bstandard\b", text, re.I):
        values["kind"] = InvoiceKind.VAT_SPECIAL.value
    elif _NORMAL.search(text) or (step == "kind" and _PERSONAL.search(text)):
        values["kind"] = InvoiceKind.NORMAL.value
    email = _EMAIL_RAW.search(text)
    if email:
        try:
            values["email"] = normalize_email(email.group(0).rstrip("。.!！"))
        except InvalidInput as exc:
            problems.append((exc.message, exc.message_zh))
    elif step == "email" and values.get("previous_email") and _SAME_EMAIL.search(text):
        values["email"] = _SAME
    elif (step == "email" and _NO_EMAIL.search(text)) or _NO_EMAIL_ANY.search(text):
        values["email"] = ""
    raw_tax = _read_tax_id(text, step)
    if raw_tax:
        try:
            values["tax_id"] = normalize_tax_id(raw_tax)
        except InvalidInput as exc:
            values.pop("tax_id", None)
            problems.append((exc.message, exc.message_zh))
    title = _read_title(text, step)
    if title is None and "title" not in values and _PERSONAL.search(text) and step in (None, "kind", "order", "title"):
        title = "个人"  # "开个人发票" / "for myself"
    if title:
        values["title"] = title
    if values.get("title") and "kind" not in values:
        values["kind"] = InvoiceKind.NORMAL.value  # a title without a type: the usual e-invoice
    if values.get("kind") == InvoiceKind.VAT_SPECIAL.value and values.get("title") and \
            is_personal_title(values["title"]):
        problems.append(("A special VAT invoice can only be made out to a VAT-registered company. Please give the "
                         "company's full name, or I can issue a standard e-invoice instead.",
                         "增值税专用发票只能开给一般纳税人企业，请提供公司全称；个人可以开普通电子发票。"))
        values.pop("title", None)
    if _VAT_EXTRAS.search(text) and values.get("kind") == InvoiceKind.VAT_SPECIAL.value:
        values["extras"] = "1"
    return problems


def invoice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _own_task(st, Intent.INVOICE)
    step = task.step if task else None
    values = dict(task.values) if task else {"lang": st.language}
    _keep_language(st, out, task, q.text)
    if task is not None and _CANCEL.search(q.text) and not (step == "email" and _NO_EMAIL.search(q.text)):
        st.task = None
        out.add("All right, no invoice for now. You can ask for it any time after payment.",
                "好的，先不开发票了。付款后随时可以再找我开。")
        return
    problems = _read_invoice_slots(q, values, step)
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
        same = values.get("email") == _SAME
        view = app.invoices.issue(order_number, kind, title, values.get("tax_id") or None,
                                  None if same else values.get("email") or None, reissue=bool(values.get("reissue")),
                                  same_email=same, **st.credentials(order_number))
    except (InvalidInput, NotEligible, NotFound) as exc:
        _refuse_invoice(app, st, out, order_number, exc)
        return
    st.task = None
    out.card(view)
    out.did(ServiceAction.INVOICE_ISSUED)
    kind_en, kind_zh = KIND_EN[view.kind], KIND_ZH[view.kind]
    where_en = f"sent to {view.email_masked}" if view.email_masked else "ready to download from the order page"
    where_zh = f"已发送至 {view.email_masked}" if view.email_masked else "可在订单详情中下载"
    again = view.revision > 1
    title_en = view.title_text("en")
    out.add(f"Done: the {kind_en} for order {view.masked_number} ({yuan(view.amount_fen)}, title \"{title_en}\") "
            f"{'has been re-issued' if again else 'has been issued'}, {where_en}.",
            f"已为订单{view.masked_number}{'重新' if again else ''}开具{kind_zh}，金额 {yuan(view.amount_fen)}，"
            f"抬头“{view.title}”，{where_zh}。")
    if view.kind == InvoiceKind.VAT_SPECIAL:
        # The invoice table holds no address or bank fields: finance confirms them, whatever was typed here.
        if values.get("extras"):
            out.add("I cannot record the address and bank details here.", "地址和银行信息这里无法登记，")
        out.add("Our finance team will confirm the registered address and phone, bank and account number with you "
                "by e-mail.", "注册地址、电话、开户行及账号将由财务同事通过邮件与您确认。")


# -- price protection ----------------------------------------------------------------------


def price_protection(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    task = _own_task(st, Intent.PRICE_PROTECTION)
    if task is not None and task.order_number:
        if _CANCEL.search(q.text):
            st.task = None
            out.add("All right, nothing was claimed.", "好的，暂不申请价保。")
            return
        opened = app.orders.lookup(task.order_number, **st.credentials(task.order_number))
        line = pick_item(q, opened.lines) or _named_line(q, opened.lines)
        if line is None:
            _ask_item(st, out, opened, [c for c in _checks(app, st, opened) if c.verdict == PriceVerdict.ELIGIBLE])
            return
        st.task = None
        _claim_or_explain(app, st, out, opened, line.item_id)
        return
    st.task = None
    view = _current_if_named(app, st, q)
    if view is None:
        named = _order_named(app, st, q)
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
    chosen = _named_line(q, view.lines)
    eligible = [c for c in checks if c.verdict == PriceVerdict.ELIGIBLE]
    if chosen is not None:
        _claim_or_explain(app, st, out, view, chosen.item_id)
    elif len(eligible) == 1:
        _claim_or_explain(app, st, out, view, eligible[0].item_id)
    elif eligible:
        _ask_item(st, out, view, eligible)
    else:
        _explain_refusal(out, checks)
    if out.outcome == Outcome.REFUSED:
        _mention_other_drops(app, st, out, view.order_number)


def _current_if_named(app: Services, st: SessionState, q: Understood) -> OrderView | None:
    """The order just discussed, when the turn names what is in it ("that watch again"): the
    customer means that one, not the newest order holding a watch."""
    if not st.current_order or entity(q, EntityKind.ORDER_REF) or st.current_order not in st.verified:
        return None
    product, category = entity(q, EntityKind.PRODUCT), entity(q, EntityKind.CATEGORY)
    if product is None and category is None:
        return None
    try:
        view = app.orders.lookup(st.current_order, **st.credentials(st.current_order))
    except AppError:
        return None
    named = any((product and ln.product.sku == product.value) or (category and ln.product.category == category.value)
                for ln in view.lines)
    return view if named else None


def _checks(app: Services, st: SessionState, view: OrderView) -> tuple[PriceCheck, ...]:
    return app.price_protection.check_all(view.order_number, **st.credentials(view.order_number))


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_EN_WORD = re.compile(r"[a-z]{4,}")
_EN_COMMON = frozenset({"with", "pack", "pairs", "style", "phone", "clearance"})


def _name_score(text: str, line: OrderLine) -> int:
    """How many of the product name's two-character pieces (Chinese) or words (English) the turn
    uses: "书桌" finds 橡木书桌 120 厘米, "headlamp" the Trailfox rechargeable headlamp."""
    lowered = text.lower()
    pieces = {run[i:i + 2] for run in _CJK_RUN.findall(line.product.name_zh) for i in range(len(run) - 1)}
    words = set(_EN_WORD.findall(line.product.name_en.lower())) - _EN_COMMON
    return sum(p in text for p in pieces) + sum(re.search(rf"\b{w}", lowered) is not None for w in words)


def _named_line(q: Understood, lines: tuple[OrderLine, ...]) -> OrderLine | None:
    """The order line the turn names by product, category or the words of its name."""
    if len(lines) < 2:
        return None
    product, category = entity(q, EntityKind.PRODUCT), entity(q, EntityKind.CATEGORY)
    hits = [ln for ln in lines if (product and ln.product.sku == product.value)
            or (not product and category and ln.product.category == category.value)]
    if len(hits) == 1:
        return hits[0]
    scores = [(_name_score(q.text, ln), ln) for ln in lines]
    best = max(score for score, _ in scores)
    top = [ln for score, ln in scores if score == best]
    return top[0] if best > 0 and len(top) == 1 else None


def _order_named(app: Services, st: SessionState, q: Understood) -> str | None:
    """A signed-in customer's order whose item the turn names in words the entity reader does not
    know ("头灯", "书桌"): the newest order holding the best-matching item, when one stands out."""
    if not st.customer_code or entity(q, EntityKind.ORDER_REF) or entity(q, EntityKind.PRODUCT) \
            or entity(q, EntityKind.CATEGORY) or (st.shown_orders and st.pending_intent):
        return None
    scored = [(_name_score(q.text, ln), o.order_number, ln.product.sku)
              for o in app.orders.orders_of(st.customer_code) for ln in o.lines]
    best = max((score for score, _, _ in scored), default=0)
    if best == 0:
        return None
    skus = {sku for score, _, sku in scored if score == best}
    if len(skus) != 1:
        return None
    return next(number for score, number, _ in scored if score == best)  # orders_of is newest first


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


def _mention_other_drops(app: Services, st: SessionState, out: ReplyBuilder, shown: str) -> None:
    """After a refusal, a signed-in customer hears about their other orders that can be claimed."""
    if not st.customer_code:
        return
    others = [v for v in app.orders.orders_of(st.customer_code)
              if v.order_number != shown and app.price_protection.claimable(v)]
    for other in others[:2]:
        tail = other.order_number[-4:]
        names_en = ", ".join(ln.product.name_en for ln in other.lines)
        names_zh = "、".join(ln.product.name_zh for ln in other.lines)
        out.add(f"By the way, your order {other.masked_number} ({names_en}) is cheaper now and can be claimed.",
                f"另外，您的订单{other.masked_number}（{names_zh}）降价了，可以申请价保。")
        out.suggest((f"Price protection for order {tail}", f"订单{tail}价保"))


def _ask_item(st: SessionState, out: ReplyBuilder, view: OrderView, eligible: list[PriceCheck]) -> None:
    st.task = TaskForm(Intent.PRICE_PROTECTION, "item", order_number=view.order_number)
    names_en = [f"{c.name_en} (−{yuan(c.refund_fen)})" for c in eligible]
    names_zh = [f"{c.name_zh}（可退 {yuan(c.refund_fen)}）" for c in eligible]
    out.card(ItemChoice(view.masked_number, tuple(ln.product.name(st.language) for ln in view.lines)))
    out.add(f"Several items of order {view.masked_number} are cheaper now: {'; '.join(names_en)}. Which one first?",
            f"订单{view.masked_number}中有多件商品降价了：{'；'.join(names_zh)}。先为哪一件申请价保呢？")
    for n, ln in enumerate(view.lines, start=1):
        out.suggest((ln.product.name_en, ln.product.name_zh))
        if n >= 4:
            break
    out.outcome = Outcome.FORM


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
    name_en, name_zh = done.name_en, done.name_zh
    each_en = f" for the {done.quantity} you bought" if done.quantity > 1 else ""
    each_zh = f"（{done.quantity} 件合计）" if done.quantity > 1 else ""
    out.add(f"Good news: the {name_en} is cheaper now. You paid {yuan(done.paid_fen)} and it has since been "
            f"{yuan(done.lowest_fen)}, so I have requested a refund of the difference, {yuan(done.refund_fen)}{each_en} to your "
            f"{channel_text(done.channel, 'en')}; it should arrive by {done.expected_by:%Y-%m-%d}.",
            f"好消息，{name_zh}降价了：您购买时单价 {yuan(done.paid_fen)}，之后最低 {yuan(done.lowest_fen)}，"
            f"差价 {yuan(done.refund_fen)}{each_zh} 已为您申请退回{channel_text(done.channel, 'zh')}，"
            f"预计 {done.expected_by:%Y-%m-%d} 前到账。")
    out.suggest(("Check the refund", "查询退款进度"))


def _explain_refusal(out: ReplyBuilder, checks: tuple[PriceCheck, ...]) -> None:
    order_level = {PriceVerdict.NOT_PAID, PriceVerdict.CANCELLED, PriceVerdict.OUTSIDE_WINDOW}
    shown = checks[:1] if checks and checks[0].verdict in order_level else checks
    for check in shown:
        out.card(check)
    out.add(" ".join(c.explanation("en") for c in shown), "".join(c.explanation("zh") for c in shown))
    out.outcome = Outcome.REFUSED
    out.did(ServiceAction.PRICE_PROTECTION_REFUSED)


# -- coupons -------------------------------------------------------------------------------

_HOW = re.compile(r"怎么算|怎么用|怎么使用|如何使用|什么意思|啥意思|规则|门槛|叠加|满多少|怎么减|能减多少|"
                  r"\bhow (?:does|do|to|can)\b.*\b(?:work|use|apply|calculat)|\bthreshold\b|spend[- ]and[- ]save|"
                  r"\bstack", re.I)
#: An amount the shopper names for a threshold: "¥1299", "350元", "for 1299".
_AMOUNT = re.compile(r"[¥￥]\s*(\d{1,6}(?:\.\d{1,2})?)|(\d{1,6}(?:\.\d{1,2})?)\s*(?:元|块|yuan\b|rmb\b|kuai\b)|"
                     r"\b(?:for|spend(?:ing)?|costs?|of)\s+(\d{2,6})(?![\d\-])", re.I)
_THIS = re.compile(r"这个|这款|这件|它|\b(?:this|it|that one)\b", re.I)


def coupon_promotion(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    code = _coupon_code(q.text)
    if code is not None and _explain_code(app, st, out, code):
        return
    category, amount, name_en, name_zh = _coupon_subject(app, st, q)
    listing = app.coupons.available(st.customer_code, category, amount, item_name_en=name_en, item_name_zh=name_zh)
    if _HOW.search(q.text):
        _explain_thresholds(out, listing)
    out.card(listing)
    out.did(ServiceAction.COUPONS_LISTED)
    _describe_listing(out, listing, category)


def _coupon_code(text: str) -> str | None:
    m = COUPON_CODE.search(text)
    if m is None:
        return None
    token = m.group(1)
    # "SKIN20", or any spelling after 券码 / code; a lower-case product word like "iphone15" is not a code.
    return token if token.isupper() or re.search(r"券码|优惠码|兑换码|\bcode\b", text, re.I) else None


def _explain_code(app: Services, st: SessionState, out: ReplyBuilder, code: str) -> bool:
    try:
        status = app.coupons.lookup(code, st.customer_code)
    except NotFound as exc:
        out.add(exc.message, exc.message_zh)  # a mistyped code: say so, then list the real ones
        return False
    out.add(status.explanation("en"), status.explanation("zh"))
    if status.state != CouponState.USABLE:
        others = app.coupons.available(st.customer_code, status.coupon.category)
        out.card(others)
        out.did(ServiceAction.COUPONS_LISTED)
        wanted = status.coupon.category
        same_use = [c for c in others.coupons if c.code != status.coupon.code and c.category in (None, wanted)]
        if same_use:
            best = max(same_use, key=lambda c: c.discount_fen)
            out.add(f"You can use {best.code} instead ({best.title_en}, until {best.valid_until:%Y-%m-%d}).",
                    f"您可以改用 {best.code}（{best.title_zh}，有效期至 {best.valid_until:%Y-%m-%d}）。")
        elif others.coupons:
            out.add("These are the coupons you can use now.", "以下是您现在可以使用的优惠券。")
        else:
            out.add("There is no other coupon for it at the moment.", "目前没有其他可用的优惠券。")
    else:
        out.did(ServiceAction.COUPONS_LISTED)
    return True


def _coupon_subject(app: Services, st: SessionState, q: Understood) -> tuple[str | None, int | None, str | None,
                                                                              str | None]:
    """What the coupons are for: the category named, else a product named or just discussed; the
    amount to reach a threshold with (a price the turn names, else that product's price)."""
    category_e, product_e, price_e = (entity(q, EntityKind.CATEGORY), entity(q, EntityKind.PRODUCT),
                                      entity(q, EntityKind.PRICE_RANGE))
    amount: int | None = None
    if price_e is not None and price_e.price is not None:
        lo, hi = price_e.price.as_fen()
        if price_e.price.approximate and lo is not None and hi is not None:
            amount = (lo + hi) // 2  # "about ¥1299" is read as a band around the amount said
        else:
            amount = hi if hi is not None else lo
    else:
        said = _AMOUNT.search(q.text)
        if said is not None:
            amount = round(float(next(g for g in said.groups() if g)) * 100)
    sku = product_e.value if product_e else None
    if sku is None and category_e is None and st.current_product and (amount is None or _THIS.search(q.text)):
        sku = st.current_product
    if sku is not None and category_e is None:
        try:
            product = app.catalog.product(sku).summary
        except NotFound:
            product = None
        if product is not None:
            return product.category, amount if amount is not None else product.price_fen, product.name_en, \
                product.name_zh
    return (category_e.value if category_e else None), amount, None, None


def _explain_thresholds(out: ReplyBuilder, listing: CouponList) -> None:
    example = max(listing.coupons, key=lambda c: c.discount_fen) if listing.coupons else None
    ex_en = (f" For example {example.title_en}: once the items it covers reach {yuan(example.threshold_fen)}, "
             f"{yuan(example.discount_fen)} comes off." if example else "")
    ex_zh = (f"比如“{example.title_zh}”：适用商品满 {yuan(example.threshold_fen)}，就立减 {yuan(example.discount_fen)}。"
             if example else "")
    per = COUPONS_PER_ORDER
    out.add(f"满减 means spend-and-save: when the items a coupon covers add up to its threshold (after any price "
            f"promotion, shipping not included), the discount comes off at checkout.{ex_en} A category coupon counts "
            f"only that category's items, and {per} coupon can be used per order.",
            f"满减就是：券适用范围内的商品金额（按优惠后价格，不含运费）达到门槛，结算时直接减免。{ex_zh}"
            f"品类券只计算该品类的商品，每个订单限用 {per} 张券。")


def _describe_listing(out: ReplyBuilder, listing: CouponList, category: str | None) -> None:
    if not listing.coupons:
        what_en = f" for {category_text(category, 'en').removesuffix(' only')}" if category else ""
        what_zh = f"{CATEGORIES[category].zh}" if category in CATEGORIES else ""
        out.add(f"There are no coupons{what_en} you can use right now.", f"目前没有可用的{what_zh}优惠券。")
        return
    codes = ", ".join(f"{c.title_en} ({c.code})" for c in listing.coupons)
    codes_zh = "、".join(f"{c.title_zh}（{c.code}）" for c in listing.coupons)
    item_en = f" for the {listing.item_name_en}" if listing.item_name_en else ""
    item_zh = f"{listing.item_name_zh}" if listing.item_name_zh else ""
    out.add(f"Coupons you can use{item_en}: {codes}.", f"{item_zh}{'可用' if item_zh else '目前可用'}的优惠券：{codes_zh}。")
    best, amount = listing.best, listing.amount_fen
    if best is not None and amount is not None:
        out.add(f"The best is {best.code}: it saves {yuan(best.discount_fen)}, so you would pay "
                f"{yuan(amount - best.discount_fen)} instead of {yuan(amount)}.",
                f"最划算的是 {best.code}，可省 {yuan(best.discount_fen)}，到手价 {yuan(amount - best.discount_fen)}"
                f"（原价 {yuan(amount)}）。")
        bigger = [c for c in listing.coupons if c.discount_fen > best.discount_fen and c.threshold_fen > amount]
        if bigger:
            nxt = min(bigger, key=lambda c: c.threshold_fen)
            short = yuan(nxt.threshold_fen - amount)
            out.add(f"Add {short} more to the same order and {nxt.code} would take {yuan(nxt.discount_fen)} off "
                    "instead.",
                    f"同一订单再凑 {short}，就能改用 {nxt.code} 减 {yuan(nxt.discount_fen)}。")
    elif amount is not None:
        nearest = min(listing.coupons, key=lambda c: c.threshold_fen - amount)
        short = yuan(nearest.threshold_fen - amount)
        out.add(f"At {yuan(amount)} none reaches its threshold yet: add {short} more to use {nearest.code}.",
                f"按 {yuan(amount)} 计算还没有达到门槛，再凑 {short} 就能用 {nearest.code}。")


# -- payment problems ----------------------------------------------------------------------

_DUPLICATE = re.compile(r"扣了?两次|重复扣|扣(?:了)?双份|多扣|扣了两遍|付了两次|重复支付|\bcharged (?:me )?twice\b|"
                        r"\bdouble[- ]charged?\b|\bduplicate (?:charge|payment)\b|\bpaid twice\b|\btwo charges\b", re.I)
_FAILED = re.compile(r"失败|付不了|付不出|支付不了|无法支付|付款不成功|支付不成功|付不上|扣款不成功|被拒|"
                     r"\bfail(?:ed|s|ing)?\b|\bdeclined?\b|\bcan'?t pay\b|\bcannot pay\b|\bunable to pay\b|"
                     r"\bwon'?t go through\b|\bdidn'?t go through\b|\berror\b", re.I)
_CHARGED = re.compile(r"扣了|已扣|扣款了|扣掉了|被扣|钱扣|付过了|已经付|\bpaid\b|\bcharged\b|\bdeducted\b|"
                      r"money (?:was|has been|is) (?:taken|gone)", re.I)
#: Minutes a payment confirmation may take before a charge with no paid order is treated as a fault.
CONFIRMATION_MINUTES = 30
_UNPAID = re.compile(r"未付款|没付款|还没付|待付款|没有付|多久.*取消|自动取消|什么时候.*取消|付款.*(?:期限|截止)|"
                     r"\bunpaid\b|\bnot (?:yet )?paid\b|\bhow long\b|\bdeadline\b|\bpay later\b|\bauto-?cancel", re.I)


def payment_issue(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    text = q.text
    if _DUPLICATE.search(text):
        out.add("If one order was charged twice, the duplicate payment is refunded automatically to the same account "
                "as soon as our payment check detects it, usually within 1–3 working days. If it has not come back "
                "by then, a colleague can trace it with you.",
                "同一订单如被重复扣款，系统核对到后会自动原路退回多扣的款项，一般 1–3 个工作日到账。"
                "如果到时还没退回，可以转人工帮您核查。")
        out.suggest(_TALK_TO_PERSON)
        out.did(ServiceAction.PAYMENT_HELPED)
        return
    if _CHARGED.search(text) and _UNPAID.search(text):
        _charged_but_unpaid(out)
        return
    if _FAILED.search(text):
        _payment_failed(app, st, out)
        return
    if _UNPAID.search(text) or entity(q, EntityKind.ORDER_REF) or st.pending_order_ref:
        _unpaid_order(app, st, q, out)
        return
    if st.customer_code and _unpaid_of(app, st.customer_code):
        _unpaid_order(app, st, q, out)
        return
    _payment_failed(app, st, out)


def _charged_but_unpaid(out: ReplyBuilder) -> None:
    """Money left the account but the order still says unpaid: usually the confirmation is late."""
    out.add("The payment confirmation can take a few minutes to reach the order, so please don't pay again yet. "
            f"If the order still shows unpaid after {CONFIRMATION_MINUTES} minutes, the money is returned "
            "automatically to the same account (usually within 1–3 working days), and a colleague can check it "
            "with you.",
            f"付款后订单状态同步可能会有几分钟延迟，请先不要重复付款。如果 {CONFIRMATION_MINUTES} 分钟后订单仍显示待付款，"
            "这笔钱会自动原路退回（一般 1–3 个工作日到账），也可以转人工帮您核对。")
    out.suggest(_TALK_TO_PERSON)
    out.did(ServiceAction.PAYMENT_HELPED)


def _is_unpaid(view: OrderView) -> bool:
    return view.status == OrderStatus.UNPAID


def _unpaid_of(app: Services, customer_code: str) -> list[OrderView]:
    return [o for o in app.orders.orders_of(customer_code) if o.status == OrderStatus.UNPAID]


def _unpaid_order(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if st.customer_code and not entity(q, EntityKind.ORDER_REF) and not st.pending_order_ref \
            and not _unpaid_of(app, st.customer_code):
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
    out.suggest(("Payment failed", "付款失败怎么办"), _TALK_TO_PERSON)


def _payment_failed(app: Services, st: SessionState, out: ReplyBuilder) -> None:
    channels_en = ", ".join(PAY_CHANNELS_EN[:-1]) + " or " + PAY_CHANNELS_EN[-1]
    channels_zh = "、".join(PAY_CHANNELS_ZH)
    out.apologise("Sorry about that.", "抱歉给您添麻烦了。")
    out.add("Usually one of these helps: 1) check the card's balance and its daily limit for online "
            "payments (the bank's app shows it); 2) try another channel: we take "
            f"{channels_en}; 3) check the network and pay again from the order page. Nothing is charged for a failed "
            "payment; if money left your account anyway, it is returned automatically.",
            "通常这样可以解决：1）确认银行卡余额和网上支付的单日限额（可在银行 App 查看）；"
            f"2）换一种支付方式，本店支持{channels_zh}；3）检查网络后在订单详情页重新付款。"
            "支付失败不会扣款，如已扣款会自动原路退回。")
    if st.customer_code:
        unpaid = _unpaid_of(app, st.customer_code)
        if unpaid:
            due = payment_due(unpaid[0], app.clock.now())
            out.card(due)
            out.add(f"Your order {due.masked_number} ({yuan(due.amount_fen)}) stays open until "
                    f"{due.cancel_at:%m-%d %H:%M}.",
                    f"您的订单{due.masked_number}（{yuan(due.amount_fen)}）会保留到 {due.cancel_at:%m-%d %H:%M}。")
    out.add("If it still fails, a colleague can help.", "如果还是不行，可以转人工为您处理。")
    out.suggest(_TALK_TO_PERSON)
    out.did(ServiceAction.PAYMENT_HELPED)


# -- open forms ----------------------------------------------------------------------------

_WANTS_PERSON = re.compile(r"人工|客服|真人|\b(?:agent|human|real person|someone)\b", re.I)


def answers_task(task: TaskForm, q: Understood) -> bool:
    """Whether a turn answers the open billing form, whatever intent the classifier guessed for it:
    a bare "个人" reads like a request for a person (人), "the headlamp" like a product question."""
    text = q.text
    if _WANTS_PERSON.search(text) and not _PERSONAL.search(text):
        return False
    if task.intent == Intent.INVOICE:
        if task.step == "kind":
            return bool(_VAT.search(text) or _NORMAL.search(text) or _PERSONAL.search(text))
        if task.step == "title":
            # "个人", a company's name, "抬头写xx": not any short sentence ("where is my parcel" is not a title).
            return len(text) <= 60 and bool(_PERSONAL.search(text) or not is_personal_title(text)
                                            or _TITLE_ZH.search(text) or _TITLE_EN.search(text))
        if task.step == "tax_id":
            return _read_tax_id(text, "tax_id") is not None
        if task.step == "email":
            return bool(_EMAIL_RAW.search(text) or _NO_EMAIL.search(text)
                        or (task.values.get("previous_email") and _SAME_EMAIL.search(text)))
        return False
    if task.intent == Intent.PRICE_PROTECTION and task.step == "item":
        return bool(entity(q, EntityKind.PRODUCT) or entity(q, EntityKind.CATEGORY)
                    or re.search(r"第\s*[一二三四五1-5]|\b(?:first|second|third|1st|2nd|3rd)\b", text, re.I))
    return False


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
