"""Reading a product-care turn: the day and time it names for an installer, a fault description,
height and weight for a size, a shipping destination or order amount, and which bought item or
catalogue product it means.

Split out of ``product_care_flow`` so the flow keeps the conversation (what to ask, what to book)
and this module the reading of the words; nothing here writes a reply or changes the session.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from desktop_app.core.errors import AppError
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood, entities, entity, list_reference, pick_item
from desktop_app.dialogue.state import SessionState, TaskForm
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent
from desktop_app.service.installation import InstallationSlots
from desktop_app.service.types import OrderLine, OrderView


class TurnWithout:
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


def line_of(q: Understood, task: TaskForm, lines: list[OrderLine], words: list[str]) -> OrderLine | None:
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
        hits = [ln for ln in lines if named_in(ln, words)]
    return hits[0] if len(hits) == 1 else None


_DESTINATION_ZH = re.compile(r"(?:寄到|发到|送到|运到|寄往|发往|寄去|发去|邮到)\s*([\u4e00-\u9fff]{2,6}?)"
                             r"(?=的|要|多少|运费|邮费|包邮|吗|几天|呢|有|可以|能|[，,。？?！!\s]|$)")
_DESTINATION_EN = re.compile(r"\b(?:ship(?:ping)?|send|sending|deliver(?:y|ing)?|post(?:age)?)\b[^?.!]*?\bto\s+"
                             r"([A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)")


def shipping_destination(app: Services, st: SessionState, q: Understood) -> tuple[str | None, bool]:
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


def stated_amount(q: Understood) -> int | None:
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


#: Words that describe a fault: the turn already says what is wrong, no need to ask.
FAULT = re.compile(r"坏|破|裂|碎|断|松|掉|漏|不亮|黑屏|花屏|死机|重启|卡顿|没反应|无反应|不开机|开不了机|充不进|充不上|"
                    r"不充电|发烫|发热|异响|响声|噪音|失灵|故障|毛病|不能用|用不了|不工作|不转|进水|脱胶|开胶|起球|"
                    r"掉色|变形|晃|歪|电池|续航|鼓包|划痕|不准|连不上|断连|坏掉|"
                    r"\bbroke|broken|crack|shatter|loose|leak|won'?t|doesn'?t|does not|not working|stopped|dead|"
                    r"fault|defect|problem|issue|battery|screen|nois|wobbl|\brip|\btear|torn|stuck|overheat|"
                    r"charg|turn on|frozen|freez|flicker|bluetooth|connect", re.I)


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


def named_in(line: OrderLine, words: list[str]) -> bool:
    return not words or any(w in _line_text(line) for w in words)


CHANGE = re.compile(r"改约|改到|改成|换到|换个时间|改时间|改一下|调整|推迟|提前|reschedul|change|move|instead", re.I)
EVENING = re.compile(r"晚上|傍晚|evening|tonight|at night", re.I)
AM = re.compile(r"上午|早上|早晨|明早|\bmorning\b|\bam\b|\ba\.m\.", re.I)
PM = re.compile(r"下午|\bafternoon\b|\bpm\b|\bp\.m\.", re.I)
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


def day_of(text: str, today: date) -> date | None:
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


def names_a_day(text: str) -> bool:
    return any(p.search(text) for p in (_ISO, _MONTH_DAY, _DAY_ONLY, _WEEK_ZH, _WEEK_EN)) or \
        any(p.search(text) for p, _ in _RELATIVE)


def hour_of(text: str) -> time | None:
    """A clock time a turn names ("14:00", "下午两点", "2pm"), or None."""
    m = _CLOCK.search(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    m = _HOUR.search(text)
    if m is None:
        return None
    raw = m.group(1) or m.group(2)
    hour = int(raw) if raw.isdigit() else _ZH_NUM.get(raw, 0)
    pm = (m.group(3) or "").lower().startswith("p") or bool(PM.search(text))
    if raw == "一" and not pm:
        return None  # "早一点" is "a bit earlier", not one o'clock
    if hour < 12 and (pm or hour <= 6):
        hour += 12  # "两点" for a visit means two in the afternoon
    return time(hour, 0) if 0 < hour < 24 else None


def wanted_slot(app: Services, text: str, info: InstallationSlots, offered: list[datetime]) -> datetime | None:
    """The slot start a turn picks: by position in the list shown, or by day and part of day."""
    if offered:
        ref = list_reference(text, len(offered))
        if isinstance(ref, int):
            return offered[ref]
    today = app.clock.now().date()
    day, hour = day_of(text, today), hour_of(text)
    am, pm = bool(AM.search(text)), bool(PM.search(text))
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


METRES = re.compile(r"(?<![\d.])([12](?:\.\d{1,2})?)\s*(?:米|m\b)(?!\s*[\d一二三四五六七八九])", re.I)
NUMBER = re.compile(r"(?<![\d.米])(\d{2,3}(?:\.\d)?)\s*(斤|kg|公斤|千克|cm|厘米|公分|lbs?|pounds)?", re.I)


def read_body(q: Understood, task: TaskForm) -> None:
    """Fill height and weight from the turn: measurement entities first, then numbers in a plausible
    range ("我170，60公斤", or "175 70" when we asked)."""
    taken: list[tuple[int, int]] = []
    for e in entities(q, EntityKind.BODY) + entities(q, EntityKind.ATTRIBUTE):
        if e.key in ("height_cm", "weight_kg"):
            task.values[e.key] = e.value
            taken.append((e.start, e.end))
    metres = METRES.search(q.text)
    if metres is not None and 1.2 <= float(metres.group(1)) <= 2.3:
        task.values.setdefault("height_cm", f"{float(metres.group(1)) * 100:g}")  # "身高2米", "1.75m"
    for m in NUMBER.finditer(q.text):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue  # already read as a measurement ("1米75" is a height, not 75 kg)
        value, unit = float(m.group(1)), (m.group(2) or "").lower()
        if unit in ("cm", "厘米", "公分") or (not unit and 130 <= value <= 220 and "height_cm" not in task.values):
            task.values.setdefault("height_cm", f"{value:g}")
        elif unit or 30 <= value <= 150:
            kg = value / 2 if unit == "斤" else value * 0.4536 if unit.startswith(("lb", "pound")) else value
            task.values.setdefault("weight_kg", f"{kg:.1f}".removesuffix(".0"))


def sized_product(app: Services, st: SessionState, q: Understood) -> str | None:
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


_STOP_BIGRAMS = frozenset({"什么", "时候", "到货", "补货", "有货", "通知", "提醒", "一下", "可以", "能不", "不能", "我们"})


def named_products(app: Services, text: str) -> list[str]:
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


def words_of(app: Services, st: SessionState, q: Understood) -> tuple[list[str], tuple[OrderView, ...]]:
    """The product words narrowing a signed-in customer's orders, while the order is still open to choose."""
    task = st.task
    if (not st.customer_code or entity(q, EntityKind.ORDER_REF) or (task and task.order_number) or st.pending_order_ref
            or (st.shown_orders and st.pending_intent)):
        return [], ()
    mine = app.orders.orders_of(st.customer_code)
    return _product_words(q.text, mine), mine
