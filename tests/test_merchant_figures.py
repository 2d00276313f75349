"""The merchant's figures on a store seeded with known conversations: exact counts, honest rates, both languages."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli.merchant import complaint_lines, resolution_lines
from desktop_app.service.analytics import complaint_figures, resolution_stats
from desktop_app.service.types import ComplaintTopic, Outcome

A = "assistant"


def _conversation(app, turns, rating=None):
    """``turns``: (intent, outcome) pairs, one customer turn and the assistant's reply each."""
    conv, _ = app.conversations.start(channel="kiosk", language="en")
    for intent, outcome in turns:
        app.conversations.add(conv, "customer", f"about {intent}", intent=intent, confidence=0.9)
        if outcome == Outcome.REPHRASED:  # what the dialogue does when the customer asks the same again
            app.conversations.mark_last_outcome(conv, Outcome.REPHRASED)
            outcome = Outcome.ANSWERED
        app.conversations.add(conv, A, "reply", intent=intent, outcome=outcome)
    if rating is not None:
        app.conversations.rate(conv, rating)
    return conv


@pytest.fixture
def seeded(app):
    _conversation(app, [("order_status", Outcome.ANSWERED)], rating=5)  # resolved
    _conversation(app, [("order_status", Outcome.ANSWERED), ("thanks", Outcome.SMALL_TALK)], rating=4)  # resolved
    _conversation(app, [("human_agent", Outcome.HANDED_OFF)])  # handed off
    _conversation(app, [("product_search", Outcome.NOT_FOUND), ("product_search", Outcome.REPHRASED)])  # asked again
    # Failed, something else, then the same request again: rephrased within two turns.
    _conversation(app, [("product_search", Outcome.CLARIFY), ("greeting", Outcome.SMALL_TALK),
                        ("product_search", Outcome.ANSWERED)])
    # Failed, then three other turns before the same request: outside the window, and it ended well.
    _conversation(app, [("product_search", Outcome.NOT_FOUND), ("order_status", Outcome.ANSWERED),
                        ("refund_status", Outcome.ANSWERED), ("invoice", Outcome.ANSWERED),
                        ("product_search", Outcome.ANSWERED)])
    _conversation(app, [("return_policy", Outcome.ANSWERED)], rating=2)  # rated down
    _conversation(app, [("product_question", Outcome.ANSWERED), ("product_question", Outcome.CLARIFY)])  # ended open
    _conversation(app, [("return_request", Outcome.FORM)])  # a form left unfinished
    _conversation(app, [("greeting", Outcome.SMALL_TALK), ("goodbye", Outcome.SMALL_TALK)])  # small talk only
    return app


def test_each_failure_keeps_a_conversation_out_of_the_resolved_count(seeded):
    stats = resolution_stats(seeded.db)
    assert stats.conversations == 9 and stats.small_talk_only == 1
    assert (stats.resolved, stats.handed_off, stats.rephrased, stats.rated_down, stats.ended_open) == (3, 1, 2, 1, 2)
    assert (stats.resolution.numerator, stats.resolution.denominator) == (3, 9)
    assert stats.rated == 3 and stats.satisfaction == pytest.approx(11 / 3)
    assert (stats.share_rated.numerator, stats.share_rated.denominator) == (3, 9)


def test_a_conversation_the_assistant_handed_off_is_not_resolved(app):
    st = app.assistant.new_session(language="en")
    app.assistant.ask(st, "phones under 800 yuan")
    handed = app.assistant.new_session(language="en")
    app.assistant.ask(handed, "I want to talk to a human agent now")
    stats = resolution_stats(app.db)
    assert (stats.conversations, stats.resolved, stats.handed_off) == (2, 1, 1)


def test_report_in_english_names_every_rate_with_its_counts(seeded):
    text = "\n".join(resolution_lines(resolution_stats(seeded.db), "en"))
    assert "Resolved by the assistant: 33% (3 of 9)" in text
    assert "Handed to a person: 11% (1 of 9)" in text
    assert "Satisfaction: 3.7 of 5 stars (3 ratings, 33% (3 of 9) of conversations rated)" in text


def test_report_in_chinese(seeded):
    text = "\n".join(resolution_lines(resolution_stats(seeded.db), "zh"))
    assert "智能助手独立解决率：33%（3/9）" in text and "转人工率：11%（1/9）" in text
    assert "满意度：3.7 / 5 星（3 个评分" in text
    assert not any("a" <= ch <= "z" for ch in text), "the Chinese report has no English words or codes"


