"""Recommendations from a customer's history, each with the signals that produced it.

A transparent linear score over a handful of named signals: simple enough to explain to the
customer ("why recommended") and to audit for fairness later, strong enough for a catalog of
hundreds of products. Weights are per-signal constants, not learned.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, attribute_label
from desktop_app.service.catalog import product_type
from desktop_app.service.convert import summary
from desktop_app.service.types import AttributeFilter, ProductSummary, Recommendation, Signal, yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import BrowsingEvent, Customer, Order, OrderItem, Product

log = logging.getLogger(__name__)

WEIGHTS = {"category": 0.35, "brand": 0.15, "co_purchase": 0.25, "attributes": 0.15, "price_fit": 0.05, "rating": 0.05}
PURCHASE_WEIGHT = 3.0
VIEW_WEIGHT = 1.0
#: Attribute keys too generic to say anything about taste.
_GENERIC_KEYS = frozenset({"size", "width_cm", "depth_cm", "height_cm", "weight_kg", "volume_ml"})


# -- recommendations for a request ---------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """Words in a product's own name or description that say whom or what it suits."""

    key: str
    words: tuple[str, ...]
    en: str
    zh: str

    def found_in(self, p: Product) -> bool:
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

    def rules_out(self, p: Product) -> bool:
        if any(CUES[c].found_in(p) for c in self.avoid_cues):
            return True
        return any(product_type(t).matches(summary(p)) for t in self.avoid_types)


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


@dataclass(frozen=True)
class RecommendationRequest:
    """What the shopper asked for. Every field narrows the candidates; history only ranks within them."""

    categories: tuple[str, ...] = ()
    product_type: str | None = None
    audience: str | None = None
    occasion: str | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    brands: tuple[str, ...] = ()
    #: "score" (best fit first), "price" (cheapest first) or "rating".
    order: str = "score"

    @property
    def asked(self) -> bool:
        return bool(self.categories or self.product_type or self.audience or self.occasion or self.attributes
                    or self.brands or self.min_price_fen is not None or self.max_price_fen is not None)

    @property
    def is_gift(self) -> bool:
        return self.audience is not None or self.occasion == "gift"


@dataclass(frozen=True)
class RecommendationList:
    """Recommendations for one request, and how well they fit it.

    ``relaxed`` names the conditions dropped to find the nearest alternatives when nothing fitted
    them all ("budget", "features", "brand", "type", "occasion"); empty means every item fits every
    condition. ``sold_out`` are products that fit but cannot be bought now (never in ``items``).
    """

    request: RecommendationRequest
    items: tuple[Recommendation, ...]
    relaxed: tuple[str, ...] = ()
    sold_out: tuple[ProductSummary, ...] = ()
    #: How many in-stock products fitted every condition.
    matched: int = 0

    @property
    def exact(self) -> bool:
        return bool(self.items) and not self.relaxed


@dataclass(frozen=True)
class RecommendationExplanation:
    """Why one product was recommended: its signals with their weights, as shown to the customer
    (a ``FactCard``). Built from the recommendation itself, so the answer cannot drift from the ranking."""

    recommendation: Recommendation

    def shares(self) -> tuple[tuple[Signal, float], ...]:
        total = sum(s.weight for s in self.recommendation.signals) or 1.0
        return tuple((s, s.weight / total) for s in self.recommendation.signals)

    def card_title(self, language: str) -> str:
        name = self.recommendation.product.name(language)
        return f"推荐「{name}」的理由" if language == "zh" else f"Why we recommended the {name}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        return tuple(f"{s.detail_zh if language == 'zh' else s.detail_en}（占 {share:.0%}）" if language == "zh"
                     else f"{s.detail_en} ({share:.0%} of the score)" for s, share in self.shares())


