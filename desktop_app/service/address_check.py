"""Whether some words are a deliverable address, and the city it is in.

Split from ``order_changes`` because checking an address is text work with its own tables
(provinces, street words) and the dialogue uses it alone to tell an address from a request to
change one. A failed check says exactly what is missing, so the customer can fix that.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from desktop_app.core.errors import InvalidInput
from desktop_app.core.places import CITIES, REGIONS
from desktop_app.core.text import clean_text

ADDRESS_MIN_CHARS = 8
ADDRESS_MAX_CHARS = 120

#: Mainland provinces and regions the store delivers to, beyond those ``places.REGIONS`` names
#: (remote regions ship too, at the remote fee); Hong Kong, Macau and Taiwan need cross-border shipping.
_MORE_PROVINCES: dict[str, str] = {
    "河北": "Hebei", "山西": "Shanxi", "吉林": "Jilin", "安徽": "Anhui", "江西": "Jiangxi", "海南": "Hainan",
    "贵州": "Guizhou", "甘肃": "Gansu", "青海": "Qinghai", "广西": "Guangxi", "西藏": "Tibet",
    "宁夏": "Ningxia", "新疆": "Xinjiang",
}
_PROVINCES: dict[str, str] = {**REGIONS, **_MORE_PROVINCES}
_STREET_ZH = re.compile(r"路|街|道|巷|弄|胡同|村|镇|乡|小区|大厦|花园|公寓|广场|园区|苑|\d+\s*(?:号|栋|幢|座|单元|室|楼|层)")
_STREET_EN = re.compile(r"\b(?:road|rd|street|st|avenue|ave|lane|ln|boulevard|blvd|way|drive|dr|district|building|"
                        r"bldg|apt|apartment|room|rm|floor|fl|no|community|village|tower|plaza|garden|gardens|estate|"
                        r"lu|jie|dao|xiang|hutong)\b\.?", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: "河北省石家庄市…", "广西壮族自治区南宁市…": a city the tables do not list, named after its province.
_CITY_IN_PROVINCE = re.compile(r"(?:省|自治区|" + "|".join(_PROVINCES) + r")省?\s*([^\s\d省市区县,，]{2,4}?)市")


@dataclass(frozen=True)
class ShippingAddress:
    """A delivery address that passed the sanity checks, with the city it is in (Chinese, as the store keeps places)."""

    text: str
    city: str


def parse_address(raw: str) -> ShippingAddress:
    """Check that ``raw`` could be delivered to: a known city or province, a street, number or
    residential-compound part, and a sensible length. Raises ``InvalidInput`` saying what is missing,
    so the customer can fix exactly that."""
    text = clean_text(raw, max_chars=ADDRESS_MAX_CHARS * 2, normalize=False).strip(" ,，。.;；:：")
    folded = unicodedata.normalize("NFKC", text)
    if len(text) < ADDRESS_MIN_CHARS:
        raise InvalidInput(
            "That address is too short: please give the city, district, street and house number.",
            message_zh="地址太简短了，请写明城市、区县、街道和门牌号。")
    if len(text) > ADDRESS_MAX_CHARS:
        raise InvalidInput(
            f"That address is too long (at most {ADDRESS_MAX_CHARS} characters).",
            message_zh=f"地址过长（最多 {ADDRESS_MAX_CHARS} 个字）。")
    chinese = bool(_CJK.search(folded))
    city = _city_of(folded, chinese)
    if city is None:
        raise InvalidInput(
            "I can't find a city or province in that address; please include it (e.g. Beijing, Chaoyang District, ...).",
            message_zh="地址里没有找到城市或省份，请写上，例如“北京市朝阳区……”。")
    street = _STREET_ZH.search(folded) or _STREET_EN.search(folded)
    if street is None or (not chinese and not re.search(r"\d", folded)):
        raise InvalidInput(
            "Please include the street and house number (or the residential compound and building).",
            message_zh="请写明街道门牌号（或小区、楼栋和门牌号）。")
    return ShippingAddress(text=text, city=city)


def looks_like_address(text: str) -> bool:
    """Whether some words are meant as an address (a place, or a street with a number), so a chat turn
    can tell "地址改成北京市朝阳区…" (an address, maybe a bad one) from "I want to change my address"."""
    folded = unicodedata.normalize("NFKC", text)
    chinese = bool(_CJK.search(folded))
    if _city_of(folded, chinese) is not None:
        return True
    street = _STREET_ZH.search(folded) if chinese else _STREET_EN.search(folded)
    return street is not None and bool(re.search(r"\d", folded))


def _city_of(folded: str, chinese: bool) -> str | None:
    """The city an address is in, as the store writes it: a known city first (the earliest in a
    Chinese address, the last in an English one, where the city comes after the street), else the
    "…市" it names, else its province."""
    if chinese:
        hits = [(folded.find(c.zh), c.zh) for c in CITIES.values() if c.zh in folded]
        if hits:
            return min(hits)[1]
        named = _CITY_IN_PROVINCE.search(folded)
        if named:
            return named.group(1)
        provinces = [(folded.find(p), p) for p in _PROVINCES if p in folded]
        return min(provinces)[1] if provinces else None
    lowered = folded.lower()
    english: list[tuple[int, str]] = []
    for c in CITIES.values():
        english += [(m.start(), c.zh) for m in re.finditer(rf"\b{re.escape(c.en.lower())}\b", lowered)]
    if english:
        return max(english)[1]
    provinces = [(m.start(), zh) for zh, en in _PROVINCES.items()
                 for m in re.finditer(rf"\b{re.escape(en.lower())}\b", lowered)]
    return max(provinces)[1] if provinces else None


def same_address(a: str, b: str) -> bool:
    """Whether two addresses are the same but for spaces, punctuation and letter case."""
    def fold(text: str) -> str:
        return re.sub(r"[\s,，.。]", "", unicodedata.normalize("NFKC", text)).lower()

    return fold(a) == fold(b)