def _order_with_items(app):
    order = next(o for o in app.orders.orders_of("C001") if o.lines)
    return order.order_number, sorted({line.product.sku for line in order.lines})


def test_complaints_grouped_by_cause_with_their_orders_products(seeded, cli):
    number, skus = _order_with_items(seeded)
    seeded.handoff.file_complaint(topic=ComplaintTopic.DAMAGED, text="box crushed", order_number=number)
    seeded.handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="late")
    seeded.handoff.file_complaint(topic=ComplaintTopic.PRICING, text="price dropped")
    figures = {f.topic: f for f in complaint_figures(seeded.db)}
    assert figures[ComplaintTopic.DAMAGED].with_order == 1
    assert [sku for sku, _ in figures[ComplaintTopic.DAMAGED].products] == skus
    assert figures[ComplaintTopic.DELIVERY_DELAY].products == ()
    en = "\n".join(complaint_lines(complaint_figures(seeded.db), "en"))
    assert "logistics carrier: 67% (2 of 3)" in en and "damaged in transit 1" in en and "damaged" + "_" not in en
    zh = "\n".join(complaint_lines(complaint_figures(seeded.db), "zh"))
    assert "物流承运商：67%（2/3）" in zh and "运输破损 1 条" in zh and "delivery_delay" not in zh

    code, out, _ = cli("--lang", "zh", "merchant", "report")
    assert code == 0 and "智能助手独立解决率：33%（3/9）" in out and "价格与费用" in out and "人工排队" in out
    code, out, _ = cli("--lang", "en", "merchant", "report")
    assert code == 0 and "late or lost delivery 1" in out and "delivery_delay" not in out
    code, out, _ = cli("merchant", "report", "--json")
    data = json.loads(out)
    assert data["rates"]["resolution"] == {"numerator": 3, "denominator": 9, "value": 0.3333}
    assert data["complaint_topics"]["delivery_delay"] == 1 and data["complaints"][0]["cause"] == "carrier"


# -- the dashboard's figures (MerchantFigures) on a store seeded with known turns, tickets and guides ------------

from collections import Counter  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, datetime  # noqa: E402

from sqlalchemy import select  # noqa: E402

from desktop_app.app import build_app  # noqa: E402
from desktop_app.core.clock import FixedClock  # noqa: E402
from desktop_app.core.errors import InvalidInput  # noqa: E402
from desktop_app.service.agent_accounts import AgentAccounts  # noqa: E402
from desktop_app.service.agent_desk import AgentDesk  # noqa: E402
from desktop_app.service.complaint_causes import RootCause  # noqa: E402
from desktop_app.service.conversations import ConversationStore  # noqa: E402
from desktop_app.service.desk_types import AgentRole  # noqa: E402
from desktop_app.service.guide_stats import GuideStats, StepTime  # noqa: E402
from desktop_app.service.handoff import HandoffService  # noqa: E402
from desktop_app.service.merchant_figures import MerchantFigures, Period  # noqa: E402
from desktop_app.service.merchant_types import MIN_SEGMENT_CUSTOMERS  # noqa: E402
from desktop_app.service.types import Priority  # noqa: E402
from desktop_app.store.schema import (  # noqa: E402
    CouponUse,
    Customer,
    GuideViewing,
    Order,
    OrderItem,
    PriceProtectionClaim,
    Product,
)
from desktop_app.store.schema_after_sales import Coupon  # noqa: E402

PERIOD = Period(date(2026, 11, 12), date(2026, 11, 20))  # Thursday to Friday of the next week
CRUSHED = "The box arrived crushed, call me on 13812345678"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


@dataclass
class World:
    clock: FixedClock
    figures: MerchantFigures
    ids: dict[str, int]
    orders: tuple[str, str]


def _turn(store, clock, conv, when, text, intent, outcome, rephrased=False):
    clock.at = when
    store.record_turn(conv, text, "reply", intent=intent, confidence=0.9, outcome=outcome, rephrased=rephrased)


