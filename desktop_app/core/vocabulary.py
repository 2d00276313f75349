"""The catalog's shared vocabulary: categories, filterable attributes and colours, in both languages.

One table feeds the demo-store generator, the search service, the language understanding and
the UI's filter chips, so "防水", "waterproof" and the ``waterproof`` attribute stay one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AttributeKind = Literal["flag", "number", "enum"]


@dataclass(frozen=True)
class Term:
    key: str
    en: str
    zh: str
    #: Extra surface forms a shopper may type or say (lower-case for English).
    aliases_en: tuple[str, ...] = ()
    aliases_zh: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class AttributeSpec(Term):
    kind: AttributeKind = "flag"
    unit: str = ""
    categories: tuple[str, ...] = ()


CATEGORIES: dict[str, Term] = {
    t.key: t
    for t in (
        Term("furniture", "Furniture", "家具", ("furniture", "bookshelf", "shelf", "table", "stool", "bench", "chair", "desk", "cabinet"),
             ("家具", "书架", "书柜", "桌子", "边桌", "凳子", "长凳", "椅子", "柜子")),
        Term("phone", "Phones", "手机", ("phone", "phones", "smartphone", "smartphones", "mobile", "cellphone"),
             ("手机", "智能手机", "电话")),
        Term("smartwatch", "Smartwatches", "智能手表", ("smartwatch", "smartwatches", "smart watch", "watch", "watches", "fitness tracker", "band"),
             ("智能手表", "手表", "手环", "运动手表")),
        Term("skincare", "Skin care", "护肤", ("skin care", "skincare", "moisturizer", "moisturiser", "serum", "cleanser", "sunscreen", "toner", "cream", "lotion"),
             ("护肤", "护肤品", "面霜", "精华", "洁面", "防晒", "爽肤水", "乳液", "保湿")),
        Term("camping", "Camping gear", "露营装备", ("camping", "tent", "tents", "sleeping bag", "backpack", "camping gear", "lantern", "stove"),
             ("露营", "帐篷", "睡袋", "背包", "登山包", "营地灯", "炉具", "户外")),
        Term("apparel", "Apparel", "服饰", ("apparel", "clothes", "clothing", "jacket", "shirt", "t-shirt", "hoodie", "pants", "coat", "sweater"),
             ("服饰", "衣服", "服装", "外套", "夹克", "衬衫", "T恤", "卫衣", "裤子", "毛衣", "羽绒服")),
    )
}

ATTRIBUTES: dict[str, AttributeSpec] = {
    a.key: a
    for a in (
        AttributeSpec("fast_charging", "Fast charging", "快充", ("fast charging", "fast charge", "quick charge", "quick charging", "fast-charging"),
                      ("快充", "快速充电", "闪充"), "flag", "", ("phone", "smartwatch")),
        AttributeSpec("waterproof", "Waterproof", "防水", ("waterproof", "water resistant", "water-resistant", "water proof"),
                      ("防水", "防泼水"), "flag", "", ("phone", "smartwatch", "camping", "apparel")),
        AttributeSpec("nfc", "NFC", "NFC", ("nfc",), ("nfc", "NFC", "刷卡"), "flag", "", ("phone", "smartwatch")),
        AttributeSpec("five_g", "5G", "5G", ("5g",), ("5G", "5g"), "flag", "", ("phone",)),
        AttributeSpec("dual_sim", "Dual SIM", "双卡", ("dual sim", "dual-sim"), ("双卡", "双卡双待"), "flag", "", ("phone",)),
        AttributeSpec("gps", "GPS", "GPS", ("gps",), ("GPS", "定位"), "flag", "", ("smartwatch",)),
        AttributeSpec("heart_rate", "Heart-rate monitor", "心率监测", ("heart rate", "heart-rate"), ("心率",), "flag", "", ("smartwatch",)),
        AttributeSpec("fragrance_free", "Fragrance-free", "无香精", ("fragrance free", "fragrance-free", "unscented"),
                      ("无香", "无香精", "无香料"), "flag", "", ("skincare",)),
        AttributeSpec("battery_mah", "Battery", "电池容量", ("battery", "mah"), ("电池", "毫安"), "number", "mAh", ("phone",)),
        AttributeSpec("storage_gb", "Storage", "存储", ("storage", "gb"), ("存储", "内存", "容量"), "number", "GB", ("phone",)),
        AttributeSpec("screen_in", "Screen", "屏幕", ("screen", "inch"), ("屏幕", "英寸"), "number", "in", ("phone",)),
        AttributeSpec("battery_days", "Battery life", "续航", ("battery life",), ("续航",), "number", "days", ("smartwatch",)),
        AttributeSpec("volume_ml", "Volume", "容量", ("ml",), ("毫升",), "number", "ml", ("skincare",)),
        AttributeSpec("spf", "SPF", "防晒指数", ("spf",), ("SPF", "防晒指数"), "number", "", ("skincare",)),
        AttributeSpec("capacity_persons", "Sleeps", "可容纳人数", ("person", "people", "persons"), ("人",), "number", "persons", ("camping",)),
        AttributeSpec("capacity_l", "Capacity", "容量", ("litre", "liter", "l"), ("升",), "number", "L", ("camping",)),
        AttributeSpec("weight_kg", "Weight", "重量", ("weight", "kg"), ("重量", "公斤"), "number", "kg", ("camping", "furniture")),
        AttributeSpec("max_load_kg", "Max load", "承重", ("max load", "load"), ("承重",), "number", "kg", ("furniture",)),
        AttributeSpec("width_cm", "Width", "宽度", ("width", "wide"), ("宽",), "number", "cm", ("furniture",)),
        AttributeSpec("depth_cm", "Depth", "深度", ("depth", "deep"), ("深",), "number", "cm", ("furniture",)),
        AttributeSpec("height_cm", "Height", "高度", ("height", "tall", "high"), ("高",), "number", "cm", ("furniture",)),
        AttributeSpec("skin_type", "Skin type", "肤质", ("skin type",), ("肤质",), "enum", "", ("skincare",)),
        AttributeSpec("material", "Material", "材质", ("material",), ("材质", "材料"), "enum", "", ("furniture", "apparel", "camping")),
        AttributeSpec("season", "Season rating", "适用季节", ("season",), ("季",), "enum", "", ("camping",)),
        AttributeSpec("colour", "Colour", "颜色", ("colour", "color"), ("颜色", "色"), "enum", "", ()),
        AttributeSpec("size", "Size", "尺码", ("size",), ("尺码", "码"), "enum", "", ("apparel",)),
    )
}

#: Values of enum attributes, with bilingual labels and aliases.
ENUM_VALUES: dict[str, dict[str, Term]] = {
    "colour": {
        t.key: t
        for t in (
            Term("black", "Black", "黑色", ("black",), ("黑色", "黑")),
            Term("white", "White", "白色", ("white",), ("白色", "白")),
            Term("blue", "Blue", "蓝色", ("blue", "navy"), ("蓝色", "蓝", "藏青")),
            Term("green", "Green", "绿色", ("green", "olive"), ("绿色", "绿", "军绿")),
            Term("red", "Red", "红色", ("red",), ("红色", "红")),
            Term("grey", "Grey", "灰色", ("grey", "gray"), ("灰色", "灰")),
            Term("silver", "Silver", "银色", ("silver",), ("银色", "银")),
            Term("gold", "Gold", "金色", ("gold",), ("金色", "金")),
            Term("pink", "Pink", "粉色", ("pink",), ("粉色", "粉")),
            Term("purple", "Purple", "紫色", ("purple",), ("紫色", "紫")),
            Term("orange", "Orange", "橙色", ("orange",), ("橙色", "橙")),
            Term("beige", "Beige", "米色", ("beige",), ("米色", "米白")),
            Term("birch", "Birch", "桦木色", ("birch",), ("桦木色", "桦木")),
            Term("oak", "Oak", "橡木色", ("oak",), ("橡木色", "橡木")),
            Term("walnut", "Walnut", "胡桃色", ("walnut",), ("胡桃色", "胡桃木")),
        )
    },
    "size": {
        t.key: t
        for t in (
            Term("XS", "XS", "XS", ("xs", "extra small"), ("XS", "加小码")),
            Term("S", "S", "S", ("small",), ("S", "小码")),
            Term("M", "M", "M", ("medium",), ("M", "中码")),
            Term("L", "L", "L", ("large",), ("L", "大码")),
            Term("XL", "XL", "XL", ("xl", "extra large"), ("XL", "加大码")),
            Term("XXL", "XXL", "XXL", ("xxl",), ("XXL", "加加大码")),
        )
    },
    "skin_type": {
        t.key: t
        for t in (
            Term("dry", "Dry skin", "干性肌肤", ("dry skin", "dry"), ("干皮", "干性", "干性肌肤")),
            Term("oily", "Oily skin", "油性肌肤", ("oily skin", "oily"), ("油皮", "油性", "油性肌肤")),
            Term("combination", "Combination skin", "混合性肌肤", ("combination skin", "combination"), ("混合皮", "混合性", "混油", "混干")),
            Term("sensitive", "Sensitive skin", "敏感肌", ("sensitive skin", "sensitive"), ("敏感肌", "敏感性", "敏感")),
            Term("all", "All skin types", "所有肤质", ("all skin types", "any skin"), ("所有肤质", "任何肤质")),
        )
    },
    "material": {
        t.key: t
        for t in (
            Term("solid_wood", "Solid wood", "实木", ("solid wood", "wood", "wooden"), ("实木", "木质", "木头")),
            Term("particleboard", "Particleboard", "刨花板", ("particleboard", "chipboard", "mdf"), ("刨花板", "颗粒板", "密度板")),
            Term("metal", "Metal", "金属", ("metal", "steel", "iron"), ("金属", "钢", "铁艺")),
            Term("bamboo", "Bamboo", "竹", ("bamboo",), ("竹", "竹子")),
            Term("cotton", "Cotton", "棉", ("cotton",), ("纯棉", "棉")),
            Term("wool", "Wool", "羊毛", ("wool", "merino"), ("羊毛",)),
            Term("polyester", "Polyester", "涤纶", ("polyester",), ("涤纶", "聚酯纤维")),
            Term("down", "Down", "羽绒", ("down",), ("羽绒",)),
            Term("nylon", "Nylon", "尼龙", ("nylon",), ("尼龙",)),
        )
    },
    "season": {
        t.key: t
        for t in (
            Term("3-season", "3-season", "三季", ("3-season", "three season", "3 season"), ("三季",)),
            Term("4-season", "4-season", "四季", ("4-season", "four season", "4 season", "winter"), ("四季", "冬季")),
        )
    },
}


def attribute_label(key: str, value: str, language: str) -> str:
    """Human label for one attribute value, e.g. ("colour", "blue") → "蓝色"."""
    spec = ATTRIBUTES.get(key)
    if spec is None:
        return f"{key}: {value}"
    if spec.kind == "flag":
        return spec.label(language)
    if spec.kind == "enum":
        term = ENUM_VALUES.get(key, {}).get(value)
        return term.label(language) if term else value
    unit = f" {spec.unit}" if spec.unit else ""
    number = value[:-2] if value.endswith(".0") else value
    return f"{spec.label(language)} {number}{unit}"
