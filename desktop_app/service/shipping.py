"""Shipping fees by the policy: free over a threshold, remote regions, per destination.

Fees are read from ``policy.shipping`` only, so the FAQ answer and the quote can never disagree.
A destination is matched to its province (remote regions are provinces, "新疆" or "海南", while
shoppers name cities, "乌鲁木齐" or "Sanya"); a destination nobody knows gets the general rule
rather than a guess, because quoting the cheap fee to a remote address is a promise we would break.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.places import CITIES, REGIONS
from desktop_app.core.text import clean_text
from desktop_app.service.delivery import estimate_delivery
from desktop_app.service.policy import Policy
from desktop_app.service.types import DeliveryEstimate, yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Product

log = logging.getLogger(__name__)

#: Provinces and cities the store's place table (core/places.py) does not list, with English names:
#: the remote regions' own cities and the other cities the delivery bands know. Province → English
#: name and its cities as (Chinese, English).
_MORE_PLACES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "新疆": ("Xinjiang", (("乌鲁木齐", "Urumqi"), ("喀什", "Kashgar"), ("克拉玛依", "Karamay"), ("伊宁", "Yining"))),
    "西藏": ("Tibet", (("拉萨", "Lhasa"), ("日喀则", "Shigatse"), ("林芝", "Nyingchi"))),
    "青海": ("Qinghai", (("西宁", "Xining"), ("格尔木", "Golmud"))),
    "内蒙古": ("Inner Mongolia", (("呼和浩特", "Hohhot"), ("包头", "Baotou"), ("鄂尔多斯", "Ordos"))),
    "宁夏": ("Ningxia", (("银川", "Yinchuan"),)),
    "甘肃": ("Gansu", (("兰州", "Lanzhou"), ("敦煌", "Dunhuang"), ("天水", "Tianshui"))),
    "海南": ("Hainan", (("海口", "Haikou"), ("三亚", "Sanya"))),
    "安徽": ("Anhui", (("合肥", "Hefei"),)),
    "江西": ("Jiangxi", (("南昌", "Nanchang"),)),
    "广西": ("Guangxi", (("南宁", "Nanning"), ("桂林", "Guilin"))),
    "贵州": ("Guizhou", (("贵阳", "Guiyang"),)),
    "山西": ("Shanxi", (("太原", "Taiyuan"),)),
    "河北": ("Hebei", (("石家庄", "Shijiazhuang"),)),
    "吉林": ("Jilin", (("长春", "Changchun"),)),
    "江苏": ("Jiangsu", (("无锡", "Wuxi"),)),
    "福建": ("Fujian", (("福州", "Fuzhou"),)),
    "山东": ("Shandong", (("济南", "Jinan"),)),
    "辽宁": ("Liaoning", (("大连", "Dalian"),)),
    "广东": ("Guangdong", (("珠海", "Zhuhai"),)),
}
#: Suffixes shoppers add to place names ("新疆维吾尔自治区", "成都市", "Chengdu City").
_SUFFIXES = re.compile(r"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|\s+(?:city|province))$", re.I)


@dataclass(frozen=True)
class Place:
    """A destination as the store writes it (Chinese), with its province when known."""

    name_zh: str
    name_en: str
    province_zh: str | None
    province_en: str | None

    def label(self, language: str) -> str:
        name = self.name_zh if language == "zh" else self.name_en
        province = self.province_zh if language == "zh" else self.province_en
        if province and province != name:
            return f"{name}（{province}）" if language == "zh" else f"{name} ({province})"
        return name


def _places() -> dict[str, Place]:
    """Every known place by its lower-cased Chinese and English names."""
    table: dict[str, Place] = {}
    for province_zh, province_en in REGIONS.items():
        place = Place(province_zh, province_en, province_zh, province_en)
        table[province_zh.lower()] = table[province_en.lower()] = place
    for province_zh, (province_en, cities) in _MORE_PLACES.items():
        region = Place(province_zh, province_en, province_zh, province_en)
        table.setdefault(province_zh.lower(), region)
        table.setdefault(province_en.lower(), region)
        for zh, en in cities:
            table[zh.lower()] = table[en.lower()] = Place(zh, en, province_zh, province_en)
    for city in CITIES.values():
        province_en = REGIONS.get(city.province_zh) or _MORE_PLACES.get(city.province_zh, (city.province_zh, ()))[0]
        place = Place(city.zh, city.en, city.province_zh, province_en)
        table[city.zh.lower()] = table[city.en.lower()] = place
    return table


_PLACES = _places()
#: Longest names first, so "Inner Mongolia" wins over a shorter name inside it.
_PLACE_PATTERN = re.compile("|".join(
    rf"\b{re.escape(n)}\b" if n.isascii() else re.escape(n) for n in sorted(_PLACES, key=len, reverse=True)), re.I)


def find_place(text: str) -> Place | None:
    """The first place a sentence names ("寄到乌鲁木齐多少运费" → 乌鲁木齐, 新疆), or None."""
    m = _PLACE_PATTERN.search(text or "")
    return _PLACES[m.group(0).lower()] if m else None


def _label_region(name: str, language: str) -> str:
    if language == "zh":
        return name
    return REGIONS.get(name) or _MORE_PLACES.get(name, (name, ()))[0]


@dataclass(frozen=True)
class ShippingQuote:
    """The shipping fee to one destination (or the general rule when it is unknown), with what is
    missing to ship free and, when a product is named, when it would arrive."""

    #: The destination as the customer gave it, when it could not be placed; None otherwise.
    unknown_destination: str | None
    place: Place | None
    remote: bool
    #: What the fee was computed on: the amount given, else the product's price; None: the rule only.
    amount_fen: int | None
    #: The fee for ``amount_fen`` (0: free), or the fee below the threshold when no amount is known.
    fee_fen: int
    threshold_fen: int
    #: How much more to buy to ship free; None when already free or no amount is known.
    short_fen: int | None
    sku: str | None
    product_en: str | None
    product_zh: str | None
    delivery: DeliveryEstimate | None
    #: The general rule, for unknown destinations: both tiers and the remote regions.
    base_fee_fen: int
    free_over_fen: int
    remote_fee_fen: int
    remote_free_over_fen: int
    remote_regions: tuple[str, ...]

    @property
    def free(self) -> bool:
        return self.amount_fen is not None and self.fee_fen == 0

    @property
    def known(self) -> bool:
        return self.place is not None

    def regions_text(self, language: str) -> str:
        return ("、" if language == "zh" else ", ").join(_label_region(r, language) for r in self.remote_regions)

    def card_title(self, language: str) -> str:
        return "运费" if language == "zh" else "Shipping fee"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines: list[str] = []
        if self.place is not None:
            where = self.place.label(language)
            lines.append(f"目的地：{where}" + ("，属偏远地区" if self.remote else "") if zh else
                         f"Destination: {where}" + (", a remote region" if self.remote else ""))
        elif self.unknown_destination:
            lines.append(f"目的地：{self.unknown_destination}（暂无该地区的运费信息）" if zh else
                         f"Destination: {self.unknown_destination} (not on our fee list)")
        if self.product_zh and self.product_en:
            name = self.product_zh if zh else self.product_en
            lines.append(f"商品：{name}" if zh else f"Item: {name}")
        if self.amount_fen is not None:
            lines.append(f"订单金额：{yuan(self.amount_fen)}" if zh else f"Order amount: {yuan(self.amount_fen)}")
        if self.place is None:
            lines.append(f"一般地区：运费 {yuan(self.base_fee_fen)}，满 {yuan(self.free_over_fen)} 包邮" if zh else
                         f"Most regions: {yuan(self.base_fee_fen)}, free from {yuan(self.free_over_fen)}")
            lines.append(f"偏远地区（{self.regions_text('zh')}）：运费 {yuan(self.remote_fee_fen)}，"
                         f"满 {yuan(self.remote_free_over_fen)} 包邮" if zh else
                         f"Remote regions ({self.regions_text('en')}): {yuan(self.remote_fee_fen)}, "
                         f"free from {yuan(self.remote_free_over_fen)}")
        elif self.amount_fen is None:
            lines.append(f"运费：{yuan(self.fee_fen)}，满 {yuan(self.threshold_fen)} 包邮" if zh else
                         f"Fee: {yuan(self.fee_fen)}, free from {yuan(self.threshold_fen)}")
        else:
            fee = ("包邮" if zh else "free") if self.free else yuan(self.fee_fen)
            lines.append(f"运费：{fee}" if zh else f"Fee: {fee}")
            if self.short_fen:
                lines.append(f"再买 {yuan(self.short_fen)} 即可包邮（满 {yuan(self.threshold_fen)}）" if zh else
                             f"Add {yuan(self.short_fen)} more to ship free (from {yuan(self.threshold_fen)})")
        if self.delivery is not None:
            d = self.delivery
            origin = d.ship_from if zh else _english_place(d.ship_from)
            days = f"{d.earliest_days}-{d.latest_days}"
            lines.append(f"从{origin}发货，预计 {days} 天送达" if zh else f"Ships from {origin}, arrives in {days} days")
            if not d.in_stock:
                lines.append("暂时缺货，补货后发出" if zh else "Out of stock: it ships once restocked")
        return tuple(lines)


def product_by_sku(s: Session, sku: str) -> Product:
    """One product by its SKU (any case), or ``NotFound`` in the customer's words."""
    key = clean_text(sku, max_chars=64).upper()
    product = s.scalar(select(Product).where(Product.sku == key)) if key else None
    if product is None:
        raise NotFound(f"No product {sku[:40]!r} in this store.", message_zh="没有找到该商品。")
    return product