@pytest.fixture
def world(app) -> World:
    clock = FixedClock(at(1, 9))
    cipher = app.db.keys.cipher
    store, handoff = ConversationStore(app.db, clock, cipher), HandoffService(app.db, clock, cipher)
    ids: dict[str, int] = {}

    def conversation(name, when, *turns):
        clock.at = when
        ids[name], _ = store.start(channel="kiosk", language="en")
        for minute, (text, intent, outcome, *rephrased) in enumerate(turns):
            _turn(store, clock, ids[name], when.replace(minute=when.minute + minute), text, intent, outcome,
                  bool(rephrased))
        return ids[name]

    n1, n2 = [o.order_number for o in app.orders.orders_of("C001") if o.lines][:2]
    conversation("out", at(1, 9), ("purple tent", "product_search", Outcome.NOT_FOUND))  # before the period
    clock.at = at(1, 9, 30)
    handoff.file_complaint(topic=ComplaintTopic.DAMAGED, text="old", order_number=n1)
    conversation("c8", at(12, 14), ("lid cracked", "product_question", Outcome.ANSWERED))  # before the complaint
    clock.at = at(12, 15)
    handoff.file_complaint(topic=ComplaintTopic.DAMAGED, text="lid cracked", order_number=n2)  # from the CLI
    c1 = conversation("c1", at(17, 9), ("Where is my parcel?", "order_status", Outcome.ANSWERED))
    store.rate(c1, 5)
    store.add(c1, "customer", "great, thanks", intent="rating_comment")
    conversation("c2", at(17, 10), ("Purple  Tent?", "product_search", Outcome.NOT_FOUND),
                 ("purple tent", "product_search", Outcome.NOT_FOUND, "rephrased"))
    conversation("c5", at(17, 11), ("hello", "greeting", Outcome.SMALL_TALK))
    conversation("c3", at(19, 9), ("PURPLE TENT!", "product_search", Outcome.NOT_FOUND))  # failed: not resolved
    c4 = conversation("c4", at(19, 10), ("I want a person", "human_agent", Outcome.HANDED_OFF))
    store.rate(c4, 2)
    clock.at = at(19, 11)
    handoff.file_complaint(topic=ComplaintTopic.DAMAGED, text=CRUSHED, order_number=n1)
    conversation("c6", at(19, 11), (CRUSHED, "complaint", Outcome.ANSWERED))
    conversation("c7", at(19, 11, 30), ("ＰＩＮＫ sofa", "recommendation", Outcome.NOT_FOUND),
                 ("order 1234567890123456", "order_status", Outcome.NOT_FOUND))
    clock.at = at(19, 16)
    handoff.file_complaint(topic=ComplaintTopic.DELIVERY_DELAY, text="late again")

    accounts, desk = AgentAccounts(app.db, clock), AgentDesk(app.db, clock, cipher)
    a01 = accounts.add("A01", name="Lin", role=AgentRole.AGENT, pin="246810")
    a02 = accounts.add("A02", name="Wu", role=AgentRole.AGENT, pin="135792")

    def ticket(queued, agent=None, taken=None, answered=None, closed=None, conversation_id=None):
        clock.at = queued
        t = handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL,
                                conversation_id=conversation_id).ticket_id
        for when, act in ((taken, lambda: desk.take(agent, t)), (answered, lambda: desk.send(agent, t, "hello")),
                          (closed, lambda: desk.close(agent, t, "resolved"))):
            if when is not None:
                clock.at = when
                act()
        return t

    ticket(at(1, 10), a01, at(1, 10, 1), at(1, 10, 10), at(1, 10, 20))  # before the period
    ticket(at(19, 12), a01, at(19, 12, 1), at(19, 12, 3), at(19, 12, 13), conversation_id=c4)  # 180 s, 780 s
    ticket(at(19, 13), a01, at(19, 13), at(19, 13, 1), at(19, 13, 31))  # 60 s, 1860 s; the desk opens a conversation
    ticket(at(19, 14), a02, at(19, 14, 5))  # taken, not answered yet
    ticket(at(19, 15))  # nobody took it
    clock.at = at(20, 18)
    return World(clock, MerchantFigures(app.db, clock, cipher), ids, (n1, n2))


def test_period_ends_today_by_the_store_clock(world):
    assert world.figures.period(9) == PERIOD
    assert world.figures.period(1) == Period(date(2026, 11, 20), date(2026, 11, 20))
    for bad in (0, -3, 100_000):
        with pytest.raises(InvalidInput):
            world.figures.period(bad)
    with pytest.raises(InvalidInput):
        Period(date(2026, 11, 20), date(2026, 11, 19))