#: Request signals: why an item is on the list at all; weights keep them ahead of taste.
REQUEST_WEIGHTS = {"request_type": 0.4, "request_category": 0.3, "budget": 0.3, "audience_cue": 0.35,
                   "audience_category": 0.1, "occasion": 0.3, "price_band": 0.1, "rating": 0.1, "in_stock": 0.01}
#: Conditions dropped, in this order, when nothing fits them all.
RELAX_ORDER = ("budget", "features", "brand", "type", "occasion")


def _band_text(category: str, band: tuple[int, int], kind: str) -> tuple[str, str]:
    label = CATEGORIES[category]
    if kind == "low":
        return (f"in the more affordable half of our {label.en.lower()} (up to {yuan(band[1])})",
                f"在本店{label.zh}里属于实惠的一半（{yuan(band[1])} 以内）")
    return (f"mid-range for our {label.en.lower()} ({yuan(band[0])}–{yuan(band[1])})",
            f"在本店{label.zh}里属中等价位（{yuan(band[0])}–{yuan(band[1])}）")


@dataclass
class _Profile:
    #: Interest weights (purchases and views); a key never seen is absent, read it with ``.get(key, 0.0)``.
    categories: dict[str, float]
    brands: dict[str, float]
    attributes: dict[tuple[str, str], float]
    owned: set[int]
    seen: set[int]
    typical_price: float | None