def _english_place(name: str) -> str:
    place = _PLACES.get(name.lower())
    return place.name_en if place else name


class ShippingService:
    def __init__(self, db: Database, policy: Policy) -> None:
        self._db = db
        self._policy = policy

    def place(self, destination: str | None) -> Place | None:
        """The known place a destination names (a city or a province, in either language), or None."""
        if not destination or not destination.strip():
            return None
        key = _SUFFIXES.sub("", destination.strip()).strip().lower()
        return _PLACES.get(key) or find_place(destination)

    def is_remote(self, place: Place) -> bool:
        """Remote by the policy's region list: the place itself or its province is listed."""
        regions = self._policy.shipping.remote_regions
        return place.name_zh in regions or (place.province_zh or "") in regions

    def home_city(self, customer_code: str | None) -> str | None:
        """Where a signed-in customer lives: the natural destination when they name none."""
        if not customer_code:
            return None
        with self._db.session() as s:
            city = s.scalar(select(Customer.city).where(Customer.code == customer_code))
        return city or None

    def quote(self, destination: str | None, amount_fen: int | None = None, sku: str | None = None) -> ShippingQuote:
        """The fee to ``destination`` for an order of ``amount_fen`` (or the product's price)."""
        rules = self._policy.shipping
        if amount_fen is not None and amount_fen < 0:
            raise InvalidInput("The order amount cannot be negative.", message_zh="订单金额不能为负数。")
        destination = destination.strip() if destination and destination.strip() else None
        if destination is not None and len(destination) > 40:
            raise InvalidInput("Please give just the city or province.", message_zh="请只告诉我城市或省份名称。")
        place = self.place(destination)
        remote = place is not None and self.is_remote(place)
        product_en = product_zh = None
        delivery = None
        if sku:
            with self._db.session() as s:
                product = product_by_sku(s, sku)
                sku, product_en, product_zh = product.sku, product.name_en, product.name_zh
                price, ship_from, stock = product.price_fen, product.ship_from, product.stock
            if amount_fen is None:
                amount_fen = price
            delivery = estimate_delivery(ship_from, place.name_zh if place else None, in_stock=stock > 0)
        fee, threshold = (rules.remote_fee_fen, rules.remote_free_over_fen) if remote else \
            (rules.base_fee_fen, rules.free_over_fen)
        short = None
        if amount_fen is not None and place is not None:
            if amount_fen >= threshold:
                fee = 0
            else:
                short = threshold - amount_fen
        log.debug("shipping quote: known=%s remote=%s", place is not None, remote)
        return ShippingQuote(
            unknown_destination=destination if place is None else None, place=place, remote=remote,
            amount_fen=amount_fen, fee_fen=fee, threshold_fen=threshold, short_fen=short, sku=sku,
            product_en=product_en, product_zh=product_zh, delivery=delivery,
            base_fee_fen=rules.base_fee_fen, free_over_fen=rules.free_over_fen,
            remote_fee_fen=rules.remote_fee_fen, remote_free_over_fen=rules.remote_free_over_fen,
            remote_regions=tuple(sorted(rules.remote_regions, key=_region_order)))


def _region_order(name: str) -> tuple[int, str]:
    """The policy's regions in the order of the place table (west to east), not by code point."""
    order = list(_MORE_PLACES)
    return (order.index(name) if name in order else len(order), name)