def test_volume_by_intent_counts_customer_turns_per_day(world):
    i = world.ids
    rows = [(r.day.day, r.intent, r.turns, r.conversation_ids) for r in world.figures.volume_by_intent(PERIOD)]
    assert rows == [
        (12, "product_question", 1, (i["c8"],)),
        (17, "product_search", 2, (i["c2"],)), (17, "greeting", 1, (i["c5"],)), (17, "order_status", 1, (i["c1"],)),
        (19, "complaint", 1, (i["c6"],)), (19, "human_agent", 1, (i["c4"],)), (19, "order_status", 1, (i["c7"],)),
        (19, "product_search", 1, (i["c3"],)), (19, "recommendation", 1, (i["c7"],)),
    ]  # the rating comment and the conversation before the period are not turns here


def test_rates_by_day_follow_the_honest_rules(world):
    i = world.ids
    days = {r.day.day: r for r in world.figures.rates_by_day(PERIOD)}
    assert sorted(days) == list(range(12, 21))  # every day, quiet ones as zeros
    assert days[13].conversations == 0 and days[13].resolution.value == 0.0 and days[13].satisfaction is None
    assert (days[12].conversations, days[12].resolved_ids) == (1, (i["c8"],))
    d17 = days[17]  # c5 was small talk only: not in the denominator
    assert (d17.conversations, d17.resolved, d17.handed_off, d17.rated, d17.rating_sum) == (2, 1, 0, 1, 5)
    assert (d17.resolved_ids, d17.unresolved_ids, d17.handed_off_ids) == ((i["c1"],), (i["c2"],), ())
    d19 = days[19]  # c3 ended on "not found": failed, so not resolved; the desk's own conversation is not counted
    assert (d19.conversations, d19.resolved, d19.handed_off, d19.rated, d19.rating_sum) == (4, 1, 1, 1, 2)
    assert (d19.resolved_ids, d19.unresolved_ids, d19.handed_off_ids) == (
        (i["c6"],), (i["c3"], i["c4"], i["c7"]), (i["c4"],))
    assert (d19.resolution.numerator, d19.resolution.denominator) == (1, 4)
    assert (d19.handoff.numerator, d19.handoff.denominator) == (1, 4) and d19.satisfaction == 2.0


def test_complaint_trends_by_topic_with_weeks_words_products_and_carriers(app, world):
    n1, n2 = world.orders
    with app.db.session() as s:
        carriers = Counter(s.scalar(select(Order.carrier).where(Order.order_number == n)) for n in (n1, n2))
    skus = Counter(sku for n in (n1, n2)
                   for sku in {line.product.sku for o in app.orders.orders_of("C001") if o.order_number == n
                               for line in o.lines})
    damaged, late = world.figures.complaint_trends(PERIOD)  # the complaint before the period is left out
    assert (damaged.topic, damaged.cause, damaged.complaints, damaged.with_order) == (
        ComplaintTopic.DAMAGED, RootCause.CARRIER, 2, 2)
    assert damaged.by_week == ((date(2026, 11, 9), 1), (date(2026, 11, 16), 1))
    assert damaged.examples == ("The box arrived crushed, call me on [PHONE]", "lid cracked")  # newest first
    assert dict(damaged.products) == dict(skus) and dict(damaged.carriers) == dict(carriers)
    # The crushed box was said in c6; "lid cracked" was filed from the command line (c8 said it an hour before).
    assert damaged.conversation_ids == (world.ids["c6"],)
    assert (late.topic, late.complaints, late.by_week, late.examples, late.products, late.carriers,
            late.conversation_ids) == (ComplaintTopic.DELIVERY_DELAY, 1, ((date(2026, 11, 9), 0), (date(2026, 11, 16), 1)),
                                       ("late again",), (), (), ())


def test_unmet_searches_are_grouped_by_their_words(world):
    i = world.ids
    purple, pink = world.figures.unmet_searches(PERIOD)
    # c2's first try was marked rephrased (its own outcome is lost); its second try and c3's count.
    assert (purple.text, purple.count, purple.last_seen, purple.conversation_ids) == (
        "purple tent", 2, at(19, 9), (i["c2"], i["c3"]))
    assert (pink.text, pink.count, pink.conversation_ids) == ("pink sofa", 1, (i["c7"],))  # not the order lookup
    assert [u.text for u in world.figures.unmet_searches(PERIOD, limit=1)] == ["purple tent"]


