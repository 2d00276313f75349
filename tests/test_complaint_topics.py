"""Complaint topics: the bilingual classifier against the old keyword rule on the separately written dev
set, the data's shape, and each complaint linked to its order and the order's products."""

from __future__ import annotations

import re

import pytest

from desktop_app.dialogue import complaints as manager
from desktop_app.nlu import complaint_topics
from desktop_app.nlu.complaint_topics import (
    DEV_FILES,
    TOPICS,
    TRAIN_FILES,
    load_complaints,
    load_or_train,
    macro_f1,
    topic_scores,
)
from desktop_app.nlu.embedding import EmbeddingModelError
from desktop_app.service.analytics import complaint_figures
from desktop_app.service.complaint_causes import RootCause, root_cause
from desktop_app.service.types import ComplaintTopic

#: Measured 0.92 (en) and 0.95 (zh) on 2026-12-06; the keyword rule scores 0.25 and 0.35.
FLOOR = 0.85


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_or_train(cache_dir=tmp_path_factory.mktemp("complaint-model"))


def test_topics_are_the_service_topics_and_each_has_a_root_cause():
    assert set(TOPICS) == {t.value for t in ComplaintTopic} - {"other"}
    assert {root_cause(ComplaintTopic(t)) for t in TOPICS} == set(RootCause) - {RootCause.OTHER}


def test_training_and_dev_sets_are_big_enough_and_never_overlap():
    train, dev = load_complaints(TRAIN_FILES), load_complaints(DEV_FILES)
    for topic in TOPICS:
        for language in ("en", "zh"):
            assert sum(e.topic == topic and e.language == language for e in train) >= 40
            assert sum(e.topic == topic and e.language == language for e in dev) >= 15

    def key(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.lower())

    assert not {key(e.text) for e in train} & {key(e.text) for e in dev}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_classifier_beats_the_keyword_rule_on_the_dev_set(model, language):
    dev = [e for e in load_complaints(DEV_FILES) if e.language == language]
    gold = [e.topic for e in dev]
    learned = macro_f1(topic_scores(gold, [g.topic for g in model.classify([e.text for e in dev])]))
    rule = macro_f1(topic_scores(gold, [manager.keyword_topic(e.text).value for e in dev]))
    assert learned >= FLOOR and learned > rule + 0.3, (learned, rule)


def test_an_unsure_guess_is_filed_as_other(model):
    assert all(g.topic in (*TOPICS, "other") for g in model.classify(["hello", "你好"]))
    low = complaint_topics.MIN_CONFIDENCE
    assert all(g.topic == "other" for g in model.classify(["hello", "你好"]) if g.confidence < low)


def test_the_keyword_rule_files_the_complaint_when_the_model_cannot_load(monkeypatch):
    def broken(text: str) -> complaint_topics.TopicGuess:
        raise EmbeddingModelError("model missing", message_zh="模型缺失")

    monkeypatch.setattr(manager, "classify_complaint", broken)
    assert manager.complaint_topic("退款一直没到") == ComplaintTopic.REFUND


def test_a_complaint_is_linked_to_the_order_and_its_products(app):
    order = next(o for o in app.orders.orders_of("C001") if o.lines)
    st = app.assistant.new_session(language="en", customer_code="C001")
    app.assistant.ask(st, f"where is order {order.order_number}")
    app.assistant.ask(st, "the lamp arrived with a cracked base and the box was crushed, I want to complain")
    figures = {f.topic: f for f in complaint_figures(app.db)}
    damaged = figures[ComplaintTopic.DAMAGED]
    assert damaged.with_order == 1 and damaged.cause == RootCause.CARRIER
    assert sorted(sku for sku, _ in damaged.products) == sorted({line.product.sku for line in order.lines})
