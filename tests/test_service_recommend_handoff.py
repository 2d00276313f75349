from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.service.types import ComplaintTopic, Priority
from desktop_app.store.schema import Customer, Order, OrderItem


def _owned(app, code):
    with app.db.session() as s:
        return set(s.scalars(select(OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
                             .join(Customer, Customer.id == Order.customer_id).where(Customer.code == code)).all())


def test_recommendations_come_with_reasons_and_skip_owned_items(app):
    recs = app.recommendations.for_customer("C001", limit=5)
    assert 1 <= len(recs) <= 5
    owned = _owned(app, "C001")
    for r in recs:
        assert r.product.product_id not in owned
        assert r.product.stock > 0
        assert r.signals and r.score == pytest.approx(sum(s.weight for s in r.signals), abs=1e-3)
        assert r.why("en") and r.why("zh")
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_recommendations_follow_each_customers_interests(app):
    """Different histories give different lists, and the top pick's category is one the customer used."""
    with app.db.session() as s:
        codes = s.scalars(select(Customer.code).order_by(Customer.code)).all()
    tops = {}
    for code in codes:
        recs = app.recommendations.for_customer(code, limit=3)
        if recs:
            tops[code] = tuple(r.product.sku for r in recs)
            assert any(sig.name == "category" for sig in recs[0].signals) or any(
                sig.name == "co_purchase" for sig in recs[0].signals)
    assert len(tops) == len(codes)  # every demo customer has a history to go on
    assert len(set(tops.values())) >= len(tops) // 2


def test_unknown_customer(app):
    with pytest.raises(NotFound):
        app.recommendations.for_customer("C999")


def test_handoff_queue_orders_by_priority_then_age(app):
    low = app.handoff.open_ticket(reason="customer_request", priority=Priority.LOW, summary="wants a person")
    urgent = app.handoff.open_ticket(reason="angry", priority=Priority.URGENT, summary="parcel lost, very upset")
    normal = app.handoff.open_ticket(reason="repeated_failure", priority=Priority.NORMAL)
    queue = app.handoff.queue()
    ids = [t.ticket_id for t in queue]
    assert ids.index(urgent.ticket_id) < ids.index(normal.ticket_id) < ids.index(low.ticket_id)
    assert urgent.queue_position == 1
    app.handoff.close_ticket(urgent.ticket_id)
    assert urgent.ticket_id not in [t.ticket_id for t in app.handoff.queue()]


def test_handoff_refuses_unknown_reason_and_order(app):
    with pytest.raises(InvalidInput):
        app.handoff.open_ticket(reason="boredom", priority=Priority.LOW)
    with pytest.raises(NotFound):
        app.handoff.open_ticket(reason="angry", priority=Priority.HIGH, order_number="0000000000000000")


def test_complaints_are_counted_by_topic(app):
    before = app.handoff.complaint_topics().get("delivery_delay", 0)
    app.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="还没到，等了一周了", customer_code="C001")
    app.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="x" * 10_000)
    assert app.handoff.complaint_topics()["delivery_delay"] == before + 2


# -- recommendations for a request ---------------------------------------------------------------

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES  # noqa: E402
from desktop_app.service.catalog import product_type  # noqa: E402
from desktop_app.service.recommend import (  # noqa: E402
    AUDIENCES,
    CUES,
    OCCASIONS,
    RecommendationExplanation,
    RecommendationRequest,
    audience_in,
    occasion_in,
)
from desktop_app.service.types import AttributeFilter, yuan  # noqa: E402
from desktop_app.store.schema import BrowsingEvent, Product  # noqa: E402

