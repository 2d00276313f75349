"""Return-policy answers: topics in both languages, numbers from the policy, and the same verdict
as the decision (the FAQ calls the rules engine)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.app import App, build_app
from desktop_app.service.policy import Policy, ReturnRules
from desktop_app.service.return_policy import PolicyAnswer, ReturnPolicyAnswers, Topic, opened_from_text
from desktop_app.service.returns import ReturnFacts
from desktop_app.service.types import FactCard, ReturnKind, ReturnReason, ServiceAction
from desktop_app.store.schema import Product
from tests.service_helpers import delivered_within, matching_item, order_where

NOW = datetime(2026, 11, 20, 14, 0)
ANSWERS = ReturnPolicyAnswers(Policy())


@pytest.mark.parametrize("text, topics", [
    ("七天无理由从哪天开始算", {Topic.NO_REASON}),
    ("7天无理由是签收开始算还是下单开始算", {Topic.NO_REASON}),
    ("how many days do I have for a no reason return", {Topic.NO_REASON}),
    ("退货运费谁出", {Topic.SHIPPING}),
    ("who pays shiping if I send it back", {Topic.SHIPPING}),
    ("护肤品没拆封能七天无理由吗", {Topic.OPENED}),
    ("拆了还能退吗", {Topic.OPENED}),
    ("清仓特价的能退吗", {Topic.FINAL_SALE}),
    ("can I return a clearance item?", {Topic.FINAL_SALE}),
    ("定制的能退吗", {Topic.EXCLUDED}),
    ("do you take back fresh fruit", {Topic.EXCLUDED}),
    ("质量问题三包怎么算", {Topic.QUALITY}),
    ("退款多久到账", {Topic.REFUND_TIME}),
    ("how long does a refund take", {Topic.REFUND_TIME}),
    ("衣服小了能换码吗", {Topic.EXCHANGE_SIZE}),
    ("退货要吊牌吗", {Topic.CONDITION}),
    ("赠品要一起退吗", {Topic.GIFTS}),
    ("7天无理由退货运费谁出，退款多久到账", {Topic.SHIPPING, Topic.REFUND_TIME}),
    ("in what cases can I request my money back?", set()),
])
def test_topics_are_recognised_in_both_languages(text, topics):
    assert set(ANSWERS.topics(text)) == topics


@pytest.mark.parametrize("text, answering, opened", [
    ("这款面霜没拆封能退吗", False, False), ("拆封了还能退吗", False, True), ("it's still sealed", False, False),
    ("I opened it already", False, True), ("能退吗", False, None), ("没有", True, False), ("是的", True, True),
    ("yes", False, None),
])
def test_opened_is_read_from_the_words(text, answering, opened):
    assert opened_from_text(text, answering=answering) is opened


def test_every_answer_is_a_fact_card_in_both_languages():
    cards = [ANSWERS.answer(t, "定制") for t in Topic] + [ANSWERS.for_item(ReturnFacts.of_category("skincare"), NOW)]
    for card in cards:
        assert isinstance(card, FactCard)
        for language in ("zh", "en"):
            assert card.card_title(language) and card.card_lines(language) and card.headline(language)
            assert not any(code in " ".join(card.card_lines(language)) for code in ("custom_made", "no_reason_window"))
        assert any("\u4e00" <= ch <= "\u9fff" for ch in card.headline("zh"))


def test_numbers_come_from_the_policy():
    policy = Policy(returns=ReturnRules(no_reason_days=10, quality_return_days=9, quality_exchange_days=20,
                                        refund_days=3, buyer_pays_no_reason_shipping=False, final_sale_no_reason=True))
    answers = ReturnPolicyAnswers(policy)
    assert "10 days" in answers.answer(Topic.NO_REASON).headline_en
    assert "until the 11th" in answers.answer(Topic.NO_REASON).headline_en
    assert "We pay the return shipping" in answers.answer(Topic.SHIPPING).headline_en
    assert "within 3 days" in answers.answer(Topic.REFUND_TIME).headline_en
    quality = answers.answer(Topic.QUALITY).headline_zh
    assert "9 天内可退货" in quality and "20 天内可换货" in quality
    assert "like any other item" in answers.answer(Topic.FINAL_SALE).headline_en


def test_the_answer_about_a_product_is_the_decision():
    cream = ReturnFacts.of_category("skincare")
    unopened = ANSWERS.for_item(cream, NOW, opened=False)
    assert unopened.headline_en.startswith("Skin care: Yes") and "unopened" in unopened.headline_en
    opened = ANSWERS.for_item(cream, NOW, opened=True)
    assert "No" in opened.headline_en and "不可以" in opened.headline_zh
    both = ANSWERS.for_item(cream, NOW)
    assert "yes while unopened, no once opened" in both.headline_en
    custom = ANSWERS.for_item(ReturnFacts("Engraved watch", "刻字手表", "smartwatch", return_exclusion="custom_made"), NOW)
    assert "No" in custom.headline_en and "定制" in custom.headline_zh


def test_gifts_are_left_to_a_person():
    gift = ANSWERS.answer(Topic.GIFTS)
    assert gift.needs_person and "colleague" in gift.headline_en


# -- through the assistant -------------------------------------------------------------------


def _ask(app: App, text: str, *, language: str = "zh", customer: str | None = None):
    st = app.assistant.new_session(language=language, customer_code=customer)
    return app.assistant.ask(st, text).reply


@pytest.mark.parametrize("text, language, says", [
    ("七天无理由从哪天开始算", "zh", ["签收次日", "7天"]),
    ("退货运费谁出", "zh", ["由您承担", "由我们承担"]),
    ("护肤品没拆封能七天无理由吗", "zh", ["可以无理由退货", "未拆封"]),
    ("in what cases can I request my money back?", "en", ["7-day no-reason", "quality problems", "refunds within 7"]),
    ("how long does a refund take?", "en", ["within 7 days", "original payment method"]),
])
def test_the_issue_examples_are_answered(app, text, language, says):
    reply = _ask(app, text, language=language)
    assert reply.intent == "return_policy" and ServiceAction.POLICY_ANSWERED in reply.actions
    assert any(isinstance(c, PolicyAnswer) for c in reply.cards)
    assert "order number" not in reply.text and "订单号" not in reply.text
    for word in says:
        assert word.lower() in reply.text.lower(), (word, reply.text)


def test_a_question_about_the_product_being_discussed_applies_its_rule(app):
    st = app.assistant.new_session(language="zh")
    st.current_product = "SKN-SY-CR01"
    reply = app.assistant.ask(st, "这款没拆封能退吗").reply
    assert "素研神经酰胺保湿面霜" in reply.text and "可以无理由退货" in reply.text
    opened = app.assistant.ask(st, "这个拆封了还能退吗").reply
    assert "不可以" in opened.text


def test_a_final_sale_product_is_answered_as_final_sale(app):
    st = app.assistant.new_session(language="en")
    st.current_product = "APP-UL-PUFF"
    reply = app.assistant.ask(st, "can I return this if I don't like it?").reply
    assert "final sale" in reply.text and "No." in reply.text


# -- a policy file with other numbers changes answers and decisions alike -------------------


@pytest.fixture
def ten_day_app(settings_factory, app_settings, tmp_path) -> Iterator[App]:
    text = app_settings.resolved_policy_file.read_text(encoding="utf-8")
    assert "no_reason_days = 7" in text
    path = tmp_path / "ten_days.toml"
    path.write_text(text.replace("no_reason_days = 7", "no_reason_days = 10"), encoding="utf-8")
    app = build_app(settings_factory(policy_file=path))
    yield app
    app.close()


def test_a_ten_day_policy_changes_the_answer_and_the_decision(ten_day_app):
    app = ten_day_app
    reply = _ask(app, "七天无理由从哪天开始算")
    assert "10天无理由退货" in reply.text and "11 号" in reply.text
    english = _ask(app, "how many days do I have for a no reason return?", language="en")
    assert "within 10 days" in english.text
    predicate = delivered_within(8, 9.5, final_sale=False)
    order, customer = order_where(app, lambda o, now: predicate(o, now) and o.items[0].product.category != "skincare")
    item = matching_item(order, final_sale=False)
    decision = app.returns.check(order.order_number, phone_last4=customer.phone[-4:], item_id=item.id,
                                 kind=ReturnKind.RETURN, reason=ReturnReason.NO_REASON)
    assert decision.eligible and "10-day" in decision.explanation_en and "10天" in decision.explanation_zh


def test_policy_changes_reach_product_answers(ten_day_app):
    with ten_day_app.db.session() as s:
        s.scalar(select(Product).where(Product.sku == "SKN-SY-CR01")).return_exclusion = "perishable"
    facts = ten_day_app.returns.product_facts("SKN-SY-CR01")
    answer = ReturnPolicyAnswers(ten_day_app.policy).for_item(facts, ten_day_app.clock.now(), opened=False)
    assert "No" in answer.headline_en and "perishable" in answer.headline_en


# -- the policy commands -----------------------------------------------------------------------


def test_policy_check_lists_each_problem(cli, app_settings, tmp_path):
    code, out, _ = cli("policy", "check", str(app_settings.resolved_policy_file))
    assert code == 0 and out.strip() == "OK"
    bad = tmp_path / "bad.toml"
    bad.write_text('[returns]\nno_reason_days = -1\nrefund_days = "soon"\n[bogus]\n', encoding="utf-8")
    code, out, _ = cli("policy", "check", str(bad))
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == 3
    assert any(line.startswith("returns.no_reason_days") for line in lines)
    assert any(line.startswith("returns.refund_days") for line in lines) and any("bogus" in line for line in lines)
    code, out, _ = cli("policy", "check", str(bad), "--json")
    assert code == 1 and len(json.loads(out)["problems"]) == 3


def test_policy_show_prints_the_rules_in_force(cli, tmp_path, app_settings):
    code, out, _ = cli("--lang", "zh", "policy", "show")
    assert code == 0 and "签收次日起 7 天内" in out and "满 ¥99.00 包邮" in out
    code, out, _ = cli("--lang", "en", "policy", "show")
    assert code == 0 and "7-day no-reason return" in out and "custom_made" not in out
    path = tmp_path / "p.toml"
    path.write_text(Path(app_settings.resolved_policy_file).read_text(encoding="utf-8")
                    .replace("refund_days = 7", "refund_days = 5"), encoding="utf-8")
    code, out, _ = cli("policy", "show", "--file", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["returns"]["refund_days"] == 5 and data["returns"]["no_reason_days"] == 7
