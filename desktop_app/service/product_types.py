"""Kinds of product inside a category ("cleanser", "tent") and how shoppers name them.

Split from ``catalog`` because the table is read on its own by the recommender, the dialogue and
the fairness audit, none of which need the catalogue's queries. The store has no type column: a
product's type is read from its own name, so this table cannot drift from the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.service.types import ProductSummary


@dataclass(frozen=True)
class ProductType:
    """A kind of product inside a category ("cleanser" in skin care, "tent" in camping gear).

    The store has no type column: a product is of a type when its own name says so
    (``name_words``), so the table cannot drift from the catalogue. ``words`` are what shoppers
    call it ("洗面奶", "face wash"); single-character Chinese name words ("桌", "架") are matched
    against product names only, never against what the customer typed, where they mean other things.
    """

    key: str
    categories: tuple[str, ...]
    en: str
    zh: str
    name_words: tuple[str, ...]
    words: tuple[str, ...] = ()
    #: The one name fragment a database text search uses for this type (it covers most of them).
    search_word: str = ""
    #: The English plural ("cleansers", "shelves").
    plural: str = ""

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def matches(self, p: ProductSummary) -> bool:
        if p.category not in self.categories:
            return False
        en, zh = p.name_en.lower(), p.name_zh.lower()
        return any(_word_in(w, en) if w.isascii() else w in zh for w in self.name_words)


def _word_in(word: str, text: str) -> bool:
    """``word`` as a whole word of ``text``, plural allowed (a hyphen joins words: "t-shirt" is not a "shirt")."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?:e?s)?(?![\w-])", text) is not None


def _pt(key: str, categories: str, en: str, zh: str, name_words: str, words: str = "", search: str = "",
        plural: str = "") -> ProductType:
    names = tuple(w.strip() for w in name_words.split("|") if w.strip())
    return ProductType(key, tuple(categories.split("|")), en, zh, names,
                       tuple(w.strip() for w in words.split("|") if w.strip()), search or zh, plural or f"{en}s")