class RecommendationService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def for_customer(self, customer_code: str, limit: int = 5) -> tuple[Recommendation, ...]:
        with self._db.session() as s:
            customer = s.scalar(select(Customer).where(Customer.code == customer_code))
            if customer is None:
                raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
            profile = self._profile(s, customer.id)
            co_bought = self._co_purchases(s, customer.id, profile.owned)
            candidates = s.scalars(select(Product).where(Product.stock > 0)).all()
            scored = [
                rec for p in candidates if p.id not in profile.owned
                if (rec := self._score(p, profile, co_bought)) is not None
            ]
        scored.sort(key=lambda r: (-r.score, r.product.product_id))
        return tuple(scored[:limit])

    def recommend(self, request: RecommendationRequest, *, customer_code: str | None = None,
                  limit: int = 5) -> RecommendationList:
        """Products that fit what was asked, best first, each with the reasons that put it there.

        Every condition of the request filters; the customer's history (when signed in) only ranks
        within what fits. Sold-out products never make the list. When nothing fits, conditions
        are dropped one at a time (budget first) and the list says which, so the reply can be honest.
        """
        self._validate(request, limit)
        with self._db.session() as s:
            profile: _Profile | None = None
            co_bought: dict[int, set[int]] = {}
            if customer_code:
                customer = s.scalar(select(Customer).where(Customer.code == customer_code))
                if customer is None:
                    raise NotFound("Unknown customer.", message_zh="未找到该顾客。")
                profile = self._profile(s, customer.id)
                co_bought = self._co_purchases(s, customer.id, profile.owned)
            products = s.scalars(select(Product).order_by(Product.id)).all()
            bands = _price_bands(products)
            owned = profile.owned if profile is not None and not request.is_gift else set()
            # A clearance item cannot be returned without reason: a poor gift.
            pool = [p for p in products if p.id not in owned and not (request.is_gift and p.final_sale)]
            active = {c for c in RELAX_ORDER if _uses(request, c)}
            fitting = [p for p in pool if _fits(p, request, active)]
            sold_out = tuple(summary(p) for p in fitting if p.stock <= 0)
            in_stock = [p for p in fitting if p.stock > 0]
            matched = len(in_stock)
            relaxed: list[str] = []
            for condition in RELAX_ORDER:
                if in_stock:
                    break
                if condition in active:
                    active.discard(condition)
                    relaxed.append(condition)
                    in_stock = [p for p in pool if p.stock > 0 and _fits(p, request, active)]
            recs = {p.id: self._for_request(p, request, active, profile, co_bought, bands) for p in in_stock}
            ranked = sorted(in_stock, key=lambda p: _order_key(p, recs[p.id], request, relaxed))
            if request.order == "score" and not request.categories and not request.product_type:
                ranked = _spread(ranked, limit)
            items = tuple(recs[p.id] for p in ranked[:limit])
        log.debug("recommendation request matched %d products (relaxed: %s)", matched, ",".join(relaxed) or "-")
        return RecommendationList(request=request, items=items, relaxed=tuple(relaxed), sold_out=sold_out,
                                  matched=matched)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _validate(r: RecommendationRequest, limit: int) -> None:
        if not 1 <= limit <= 20:
            raise InvalidInput("Ask for 1 to 20 recommendations.", message_zh="推荐数量应为 1 到 20 件。")
        for category in r.categories:
            if category not in CATEGORIES:
                raise InvalidInput(f"Unknown category {category!r}.", message_zh=f"未知的商品类目：{category}")
        if r.product_type is not None:
            try:
                product_type(r.product_type)
            except KeyError:
                raise InvalidInput(f"Unknown product type {r.product_type!r}.", message_zh="未知的商品类型。") from None
        if r.audience is not None and r.audience not in AUDIENCES:
            raise InvalidInput(f"Unknown recipient {r.audience!r}.", message_zh="未知的送礼对象。")
        if r.occasion is not None and r.occasion not in OCCASIONS:
            raise InvalidInput(f"Unknown occasion {r.occasion!r}.", message_zh="未知的使用场合。")
        for f in r.attributes:
            if f.key not in ATTRIBUTES:
                raise InvalidInput(f"Unknown attribute {f.key!r}.", message_zh=f"未知的筛选条件：{f.key}")
        for value in (r.min_price_fen, r.max_price_fen):
            if value is not None and value < 0:
                raise InvalidInput("Prices cannot be negative.", message_zh="价格不能为负数。")
        if r.min_price_fen is not None and r.max_price_fen is not None and r.min_price_fen > r.max_price_fen:
            raise InvalidInput("The minimum price is above the maximum.", message_zh="最低价高于最高价。")
        if r.order not in ("score", "price", "rating"):
            raise InvalidInput(f"Unknown order {r.order!r}.", message_zh="未知的排序方式。")

    def _for_request(self, p: Product, r: RecommendationRequest, active: set[str], prof: _Profile | None,
                     co_bought: dict[int, set[int]], bands: dict[str, tuple[int, int, int]]) -> Recommendation:
        """The reasons ``p`` fits the request, then the customer's taste; each reason is a fact of the store."""
        w = REQUEST_WEIGHTS
        signals: list[Signal] = []
        cat = CATEGORIES[p.category]
        if r.product_type and "type" in active:
            t = product_type(r.product_type)
            signals.append(Signal("request_type", w["request_type"], f"a {t.en}, as you asked", f"是您要的{t.zh}"))
        elif p.category in r.categories:
            signals.append(Signal("request_category", w["request_category"],
                                  f"{cat.en.lower()}, as you asked", f"属于您要的{cat.zh}"))
        if "budget" in active:
            lo, hi, price = r.min_price_fen, r.max_price_fen, yuan(p.price_fen)
            if lo is not None and hi is not None:
                span = f"{yuan(lo)}–{yuan(hi)}"
                en, zh = f"{price}, within your budget of {span}", f"{price}，在您 {span} 的预算内"
            elif hi is not None:
                en, zh = f"{price}, within your budget of {yuan(hi)}", f"{price}，在您 {yuan(hi)} 的预算内"
            else:
                en, zh = f"{price}, above {yuan(lo or 0)} as you asked", f"{price}，在您要的 {yuan(lo or 0)} 以上"
            signals.append(Signal("budget", w["budget"], en, zh))
        if r.audience:
            a = AUDIENCES[r.audience]
            cue = next((CUES[c] for c in a.cues if CUES[c].found_in(p)), None)
            if cue is not None:
                signals.append(Signal("audience_cue", w["audience_cue"], f"{cue.en}, a good fit for {a.en}",
                                      f"{cue.zh}，适合送{a.zh}"))
            elif p.category in a.categories:
                signals.append(Signal("audience_category", w["audience_category"],
                                      f"a category we suggest for {a.en} ({cat.en.lower()})",
                                      f"{cat.zh}是适合送{a.zh}的品类"))
            if r.min_price_fen is None and r.max_price_fen is None and p.category in bands:
                lo_q, median, hi_q = bands[p.category]
                band = (0, median) if a.price_band == "low" else (lo_q, hi_q)
                if band[0] <= p.price_fen <= band[1]:
                    en, zh = _band_text(p.category, band, a.price_band)
                    signals.append(Signal("price_band", w["price_band"], en, zh))
        if r.occasion and "occasion" in active:
            o = OCCASIONS[r.occasion]
            cue = next((CUES[c] for c in o.cues if CUES[c].found_in(p)), None)
            flags = [k for k in o.attributes if any(x.key == k and x.value == "true" for x in p.attributes)]
            if cue is not None:
                signals.append(Signal("occasion", w["occasion"], cue.en, cue.zh))
            elif o.core == p.category:
                signals.append(Signal("occasion", w["occasion"], f"{cat.en.lower()}, made for {o.en}",
                                      f"{cat.zh}，适合{o.zh}"))
            elif flags:
                label_en = ", ".join(attribute_label(k, "true", "en") for k in flags)
                label_zh = "、".join(attribute_label(k, "true", "zh") for k in flags)
                signals.append(Signal("occasion", w["occasion"] * 0.7, f"{label_en}, handy for {o.en}",
                                      f"{label_zh}，{o.zh}用得上"))
        if p.rating >= 4.5:
            signals.append(Signal("rating", round(w["rating"] * min(1.0, p.rating - 4.0), 4),
                                  f"highly rated ({p.rating:.1f}★ from {p.rating_count:,} reviews)",
                                  f"好评率高（{p.rating:.1f} 分，{p.rating_count} 条评价）"))
        if p.stock > 0:
            en, zh = ("in stock", "有货") if p.stock >= 10 else (f"in stock, only {p.stock} left", f"有货，仅剩 {p.stock} 件")
            signals.append(Signal("in_stock", w["in_stock"], en, zh))
        if prof is not None:
            signals += self._taste(p, prof, co_bought)
            if prof.typical_price and 0.5 <= p.price_fen / prof.typical_price <= 1.5:
                signals.append(Signal("price_fit", WEIGHTS["price_fit"], "in your usual price range", "在您常买的价格区间内"))
            if p.id in prof.seen:
                signals.append(Signal("viewed", 0.02, "you looked at it recently", "您最近浏览过"))
        signals.sort(key=lambda sig: -sig.weight)
        return Recommendation(product=summary(p), score=round(sum(sig.weight for sig in signals), 4),
                              signals=tuple(signals))

    def _profile(self, s: Session, customer_id: int) -> _Profile:
        categories: dict[str, float] = {}
        brands: dict[str, float] = {}
        attributes: dict[tuple[str, str], float] = {}
        owned: set[int] = set()
        seen: set[int] = set()
        prices: list[int] = []

        def note(p: Product, weight: float) -> None:
            categories[p.category] = categories.get(p.category, 0.0) + weight
            brands[p.brand] = brands.get(p.brand, 0.0) + weight
            for a in p.attributes:
                if a.key not in _GENERIC_KEYS:
                    attributes[(a.key, a.value)] = attributes.get((a.key, a.value), 0.0) + weight

        bought = s.scalars(
            select(Product).join(OrderItem, OrderItem.product_id == Product.id)
            .join(Order, Order.id == OrderItem.order_id).where(Order.customer_id == customer_id)
        ).all()
        for p in bought:
            owned.add(p.id)
            prices.append(p.price_fen)
            note(p, PURCHASE_WEIGHT)
        views = s.execute(
            select(Product, BrowsingEvent.dwell_seconds).join(BrowsingEvent, BrowsingEvent.product_id == Product.id)
            .where(BrowsingEvent.customer_id == customer_id)
        ).all()
        for p, dwell in views:
            seen.add(p.id)
            prices.append(p.price_fen)
            note(p, VIEW_WEIGHT * min(2.0, 0.5 + dwell / 60))
        prices.sort()
        typical = float(prices[len(prices) // 2]) if prices else None
        return _Profile(categories, brands, attributes, owned, seen, typical)

    @staticmethod
    def _co_purchases(s: Session, customer_id: int, owned: set[int]) -> dict[int, set[int]]:
        """product → the customer's own products it was bought together with (by other customers)."""
        if not owned:
            return {}
        rows = s.execute(
            select(OrderItem.order_id, OrderItem.product_id, Order.customer_id)
            .join(Order, Order.id == OrderItem.order_id)
        ).all()
        baskets: dict[int, set[int]] = defaultdict(set)
        for order_id, product_id, buyer in rows:
            if buyer != customer_id:
                baskets[order_id].add(product_id)
        together: dict[int, set[int]] = defaultdict(set)
        for basket in baskets.values():
            mine = basket & owned
            for other in basket - owned:
                together[other] |= mine
        return together

    @staticmethod
    def _taste(p: Product, prof: _Profile, co_bought: dict[int, set[int]]) -> list[Signal]:
        """What in the customer's own history points at ``p``: categories, brands, baskets, attributes."""
        signals: list[Signal] = []
        total_cat = sum(prof.categories.values()) or 1.0
        if prof.categories.get(p.category, 0.0):
            share = prof.categories[p.category] / total_cat
            en, zh = CATEGORIES[p.category].en, CATEGORIES[p.category].zh
            signals.append(Signal("category", WEIGHTS["category"] * share,
                                  f"you often buy or browse {en.lower()}", f"您常购买或浏览{zh}"))
        if prof.brands.get(p.brand, 0.0):
            share = min(1.0, prof.brands[p.brand] / total_cat * 2)
            signals.append(Signal("brand", WEIGHTS["brand"] * share,
                                  f"you like the brand {p.brand}", f"您喜欢 {p.brand} 品牌"))
        partners = co_bought.get(p.id)
        if partners:
            signals.append(Signal("co_purchase", WEIGHTS["co_purchase"] * min(1.0, len(partners) / 2),
                                  "often bought together with items you own", "其他顾客常与您已购商品一起购买"))
        shared = [(a.key, a.value) for a in p.attributes if prof.attributes.get((a.key, a.value), 0.0) >= 2]
        if shared:
            shared.sort(key=lambda kv: -prof.attributes[kv])
            top = shared[:2]
            signals.append(Signal("attributes", WEIGHTS["attributes"] * min(1.0, len(shared) / 3),
                                  "matches what you look for: " + ", ".join(attribute_label(k, v, "en") for k, v in top),
                                  "符合您的偏好：" + "、".join(attribute_label(k, v, "zh") for k, v in top)))
        return signals

    def _score(self, p: Product, prof: _Profile, co_bought: dict[int, set[int]]) -> Recommendation | None:
        signals = self._taste(p, prof, co_bought)
        if not signals:
            return None  # nothing personal to say: no recommendation beats a random one
        if prof.typical_price:
            ratio = p.price_fen / prof.typical_price
            if 0.5 <= ratio <= 1.5:
                signals.append(Signal("price_fit", WEIGHTS["price_fit"],
                                      "in your usual price range", "在您常买的价格区间内"))
        if p.rating >= 4.5:
            signals.append(Signal("rating", WEIGHTS["rating"] * (p.rating - 4.0),
                                  f"highly rated ({p.rating:.1f}★)", f"好评率高（{p.rating:.1f}分）"))
        if p.id in prof.seen:
            signals.append(Signal("viewed", 0.02, "you looked at it recently", "您最近浏览过"))
        signals.sort(key=lambda sig: -sig.weight)
        score = round(sum(sig.weight for sig in signals), 4)
        return Recommendation(product=summary(p), score=score, signals=tuple(signals))


def _uses(r: RecommendationRequest, condition: str) -> bool:
    """Whether the request states a condition that :data:`RELAX_ORDER` may drop."""
    return {
        "budget": r.min_price_fen is not None or r.max_price_fen is not None,
        "features": bool(r.attributes),
        "brand": bool(r.brands),
        "type": r.product_type is not None,
        "occasion": r.occasion is not None and r.occasion != "gift",
    }[condition]


def _has(p: Product, f: AttributeFilter) -> bool:
    for a in p.attributes:
        if a.key != f.key:
            continue
        if f.value is not None and a.value != f.value:
            continue
        if f.min_value is not None and (a.value_num is None or a.value_num < f.min_value):
            continue
        if f.max_value is not None and (a.value_num is None or a.value_num > f.max_value):
            continue
        return True
    return False


def _fits(p: Product, r: RecommendationRequest, active: set[str]) -> bool:
    """Whether ``p`` meets every condition of ``r`` that is still ``active`` (categories always hold)."""
    t = product_type(r.product_type) if r.product_type else None
    categories = r.categories or (t.categories if t else ())
    if categories and p.category not in categories:
        return False
    if t is not None and "type" in active and not t.matches(summary(p)):
        return False
    if r.audience:
        audience = AUDIENCES[r.audience]
        if audience.rules_out(p) or (not categories and p.category not in audience.categories):
            return False
    if "occasion" in active and r.occasion and not categories:
        o = OCCASIONS[r.occasion]
        if p.category not in o.categories:
            return False
        if p.category != o.core and not (any(CUES[c].found_in(p) for c in o.cues)
                                         or any(_has(p, AttributeFilter(k, "true")) for k in o.attributes)):
            return False
    if "budget" in active:
        if r.min_price_fen is not None and p.price_fen < r.min_price_fen:
            return False
        if r.max_price_fen is not None and p.price_fen > r.max_price_fen:
            return False
    if "features" in active and not all(_has(p, f) for f in r.attributes):
        return False
    return not ("brand" in active and r.brands and p.brand not in r.brands)


def _price_bands(products: Sequence[Product]) -> dict[str, tuple[int, int, int]]:
    """Per category, the lower quartile, median and upper quartile of in-stock prices."""
    prices: dict[str, list[int]] = defaultdict(list)
    for p in products:
        if p.stock > 0:
            prices[p.category].append(p.price_fen)
    bands = {}
    for category, values in prices.items():
        values.sort()
        n = len(values)
        bands[category] = (values[n // 4], values[n // 2], values[min(n - 1, (3 * n) // 4)])
    return bands


def _order_key(p: Product, rec: Recommendation, r: RecommendationRequest, relaxed: list[str]) -> tuple[float, ...]:
    if r.order == "price":
        return (p.price_fen, -rec.score, p.id)
    if r.order == "rating":
        return (-p.rating, -rec.score, p.id)
    if "budget" in relaxed:  # the nearest alternative is the one closest to the budget
        lo, hi = r.min_price_fen, r.max_price_fen
        gap = (lo - p.price_fen) if lo is not None and p.price_fen < lo else (
            p.price_fen - hi if hi is not None and p.price_fen > hi else 0)
        return (gap, -rec.score, p.id)
    return (-rec.score, -p.rating, p.id)


def _spread(ranked: list[Product], limit: int) -> list[Product]:
    """Best first, but no category takes more than half the list while others fit too."""
    cap = max(1, limit // 2)
    chosen: list[Product] = []
    counts: dict[str, int] = defaultdict(int)
    for p in ranked:
        if counts[p.category] < cap:
            chosen.append(p)
            counts[p.category] += 1
    return chosen + [p for p in ranked if p not in chosen]
