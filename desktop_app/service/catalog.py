"""Product questions, product facts by field, comparisons and multi-condition search.

Filters are SQL (one EXISTS per attribute condition) so the same query runs on SQLite and
PostgreSQL, sorts and paginates in the database, and stays fast as the catalog grows. Facts
("how many mAh?", "how heavy?", "which is cheaper?") are read from the stored product only: a
field the store does not hold is reported as unknown, never guessed.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Exists, Select, UnaryExpression, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.places import place_label
from desktop_app.core.text import clean_text
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES, attribute_label
from desktop_app.service.convert import detail, summary
from desktop_app.service.delivery import estimate_delivery
from desktop_app.service.policy import WarrantyRules
from desktop_app.service.types import (
    AttributeFilter,
    ProductAnswer,
    ProductDetail,
    ProductSummary,
    SearchQuery,
    SearchResult,
    SortOrder,
    yuan,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Product, ProductAttribute

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 50


# -- product types ---------------------------------------------------------------------------


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


# -- facts by field --------------------------------------------------------------------------

#: Fields a shopper asks about by name; flags of the shared vocabulary are fields too.
FIELDS: dict[str, tuple[str, str]] = {
    "price": ("Price", "价格"),
    "battery": ("Battery", "电池"),
    "weight": ("Weight", "重量"),
    "dimensions": ("Dimensions", "尺寸"),
    "material": ("Material", "材质"),
    "waterproof": ("Water resistance", "防水"),
    "warranty": ("Warranty", "保修"),
    "stock": ("Stock", "库存"),
    "colours": ("Colours", "颜色"),
    "sizes": ("Sizes", "尺码"),
    "delivery": ("Delivery", "配送时效"),
    "rating": ("Rating", "评分"),
    "storage": ("Storage", "存储"),
    "screen": ("Screen", "屏幕"),
    "capacity": ("Capacity", "容量"),
    "spf": ("SPF", "防晒指数"),
    "skin_type": ("Skin type", "适用肤质"),
    "season": ("Season", "适用季节"),
    "max_load": ("Max load", "承重"),
    "ships_from": ("Ships from", "发货地"),
    **{k: (a.en, a.zh) for k, a in ATTRIBUTES.items() if a.kind == "flag" and k != "waterproof"},
}


def field_label(field: str, language: str) -> str:
    en, zh = FIELDS.get(field, (field, field))
    return zh if language == "zh" else en


@dataclass(frozen=True)
class FieldFact:
    """One field of one product, in words, with the number behind it for comparisons.

    ``known`` False: the store holds no such data for this product; the words say so.
    """

    sku: str
    name_en: str
    name_zh: str
    field: str
    known: bool
    value_en: str
    value_zh: str
    #: Comparable number (fen, mAh, kg, months, days...), or None when the field is not comparable.
    number: float | None = None
    #: Numbers compare only within one unit ("mAh" vs "days" do not).
    unit: str = ""

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh" else self.name_en

    def value(self, language: str) -> str:
        return self.value_zh if language == "zh" else self.value_en

    def sentence(self, language: str) -> str:
        """The fact as one sentence, naming the product; an unknown field is said to be unknown."""
        label_en, label_zh = FIELDS.get(self.field, (self.field, self.field))
        if not self.known:
            if language == "zh":
                return f"抱歉，「{self.name_zh}」的{label_zh}信息商品资料里没有登记，我没法给您准确答复{self.value_zh}。"
            return (f"Sorry, the product data for the {self.name_en} does not list its "
                    f"{label_en.lower()}{self.value_en}.")
        spec = ATTRIBUTES.get(self.field)
        if spec is not None and spec.kind == "flag" and self.field != "waterproof":
            has = bool(self.number)
            if language == "zh":
                return f"{'是的，' if has else '抱歉，'}「{self.name_zh}」{self.value_zh}。"
            label = spec.en if spec.en.isupper() else spec.en.lower()
            return f"Yes, the {self.name_en} has {label}." if has else f"No, the {self.name_en} does not have {label}."
        template = _SENTENCES.get(self.field)
        if template is None:
            if language == "zh":
                return f"「{self.name_zh}」的{label_zh}：{self.value_zh}。"
            return f"{label_en} of the {self.name_en}: {self.value_en}."
        en, zh = template
        if self.field == "battery" and self.unit == "days":
            en, zh = "The {name} lasts {value}.", "「{name}」{value}。"
        if language == "zh":
            return zh.format(name=self.name_zh, value=self.value_zh)
        value = self.value_en.lower() if self.field == "material" else self.value_en
        return en.format(name=self.name_en, value=value)


#: How each field reads as a sentence, (en, zh), when the product data holds it.
_SENTENCES: dict[str, tuple[str, str]] = {
    "price": ("The {name} costs {value}.", "「{name}」售价 {value}。"),
    "weight": ("The {name} weighs {value}.", "「{name}」重 {value}。"),
    "battery": ("The {name} has a {value} battery.", "「{name}」电池容量 {value}。"),
    "rating": ("The {name} is rated {value}.", "「{name}」评分 {value}。"),
    "colours": ("The {name} comes in {value}.", "「{name}」有{value}可选。"),
    "sizes": ("The {name} comes in sizes {value}.", "「{name}」有 {value} 码可选。"),
    "material": ("The {name} is made of {value}.", "「{name}」的材质是{value}。"),
    "warranty": ("The {name} comes with {value}.", "「{name}」{value}。"),
    "dimensions": ("The {name} measures {value}.", "「{name}」尺寸为{value}。"),
    "screen": ("The {name}'s screen is {value}.", "「{name}」屏幕 {value}。"),
    "storage": ("The {name} has {value} of storage.", "「{name}」存储 {value}。"),
    "capacity": ("The {name} holds {value}.", "「{name}」容量 {value}。"),
    "spf": ("The {name} is {value}.", "「{name}」防晒指数 {value}。"),
    "max_load": ("The {name} holds {value}.", "「{name}」{value}。"),
    "ships_from": ("The {name} ships from {value}.", "「{name}」从{value}发货。"),
    "waterproof": ("The {name} is {value}.", "「{name}」{value}。"),
    "stock": ("The {name} is {value}.", "「{name}」目前{value}。"),
    "delivery": ("The {name} {value}.", "「{name}」{value}。"),
}


def _num(details: ProductDetail, key: str) -> float | None:
    values = details.attribute_values(key)
    try:
        return float(values[0]) if values else None
    except ValueError:
        return None


def _n(value: float) -> str:
    return f"{value:g}" if value < 100_000 else f"{value:,.0f}"


def _labels(key: str, values: Sequence[str], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(attribute_label(key, v, language) for v in values)


_IP = re.compile(r"\bIP([X\d])(\d)\b", re.I)
_ATM = re.compile(r"(\d+)\s?ATM\b", re.I)
_DEPTH_M = re.compile(r"rated to (\d+)\s?m\b", re.I)
_HEAD_MM = re.compile(r"(\d{3,5})\s?mm\b", re.I)


def _waterproof(d: ProductDetail) -> tuple[str, str, float, str]:
    """(en, zh, rank, unit) of the water resistance the product data states."""
    text = d.description_en
    if "true" not in d.attribute_values("waterproof"):
        lowered = text.lower()
        if "splash" in lowered:
            return "not waterproof (splash-proof only)", "不防水（仅防溅）", 0.0, ""
        if "sweat" in lowered:
            return "not waterproof (sweat-proof, not for swimming)", "不防水（仅防汗，不可游泳佩戴）", 0.0, ""
        return "not waterproof", "不防水", 0.0, ""
    if m := _IP.search(text):
        grade = f"IP{m.group(1).upper()}{m.group(2)}"
        return f"waterproof, rated {grade}", f"防水，{grade} 级", float(m.group(2)), "ip"
    if m := _ATM.search(text):
        return f"waterproof to {m.group(1)} ATM", f"防水，{m.group(1)}ATM", float(m.group(1)) * 10, "m"
    if m := _DEPTH_M.search(text):
        return f"waterproof to {m.group(1)} m", f"防水，可达 {m.group(1)} 米", float(m.group(1)), "m"
    if m := _HEAD_MM.search(text):
        return f"waterproof ({m.group(1)} mm hydrostatic head)", f"防水（防水指数 {m.group(1)} 毫米）", float(m.group(1)), "mm"
    return "waterproof (no rating stated)", "防水（未标注防水等级）", 1.0, "flag"


def field_fact(answer: ProductAnswer, field: str, *, warranty: WarrantyRules | None = None) -> FieldFact:
    """``field`` of the product in ``answer``, read from the stored data only."""
    d = answer.product
    p = d.summary
    unknown = ("", "")

    def fact(en: str, zh: str, number: float | None = None, unit: str = "") -> FieldFact:
        return FieldFact(p.sku, p.name_en, p.name_zh, field, True, en, zh, number, unit)

    def missing(hint: tuple[str, str] = unknown) -> FieldFact:
        return FieldFact(p.sku, p.name_en, p.name_zh, field, False, hint[0], hint[1])

    if field == "price":
        return fact(yuan(p.price_fen), yuan(p.price_fen), float(p.price_fen), "fen")
    if field == "ships_from":
        return fact(place_label(d.ship_from, "en"), d.ship_from)
    if field == "rating":
        return fact(f"{p.rating:.1f} out of 5 from {d.rating_count:,} reviews",
                    f"{p.rating:.1f} 分（满分 5 分，共 {d.rating_count} 条评价）", p.rating, "stars")
    if field == "stock":
        if p.stock <= 0:
            return fact("out of stock", "暂时缺货", 0.0, "stock")
        if p.stock < 10:
            return fact(f"in stock, but only {p.stock} left", f"有货，仅剩 {p.stock} 件", 1.0, "stock")
        return fact("in stock", "有货", 1.0, "stock")
    if field == "delivery":
        e = answer.delivery
        origin_en, origin_zh = place_label(e.ship_from, "en"), e.ship_from
        span = f"{e.earliest_days}–{e.latest_days}"
        if e.destination:
            en = f"ships from {origin_en}, {span} days to {place_label(e.destination, 'en')}"
            zh = f"从{origin_zh}发货，寄到{e.destination}预计 {span} 天送达"
        else:
            en = f"ships from {origin_en}, {span} days to most of the mainland"
            zh = f"从{origin_zh}发货，全国大部分地区预计 {span} 天送达"
        if not e.in_stock:
            en += " once restocked"
            zh += "（需等补货后发出）"
        return fact(en, zh, float(e.latest_days), "days")
    if field == "warranty":
        if warranty is None:
            return missing()
        months = warranty.months_for(p.category)
        if months <= 0:
            return fact("no repair warranty for this kind of product (quality problems are handled as returns)",
                        "这类商品不提供保修，如有质量问题可按售后规则申请退换", 0.0, "months")
        en, zh = f"{months} months of free repair from delivery", f"签收后 {months} 个月免费保修"
        if p.category == "phone" and warranty.phone_battery_months:
            en += f" (the battery {warranty.phone_battery_months} months)"
            zh += f"（电池 {warranty.phone_battery_months} 个月）"
        return fact(en, zh, float(months), "months")
    if field == "battery":
        if (mah := _num(d, "battery_mah")) is not None:
            return fact(f"{_n(mah)} mAh", f"{_n(mah)} 毫安时（mAh）", mah, "mAh")
        if (days := _num(d, "battery_days")) is not None:
            return fact(f"about {_n(days)} days per charge", f"充满一次约可用 {_n(days)} 天", days, "days")
        return missing()
    if field == "weight":
        if (kg := _num(d, "weight_kg")) is not None:
            en = f"{_n(kg * 1000)} g" if kg < 1 else f"{_n(kg)} kg"
            zh = f"{_n(kg * 1000)} 克" if kg < 1 else f"{_n(kg)} 公斤"
            return fact(en, zh, kg, "kg")
        return missing()
    if field == "dimensions":
        w, dep, h = (_num(d, k) for k in ("width_cm", "depth_cm", "height_cm"))
        if w is not None and dep is not None and h is not None:
            return fact(f"{_n(w)} × {_n(dep)} × {_n(h)} cm (W × D × H)",
                        f"宽 {_n(w)} × 深 {_n(dep)} × 高 {_n(h)} 厘米", w * dep * h, "cm3")
        if (screen := _num(d, "screen_in")) is not None:
            return missing((f"; its screen is {_n(screen)} inches", f"；屏幕是 {_n(screen)} 英寸"))
        return missing()
    if field == "screen":
        if (screen := _num(d, "screen_in")) is not None:
            return fact(f"{_n(screen)} inches", f"{_n(screen)} 英寸", screen, "in")
        return missing()
    if field == "storage":
        if (gb := _num(d, "storage_gb")) is not None:
            return fact(f"{_n(gb)} GB", f"{_n(gb)}GB", gb, "GB")
        return missing()
    if field == "capacity":
        for key, unit_en, unit_zh in (("capacity_l", "L", "升"), ("capacity_persons", "persons", "人"),
                                      ("volume_ml", "ml", "毫升"), ("storage_gb", "GB", "GB")):
            if (value := _num(d, key)) is not None:
                return fact(f"{_n(value)} {unit_en}", f"{_n(value)} {unit_zh}", value, unit_en)
        return missing()
    if field == "spf":
        if (spf := _num(d, "spf")) is not None:
            return fact(f"SPF{_n(spf)}", f"SPF{_n(spf)}", spf, "spf")
        return missing()
    if field == "max_load":
        if (kg := _num(d, "max_load_kg")) is not None:
            return fact(f"up to {_n(kg)} kg", f"最大承重 {_n(kg)} 公斤", kg, "kg")
        return missing()
    if field == "waterproof":
        en, zh, rank, unit = _waterproof(d)
        return fact(en, zh, rank, unit)
    if field in ("material", "colours", "sizes", "skin_type", "season"):
        key = {"colours": "colour", "sizes": "size"}.get(field, field)
        values = d.attribute_values(key)
        if key == "size":
            order = list(ENUM_VALUES["size"])
            values = tuple(sorted(values, key=lambda v: order.index(v) if v in order else len(order)))
        if not values:
            return missing()
        return fact(_labels(key, values, "en"), _labels(key, values, "zh"), float(len(values)), "count")
    spec = ATTRIBUTES.get(field)
    if spec is not None and spec.kind == "flag":
        has = "true" in d.attribute_values(field)
        return fact("yes" if has else "no", f"支持{spec.zh}" if has else f"不支持{spec.zh}", 1.0 if has else 0.0, "flag")
    return missing()


# -- comparisons -----------------------------------------------------------------------------

#: Which end of a field wins by default, and how the winner is named (en, zh) for each end.
_BETTER: dict[str, str] = {"price": "min", "weight": "min", "delivery": "min"}
_WINNER_WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("price", "min"): ("is cheaper", "更便宜"),
    ("price", "max"): ("is more expensive", "更贵"),
    ("battery", "max"): ("has the bigger battery", "电池更大、续航更好"),
    ("battery", "min"): ("has the smaller battery", "电池更小"),
    ("weight", "min"): ("is lighter", "更轻"),
    ("weight", "max"): ("is heavier", "更重"),
    ("rating", "max"): ("is better rated", "评分更高"),
    ("rating", "min"): ("is rated lower", "评分更低"),
    ("storage", "max"): ("has more storage", "存储更大"),
    ("screen", "max"): ("has the bigger screen", "屏幕更大"),
    ("screen", "min"): ("has the smaller screen", "屏幕更小巧"),
    ("capacity", "max"): ("holds more", "容量更大"),
    ("capacity", "min"): ("is smaller", "容量更小"),
    ("spf", "max"): ("has the higher SPF", "防晒指数更高"),
    ("max_load", "max"): ("holds more weight", "承重更大"),
    ("warranty", "max"): ("has the longer warranty", "保修更久"),
    ("delivery", "min"): ("arrives sooner", "送达更快"),
    ("stock", "max"): ("is in stock", "有货"),
    ("waterproof", "max"): ("is more water-resistant", "防水更好"),
    ("dimensions", "max"): ("is bigger", "更大"),
    ("dimensions", "min"): ("is smaller", "更小巧"),
    ("colours", "max"): ("comes in more colours", "颜色更多"),
    ("sizes", "max"): ("comes in more sizes", "尺码更全"),
}
#: Superlatives for three or more products ("the cheapest" rather than "cheaper").
_SUPERLATIVE_EN = {"is cheaper": "is the cheapest", "is more expensive": "is the most expensive",
                   "has the bigger battery": "has the biggest battery", "is lighter": "is the lightest",
                   "is heavier": "is the heaviest", "is better rated": "is the best rated",
                   "has more storage": "has the most storage", "has the bigger screen": "has the biggest screen",
                   "holds more": "holds the most", "has the longer warranty": "has the longest warranty",
                   "arrives sooner": "arrives soonest", "is more water-resistant": "is the most water-resistant",
                   "has the higher SPF": "has the highest SPF", "holds more weight": "holds the most weight"}
#: Fields whose values are listed side by side without a winner unless the question asks for more/less.
_NO_DEFAULT_WINNER = frozenset({"material", "skin_type", "season", "ships_from", "colours", "sizes", "dimensions"})


def winner_words(field: str, direction: str, language: str) -> str:
    spec = ATTRIBUTES.get(field)
    if (field, direction) in _WINNER_WORDS:
        en, zh = _WINNER_WORDS[(field, direction)]
    elif spec is not None and spec.kind == "flag":
        en, zh = f"has {spec.en.lower() if spec.en != 'NFC' else 'NFC'}", f"支持{spec.zh}"
    else:
        label_en, label_zh = FIELDS.get(field, (field, field))
        en, zh = (f"has the higher {label_en.lower()}", f"{label_zh}更高") if direction == "max" else (
            f"has the lower {label_en.lower()}", f"{label_zh}更低")
    return zh if language == "zh" else en


@dataclass(frozen=True)
class ComparisonRow:
    """One field side by side; ``winner`` indexes ``facts`` (None: a tie, unknown data, or no better end)."""

    field: str
    facts: tuple[FieldFact, ...]
    direction: str | None
    winner: int | None
    tie: bool = False

    def verdict(self, language: str) -> str:
        """Who wins this row, in a phrase ("Lumio A5 智能手机更便宜"), or why nobody does."""
        label = field_label(self.field, language)
        if self.winner is not None and self.direction is not None:
            name = self.facts[self.winner].name(language)
            words = winner_words(self.field, self.direction, language)
            if len(self.facts) > 2:
                words = words.replace("更", "最", 1) if language == "zh" else _SUPERLATIVE_EN.get(words, words)
            return f"「{name}」{words}" if language == "zh" else f"the {name} {words}"
        if self.tie:
            return f"{label}一样" if language == "zh" else f"they are the same on {label.lower()}"
        if any(not f.known for f in self.facts):
            return f"{label}资料不全，无法比较" if language == "zh" else f"the {label.lower()} is not listed for all of them"
        return ""


@dataclass(frozen=True)
class ProductComparison:
    """Products side by side on the fields asked, with the winner of each stated (a ``FactCard``)."""

    products: tuple[ProductSummary, ...]
    rows: tuple[ComparisonRow, ...]

    def card_title(self, language: str) -> str:
        names = (" vs " if language != "zh" else " 对比 ").join(p.name(language) for p in self.products[:3])
        more = len(self.products) - 3
        if more > 0:
            names += f" 等 {len(self.products)} 件" if language == "zh" else f" and {more} more"
        return ("商品对比：" if language == "zh" else "Comparison: ") + names

    def card_lines(self, language: str) -> tuple[str, ...]:
        lines: list[str] = []
        sep = "；" if language == "zh" else "; "
        for row in self.rows:
            label = field_label(row.field, language)
            missing = "暂无" if language == "zh" else "not listed"
            cells = [f"{f.name(language)} {f.value(language) if f.known else missing}" + (" ✓" if i == row.winner else "")
                     for i, f in enumerate(row.facts)]
            verdict = row.verdict(language)
            lines.append(f"{label}：" + sep.join(cells) + (f" → {verdict}" if verdict else "")
                         if language == "zh" else f"{label}: " + sep.join(cells) + (f" → {verdict}" if verdict else ""))
        return tuple(lines)


def compare_facts(answers: Sequence[ProductAnswer], fields: Sequence[str], *, direction: dict[str, str] | None = None,
                  warranty: WarrantyRules | None = None) -> ProductComparison:
    """Compare products on ``fields``; ``direction`` overrides which end wins ("哪个更贵" → price max)."""
    rows = []
    for field in fields:
        facts = tuple(field_fact(a, field, warranty=warranty) for a in answers)
        wanted = (direction or {}).get(field)
        if wanted is None and field not in _NO_DEFAULT_WINNER:
            wanted = _BETTER.get(field, "max")
        rows.append(_row(field, facts, wanted))
    return ProductComparison(products=tuple(a.product.summary for a in answers), rows=tuple(rows))


def _row(field: str, facts: tuple[FieldFact, ...], direction: str | None) -> ComparisonRow:
    known = [f for f in facts if f.known and f.number is not None]
    if direction is None or len(known) < len(facts):
        return ComparisonRow(field, facts, direction, None)
    units = {f.unit for f in facts if f.number}  # "not waterproof" (0, no unit) compares with any rating
    if len(units) > 1:
        return ComparisonRow(field, facts, direction, None)
    numbers = [f.number or 0.0 for f in facts]
    best = min(numbers) if direction == "min" else max(numbers)
    leaders = [i for i, n in enumerate(numbers) if n == best]
    if len(leaders) == 1:
        return ComparisonRow(field, facts, direction, leaders[0])
    return ComparisonRow(field, facts, direction, None, tie=len(leaders) == len(facts))


#: What a comparison covers when the question names no field, per category.
DEFAULT_COMPARE_FIELDS: dict[str, tuple[str, ...]] = {
    "phone": ("price", "battery", "storage", "screen", "waterproof", "rating"),
    "smartwatch": ("price", "battery", "gps", "nfc", "waterproof", "rating"),
    "skincare": ("price", "capacity", "skin_type", "rating"),
    "camping": ("price", "weight", "capacity", "waterproof", "rating"),
    "apparel": ("price", "material", "sizes", "rating"),
    "furniture": ("price", "dimensions", "material", "max_load", "rating"),
}


class CatalogService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def product(self, sku_or_id: str | int) -> ProductDetail:
        with self._db.session() as s:
            return detail(self._load(s, sku_or_id))

    def answer(self, sku_or_id: str | int, *, destination_city: str | None = None) -> ProductAnswer:
        """Price, specs, stock and a delivery estimate for one product, in one result."""
        with self._db.session() as s:
            product = self._load(s, sku_or_id)
            info = detail(product)
        stock = info.summary.stock
        if stock <= 0:
            en, zh = "Out of stock", "暂时缺货"
        elif stock < 10:
            en, zh = f"Only {stock} left", f"仅剩 {stock} 件"
        else:
            en, zh = "In stock", "有货"
        delivery = estimate_delivery(info.ship_from, destination_city, in_stock=stock > 0)
        return ProductAnswer(product=info, stock_text_en=en, stock_text_zh=zh, delivery=delivery)

    def fact(self, sku_or_id: str | int, field: str, *, destination_city: str | None = None,
             warranty: WarrantyRules | None = None) -> tuple[FieldFact, ProductAnswer]:
        """One field of one product, and the product's whole answer to show as its card."""
        answer = self.answer(sku_or_id, destination_city=destination_city)
        return field_fact(answer, field, warranty=warranty), answer

    def compare(self, skus: Sequence[str | int], fields: Sequence[str] = (), *, destination_city: str | None = None,
                direction: dict[str, str] | None = None, warranty: WarrantyRules | None = None) -> ProductComparison:
        """Two or more products side by side; with no fields, the ones that matter for their category."""
        unique = list(dict.fromkeys(skus))
        if len(unique) < 2:
            raise InvalidInput("Name at least two products to compare.", message_zh="请至少说出两件要对比的商品。")
        answers = [self.answer(s, destination_city=destination_city) for s in unique]
        if not fields:
            category = answers[0].product.summary.category
            same = all(a.product.summary.category == category for a in answers)
            fields = DEFAULT_COMPARE_FIELDS.get(category, ("price", "rating")) if same else ("price", "rating")
        return compare_facts(answers, fields, direction=direction, warranty=warranty)

    def search(self, query: SearchQuery) -> SearchResult:
        self._validate(query)
        stmt = self._filtered(query)
        with self._db.session() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            pages = max(1, math.ceil(total / query.page_size))
            page = min(query.page, pages)
            rows = s.scalars(
                self._sorted(stmt, query).limit(query.page_size).offset((page - 1) * query.page_size)
            ).all()
            items = tuple(summary(p) for p in rows)
        log.debug("search matched %d products", total)
        return SearchResult(query=query, items=items, total=total, page=page, pages=pages)

    def names(self) -> tuple[tuple[str, str, str], ...]:
        """(sku, English name, Chinese name) of every product, for the language layer's lexicon."""
        with self._db.session() as s:
            rows = s.execute(select(Product.sku, Product.name_en, Product.name_zh).order_by(Product.id))
            return tuple((sku, en, zh) for sku, en, zh in rows)

    def brands(self) -> tuple[str, ...]:
        """Every brand the store sells, spelled as stored, for the language layer's brand list."""
        with self._db.session() as s:
            return tuple(s.scalars(select(Product.brand).distinct().order_by(Product.brand)).all())

    def similar(self, sku_or_id: str | int, limit: int = 5) -> tuple[ProductDetail, ...]:
        """Same category, ranked by shared attribute values and price closeness."""
        with self._db.session() as s:
            base = self._load(s, sku_or_id)
            base_values = {(a.key, a.value) for a in base.attributes}
            candidates = s.scalars(
                select(Product).where(Product.category == base.category, Product.id != base.id)
            ).all()

            def score(p: Product) -> float:
                values = {(a.key, a.value) for a in p.attributes}
                overlap = len(values & base_values) / max(1, len(values | base_values))
                closeness = 1 - min(1.0, abs(p.price_fen - base.price_fen) / max(base.price_fen, 1))
                return 0.7 * overlap + 0.3 * closeness

            ranked = sorted(candidates, key=lambda p: (-score(p), p.id))[:limit]
            return tuple(detail(p) for p in ranked)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _load(s: Session, sku_or_id: str | int) -> Product:
        product: Product | None
        if isinstance(sku_or_id, int):
            product = s.get(Product, sku_or_id)
        else:
            key = clean_text(str(sku_or_id), max_chars=64)
            product = s.scalar(select(Product).where(Product.sku == key.upper())) if key else None
        if product is None:
            raise NotFound(f"No product {str(sku_or_id)[:40]!r} in this store.", message_zh="没有找到该商品。")
        return product

    @staticmethod
    def _validate(q: SearchQuery) -> None:
        if q.category is not None and q.category not in CATEGORIES:
            raise InvalidInput(f"Unknown category {q.category!r}.", message_zh=f"未知的商品类目：{q.category}")
        for f in q.attributes:
            if f.key not in ATTRIBUTES:
                raise InvalidInput(f"Unknown attribute {f.key!r}.", message_zh=f"未知的筛选条件：{f.key}")
        for value in (q.min_price_fen, q.max_price_fen):
            if value is not None and value < 0:
                raise InvalidInput("Prices cannot be negative.", message_zh="价格不能为负数。")
        if q.min_price_fen is not None and q.max_price_fen is not None and q.min_price_fen > q.max_price_fen:
            raise InvalidInput("The minimum price is above the maximum.", message_zh="最低价高于最高价。")
        if q.page < 1 or not 1 <= q.page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"Page must be ≥ 1 and page size 1–{MAX_PAGE_SIZE}.", message_zh="页码或每页数量无效。"
            )

    @staticmethod
    def _attribute_condition(f: AttributeFilter) -> Exists:
        conditions: list[ColumnElement[bool]] = [ProductAttribute.product_id == Product.id, ProductAttribute.key == f.key]
        if f.value is not None:
            conditions.append(ProductAttribute.value == f.value)
        if f.min_value is not None:
            conditions.append(ProductAttribute.value_num >= f.min_value)
        if f.max_value is not None:
            conditions.append(ProductAttribute.value_num <= f.max_value)
        return exists().where(and_(*conditions))

    def _filtered(self, q: SearchQuery) -> Select[Product]:
        stmt = select(Product)
        if q.category:
            stmt = stmt.where(Product.category == q.category)
        brands = [b.strip() for b in q.brands if b.strip()]  # compared exactly as stored: no normalising
        if brands:
            stmt = stmt.where(Product.brand.in_(brands))
        if q.min_price_fen is not None:
            stmt = stmt.where(Product.price_fen >= q.min_price_fen)
        if q.max_price_fen is not None:
            stmt = stmt.where(Product.price_fen <= q.max_price_fen)
        if q.in_stock_only:
            stmt = stmt.where(Product.stock > 0)
        for f in q.attributes:
            stmt = stmt.where(self._attribute_condition(f))
        text = clean_text(q.text or "", max_chars=100)
        if text:
            # LIKE wildcards in user text are literals, never patterns.
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                or_(
                    Product.name_en.ilike(pattern, escape="\\"),
                    Product.name_zh.like(pattern, escape="\\"),
                    Product.brand.ilike(pattern, escape="\\"),
                    Product.sku.ilike(pattern, escape="\\"),
                )
            )
        return stmt

    @staticmethod
    def _sorted(stmt: Select[Product], q: SearchQuery) -> Select[Product]:
        orders: dict[SortOrder, tuple[UnaryExpression[int] | UnaryExpression[float] | UnaryExpression[bool], ...]] = {
            SortOrder.PRICE_ASC: (Product.price_fen.asc(),),
            SortOrder.PRICE_DESC: (Product.price_fen.desc(),),
            SortOrder.RATING: (Product.rating.desc(),),
            SortOrder.SALES: (Product.sales_count.desc(),),
            # Relevance without a ranking model: what sells and rates well, in stock first.
            SortOrder.RELEVANCE: (Product.sales_count.desc(), Product.rating.desc()),
        }
        # Whatever the order asked, what can be bought comes first: a sold-out item never leads a list.
        return stmt.order_by((Product.stock > 0).desc(), *orders[q.sort], Product.id)
