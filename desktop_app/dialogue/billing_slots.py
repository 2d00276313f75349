"""Reading a billing turn: an invoice's type, title, tax id and e-mail (each checked as it arrives),
which ordered item a price-protection claim means, which coupon or amount a coupon question is
about, what kind of payment trouble it describes, and whether it answers the open billing form.

Split out of ``billing_flow`` so the flow keeps the conversation and the service calls and this
module the reading of the words; nothing here writes a reply.
"""

from __future__ import annotations

import re

from desktop_app.core.errors import AppError, InvalidInput, NotFound
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entity
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.service.coupons import COUPON_CODE
from desktop_app.service.invoices import InvoiceKind, is_personal_title, normalize_email, normalize_tax_id
from desktop_app.service.types import OrderLine, OrderView

CANCEL = re.compile(r"算了|不开了|不用开|不要了|先不(?:开|用)了?|取消|\bnever ?mind\b|\bforget it\b|\bcancel\b", re.I)
CODE_ONLY = re.compile(r"\s*(?:[^\s@]+@[^\s@]+|[0-9A-Za-z\-]+)\s*[.。]?\s*")
VAT_WORDS = re.compile(r"专票|专用发票|增值税专用|\bvat\b|special\s+invoice", re.I)
NORMAL_WORDS = re.compile(r"普票|普通|电子发票|个人发票|公司发票|单位发票|"
                     r"\b(?:normal|standard|regular|ordinary|electronic|e-invoice|general)\b", re.I)
PERSONAL_WORDS = re.compile(r"个人|本人|\b(?:personal|individual|myself|private)\b", re.I)
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
NO_EMAIL = re.compile(r"不用|不需要|不要|没有|无|\bno\b|\bskip\b|\bnone\b|no need|don'?t need|download", re.I)
#: "不用邮箱" / "no e-mail" said up front: the e-invoice is downloaded from the order page.
_NO_EMAIL_ANY = re.compile(r"(?:不用|不需要|不要|无需)(?:发)?邮箱|邮箱不用|\bno e-?mail\b|\bwithout (?:an )?e-?mail\b", re.I)
_SAME_EMAIL = re.compile(r"原来|原邮箱|之前|一样|同一个|还是那个|\bsame\b|\bas before\b|\bprevious\b|\bold\b|"
                         r"^\s*(?:好|好的|可以|是|对|行|嗯|yes|ok|okay|sure)\s*[。.!！]?\s*$", re.I)
SAME_EMAIL_MARK = "\x00same"
_VAT_EXTRAS = re.compile(r"地址|电话|开户行|银行|账号|\baddress\b|\bphone\b|\bbank\b|\baccount\b", re.I)
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
        return "个人" if PERSONAL_WORDS.fullmatch(title) else title
    if step == "title":
        # A bare answer to "what title?": the first part, with any tax id or e-mail taken out.
        rest = _EMAIL_RAW.sub(" ", _TAX_CUE.sub(" ", text))
        first = next((p for p in _PARTS.split(rest) if p.strip()), "")
        title = _clean_title(first)
        return "个人" if title and PERSONAL_WORDS.search(title) and len(title) <= 12 else title or None
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


def read_invoice_slots(q: Understood, values: dict[str, str], step: str | None) -> list[Problem]:
    """Fill what this turn says into ``values`` (kind, title, tax_id, email, reissue); return the
    problems found in what it gave (a malformed tax id, e-mail, a VAT invoice for a person)."""
    text, problems = q.text, []
    if _REISSUE.search(text):
        values["reissue"] = "1"
    if VAT_WORDS.search(text) and not re.search(r"普通|普票|\bnormal\b|\bstandard\b", text, re.I):
        values["kind"] = InvoiceKind.VAT_SPECIAL.value
    elif NORMAL_WORDS.search(text) or (step == "kind" and PERSONAL_WORDS.search(text)):
        values["kind"] = InvoiceKind.NORMAL.value
    email = _EMAIL_RAW.search(text)
    if email:
        try:
            values["email"] = normalize_email(email.group(0).rstrip("。.!！"))
        except InvalidInput as exc:
            problems.append((exc.message, exc.message_zh))
    elif step == "email" and values.get("previous_email") and _SAME_EMAIL.search(text):
        values["email"] = SAME_EMAIL_MARK
    elif (step == "email" and NO_EMAIL.search(text)) or _NO_EMAIL_ANY.search(text):
        values["email"] = ""
    raw_tax = _read_tax_id(text, step)
    if raw_tax:
        try:
            values["tax_id"] = normalize_tax_id(raw_tax)
        except InvalidInput as exc:
            values.pop("tax_id", None)
            problems.append((exc.message, exc.message_zh))
    title = _read_title(text, step)
    if title is None and "title" not in values and PERSONAL_WORDS.search(text) and step in (None, "kind", "order", "title"):
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


