"""Whom a purchase is for and what it is for ("给我爸买", "露营用"), and the words that say a product suits them.

Split from ``recommend`` because these tables are read on their own: the dialogue spots a recipient
or an occasion in the shopper's words with them, and the fairness audit asks for every entry. A
product suits a recipient or occasion only if its own name or description says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.service.product_types import product_type
from desktop_app.service.recommend_candidates import Candidate


@dataclass(frozen=True)
class Cue:
    """Words in a product's own name or description that say whom or what it suits."""

    key: str
    words: tuple[str, ...]
    en: str
    zh: str

    def found_in(self, p: Candidate) -> bool:
        text = f"{p.name_en} {p.description_en}".lower()
        zh = f"{p.name_zh}{p.description_zh}"
        return any((w in text) if w.isascii() else (w in zh) for w in self.words)


CUES: dict[str, Cue] = {c.key: c for c in (
    Cue("elder", ("for parents", "parents and grandparents", "senior", "父母", "长辈", "老人"),
        "made for parents and grandparents", "专为父母长辈设计"),
    Cue("kids", ("kids", "children", "儿童"), "made for children", "专为儿童设计"),
    Cue("women", ("women's", "女士"), "a women's design", "女士款设计"),
    Cue("office", ("office", "desk", "通勤", "上班", "书桌"), "suits the office", "适合上班、办公场合"),
    Cue("outdoor", ("outdoor", "hike", "hiking", "trek", "camping", "campsite", "户外", "徒步", "露营", "营地"),
        "made for the outdoors", "适合户外使用"),
    Cue("sport", ("running", "runs", "marathon", "training", "yoga", "fitness", "跑步", "马拉松", "训练", "瑜伽", "运动"),
        "made for sport and training", "适合运动训练"),
    Cue("winter", ("winter", "warm", "down", "冬", "保暖", "羽绒"), "keeps you warm in winter", "冬季保暖"),
    Cue("family", ("family", "家庭"), "made for families", "适合全家使用"),
)}


@dataclass(frozen=True)
class Audience:
    """Whom a gift is for: where to look when no category was named, and what in a product's own
    words says it suits them. ``words`` are how shoppers name them."""

    key: str
    en: str
    zh: str
    words: tuple[str, ...]
    categories: tuple[str, ...]
    cues: tuple[str, ...] = ()
    #: "mid": the middle half of the category's prices; "low": its cheaper half.
    price_band: str = "mid"
    #: Cues and product types that rule a product out for them (a women's watch for a dad).
    avoid_cues: tuple[str, ...] = ()
    avoid_types: tuple[str, ...] = ()

    def rules_out(self, p: Candidate) -> bool:
        if any(CUES[c].found_in(p) for c in self.avoid_cues):
            return True
        return any(product_type(t).matches(p.summary()) for t in self.avoid_types)


AUDIENCES: dict[str, Audience] = {a.key: a for a in (
    Audience("dad", "your dad", "爸爸", ("爸", "父亲", "岳父", "公公", "dad", "daddy", "father", "papa", "father-in-law"),
             ("smartwatch", "phone", "apparel", "camping"), ("elder",),
             avoid_cues=("women", "kids"), avoid_types=("dress",)),
    Audience("mom", "your mum", "妈妈", ("妈", "母亲", "岳母", "婆婆", "mom", "mum", "mother", "mommy", "mummy"),
             ("skincare", "smartwatch", "apparel", "phone"), ("elder", "women"), avoid_cues=("kids",)),
    Audience("grandparent", "your grandparents", "长辈", ("爷爷", "奶奶", "外公", "外婆", "姥姥", "姥爷", "老人", "长辈",
                                                        "grandpa", "grandma", "grandparent", "grandparents", "elderly"),
             ("phone", "smartwatch", "apparel"), ("elder",), avoid_cues=("kids",)),
    Audience("partner_f", "your partner", "女朋友", ("女朋友", "女友", "老婆", "媳妇", "妻子", "太太", "girlfriend", "wife"),
             ("skincare", "smartwatch", "apparel"), ("women",), avoid_cues=("kids", "elder")),
    Audience("partner_m", "your partner", "男朋友", ("男朋友", "男友", "老公", "丈夫", "boyfriend", "husband"),
             ("smartwatch", "phone", "apparel", "camping"), avoid_cues=("women", "kids", "elder"),
             avoid_types=("dress",)),
    Audience("kid", "a child", "孩子", ("孩子", "小孩", "儿童", "儿子", "女儿", "宝宝", "小朋友", "kid", "kids", "child",
                                      "children", "son", "daughter"),
             ("smartwatch", "camping"), ("kids",), "low", avoid_cues=("elder", "women")),
    Audience("friend", "a friend", "朋友", ("朋友", "同事", "闺蜜", "兄弟", "老师", "领导", "friend", "colleague", "coworker",
                                       "teacher", "boss"),
             ("smartwatch", "skincare", "camping", "apparel", "phone"), avoid_cues=("kids",)),
)}


@dataclass(frozen=True)
class Occasion:
    """What the purchase is for. Outside its first category a product fits only if its own data says
    so: one of the ``cues`` in its words, or one of the ``attributes`` (GPS, waterproof...)."""

    key: str
    en: str
    zh: str
    words: tuple[str, ...]
    categories: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    #: A category that fits as a whole (all camping gear is for camping), if any.
    core: str | None = None


OCCASIONS: dict[str, Occasion] = {o.key: o for o in (
    Occasion("camping", "camping", "露营", ("露营", "野营", "户外", "徒步", "爬山", "登山", "camping", "camp", "hiking", "hike",
                                          "outdoor", "outdoors", "trekking"),
             ("camping", "apparel", "smartwatch"), ("outdoor",), ("waterproof", "gps"), "camping"),
    Occasion("office", "the office", "上班", ("上班", "通勤", "办公", "职场", "面试", "正装", "西装", "西服", "商务", "office",
                                            "commute", "interview", "suit", "formal", "business", "work"),
             ("apparel", "furniture"), ("office",)),
    Occasion("sport", "sport", "运动", ("跑步", "运动", "健身", "马拉松", "瑜伽", "running", "jogging", "gym", "workout",
                                      "fitness", "marathon", "yoga", "sport", "sports"),
             ("smartwatch", "apparel"), ("sport",), ("gps", "heart_rate")),
    Occasion("winter", "winter", "冬天", ("冬天", "冬季", "保暖", "过冬", "winter", "warm", "cold weather"),
             ("apparel", "camping"), ("winter",)),
    Occasion("gift", "a gift", "送礼", ("礼物", "送礼", "礼品", "送人", "gift", "present")),
)}


def _said(words: tuple[str, ...], text: str) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", lowered) if w.isascii() else w in text for w in words)


def audience_in(text: str) -> Audience | None:
    """Whom the shopper is buying for, if they said ("给我爸买" → dad); the first table entry wins."""
    return next((a for a in AUDIENCES.values() if _said(a.words, text)), None)


def occasion_in(text: str) -> Occasion | None:
    """What the purchase is for, if said ("露营用" → camping); a gift only when nothing more specific is."""
    found = [o for o in OCCASIONS.values() if _said(o.words, text)]
    specific = [o for o in found if o.key != "gift"]
    chosen = specific or found
    return chosen[0] if chosen else None
