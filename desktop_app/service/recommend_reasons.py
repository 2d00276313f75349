"""The reasons behind each recommendation: the request's conditions, then the customer's own taste.

Split from ``recommend`` because turning a product and a profile into weighted, worded signals is
pure logic: the service reads the store, these functions say why. Every reason is a fact of the
store (its price, its words, the customer's purchases), never an invented one.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.vocabulary import CATEGORIES, attribute_label
from desktop_app.service.product_types import product_type
from desktop_app.service.recommend_candidates import Candidate
from desktop_app.service.recommend_cues import AUDIENCES, CUES, OCCASIONS
from desktop_app.service.recommend_types import RecommendationRequest
from desktop_app.service.types import Recommendation, Signal, yuan

#: Taste signals from the customer's own history, and how much a purchase or a view counts towards them.
WEIGHTS = {"category": 0.35, "brand": 0.15, "co_purchase": 0.25, "attributes": 0.15, "price_fit": 0.05, "rating": 0.05}
PURCHASE_WEIGHT = 3.0
VIEW_WEIGHT = 1.0
#: Request signals: why an item is on the list at all; weights keep them ahead of taste.
REQUEST_WEIGHTS = {"request_type": 0.4, "request_category": 0.3, "budget": 0.3, "audience_cue": 0.35,
                   "audience_category": 0.1, "occasion": 0.3, "price_band": 0.1, "rating": 0.1, "in_stock": 0.01}


def _band_text(category: str, band: tuple[int, int], kind: str) -> tuple[str, str]:
    label = CATEGORIES[category]
    if kind == "low":
        return (f"in the more affordable half of our {label.en.lower()} (up to {yuan(band[1])})",
                f"在本店{label.zh}里属于实惠的一半（{yuan(band[1])} 以内）")
    return (f"mid-range for our {label.en.lower()} ({yuan(band[0])}–{yuan(band[1])})",
            f"在本店{label.zh}里属中等价位（{yuan(band[0])}–{yuan(band[1])}）")


@dataclass
class Profile:
    """What a customer's purchases and views say about their taste."""

    #: Interest weights (purchases and views); a key never seen is absent, read it with ``.get(key, 0.0)``.
    categories: dict[str, float]
    brands: dict[str, float]
    attributes: dict[tuple[str, str], float]
    owned: set[int]
    seen: set[int]
    typical_price: float | None


def request_signals(p: Candidate, r: RecommendationRequest, active: set[str], prof: Profile | None,
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
        signals += taste_signals(p, prof, co_bought)
        if prof.typical_price and 0.5 <= p.price_fen / prof.typical_price <= 1.5:
            signals.append(Signal("price_fit", WEIGHTS["price_fit"], "in your usual price range", "在您常买的价格区间内"))
        if p.id in prof.seen:
            signals.append(Signal("viewed", 0.02, "you looked at it recently", "您最近浏览过"))
    signals.sort(key=lambda sig: -sig.weight)
    return Recommendation(product=p.summary(), score=round(sum(sig.weight for sig in signals), 4),
                          signals=tuple(signals))


def taste_signals(p: Candidate, prof: Profile, co_bought: dict[int, set[int]]) -> list[Signal]:
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


def personal_recommendation(p: Candidate, prof: Profile, co_bought: dict[int, set[int]]) -> Recommendation | None:
    """A recommendation of ``p`` from the customer's own history alone, or None when it says nothing about ``p``."""
    signals = taste_signals(p, prof, co_bought)
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
    return Recommendation(product=p.summary(), score=score, signals=tuple(signals))