def current_if_named(app: Services, st: SessionState, q: Understood) -> OrderView | None:
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


def named_line(q: Understood, lines: tuple[OrderLine, ...]) -> OrderLine | None:
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


def order_named(app: Services, st: SessionState, q: Understood) -> str | None:
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


ASKS_HOW = re.compile(r"怎么算|怎么用|怎么使用|如何使用|什么意思|啥意思|规则|门槛|叠加|满多少|怎么减|能减多少|"
                  r"\bhow (?:does|do|to|can)\b.*\b(?:work|use|apply|calculat)|\bthreshold\b|spend[- ]and[- ]save|"
                  r"\bstack", re.I)
#: An amount the shopper names for a threshold: "¥1299", "350元", "for 1299".
_AMOUNT = re.compile(r"[¥￥]\s*(\d{1,6}(?:\.\d{1,2})?)|(\d{1,6}(?:\.\d{1,2})?)\s*(?:元|块|yuan\b|rmb\b|kuai\b)|"
                     r"\b(?:for|spend(?:ing)?|costs?|of)\s+(\d{2,6})(?![\d\-])", re.I)
_THIS = re.compile(r"这个|这款|这件|它|\b(?:this|it|that one)\b", re.I)


def coupon_code(text: str) -> str | None:
    m = COUPON_CODE.search(text)
    if m is None:
        return None
    token = m.group(1)
    # "SKIN20", or any spelling after 券码 / code; a lower-case product word like "iphone15" is not a code.
    return token if token.isupper() or re.search(r"券码|优惠码|兑换码|\bcode\b", text, re.I) else None


def coupon_subject(app: Services, st: SessionState, q: Understood) -> tuple[str | None, int | None, str | None,
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


DUPLICATE = re.compile(r"扣了?两次|重复扣|扣(?:了)?双份|多扣|扣了两遍|付了两次|重复支付|\bcharged (?:me )?twice\b|"
                        r"\bdouble[- ]charged?\b|\bduplicate (?:charge|payment)\b|\bpaid twice\b|\btwo charges\b", re.I)
FAILED = re.compile(r"失败|付不了|付不出|支付不了|无法支付|付款不成功|支付不成功|付不上|扣款不成功|被拒|"
                     r"\bfail(?:ed|s|ing)?\b|\bdeclined?\b|\bcan'?t pay\b|\bcannot pay\b|\bunable to pay\b|"
                     r"\bwon'?t go through\b|\bdidn'?t go through\b|\berror\b", re.I)
CHARGED = re.compile(r"扣了|已扣|扣款了|扣掉了|被扣|钱扣|付过了|已经付|\bpaid\b|\bcharged\b|\bdeducted\b|"
                      r"money (?:was|has been|is) (?:taken|gone)", re.I)
UNPAID_WORDS = re.compile(r"未付款|没付款|还没付|待付款|没有付|多久.*取消|自动取消|什么时候.*取消|付款.*(?:期限|截止)|"
                     r"\bunpaid\b|\bnot (?:yet )?paid\b|\bhow long\b|\bdeadline\b|\bpay later\b|\bauto-?cancel", re.I)
_WANTS_PERSON = re.compile(r"人工|客服|真人|\b(?:agent|human|real person|someone)\b", re.I)


def answers_task(task: TaskForm, q: Understood) -> bool:
    """Whether a turn answers the open billing form, whatever intent the classifier guessed for it:
    a bare "个人" reads like a request for a person (人), "the headlamp" like a product question."""
    text = q.text
    if _WANTS_PERSON.search(text) and not PERSONAL_WORDS.search(text):
        return False
    if task.intent == Intent.INVOICE:
        if task.step == "kind":
            return bool(VAT_WORDS.search(text) or NORMAL_WORDS.search(text) or PERSONAL_WORDS.search(text))
        if task.step == "title":
            # "个人", a company's name, "抬头写xx": not any short sentence ("where is my parcel" is not a title).
            return len(text) <= 60 and bool(PERSONAL_WORDS.search(text) or not is_personal_title(text)
                                            or _TITLE_ZH.search(text) or _TITLE_EN.search(text))
        if task.step == "tax_id":
            return _read_tax_id(text, "tax_id") is not None
        if task.step == "email":
            return bool(_EMAIL_RAW.search(text) or NO_EMAIL.search(text)
                        or (task.values.get("previous_email") and _SAME_EMAIL.search(text)))
        return False
    if task.intent == Intent.PRICE_PROTECTION and task.step == "item":
        return bool(entity(q, EntityKind.PRODUCT) or entity(q, EntityKind.CATEGORY)
                    or re.search(r"第\s*[一二三四五1-5]|\b(?:first|second|third|1st|2nd|3rd)\b", text, re.I))
    return False