REQUESTS = [
    RecommendationRequest(product_type="cleanser"),
    RecommendationRequest(product_type="tent", max_price_fen=100_000),
    RecommendationRequest(product_type="tent", attributes=(AttributeFilter("capacity_persons", min_value=4),),
                          max_price_fen=100_000),
    RecommendationRequest(categories=("phone",), max_price_fen=80_000, min_price_fen=50_000),
    RecommendationRequest(categories=("phone",), attributes=(AttributeFilter("nfc", "true"),)),
    RecommendationRequest(categories=("smartwatch",), audience="kid"),
    RecommendationRequest(categories=("apparel",), occasion="office"),
    RecommendationRequest(occasion="camping"),
    RecommendationRequest(occasion="sport"),
    RecommendationRequest(occasion="winter", max_price_fen=50_000),
    RecommendationRequest(occasion="gift"),
    RecommendationRequest(brands=("Arkeo",), categories=("phone",), max_price_fen=50_000),
    RecommendationRequest(),
    *[RecommendationRequest(audience=key) for key in AUDIENCES],
    *[RecommendationRequest(audience=key, max_price_fen=60_000) for key in AUDIENCES],
]


def _text(p):
    return f"{p.name_en} {p.description_en}".lower(), f"{p.name_zh}{p.description_zh}"


def _cue_in(cue, p):
    en, zh = _text(p)
    return any((w in en) if w.isascii() else (w in zh) for w in cue.words)


def _history(app, code):
    """The customer's own purchases and views, read straight from the store."""
    with app.db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.code == code))
        bought = s.scalars(select(Product).join(OrderItem, OrderItem.product_id == Product.id)
                           .join(Order, Order.id == OrderItem.order_id).where(Order.customer_id == customer.id)).all()
        viewed = s.scalars(select(Product).join(BrowsingEvent, BrowsingEvent.product_id == Product.id)
                           .where(BrowsingEvent.customer_id == customer.id)).all()
        s.expunge_all()
        return list(bought), list(viewed)


