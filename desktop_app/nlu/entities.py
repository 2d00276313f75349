"""Entity extraction: order references, phone last four, prices, vocabulary, products, brands, quantities, dates.

Extractors that read digits share one list of taken spans, most specific first, so a number is
read once: a 16-digit order number is never also a price, "手机尾号1234" never an order.
"""

from __future__ import annotations

import re

from desktop_app.nlu.brands import BrandLexicon
from desktop_app.nlu.entities_context import extract_context
from desktop_app.nlu.entities_price import extract_prices
from desktop_app.nlu.entities_vocab import extract_number_attributes, extract_vocabulary
from desktop_app.nlu.lexicon import ProductLexicon
from desktop_app.nlu.numbers import EN_NUMBER_WORDS, ZH_NUM_CHARS, parse_count
from desktop_app.nlu.types import Entity, EntityKind

_FULL_ORDER = re.compile(r"(?<![\d])(?:SO|DD|#)?(\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4})(?![\d])", re.I)
_FOUR = re.compile(r"(?<![\d.,:/\-])(\d{4})(?![\d:/]|[.,]\d)")
#: "order 7216", "订单7216", "#7216": the cue says it is an order before any price reading can claim
#: the digits ("order 7216 to 20 Wensan Road" is not a price range of 20-7216).
_CUED_ORDER = re.compile(r"(?:订单号?|单号|\border(?:\s+(?:no\.?|number))?|#)\s*[:：]?\s*(\d{4})(?![\d:/]|[.,]\d)", re.I)
_NOT_ORDER_AFTER = re.compile(r"\s*(?:年|元|块|rmb|yuan|dollars?|mah|毫安|gb|ml|cm|mm|kg|人|天|days?|\$|以内|以下|以上|左右|块钱)", re.I)
_PRICE_BEFORE = re.compile(r"\b(?:for|at|under|over|around|about|costs?|priced|budget(?: of)?)\s+$", re.I)
_PHONE_CUE = re.compile(r"手机|电话|联系方式|号码|phone|mobile|cell|tel\b", re.I)
_ORDER_CUE = re.compile(r"订单|单号|单子|order|#|no\.", re.I)
#: "尾号", "last four": says the digits are a suffix, not of what; an order unless a phone cue is nearer.
_SUFFIX_CUE = re.compile(r"尾号|后四位|后4位|last (?:four|4)|ending|ends? (?:in|with)", re.I)