def test_agent_times_are_medians_from_the_moment_a_ticket_was_queued(world):
    a01, a02 = world.figures.agent_times(PERIOD)
    assert (a01.agent_code, a01.display_name, a01.tickets, a01.answered, a01.closed) == ("A01", "Lin", 2, 2, 2)
    assert (a01.median_first_response_s, a01.median_resolution_s) == (120.0, 1320.0)
    assert (a02.agent_code, a02.tickets, a02.answered, a02.closed) == ("A02", 1, 0, 0)
    assert a02.median_first_response_s is None and a02.median_resolution_s is None


def test_drill_down_lists_the_conversations_without_personal_data(world):
    i = world.ids
    rows = world.figures.conversations([i["c1"], i["c3"], i["c5"], i["c6"], i["c4"], 999_999, i["c3"]])
    assert [r.conversation_id for r in rows] == [i["c6"], i["c4"], i["c3"], i["c5"], i["c1"]]  # newest first
    by_id = {r.conversation_id: r for r in rows}
    c1 = by_id[i["c1"]]
    assert (c1.outcome, c1.rating, c1.turns, c1.first_customer_words, c1.channel, c1.language) == (
        "resolved", 5, 1, "Where is my parcel?", "kiosk", "en")
    assert (by_id[i["c3"]].outcome, by_id[i["c3"]].first_customer_words) == ("ended_open", "PURPLE TENT!")
    assert (by_id[i["c4"]].outcome, by_id[i["c4"]].rating) == ("handed_off", 2)
    assert by_id[i["c5"]].outcome == "small_talk" and by_id[i["c6"]].started_at == at(19, 11)
    assert "13812345678" not in by_id[i["c6"]].first_customer_words
    assert world.figures.conversations([]) == ()


def test_drill_down_cuts_long_words_and_names_an_agent_only_conversation(app, world):
    clock = world.clock
    store = ConversationStore(app.db, clock, app.db.keys.cipher)
    clock.at = at(20, 9)
    long_id, _ = store.start(channel="laptop", language="zh")
    store.record_turn(long_id, "很长的问题" * 30, "reply", intent="product_question", confidence=0.5,
                      outcome=Outcome.ANSWERED)
    desk_id, _ = store.start(channel="desk", language="zh")
    store.add(desk_id, "agent", "您好")
    long_row, desk_row = world.figures.conversations([long_id, desk_id])[::-1]
    assert len(long_row.first_customer_words) == 80 and long_row.first_customer_words.endswith("…")
    assert (desk_row.outcome, desk_row.turns, desk_row.first_customer_words) == ("agent_only", 0, "")


def test_a_guide_viewing_is_recorded_with_where_it_ended(app, world):
    stats = GuideStats(app.db, world.clock)
    sku = "FUR-TEST-01"

    def view(visits, seconds):
        return stats.record([StepTime(sku, n + 1, s, v) for n, (v, s) in enumerate(zip(visits, seconds, strict=True))])

    assert view((1, 1, 1, 1), (10, 20, 30, 40)) == 4  # finished
    assert view((1, 2, 0, 0), (12, 50, 0, 0)) == 2  # step 2 replayed, given up there
    assert view((1, 1, 0, 0), (14, 90, 0, 0)) == 2  # given up at step 2
    assert view((1, 0, 0, 0), (100, 0, 0, 0)) == 1  # given up at step 1
    assert view((0, 0, 0, 0), (0, 0, 0, 0)) == 0  # opened and closed: no viewing
    with app.db.session() as s:
        viewings = [(v.steps_total, v.last_step, v.finished, v.replays) for v in
                    s.scalars(select(GuideViewing).where(GuideViewing.product_sku == sku).order_by(GuideViewing.id))]
    assert viewings == [(4, 4, True, 0), (4, 2, False, 1), (4, 2, False, 0), (4, 1, False, 0)]
    pain = [(p.step, p.sessions, p.median_seconds, p.replayed, p.abandoned_here)
            for p in world.figures.assembly_pain() if p.product_sku == sku]
    assert pain == [(2, 3, 50.0, 1, 2), (4, 1, 40.0, 0, 0), (3, 1, 30.0, 0, 0), (1, 4, 13.0, 0, 1)]  # worst first
    with pytest.raises(InvalidInput):
        stats.record([StepTime(sku, 1, 5.0, 1), StepTime(sku, 2, -1.0, 1)])
    with app.db.session() as s:
        assert len(s.scalars(select(GuideViewing).where(GuideViewing.product_sku == sku)).all()) == 4  # nothing written


