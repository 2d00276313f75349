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