def _check_reason(app, sig, p, request, code):
    """One stated reason against the store's own data; returns a description of what is wrong, or None."""
    if sig.name == "request_type":
        t = product_type(request.product_type)
        from desktop_app.service.convert import summary
        return None if t.matches(summary(p)) and t.zh in sig.detail_zh else "not of the type asked"
    if sig.name == "request_category":
        return None if p.category in request.categories and CATEGORIES[p.category].zh in sig.detail_zh else "category"
    if sig.name == "budget":
        lo, hi = request.min_price_fen, request.max_price_fen
        ok = (lo is None or p.price_fen >= lo) and (hi is None or p.price_fen <= hi)
        ok = ok and yuan(p.price_fen) in sig.detail_en
        return None if ok and (hi is None or yuan(hi) in sig.detail_zh) else f"price {p.price_fen} vs budget {lo}-{hi}"
    if sig.name == "audience_cue":
        a = AUDIENCES[request.audience]
        cues = [CUES[c] for c in a.cues if CUES[c].zh in sig.detail_zh]
        return None if cues and _cue_in(cues[0], p) and a.zh in sig.detail_zh else "cue not in the product's words"
    if sig.name == "audience_category":
        a = AUDIENCES[request.audience]
        return None if p.category in a.categories and CATEGORIES[p.category].zh in sig.detail_zh else "category"
    if sig.name == "price_band":
        with app.db.session() as s:
            prices = sorted(s.scalars(select(Product.price_fen).where(Product.category == p.category,
                                                                      Product.stock > 0)).all())
        n = len(prices)
        lo, mid, hi = prices[n // 4], prices[n // 2], prices[min(n - 1, 3 * n // 4)]
        band = (0, mid) if AUDIENCES[request.audience].price_band == "low" else (lo, hi)
        return None if band[0] <= p.price_fen <= band[1] and yuan(band[1]) in sig.detail_zh else "price band"
    if sig.name == "occasion":
        o = OCCASIONS[request.occasion]
        cue_ok = any(_cue_in(CUES[c], p) and CUES[c].zh == sig.detail_zh for c in o.cues)
        core_ok = o.core == p.category and CATEGORIES[p.category].zh in sig.detail_zh
        flags = {a.key for a in p.attributes if a.value == "true"}
        flag_ok = any(k in flags and ATTRIBUTES[k].zh in sig.detail_zh for k in o.attributes)
        return None if cue_ok or core_ok or flag_ok else "occasion"
    if sig.name == "rating":
        ok = p.rating >= 4.5 and f"{p.rating:.1f}" in sig.detail_en and str(p.rating_count) in sig.detail_zh
        return None if ok else f"rating {p.rating}"
    if sig.name == "in_stock":
        ok = p.stock > 0 and (p.stock >= 10 or f"{p.stock}" in sig.detail_zh)
        return None if ok else f"stock {p.stock}"
    bought, viewed = _history(app, code)
    seen = bought + viewed
    if sig.name == "category":
        return None if any(x.category == p.category for x in seen) else "category never bought or viewed"
    if sig.name == "brand":
        return None if any(x.brand == p.brand for x in seen) else "brand never bought or viewed"
    if sig.name == "viewed":
        return None if any(x.id == p.id for x in viewed) else "never viewed"
    if sig.name == "price_fit":
        prices = sorted(x.price_fen for x in seen)
        typical = prices[len(prices) // 2]
        return None if 0.5 <= p.price_fen / typical <= 1.5 else "price not typical"
    if sig.name == "attributes":
        values = {(a.key, a.value) for a in p.attributes}
        history = {(a.key, a.value) for x in seen for a in x.attributes}
        return None if values & history else "attributes not shared"
    if sig.name == "co_purchase":
        owned = {x.id for x in bought}
        with app.db.session() as s:
            customer_id = s.scalar(select(Customer.id).where(Customer.code == code))
            baskets = s.scalars(select(Order).where(Order.customer_id != customer_id)).all()
            together = any(p.id in {i.product_id for i in o.items} and owned & {i.product_id for i in o.items}
                           for o in baskets)
        return None if together else "never bought together by anyone"
    return f"unknown reason {sig.name}"


@pytest.mark.parametrize("code", [None, "C001", "C011"])
def test_every_stated_reason_is_true_of_the_store(app, code):
    checked = 0
    for request in REQUESTS:
        result = app.recommendations.recommend(request, customer_code=code, limit=5)
        for rec in result.items:
            with app.db.session() as s:
                p = s.scalar(select(Product).where(Product.sku == rec.product.sku))
                assert p is not None and p.stock > 0, "a sold-out product was recommended"
                if request.is_gift:
                    assert not p.final_sale, "a clearance item offered as a gift"
                assert rec.score == pytest.approx(sum(sig.weight for sig in rec.signals), abs=1e-3)
                for sig in rec.signals:
                    problem = _check_reason(app, sig, p, request, code)
                    assert problem is None, f"{request} → {p.sku}: '{sig.detail_en}' is false ({problem})"
                    checked += 1
    assert checked > 200


def test_request_conditions_filter_and_history_only_ranks_within_them(app):
    result = app.recommendations.recommend(RecommendationRequest(product_type="cleanser"), customer_code="C001")
    assert result.items and result.exact
    assert {r.product.sku for r in result.items} == {"SKN-QY-CLN", "SKN-SY-CL01"}
    phones = app.recommendations.recommend(RecommendationRequest(categories=("phone",), max_price_fen=60_000),
                                           customer_code="C001", limit=20)
    assert phones.items and all(r.product.category == "phone" and r.product.price_fen <= 60_000 for r in phones.items)
    assert [r.score for r in phones.items] == sorted((r.score for r in phones.items), reverse=True)


def test_recipients_get_what_suits_them(app):
    dad = app.recommendations.recommend(RecommendationRequest(audience="dad"))
    assert dad.items[0].product.sku == "PHN-NVX-SR1"  # its description says it is made for parents
    assert all("女士" not in r.product.name_zh and "儿童" not in r.product.name_zh for r in dad.items)
    kid = app.recommendations.recommend(RecommendationRequest(audience="kid"))
    assert kid.items[0].product.sku == "WAT-LUM-KID"
    assert {r.product.category for r in kid.items} <= set(AUDIENCES["kid"].categories)
    girlfriend = app.recommendations.recommend(RecommendationRequest(audience="partner_f"))
    assert girlfriend.items[0].product.sku == "WAT-QL-L1"
    gift = app.recommendations.recommend(RecommendationRequest(audience="friend"), limit=4)
    assert len({r.product.category for r in gift.items}) >= 2  # no one category fills a list nobody narrowed


def test_sold_out_matches_are_never_listed_but_reported(app):
    result = app.recommendations.recommend(RecommendationRequest(categories=("phone",), min_price_fen=75_000,
                                                                 max_price_fen=76_000))
    assert [p.sku for p in result.sold_out] == ["PHN-QL-E5"]
    assert all(r.product.stock > 0 for r in result.items)
    assert result.relaxed == ("budget",) and result.matched == 0  # the nearest in-stock phones instead
    assert all(r.product.category == "phone" for r in result.items)


def test_nothing_fits_relaxes_the_budget_and_says_so(app):
    request = RecommendationRequest(product_type="tent", attributes=(AttributeFilter("capacity_persons", min_value=4),),
                                    max_price_fen=100_000)
    result = app.recommendations.recommend(request)
    assert not result.exact and result.relaxed == ("budget",)
    top = result.items[0]
    assert top.product.sku == "CMP-NS-T4" and top.product.price_fen > 100_000
    assert not any(sig.name == "budget" for sig in top.signals)  # no false "within your budget"


def test_price_and_rating_orders(app):
    cheap = app.recommendations.recommend(RecommendationRequest(categories=("smartwatch",), order="price"), limit=10)
    prices = [r.product.price_fen for r in cheap.items]
    assert prices == sorted(prices)
    rated = app.recommendations.recommend(RecommendationRequest(categories=("smartwatch",), order="rating"), limit=10)
    ratings = [r.product.rating for r in rated.items]
    assert ratings == sorted(ratings, reverse=True)


@pytest.mark.parametrize("request_", [
    RecommendationRequest(categories=("spaceships",)),
    RecommendationRequest(product_type="hovercraft"),
    RecommendationRequest(audience="martian"),
    RecommendationRequest(occasion="moon landing"),
    RecommendationRequest(min_price_fen=-1),
    RecommendationRequest(min_price_fen=500, max_price_fen=100),
    RecommendationRequest(attributes=(AttributeFilter("warp_drive", "true"),)),
    RecommendationRequest(order="random"),
])
def test_invalid_requests_are_refused(app, request_):
    with pytest.raises(InvalidInput):
        app.recommendations.recommend(request_)
    with pytest.raises(NotFound):
        app.recommendations.recommend(RecommendationRequest(), customer_code="C999")


def test_explanation_card_uses_the_signals_and_weights(app):
    rec = app.recommendations.for_customer("C001", limit=1)[0]
    card = RecommendationExplanation(rec)
    shares = card.shares()
    assert [s for s, _ in shares] == list(rec.signals)
    assert sum(share for _, share in shares) == pytest.approx(1.0)
    assert rec.product.name_zh in card.card_title("zh") and rec.product.name_en in card.card_title("en")
    assert len(card.card_lines("zh")) == len(rec.signals) and "%" in card.card_lines("en")[0]


@pytest.mark.parametrize(("text", "audience", "occasion"), [
    ("给我爸买个礼物", "dad", "gift"), ("送老妈什么好", "mom", None), ("a gift for my girlfriend", "partner_f", "gift"),
    ("孩子用的手表", "kid", None), ("露营用什么好", None, "camping"), ("上班穿什么", None, "office"),
    ("what should I wear with a suit?", None, "office"), ("手机推荐", None, None),
    ("my son's birthday present", "kid", "gift"),
])
def test_whom_and_what_for_are_read_from_the_words(text, audience, occasion):
    found_a, found_o = audience_in(text), occasion_in(text)
    assert (found_a.key if found_a else None) == audience
    assert (found_o.key if found_o else None) == occasion