def _order_numbers(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out = []
    for m in _FULL_ORDER.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        mm, dd = int(digits[2:4]), int(digits[4:6])
        conf = 0.97 if 1 <= mm <= 12 and 1 <= dd <= 31 else 0.8
        out.append(Entity(EntityKind.ORDER_REF, digits, m.group(0), m.start(), m.end(), conf))
        taken.append((m.start(), m.end()))
    return out


def _cued_orders(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out = []
    for m in _CUED_ORDER.finditer(text):
        if any(m.start(1) < e and s < m.end(1) for s, e in taken) or _NOT_ORDER_AFTER.match(text, m.end(1)):
            continue
        out.append(Entity(EntityKind.ORDER_REF, m.group(1), m.group(1), m.start(1), m.end(1), 0.9, partial=True))
        taken.append((m.start(1), m.end(1)))
    return out


def _nearest(cue: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int] | None:
    """(distance, cue start) of the closest cue before the number (within 16 chars), else after (10)."""
    before = text[max(0, start - 16) : start]
    found = [m for m in cue.finditer(before)]
    if found:
        last = found[-1]
        return start - (max(0, start - 16) + last.end()), max(0, start - 16) + last.start()
    after = cue.search(text[end : end + 10])
    if after:
        return 100 + after.start(), end + after.start()
    return None


def _last_four(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out = []
    for m in _FOUR.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken) or _NOT_ORDER_AFTER.match(text, m.end()):
            continue
        if _PRICE_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "a phone for 1299": an amount, not phone or order digits
        phone = _nearest(_PHONE_CUE, text, m.start(), m.end())
        order = _nearest(_ORDER_CUE, text, m.start(), m.end())
        digits = m.group(1)
        # The closer cue wins; a cue before the number beats one after it (distance offset 100).
        if phone is not None and (order is None or phone[0] <= order[0]):
            start = phone[1] if phone[0] < 100 else m.start()
            out.append(Entity(EntityKind.PHONE_LAST4, digits, text[start : m.end()], start, m.end(), 0.9))
            taken.append((start, m.end()))
        else:
            suffix = _nearest(_SUFFIX_CUE, text, m.start(), m.end())
            conf = 0.9 if order is not None else (0.75 if suffix is not None else 0.55)
            out.append(Entity(EntityKind.ORDER_REF, digits, digits, m.start(), m.end(), conf, partial=True))
            taken.append((m.start(), m.end()))
    return out


_ZH_COUNT = rf"\d{{1,3}}|[{ZH_NUM_CHARS}]{{1,3}}"
_QTY_ZH = re.compile(rf"(?P<n>{_ZH_COUNT})\s*(?:件|个|台|只|双|瓶|套|顶|张|把|条|盒|部|支|副|份|箱|包)")
_QTY_EN = re.compile(
    rf"\b(?P<n>\d{{1,3}}|{EN_NUMBER_WORDS}|a couple|a pair)\s+(?:of\s+(?:them|these|those|it)\b|"
    r"(?:more\s+)?(?:pieces?|pcs|units?|items?|boxes|pairs?|sets?|bottles?|tents|phones|watches|jackets|shirts|"
    r"chairs|stools|shelves|tables|bags|packs|sleeping bags|lanterns|t-shirts|hoodies|coats|sweaters))\b"
    r"|\b(?:x|qty\.?\s*|quantity\s*)(?P<m>\d{1,3})\b",
    re.I,
)


def _quantities(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out = []
    for pattern in (_QTY_ZH, _QTY_EN):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            raw = m.group("n") if m.group("n") else m.group("m")
            if raw and raw.lower() == "a couple":
                raw = "couple"
            elif raw and raw.lower() == "a pair":
                raw = "pair"
            count = parse_count(raw or "")
            if count is None or not 0 < count <= 999:
                continue
            out.append(Entity(EntityKind.QUANTITY, str(count), m.group(0), m.start(), m.end(), 0.8))
            taken.append((m.start(), m.end()))
    return out


_DATE_FIXED: tuple[tuple[str, int], ...] = (
    ("大前天", -3), ("前天", -2), ("昨天", -1), ("昨日", -1), ("今天", 0), ("今日", 0), ("明天", 1), ("后天", 2),
    ("上个星期", -7), ("上星期", -7), ("上礼拜", -7), ("上周", -7), ("这周", 0), ("本周", 0), ("下周", 7),
    ("上个月", -30), ("上月", -30), ("day before yesterday", -2), ("yesterday", -1), ("today", 0),
    ("tomorrow", 1), ("last week", -7), ("this week", 0), ("next week", 7), ("last month", -30),
)
_DATE_WORDS = re.compile("|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w, _ in _DATE_FIXED), re.I)
_DATE_OFFSETS = dict((w.lower(), d) for w, d in _DATE_FIXED)
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "个星期": 7, "个礼拜": 7, "个月": 30, "月": 30,
              "day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}
_REL_ZH = re.compile(rf"(?P<n>{_ZH_COUNT}|半)\s*(?P<u>个星期|个礼拜|个月|星期|礼拜|天|日|周)(?P<t>前|以前|之前|了|多了|后|之后)")
_REL_EN = re.compile(
    rf"\b(?:(?P<pre>for|in|within)\s+)?(?P<n>\d{{1,3}}|{EN_NUMBER_WORDS}|a|an)\s+(?P<u>days?|weeks?|months?)\b(?P<t>\s+ago|\s+now|\s+already)?",
    re.I,
)


def _dates(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    out = []

    def add(start: int, end: int, days: int, key: str, conf: float) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        out.append(Entity(EntityKind.RELATIVE_DATE, str(days), text[start:end], start, end, conf, key=key))
        taken.append((start, end))

    for m in _REL_ZH.finditer(text):
        n = 0.5 if m.group("n") == "半" else parse_count(m.group("n"))
        if n is None:
            continue
        days = int(round(n * _UNIT_DAYS[m.group("u")]))
        tail = m.group("t")
        if tail in ("了", "多了"):
            add(m.start(), m.end(), days, "duration", 0.85)
        else:
            add(m.start(), m.end(), days if tail in ("后", "之后") else -days, "point", 0.85)
    for m in _REL_EN.finditer(text):
        n = parse_count(m.group("n"))
        if n is None:
            continue
        days = n * _UNIT_DAYS[m.group("u").lower()]
        pre, tail = (m.group("pre") or "").lower(), (m.group("t") or "").strip().lower()
        if tail == "ago":
            add(m.start(), m.end(), -days, "point", 0.85)
        elif pre == "in":
            add(m.start(), m.end(), days, "point", 0.75)
        elif pre in ("for",) or tail in ("now", "already"):
            add(m.start(), m.end(), days, "duration", 0.8)
    for m in _DATE_WORDS.finditer(text):
        add(m.start(), m.end(), _DATE_OFFSETS[m.group(0).lower()], "point", 0.9)
    return out


def extract_entities(
    text: str, lexicon: ProductLexicon | None = None, brands: BrandLexicon | None = None
) -> tuple[Entity, ...]:
    """All entities in ``text``, ordered by position. Never raises on any string."""
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    found += _order_numbers(text, taken)
    found += _cued_orders(text, taken)
    prices = extract_prices(text, taken)
    taken += [(e.start, e.end) for e in prices]
    found += prices
    found += _last_four(text, taken)
    found += _dates(text, taken)
    found += extract_context(text, taken)
    if brands is not None:
        named = [b for b in brands.match(text) if not any(b.start < e and s < b.end for s, e in taken)]
        # A brand is named even inside a product's name (the product lexicon reads the same words),
        # but its words are never a colour or material too ("竹里" is a brand, not bamboo).
        taken += [(b.start, b.end) for b in named]
        found += named
    if lexicon is not None:
        products = lexicon.match(text)
        # A product named exactly owns its words: "Nova X5" is not five of something.
        taken += [(e.start, e.end) for e in products if e.confidence >= 0.95]
        found += products
    numbers = extract_number_attributes(text, taken)
    taken += [(e.start, e.end) for e in numbers]
    found += numbers
    found += _quantities(text, taken)
    found += extract_vocabulary(text, taken)
    return tuple(sorted(found, key=lambda e: (e.start, -e.end)))