PRODUCT_TYPES: tuple[ProductType, ...] = (
    _pt("cleanser", "skincare", "cleanser", "洁面", "cleanser|洁面", "洗面奶|洗脸|洁面乳|face wash|facial wash|facewash"),
    _pt("sunscreen", "skincare", "sunscreen", "防晒", "sunscreen|防晒", "防晒霜|防晒乳|sun cream|sunblock"),
    _pt("serum", "skincare", "serum", "精华", "serum|精华", "精华液|essence"),
    _pt("toner", "skincare", "toner", "爽肤水", "toner|爽肤水", "化妆水|柔肤水"),
    _pt("eye_cream", "skincare", "eye cream", "眼霜", "eye cream|眼霜"),
    _pt("moisturiser", "skincare", "moisturiser", "面霜",
        "moisturiser|moisturising cream|luxe cream|night cream|面霜|凝露|晚霜",
        "乳液|保湿霜|moisturizer|face cream|lotion", search="霜"),
    _pt("mask", "skincare", "face mask", "面膜", "mask|泥膜", "面膜|clay mask", search="膜"),
    _pt("lip_balm", "skincare", "lip balm", "润唇膏", "lip balm|润唇膏", "唇膏|lip balm"),
    _pt("mist", "skincare", "face mist", "喷雾", "mist|喷雾", "spray"),
    _pt("skincare_set", "skincare", "skin-care set", "护肤套装", "set|套装", "礼盒|gift set", search="套装"),
    _pt("tent", "camping", "tent", "帐篷", "tent|帐篷", "帐子|tents"),
    _pt("sleeping_bag", "camping", "sleeping bag", "睡袋", "sleeping bag|睡袋"),
    _pt("backpack", "camping", "backpack", "背包", "backpack|背包", "双肩包|登山包|rucksack|backpacks"),
    _pt("lamp", "camping", "lamp", "灯", "headlamp|lantern|头灯|营地灯", "手电|flashlight|头灯|营地灯|露营灯|lantern|headlamp",
        search="灯", plural="lamps"),
    _pt("stove", "camping", "stove", "炉具", "stove|炉", "炉子|卡式炉|burner", search="炉"),
    _pt("cookware", "camping", "cook set", "套锅", "cook set|套锅", "锅具|pots", plural="cook sets"),
    _pt("sleeping_mat", "camping", "sleeping mat", "防潮垫", "mat|防潮垫", "睡垫|sleeping pad|充气垫"),
    _pt("cool_box", "camping", "cool box", "保温箱", "cool box|保温箱", "冷藏箱|cooler", plural="cool boxes"),
    _pt("dry_bag", "camping", "dry bag", "防水袋", "dry bag|防水袋"),
    _pt("tarp", "camping", "tarp", "天幕", "tarp|天幕", "canopy|遮阳棚"),
    _pt("tshirt", "apparel", "T-shirt", "T恤", "t-shirt|t恤", "tee|短袖|tshirt|t-shirts", search="T恤"),
    _pt("shirt", "apparel", "shirt", "衬衫", "shirt|衬衫", "衬衣|shirts"),
    _pt("hoodie", "apparel", "hoodie", "卫衣", "hoodie|卫衣", "连帽衫|sweatshirt"),
    _pt("coat", "apparel", "coat", "大衣", "coat|overcoat|trench|大衣|风衣", "外衣|coats", search="衣"),
    _pt("jacket", "apparel", "jacket", "外套", "jacket|外套|冲锋衣|羽绒服|面包服", "夹克|jackets|羽绒衣|冲锋衣|羽绒服", search="衣"),
    _pt("pants", "apparel", "trousers", "裤子", "pants|chinos|leggings|裤", "裤子|长裤|trousers|瑜伽裤|休闲裤",
        search="裤", plural="trousers"),
    _pt("socks", "apparel", "socks", "袜子", "socks|袜", "袜子", search="袜", plural="socks"),
    _pt("dress", "apparel", "dress", "裙子", "dress|裙", "裙子|连衣裙|skirt", search="裙", plural="dresses"),
    _pt("sweater", "apparel", "sweater", "毛衣", "sweater|cardigan|毛衣|开衫", "针织衫|jumper|knit"),
    _pt("desk", "furniture", "desk", "书桌", "desk|书桌", "写字台|电脑桌|办公桌"),
    _pt("table", "furniture|camping", "table", "桌子", "table|桌|茶几", "桌子|餐桌|茶几|小桌", search="桌"),
    _pt("shelf", "furniture", "shelf", "置物架", "shelf|rack|架", "书架|书柜|置物架|鞋架|货架|shelves|bookshelf",
        search="架", plural="shelves"),
    _pt("stool", "furniture", "stool", "凳子", "stool|bench|凳", "凳子|板凳|脚凳", search="凳"),
    _pt("chair", "furniture|camping", "chair", "椅子", "chair|椅", "椅子|chairs", search="椅"),
    _pt("sofa", "furniture", "sofa", "沙发", "sofa|沙发", "couch"),
    _pt("cabinet", "furniture", "cabinet", "柜子", "cabinet|nightstand|柜", "柜子|储物柜|床头柜|电视柜", search="柜"),
    _pt("senior_phone", "phone", "phone for seniors", "老人手机", "senior|老人", "老人机|老年机|长辈手机|老人手机",
        plural="phones for seniors"),
    _pt("kids_watch", "smartwatch", "kids' watch", "儿童手表", "kids|儿童", "儿童手表|电话手表|儿童定位|kids watch",
        search="儿童", plural="kids' watches"),
    _pt("fitness_band", "smartwatch", "fitness band", "手环", "tracker|band|手环", "运动手环|fitness band"),
)
_TYPES_BY_KEY = {t.key: t for t in PRODUCT_TYPES}


def product_type(key: str) -> ProductType:
    return _TYPES_BY_KEY[key]


def product_type_in(text: str) -> ProductType | None:
    """The product type a shopper's words name ("推荐个洗面奶" → cleanser); the longest word wins."""
    lowered = text.lower()
    best: tuple[int, ProductType] | None = None
    for t in PRODUCT_TYPES:
        # Short name words ("set", "mat", "桌") mean other things in a sentence; the shopper's words always count.
        said = t.words + tuple(w for w in t.name_words if len(w) >= (4 if w.isascii() else 2))
        for w in said:
            hit = _word_in(w, lowered) if w.isascii() else w in lowered
            if hit and (best is None or len(w) > best[0]):
                best = (len(w), t)
    return best[1] if best else None

