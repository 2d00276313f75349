"""Reading slot values out of one turn: order references, phone digits, yes/no, reasons, items,
and search conditions. Pure functions over the understood turn, so each is unit-testable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from desktop_app.core.vocabulary import ATTRIBUTES, ENUM_VALUES, attribute_label
from desktop_app.nlu.brands import brand_label
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent
from desktop_app.service.types import AttributeFilter, OrderLine, ReturnReason, SearchQuery


class Understood(Protocol):
    """What the manager needs from a turn: a fused query or a plain NLU result both qualify."""

    @property
    def text(self) -> str: ...
    @property
    def intent(self) -> Intent: ...
    @property
    def confidence(self) -> float: ...
    @property
    def is_confident(self) -> bool: ...
    @property
    def entities(self) -> tuple[Entity, ...]: ...
    @property
    def emotion(self) -> Emotion: ...
    @property
    def primary_language(self) -> str: ...


_ORDINAL_ZH = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ORDINAL_EN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
               "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8}
_LIST_REF_ZH = re.compile(r"第\s*([一二两三四五六七八九十]|\d{1,2})\s*(?:个|款|件|种|台|只|条|项)?"
                          r"(?!\s*(?:次|遍|天|步|周|年|月|期|名|位|页))")
_LIST_REF_EN = re.compile(r"\b(?:the\s+)?(" + "|".join(_ORDINAL_EN) + r")\b(?:\s+(?:one|item|product|option))?|"
                          r"\b(?:number|no\.?|#)\s*(\d{1,2})\b", re.I)
_LAST_REF = re.compile(r"\bthe last one\b|最后一个|最后那个", re.I)
_CHEAPEST_REF = re.compile(r"\bcheap(?:er|est)\s+one\b|便宜的那(?:个|款)|最便宜的(?:那个|那款)?", re.I)
_DEAREST_REF = re.compile(r"\b(?:more\s+)?expensive\s+one\b|\bpricier\s+one\b|贵的那(?:个|款)|最贵的(?:那个|那款)?", re.I)


def list_reference(text: str, count: int) -> int | str | None:
    """Which item of a list of ``count`` a turn points at: a 0-based index, "cheapest", "dearest", or None."""
    if count <= 0:
        return None
    if _CHEAPEST_REF.search(text):
        return "cheapest"
    if _DEAREST_REF.search(text):
        return "dearest"
    if _LAST_REF.search(text):
        return count - 1
    m = _LIST_REF_ZH.search(text)
    if m:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else _ORDINAL_ZH[raw]
    else:
        m2 = _LIST_REF_EN.search(text)
        if m2 is None:
            return None
        n = _ORDINAL_EN[m2.group(1).lower()] if m2.group(1) else int(m2.group(2))
    return n - 1 if 1 <= n <= count else None


def entity(q: Understood, kind: EntityKind) -> Entity | None:
    found = [e for e in q.entities if e.kind == kind]
    return max(found, key=lambda e: e.confidence) if found else None


def entities(q: Understood, kind: EntityKind) -> list[Entity]:
    return [e for e in q.entities if e.kind == kind]


_YES = re.compile(r"^\s*(yes|yeah|yep|sure|ok(ay)?|confirm|go ahead|please do|do it|correct|right|"
                  r"是|是的|好|好的|确认|可以|对|对的|嗯|行|没问题|提交|确定)(?![a-z])", re.I)
_NO = re.compile(r"^\s*(no|nope|cancel|stop|never ?mind|don'?t|"
                 r"不|不用|不要|算了|取消|先不)", re.I)


def yes_no(text: str) -> bool | None:
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


_REASONS: tuple[tuple[ReturnReason, re.Pattern[str]], ...] = (
    # "wrong size" is usually the customer's own pick not fitting (SIZE); "you sent the wrong size" is ours.
    (ReturnReason.WRONG_ITEM, re.compile(r"wrong (item|product|colou?r)|sent (me )?(the |a )?wrong|not what i ordered|"
                                         r"发错|错发|不是我买的|送错", re.I)),
    (ReturnReason.DAMAGED, re.compile(r"damaged|broken in transit|crack|dent|smashed|破损|压坏|摔坏|碎了|裂", re.I)),
    (ReturnReason.QUALITY, re.compile(r"quality|defect|faulty|broken|doesn'?t work|does not work|stopped working|"
                                      r"leak|质量|坏了|故障|不能用|用不了|漏水|有问题|瑕疵|开胶|掉色", re.I)),
    (ReturnReason.SIZE, re.compile(r"size|too (small|big|large|tight|loose)|doesn'?t fit|尺码|码数|大了|小了|不合身|偏大|偏小", re.I)),
    (ReturnReason.NO_REASON, re.compile(r"no reason|changed my mind|don'?t (want|like|need)|not needed|"
                                        r"无理由|不想要|不喜欢|不需要|不要了|买多了|后悔", re.I)),
)


def return_reason(text: str) -> ReturnReason | None:
    for reason, pattern in _REASONS:
        if pattern.search(text):
            return reason
    return None


_ORDINALS = {"first": 0, "second": 1, "third": 2, "1st": 0, "2nd": 1, "3rd": 2,
             "第一": 0, "第二": 1, "第三": 2, "第1": 0, "第2": 1, "第3": 2}


def pick_item(q: Understood, lines: Sequence[OrderLine]) -> OrderLine | None:
    """Which order line the customer means: by product, colour, size, ordinal or a bare number."""
    if len(lines) == 1:
        return lines[0]
    product = entity(q, EntityKind.PRODUCT)
    if product:
        hits = [line for line in lines if line.product.sku == product.value]
        if len(hits) == 1:
            return hits[0]
    for kind, attr in ((EntityKind.COLOUR, "colour"), (EntityKind.SIZE, "size")):
        e = entity(q, kind)
        if e:
            hits = [line for line in lines if getattr(line, attr) == e.value]
            if len(hits) == 1:
                return hits[0]
    text = q.text.lower()
    for word, index in _ORDINALS.items():
        if word in text and index < len(lines):
            return lines[index]
    bare = re.fullmatch(r"\s*#?(\d)\s*", text)
    if bare and 1 <= int(bare.group(1)) <= len(lines):
        return lines[int(bare.group(1)) - 1]
    for line in lines:
        if line.product.name_zh in q.text or line.product.name_en.lower() in text:
            return line
    return None


def search_query(q: Understood, base: SearchQuery | None = None) -> tuple[SearchQuery, bool]:
    """Build (or refine) a search from the turn's conditions; the flag says whether any were found."""
    category = entity(q, EntityKind.CATEGORY)
    price = entity(q, EntityKind.PRICE_RANGE)
    brands = tuple(dict.fromkeys(e.value for e in entities(q, EntityKind.BRAND)))
    attrs: dict[str, AttributeFilter] = {}
    for e in entities(q, EntityKind.ATTRIBUTE):
        spec = ATTRIBUTES.get(e.key)
        if spec is None:
            continue
        if spec.kind == "number":
            try:
                attrs[e.key] = AttributeFilter(e.key, min_value=float(e.value))
            except ValueError:
                continue
        else:
            attrs[e.key] = AttributeFilter(e.key, e.value)
    for kind, key in ((EntityKind.COLOUR, "colour"), (EntityKind.SIZE, "size")):
        found_value = entity(q, kind)
        if found_value and found_value.value in ENUM_VALUES[key]:
            attrs[key] = AttributeFilter(key, found_value.value)
    found = bool(category or price or attrs or brands)
    lo, hi = (price.price.as_fen() if price and price.price else (None, None))
    if price and price.price and price.price.currency == "USD":
        # Shoppers quoting dollars here compare with yuan prices; convert at a round fixed rate.
        lo, hi = (None if lo is None else lo * 7, None if hi is None else hi * 7)
    if base is not None:
        merged = {f.key: f for f in base.attributes}
        merged.update(attrs)
        return SearchQuery(
            text=None, category=category.value if category else base.category,
            min_price_fen=lo if price else base.min_price_fen, max_price_fen=hi if price else base.max_price_fen,
            attributes=tuple(merged.values()), sort=base.sort, page_size=base.page_size,
            brands=brands or base.brands,
        ), found
    return SearchQuery(category=category.value if category else None, min_price_fen=lo, max_price_fen=hi,
                       attributes=tuple(attrs.values()), page_size=8, brands=brands), found


def describe_filters(query: SearchQuery, language: str) -> tuple[str, ...]:
    """The conditions of a search as chips the customer can read back."""
    from desktop_app.core.vocabulary import CATEGORIES

    chips: list[str] = []
    if query.brands:
        chips.append((" or " if language != "zh" else "或").join(brand_label(b, language) for b in query.brands))
    if query.category:
        chips.append(CATEGORIES[query.category].label(language))
    lo, hi = query.min_price_fen, query.max_price_fen
    if lo is not None and hi is not None:
        chips.append(f"¥{lo / 100:g}–¥{hi / 100:g}")
    elif hi is not None:
        chips.append(f"≤ ¥{hi / 100:g}")
    elif lo is not None:
        chips.append(f"≥ ¥{lo / 100:g}")
    for f in query.attributes:
        if f.value is not None:
            chips.append(attribute_label(f.key, f.value, language))
        elif f.min_value is not None:
            chips.append(f"{attribute_label(f.key, f'{f.min_value:g}', language)}+")
    return tuple(chips)
