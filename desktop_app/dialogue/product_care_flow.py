"""Shipping fees, warranty repair, installation booking, size advice and restock alerts.

Each handler reads what the turn already says (a city, a product, a fault, a time, a height) and
asks only for what is missing, keeping the operation open in ``st.task`` until it is done; the
rules themselves live in the services, so a refusal here is the service's refusal in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from desktop_app.core.errors import AccessDenied, AppError, NotEligible
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.handler import Handler
from desktop_app.dialogue.orders_flow import OrderFilter, resolve_order
from desktop_app.dialogue.reply import ItemChoice, Outcome, ReplyBuilder, ServiceAction
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entities, entity, list_reference, pick_item
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent
from desktop_app.service.installation import CARD_SLOTS, InstallationSlots, installable
from desktop_app.service.types import OrderLine, OrderStatus, OrderView, status_text, yuan

#: The whole turn says "stop" (a fault description may start with 不, so yes/no is too eager here).
_CANCEL = re.compile(r"^\s*(算了|不用了?|不要了|取消|先不了?|不弄了|不约了|不修了|never\s*mind|forget it|cancel|"
                     r"no thanks|nope|stop)\s*(吧|啦|了)?\s*[。.!！]*\s*$", re.I)
_HUMAN = ("Talk to a person", "转人工")


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


class _Without:
    """The turn minus some kinds of entities, for finding the order: in "明天上午来装" the date is
    when the installer should come, not when the order was placed."""

    def __init__(self, base: Understood, *drop: EntityKind) -> None:
        self._base, self._drop = base, frozenset(drop)

    @property
    def text(self) -> str:
        return self._base.text

    @property
    def intent(self) -> Intent:
        return self._base.intent

    @property
    def confidence(self) -> float:
        return self._base.confidence

    @property
    def is_confident(self) -> bool:
        return self._base.is_confident

    @property
    def entities(self) -> tuple[Entity, ...]:
        return tuple(e for e in self._base.entities if e.kind not in self._drop)

    @property
    def emotion(self) -> Emotion:
        return self._base.emotion

    @property
    def primary_language(self) -> str:
        return self._base.primary_language


def _line_of(q: Understood, task: TaskForm, lines: list[OrderLine], words: list[str]) -> OrderLine | None:
    """The order line meant: the one chosen before, the only one, or one the turn names. Ordinals
    count only when we asked which item ("第一个" that answered the order picker picks no item)."""
    kept = next((ln for ln in lines if ln.item_id == task.item_id), None)
    if kept is not None or len(lines) == 1:
        return kept or lines[0]
    if task.step == "item":
        picked = pick_item(q, lines)
        if picked is not None:
            return picked
        said = re.sub(r"[\s，。,.!?！？]|吧|呢|啊|那个|这个|那件|这件|the|one", "", q.text.lower())
        hits = [ln for ln in lines if len(said) >= 2 and said in _line_text(ln)]
        return hits[0] if len(hits) == 1 else None
    product = entity(q, EntityKind.PRODUCT)
    hits = [ln for ln in lines if (product is not None and ln.product.sku == product.value)
            or ln.product.name_zh in q.text or ln.product.name_en.lower() in q.text.lower()]
    if not hits and words:
        hits = [ln for ln in lines if _named(ln, words)]
    return hits[0] if len(hits) == 1 else None


# -- shipping fee ----------------------------------------------------------------------------

_DESTINATION_ZH = re.compile(r"(?:寄到|发到|送到|运到|寄往|发往|寄去|发去|邮到)\s*([\u4e00-\u9fff]{2,6}?)"
                             r"(?=的|要|多少|运费|邮费|包邮|吗|几天|呢|有|可以|能|[，,。？?！!\s]|$)")
_DESTINATION_EN = re.compile(r"\b(?:ship(?:ping)?|send|sending|deliver(?:y|ing)?|post(?:age)?)\b[^?.!]*?\bto\s+"
                             r"([A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)")


def _destination(app: Services, st: SessionState, q: Understood) -> tuple[str | None, bool]:
    """(destination, whether it is the customer's own city rather than one they named): a city the
    turn names, a place our table knows, a place we do not know (quoted with the general rule), else
    the signed-in customer's city or the city of the order the visitor opened."""
    city = entity(q, EntityKind.CITY)
    if city is not None:
        return city.value, False
    place = app.shipping.place(q.text)
    if place is not None:
        return place.name_zh, False
    said = _DESTINATION_ZH.search(q.text) or _DESTINATION_EN.search(q.text)
    if said is not None:
        return said.group(1).strip(), False  # named but unknown to us: the quote gives the general rule
    home = app.shipping.home_city(st.customer_code)
    if home is None and st.current_order and st.current_order in st.verified:
        # A kiosk visitor who opened an order: it ships where that order went.
        try:
            home = app.orders.lookup(st.current_order, **st.credentials(st.current_order)).ship_city
        except AppError:
            home = None
    return home, home is not None


def _amount(q: Understood) -> int | None:
    """The order amount a turn states ("我买了85块的东西"): a single price, or an approximate one's middle."""
    price = entity(q, EntityKind.PRICE_RANGE)
    if price is None or price.price is None:
        return None
    lo, hi = price.price.min_value, price.price.max_value
    if lo is not None and hi is not None and (price.price.approximate or lo == hi):
        value = (lo + hi) / 2
    elif lo is not None and hi is not None:
        return None  # a range ("100 to 200") is not an amount
    else:
        return None
    rate = 7 if price.price.currency == "USD" else 1  # the same round rate the search uses
    return int(round(value * rate * 100))


def shipping_fee(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    st.task = None
    destination, is_home = _destination(app, st, q)
    product = entity(q, EntityKind.PRODUCT)
    sku = product.value if product else st.current_product
    quote = app.shipping.quote(destination, _amount(q), sku)
    out.card(quote)
    out.did(ServiceAction.SHIPPING_FEE_QUOTED)
    if quote.place is None:
        rule_en = (f"Most regions pay {yuan(quote.base_fee_fen)}, free from {yuan(quote.free_over_fen)}; remote regions "
                   f"({quote.regions_text('en')}) pay {yuan(quote.remote_fee_fen)}, free from "
                   f"{yuan(quote.remote_free_over_fen)}.")
        rule_zh = (f"一般地区运费 {yuan(quote.base_fee_fen)}，满 {yuan(quote.free_over_fen)} 包邮；偏远地区"
                   f"（{quote.regions_text('zh')}）运费 {yuan(quote.remote_fee_fen)}，满 {yuan(quote.remote_free_over_fen)} 包邮。")
        if quote.unknown_destination:
            out.add(f"I don't have a shipping rate for {quote.unknown_destination}. {rule_en} Tell me the city or "
                    "province and I'll work it out.",
                    f"亲，暂时查不到「{quote.unknown_destination}」的运费标准。{rule_zh}告诉我具体的城市或省份，我再帮您算一下。")
        else:
            out.add(f"{rule_en} Tell me your city and I'll give you the exact fee.",
                    f"{rule_zh}告诉我您的收货城市，我帮您算具体运费。")
    else:
        where_en, where_zh = quote.place.label("en"), quote.place.label("zh")
        lead_en = f"To your city, {where_en}" if is_home else f"To {where_en}"
        lead_zh = f"按您的收货城市{where_zh}计算，" if is_home else f"寄到{where_zh}，"
        if quote.remote:
            lead_en += " (a remote region)"
            lead_zh += "属于偏远地区，"
        if quote.amount_fen is None:
            out.add(f"{lead_en}: shipping is {yuan(quote.fee_fen)}, free from {yuan(quote.threshold_fen)}.",
                    f"{lead_zh}运费 {yuan(quote.fee_fen)}，满 {yuan(quote.threshold_fen)} 包邮。")
        elif quote.free:
            out.add(f"{lead_en}: an order of {yuan(quote.amount_fen)} ships free.",
                    f"{lead_zh}{yuan(quote.amount_fen)} 的订单可以包邮哦。")
        else:
            out.add(f"{lead_en}: shipping for {yuan(quote.amount_fen)} is {yuan(quote.fee_fen)}; add "
                    f"{yuan(quote.short_fen or 0)} more and it ships free (from {yuan(quote.threshold_fen)}).",
                    f"{lead_zh}{yuan(quote.amount_fen)} 的订单运费 {yuan(quote.fee_fen)}，再买 {yuan(quote.short_fen or 0)} "
                    f"即可包邮（满 {yuan(quote.threshold_fen)}）。")
    if quote.delivery is not None and quote.product_en and quote.product_zh:
        d = quote.delivery
        days = f"{d.earliest_days}-{d.latest_days}"
        stock_en = "" if d.in_stock else " It is out of stock now, so it ships once restocked."
        stock_zh = "" if d.in_stock else "目前缺货，补货后发出。"
        out.add(f"{quote.product_en} should arrive in {days} days.{stock_en}",
                f"{quote.product_zh}预计 {days} 天送达。{stock_zh}")


# -- warranty repair -------------------------------------------------------------------------

#: Words that describe a fault: the turn already says what is wrong, no need to ask.
_FAULT = re.compile(r"坏|破|裂|碎|断|松|掉|漏|不亮|黑屏|花屏|死机|重启|卡顿|没反应|无反应|不开机|开不了机|充不进|充不上|"
                    r"不充电|发烫|发热|异响|响声|噪音|失灵|故障|毛病|不能用|用不了|不工作|不转|进水|脱胶|开胶|起球|"
                    r"掉色|变形|晃|歪|电池|续航|鼓包|划痕|不准|连不上|断连|坏掉|"
                    r"\bbroke|broken|crack|shatter|loose|leak|won'?t|doesn'?t|does not|not working|stopped|dead|"
                    r"fault|defect|problem|issue|battery|screen|nois|wobbl|\brip|\btear|torn|stuck|overheat|"
                    r"charg|turn on|frozen|freez|flicker|bluetooth|connect", re.I)


def _delivered(view: OrderView) -> bool:
    return view.status == OrderStatus.DELIVERED


def _product_words(text: str, orders: tuple[OrderView, ...]) -> list[str]:
    """Product nouns the turn uses that name something the customer bought ("帐篷", "backpack").

    A category hint alone would let "帐篷坏了" open a repair for the backpack in the same category;
    a word that names none of their products ("衣服") narrows nothing and is ignored.
    """
    low = text.lower()
    said = {w for t in CATEGORIES.values() for w in (*t.aliases_zh, *t.aliases_en)
            if (re.search(rf"\b{re.escape(w)}", low) if w.isascii() else w in text)}
    names = [_line_text(ln) for o in orders for ln in o.lines]
    return sorted(w for w in said if any(w in n for n in names))


def _line_text(line: OrderLine) -> str:
    return f"{line.product.name_zh} {line.product.name_en}".lower()


def _named(line: OrderLine, words: list[str]) -> bool:
    return not words or any(w in _line_text(line) for w in words)


def _words_of(app: Services, st: SessionState, q: Understood) -> tuple[list[str], tuple[OrderView, ...]]:
    """The product words narrowing a signed-in customer's orders, while the order is still open to choose."""
    task = st.task
    if (not st.customer_code or entity(q, EntityKind.ORDER_REF) or (task and task.order_number) or st.pending_order_ref
            or (st.shown_orders and st.pending_intent)):
        return [], ()
    mine = app.orders.orders_of(st.customer_code)
    return _product_words(q.text, mine), mine


def _warranty_words(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> list[str] | None:
    """The product words narrowing a signed-in customer's orders; None when the turn was answered
    here because the only product they name has not been delivered (no warranty before delivery)."""
    words, mine = _words_of(app, st, q)
    named = [(o, ln) for o in mine for ln in o.lines if words and _named(ln, words)]
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
    elif "problem" not in task.values and _FAULT.search(q.text):
        task.values["problem"] = q.text.strip()
    words = _warranty_words(app, st, q, out)
    if words is None:
        return
    view = _task_order(app, st, q, out, Intent.WARRANTY_REPAIR,
                       lambda v: _delivered(v) and any(_named(ln, words) for ln in v.lines))
    if view is None:
        return
    task.order_number = view.order_number
    line = _line_of(q, task, list(view.lines), words)
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
        out.suggest(_HUMAN)
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
        out.suggest(_HUMAN)
        return
    st.task = None
    out.card(ticket)
    out.did(ServiceAction.WARRANTY_FILED)
    if not ticket.created:
        out.add(f"{ticket.product_en} already has repair ticket {ticket.number} in progress; no need to file it again.",
                f"{ticket.product_zh}已有维修工单 {ticket.number} 在处理中，不用重复提交哦。")
        return
    out.add(f"Your warranty repair is filed: ticket {ticket.number}. {ticket.next_step('en')}.",
            f"已为您登记保修维修，工单号 {ticket.number}。{ticket.next_step('zh')}。")
    if ticket.remedy in ("return", "exchange", "repeat"):
        if ticket.remedy == "return":
            out.add(f"Since it was delivered within {ticket.remedy_days} days, you may also choose a return or an "
                    "exchange instead of the repair.",
                    f"另外，商品签收未满 {ticket.remedy_days} 天出现性能故障，您也可以选择退货或换货。")
        elif ticket.remedy == "exchange":
            out.add(f"Since it was delivered within {ticket.remedy_days} days, you may also ask for an exchange instead.",
                    f"另外，商品签收未满 {ticket.remedy_days} 天出现性能故障，您也可以选择换货。")
        else:
            out.add("As it has been repaired several times already, you may ask for an exchange or a return instead.",
                    "这件商品已多次维修，您也可以申请换货或退货。")
        out.suggest(("Return an item", "申请退货"), ("Exchange an item", "申请换货"))


# -- installation ----------------------------------------------------------------------------

_CHANGE = re.compile(r"改约|改到|改成|换到|换个时间|改时间|改一下|调整|推迟|提前|reschedul|change|move|instead", re.I)
_EVENING = re.compile(r"晚上|傍晚|evening|tonight|at night", re.I)
_AM = re.compile(r"上午|早上|早晨|明早|\bmorning\b|\bam\b|\ba\.m\.", re.I)
_PM = re.compile(r"下午|\bafternoon\b|\bpm\b|\bp\.m\.", re.I)
_ZH_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2, "4": 3,
               "5": 4, "6": 5, "7": 6}
_WEEKDAY_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEK_ZH = re.compile(r"(下)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])")
_WEEK_EN = re.compile(r"\b(next\s+)?(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|rs)?\b\.?", re.I)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d:])(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*(?:日|号)?(?![\d:])")
_DAY_ONLY = re.compile(r"(?<![\d\-/])(\d{1,2})\s*(?:号|日)")
_CLOCK = re.compile(r"(?<![\d\-/])(\d{1,2})\s*[:：]\s*(\d{2})(?!\d)")
_HOUR = re.compile(r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])\s*点|\b(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.|o'?clock)\b", re.I)
_RELATIVE = ((re.compile(r"大后天"), 3), (re.compile(r"后天|day after tomorrow", re.I), 2),
             (re.compile(r"明天|明早|明儿|tomorrow", re.I), 1), (re.compile(r"今天|today", re.I), 0))


def _day_of(text: str, today: date) -> date | None:
    """The day a turn names: a date, "明天"/"tomorrow", "周六"/"next Saturday", or None."""
    m = _ISO.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _MONTH_DAY.search(text)
    if m:
        try:
            day = date(today.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        return day if day >= today - timedelta(days=180) else date(today.year + 1, day.month, day.day)
    m = _DAY_ONLY.search(text)
    if m:
        n = int(m.group(1))
        month = today.replace(day=1)
        if n < today.day:  # "3号" said on the 20th: next month
            month = (month + timedelta(days=32)).replace(day=1)
        try:
            return month.replace(day=n)
        except ValueError:
            return None
    for pattern, offset in _RELATIVE:
        if pattern.search(text):
            return today + timedelta(days=offset)
    m = _WEEK_ZH.search(text)
    if m:
        target = _WEEKDAY_ZH[m.group(2)]
        if m.group(1):  # 下周六: the Saturday of next week
            return today - timedelta(days=today.weekday()) + timedelta(days=7 + target)
        return today + timedelta(days=(target - today.weekday()) % 7 or 7)
    m = _WEEK_EN.search(text)
    if m:
        target = _WEEKDAY_EN[m.group(2).lower()[:3]]
        return today + timedelta(days=(target - today.weekday()) % 7 or 7)
    return None


def _names_a_day(text: str) -> bool:
    return any(p.search(text) for p in (_ISO, _MONTH_DAY, _DAY_ONLY, _WEEK_ZH, _WEEK_EN)) or \
        any(p.search(text) for p, _ in _RELATIVE)


def _hour_of(text: str) -> time | None:
    """A clock time a turn names ("14:00", "下午两点", "2pm"), or None."""
    m = _CLOCK.search(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    m = _HOUR.search(text)
    if m is None:
        return None
    raw = m.group(1) or m.group(2)
    hour = int(raw) if raw.isdigit() else _ZH_NUM.get(raw, 0)
    pm = (m.group(3) or "").lower().startswith("p") or bool(_PM.search(text))
    if raw == "一" and not pm:
        return None  # "早一点" is "a bit earlier", not one o'clock
    if hour < 12 and (pm or hour <= 6):
        hour += 12  # "两点" for a visit means two in the afternoon
    return time(hour, 0) if 0 < hour < 24 else None


def _wanted_slot(app: Services, text: str, info: InstallationSlots, offered: list[datetime]) -> datetime | None:
    """The slot start a turn picks: by position in the list shown, or by day and part of day."""
    if offered:
        ref = list_reference(text, len(offered))
        if isinstance(ref, int):
            return offered[ref]
    today = app.clock.now().date()
    day, hour = _day_of(text, today), _hour_of(text)
    am, pm = bool(_AM.search(text)), bool(_PM.search(text))
    if day is None and hour is None and not (am or pm):
        return None
    slots = app.policy.installation.slots

    def fits(start: time, end: time) -> bool:
        if hour is not None:
            return start <= hour < end
        if am != pm:
            return start.hour < 12 if am else start.hour >= 12
        return True

    free = [f.start for f in info.free if (day is None or f.start.date() == day) and fits(f.start.time(), f.end.time())]
    if free:
        return free[0]
    if day is not None:
        named = [datetime.combine(day, sl.start) for sl in slots if fits(sl.start, sl.end)]
        return named[0] if named else None  # not free: the service says why (full, too early, too far)
    return None


_INSTALL_STATES = frozenset({OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED})


def _installable_order(app: Services) -> OrderFilter:
    def fits(view: OrderView) -> bool:
        moving = view.status in _INSTALL_STATES
        return moving and any(installable(ln.product.category, ln.product.needs_assembly, app.policy) for ln in view.lines)
    return fits


def _chip(start: datetime, language: str) -> str:
    if language == "zh":
        return f"{start:%m-%d} 周{'一二三四五六日'[start.weekday()]}{'上午' if start.hour < 12 else '下午'}"
    return f"{start:%a %m-%d} {'morning' if start.hour < 12 else 'afternoon'}"


def _offer_slots(st: SessionState, info: InstallationSlots, out: ReplyBuilder, *, change: bool) -> None:
    assert st.task is not None
    shown = info.shown()
    st.task.step = "slot"
    st.task.values["offered"] = ",".join(f.start.isoformat() for f in shown)
    if change:
        st.task.values["mode"] = "change"
    out.card(info)
    out.did(ServiceAction.INSTALLATION_SLOTS_OFFERED)
    out.outcome = Outcome.FORM
    for f in shown[:4]:
        out.suggest((_chip(f.start, "en"), _chip(f.start, "zh")))


def _no_installable(app: Services, st: SessionState, mine: tuple[OrderView, ...], words: list[str],
                    out: ReplyBuilder) -> None:
    """None of a signed-in customer's orders can have an installer come now: say why, for the order meant."""
    st.task = None
    out.did(ServiceAction.INSTALLATION_REFUSED)
    out.outcome = Outcome.REFUSED
    waiting = [o for o in mine if any(installable(ln.product.category, ln.product.needs_assembly, app.policy)
                                      and _named(ln, words) for ln in o.lines)]
    if waiting:  # e.g. furniture not shipped yet: the service's own reason
        try:
            app.installation.slots(waiting[0].order_number, None, **st.credentials(waiting[0].order_number))
        except AppError as exc:
            out.add(exc.message, exc.message_zh)
            return
    known = sorted(c for c in app.policy.installation.categories if c in CATEGORIES)
    kinds_en = " and ".join(CATEGORIES[c].en.lower() for c in known) or "large items"
    kinds_zh = "、".join(CATEGORIES[c].zh for c in known) or "大件商品"
    out.add(f"None of your orders holds an item that needs installing; free installation is for {kinds_en} "
            "and items that need assembling.",
            f"您的订单里暂时没有需要安装的商品哦；{kinds_zh}以及需要组装的商品可以预约免费上门安装。")


def installation_service(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    task = _task(st, Intent.INSTALLATION_SERVICE)
    words, mine = _words_of(app, st, q)
    can_install = _installable_order(app)
    if mine and not any(can_install(o) and any(_named(ln, words) for ln in o.lines) for o in mine):
        _no_installable(app, st, mine, words, out)
        return
    view = _task_order(app, st, _Without(q, EntityKind.RELATIVE_DATE), out, Intent.INSTALLATION_SERVICE,
                       lambda v: can_install(v) and any(_named(ln, words) for ln in v.lines))
    if view is None:
        return
    task.order_number = view.order_number
    lines = [ln for ln in view.lines if installable(ln.product.category, ln.product.needs_assembly, app.policy)]
    line = _line_of(q, task, lines, words) if lines else None
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
    wanted = _wanted_slot(app, q.text, info, offered)
    change = info.booked is not None and (task.values.get("mode") == "change" or bool(_CHANGE.search(q.text)))
    name_en, name_zh = info.product_en, info.product_zh
    if wanted is None:
        if _EVENING.search(q.text):
            times = ", ".join(sl.label() for sl in app.policy.installation.slots)
            out.add(f"Installers come in these slots: {times}; there are no evening visits.",
                    f"安装师傅上门时段为 {times}，晚上暂不上门哦。")
        if info.booked is not None:
            out.add(f"{name_en} is already booked for {info.booked.label('en')}. Pick another time below to change it.",
                    f"{name_zh}已预约 {info.booked.label('zh')} 上门安装，如需改约，请从下面选一个新时间。")
            _offer_slots(st, info, out, change=True)
        elif info.free:
            first_en = f" (after the parcel arrives, from {info.first_day:%m-%d})" if info.arriving else ""
            first_zh = f"（包裹送达后安排，最早 {info.first_day:%m-%d}）" if info.arriving else ""
            out.add(f"Free installation for {name_en}{first_en}. Which time suits you? You can say e.g. "
                    "\"tomorrow morning\" or \"the first one\".",
                    f"{name_zh}可以免费预约上门安装{first_zh}，请问哪个时间方便？可以直接说“明天上午”或“第一个”。")
            _offer_slots(st, info, out, change=False)
        else:
            st.task = None
            out.add("Every installation slot in the booking window is full; a colleague can find you a time.",
                    "近期的安装时段都已约满，可以转人工客服为您协调时间。")
            out.did(ServiceAction.INSTALLATION_REFUSED)
            out.outcome = Outcome.REFUSED
            out.suggest(_HUMAN)
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
            _offer_slots(st, info, out, change=info.booked is not None)
            out.outcome = Outcome.REFUSED
        else:
            st.task = None
        return
    st.task = None
    out.card(booking)
    out.did(ServiceAction.INSTALLATION_BOOKED)
    if booking.moved_from is not None:
        out.add(f"Done: the installation of {name_en} is moved to {booking.label('en')}. The installer will call "
                "you the day before.",
                f"已为您改约：{name_zh}的上门安装改到 {booking.label('zh')}，师傅会在上门前一天电话联系您。")
    elif booking.created:
        out.add(f"Booked: an installer will come for {name_en} on {booking.label('en')}, free of charge, and "
                "will call you the day before.",
                f"已为您预约：{booking.label('zh')} 上门安装{name_zh}，安装免费，师傅会在上门前一天电话联系您。")
    else:
        out.add(f"{name_en} is already booked for {booking.label('en')}; nothing changed.",
                f"{name_zh}已经预约在 {booking.label('zh')}，无需重复预约。")


# -- size advice -----------------------------------------------------------------------------

_METRES = re.compile(r"(?<![\d.])([12](?:\.\d{1,2})?)\s*(?:米|m\b)(?!\s*[\d一二三四五六七八九])", re.I)
_NUMBER = re.compile(r"(?<![\d.米])(\d{2,3}(?:\.\d)?)\s*(斤|kg|公斤|千克|cm|厘米|公分|lbs?|pounds)?", re.I)


def _body(q: Understood, task: TaskForm) -> None:
    """Fill height and weight from the turn: measurement entities first, then numbers in a plausible
    range ("我170，60公斤", or "175 70" when we asked)."""
    taken: list[tuple[int, int]] = []
    for e in entities(q, EntityKind.BODY) + entities(q, EntityKind.ATTRIBUTE):
        if e.key in ("height_cm", "weight_kg"):
            task.values[e.key] = e.value
            taken.append((e.start, e.end))
    metres = _METRES.search(q.text)
    if metres is not None and 1.2 <= float(metres.group(1)) <= 2.3:
        task.values.setdefault("height_cm", f"{float(metres.group(1)) * 100:g}")  # "身高2米", "1.75m"
    for m in _NUMBER.finditer(q.text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue  # already read as a measurement ("1米75" is a height, not 75 kg)
        value, unit = float(m.group(1)), (m.group(2) or "").lower()
        if unit in ("cm", "厘米", "公分") or (not unit and 130 <= value <= 220 and "height_cm" not in task.values):
            task.values.setdefault("height_cm", f"{value:g}")
        elif unit or 30 <= value <= 150:
            kg = value / 2 if unit == "斤" else value * 0.4536 if unit.startswith(("lb", "pound")) else value
            task.values.setdefault("weight_kg", f"{kg:.1f}".removesuffix(".0"))


def _sized_product(app: Services, st: SessionState, q: Understood) -> str | None:
    """The product the size is for: one named now (any), or the one being looked at if it has sizes."""
    named = entity(q, EntityKind.PRODUCT)
    if named is not None:
        return named.value
    if st.current_product:
        try:
            product = app.catalog.product(st.current_product)
        except AppError:
            return None
        if product.attribute_values("size"):
            return st.current_product
    return None


def size_advice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> None:
    if _cancelled(st, q, out):
        return
    task = _task(st, Intent.SIZE_ADVICE)
    _body(q, task)
    sku = _sized_product(app, st, q) or task.values.get("sku")
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
    if advice.size is None:
        (h0, h1), (w0, w1) = advice.chart_height, advice.chart_weight
        out.add(f"At {advice.height_cm:g} cm and {advice.weight_kg:g} kg you are outside our size chart "
                f"({h0:g}-{h1:g} cm, {w0:g}-{w1:g} kg), so I'd rather not guess; a colleague can help you choose.",
                f"您的身高体重（{advice.height_cm:g}cm，{advice.weight_kg:g}kg）超出了我们的尺码表范围"
                f"（身高 {h0:g}-{h1:g}cm，体重 {w0:g}-{w1:g}kg），为免选错，建议转人工客服帮您确认。")
        out.suggest(_HUMAN)
        return
    out.did(ServiceAction.SIZE_ADVISED)
    out.add(advice.summary("en"), advice.summary("zh"))
    if advice.available is False:
        sizes = "/".join(advice.offered)
        alt_en = f" {advice.alternative} is available." if advice.alternative else ""
        alt_zh = f"可以考虑{advice.alternative}码。" if advice.alternative else ""
        out.add(f"This item only comes in {sizes}, not {advice.size}.{alt_en}",
                f"不过这款只有 {sizes}，没有 {advice.size} 码。{alt_zh}")
    if advice.stock == 0:
        out.add("It is sold out right now; I can set a restock alert for you.", "这款目前缺货，可以帮您订阅到货提醒。")
        out.suggest(("Notify me when it's back", "到货提醒我"))


# -- restock alerts ----------------------------------------------------------------------------


_STOP_BIGRAMS = frozenset({"什么", "时候", "到货", "补货", "有货", "通知", "提醒", "一下", "可以", "能不", "不能", "我们"})


def _named_products(app: Services, text: str) -> list[str]:
    """SKUs whose name shares a word with the turn ("沙发什么时候补货" → the sofa): the product
    lexicon only knows full names, while a shopper waiting for an item calls it by its noun."""
    low = text.lower()
    words = {w for w in re.findall(r"[a-z]{4,}", low)} | {
        text[i:i + 2] for i in range(len(text) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i:i + 2])}
    words -= _STOP_BIGRAMS | {"when", "back", "stock", "know", "notify", "tell", "please", "restock", "again",
                              "will", "have", "this", "that", "item", "with", "there"}
    hits = []
    for sku, en, zh in app.catalog.names():
        if any(w in zh if not w.isascii() else re.search(rf"\b{w}\b", en.lower()) for w in words):
            hits.append(sku)
    return hits


def _restock_choice(app: Services, st: SessionState, q: Understood, out: ReplyBuilder) -> str | None:
    """The product a restock request is about, or None after asking which one."""
    named = entity(q, EntityKind.PRODUCT)
    if named is not None:
        return named.value
    hits = _named_products(app, q.text)
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
        return bool(_FAULT.search(q.text))
    if task.intent == Intent.INSTALLATION_SERVICE and task.step == "slot":
        return bool(list_reference(q.text, CARD_SLOTS) is not None or _CHANGE.search(q.text) or _AM.search(q.text)
                    or _PM.search(q.text) or _hour_of(q.text) or _names_a_day(q.text))
    if task.intent == Intent.SIZE_ADVICE and task.step == "body":
        return bool(entities(q, EntityKind.BODY) or _NUMBER.search(q.text) or _METRES.search(q.text))
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