# -- segments: an empty store with known purchases ---------------------------------------------------------------


def _buy(s, customer, product, unit_price, status="delivered", quantity=1):
    order = Order(order_number=f"SO{s.info.setdefault('n', 1000) + 1:014d}", customer_id=customer.id, status=status,
                  placed_at=at(10, 9), promised_by=at(12, 9), carrier="顺丰速运", contact_phone="13800000000",
                  ship_city="上海", ship_address="somewhere", total_fen=unit_price * quantity)
    s.info["n"] = s.info["n"] + 1
    order.items = [OrderItem(product_id=product.id, quantity=quantity, unit_price_fen=unit_price)]
    s.add(order)
    s.flush()
    return order


@pytest.fixture
def shop(settings_factory):
    app = build_app(settings_factory(seeded=False))
    yield app
    app.close()


def _populate(app, mid_buyers):
    """6 cheap buyers, 5 premium ones, a premium buyer with a coupon and a mid buyer who claimed price
    protection (both price-sensitive), ``mid_buyers`` mid-range tent buyers and one cancelled order."""
    with app.db.session() as s:
        def product(sku, category, price):
            row = Product(sku=sku, category=category, name_en=sku, name_zh=sku, description_en="", description_zh="",
                          brand="b", origin_region="r", ship_from="上海", price_fen=price, stock=9, rating=4.0)
            s.add(row)
            return row

        p1, p2, p3 = product("P1", "phone", 10000), product("P2", "phone", 20000), product("P3", "phone", 30000)
        product("T1", "tent", 50000)
        t2 = product("T2", "tent", 100000)  # the tents' median price is 75000
        coupon = Coupon(code="SAVE", title_en="s", title_zh="s", threshold_fen=0, discount_fen=100,
                        valid_from=at(1, 0), valid_until=at(30, 0))
        s.add(coupon)
        people = [Customer(code=f"C{n:03d}", name=f"name{n}", phone="13800000000", city="上海", address="x",
                           created_at=at(1, 0)) for n in range(1, 19 + mid_buyers)]
        s.add_all(people)
        s.flush()
        for c in people[:6]:
            _buy(s, c, p1, 10000)  # 0.5 of the phones' median
        for c in people[6:11]:
            _buy(s, c, p3, 30000)  # 1.5
        order = _buy(s, people[11], p3, 30000)
        s.add(CouponUse(coupon_id=coupon.id, customer_id=people[11].id, order_id=order.id, used_at=at(10, 9)))
        order = _buy(s, people[12], p2, 20000)
        s.add(PriceProtectionClaim(order_item_id=order.items[0].id, paid_fen=20000, lowest_fen=18000, refund_fen=2000,
                                   created_at=at(11, 9)))
        _buy(s, people[13], p1, 10000, status="cancelled")  # not a purchase
        for c in people[14:14 + mid_buyers]:
            _buy(s, c, t2, 75000, quantity=2)  # 1.0 of the tents' median


def test_segments_by_price_position_and_favourite_category_with_a_minimum_size(shop):
    assert MIN_SEGMENT_CUSTOMERS == 5
    _populate(shop, mid_buyers=4)
    rows = {g.key: g for g in shop.merchant_figures.segments()}
    assert list(rows) == ["price_sensitive", "premium", "category:phone"]  # 4 mid-range tent buyers: too few to show
    sensitive = rows["price_sensitive"]
    assert (sensitive.customers, sensitive.base, sensitive.share) == (8, 17, pytest.approx(8 / 17))
    assert sensitive.median_order_fen == 10000 and sensitive.top_categories == (("phone", 8),)
    premium = rows["premium"]
    assert (premium.customers, premium.median_order_fen, premium.top_categories) == (5, 30000, (("phone", 5),))
    assert rows["category:phone"].customers == 13


def test_a_segment_shows_once_it_reaches_the_minimum_size(shop):
    _populate(shop, mid_buyers=5)
    rows = {g.key: g for g in shop.merchant_figures.segments()}
    assert list(rows) == ["price_sensitive", "mid_range", "premium", "category:phone", "category:tent"]
    mid = rows["mid_range"]
    assert (mid.customers, mid.base, mid.median_order_fen, mid.top_categories) == (5, 18, 150000, (("tent", 10),))
