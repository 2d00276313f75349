"""One field of one product in words ("how many mAh?", "how heavy?"), read from the stored data only.

Split from ``catalog`` because the field table and its sentences are text composition, not queries:
the dialogue states a single fact with them and comparisons line several up side by side. A field
the store does not hold is reported as unknown, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.places import place_label
from desktop_app.core.vocabulary import ATTRIBUTES, ENUM_VALUES, attribute_label
from desktop_app.service.policy import WarrantyRules
from desktop_app.service.types import ProductAnswer, ProductDetail, yuan

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

