"""Shipping fees: the policy's thresholds, remote regions by province, the delivery estimate, and the
assistant and CLI answering with the same numbers."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.places import CITIES
from desktop_app.dialogue.reply import Outcome
from desktop_app.service.delivery import estimate_delivery
from desktop_app.service.shipping import ShippingQuote, ShippingService
from desktop_app.service.types import ServiceAction, yuan
from desktop_app.store.schema import Customer, Product

RAW_CODES = ("remote_", "_fen", "None", "True", "False")


def _not_remote_city(app) -> str:
    regions = app.policy.shipping.remote_regions
    return next(c.zh for c in CITIES.values() if c.province_zh not in regions and c.zh not in regions)


def _product(app, predicate) -> Product:
    with app.db.session() as s:
        product = next(p for p in s.scalars(select(Product).order_by(Product.id)) if predicate(p))
        s.expunge_all()
        return product


def test_free_shipping_threshold_is_inclusive_and_says_what_is_missing(app):
    rules, city = app.policy.shipping, _not_remote_city(app)
    at = app.shipping.quote(city, rules.free_over_fen)
    assert at.free and at.fee_fen == 0 and at.short_fen is None and not at.remote
    below = app.shipping.quote(city, rules.free_over_fen - 1200)
    assert not below.free and below.fee_fen == rules.base_fee_fen and below.short_fen == 1200
    assert f"再买 {yuan(1200)} 即可包邮" in " ".join(below.card_lines("zh"))
    assert f"Add {yuan(1200)} more to ship free" in " ".join(below.card_lines("en"))


def test_a_remote_city_is_found_through_its_province(app):
    rules = app.policy.shipping
    assert "新疆" in rules.remote_regions
    urumqi = app.shipping.quote("乌鲁木齐", rules.free_over_fen)  # free elsewhere, not out west
    assert urumqi.remote and urumqi.place is not None and urumqi.place.province_zh == "新疆"
    assert urumqi.fee_fen == rules.remote_fee_fen and urumqi.short_fen == rules.remote_free_over_fen - rules.free_over_fen
    assert app.shipping.quote("新疆维吾尔自治区", rules.remote_free_over_fen).free
    sanya = app.shipping.quote("Sanya", 100)
    assert sanya.remote and "Hainan" in sanya.card_lines("en")[0]
    assert app.shipping.quote("Chengdu", 100).place.name_zh == "成都"


def test_the_rule_comes_from_the_policy_not_the_code(app):
    rules = dataclasses.replace(app.policy.shipping, free_over_fen=5000, base_fee_fen=600,
                                remote_regions=frozenset({"四川"}))
    service = ShippingService(app.db, dataclasses.replace(app.policy, shipping=rules))
    cheap = service.quote("成都", 4000)
    assert cheap.remote and cheap.fee_fen == rules.remote_fee_fen
    assert service.quote("北京", 4000).fee_fen == 600 and service.quote("北京", 5000).free


def test_a_named_product_prices_the_order_and_estimates_delivery(app):
    product = _product(app, lambda p: p.stock > 0 and p.price_fen < app.policy.shipping.free_over_fen)
    quote = app.shipping.quote("哈尔滨", sku=product.sku.lower())
    assert quote.amount_fen == product.price_fen and quote.sku == product.sku
    assert quote.delivery == estimate_delivery(product.ship_from, "哈尔滨", in_stock=True)
    assert quote.short_fen == app.policy.shipping.free_over_fen - product.price_fen
    sold_out = _product(app, lambda p: p.stock == 0)
    late = app.shipping.quote("哈尔滨", sku=sold_out.sku)
    assert late.delivery is not None and not late.delivery.in_stock
    assert any("缺货" in line for line in late.card_lines("zh"))


def test_unknown_or_missing_destination_gets_the_general_rule(app):
    rules = app.policy.shipping
    for quote in (app.shipping.quote("火星基地", 5000), app.shipping.quote(None)):
        assert isinstance(quote, ShippingQuote) and quote.place is None and quote.short_fen is None
        zh, en = " ".join(quote.card_lines("zh")), " ".join(quote.card_lines("en"))
        assert yuan(rules.base_fee_fen) in zh and yuan(rules.remote_fee_fen) in zh and "新疆" in zh
        assert "Xinjiang" in en and "新疆" not in en
        assert not any(code in zh + en for code in RAW_CODES)
    assert app.shipping.quote("火星基地").unknown_destination == "火星基地"


def test_bad_input_is_refused(app):
    with pytest.raises(InvalidInput):
        app.shipping.quote("上海", -1)
    with pytest.raises(NotFound):
        app.shipping.quote("上海", sku="NO-SUCH-SKU")


def test_the_assistant_quotes_the_signed_in_customers_city(app):
    with app.db.session() as s:
        city = s.scalar(select(Customer.city).where(Customer.code == "C001"))
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, "包邮吗").reply
    assert reply.intent == "shipping_fee" and ServiceAction.SHIPPING_FEE_QUOTED in reply.actions
    assert city in reply.text and yuan(app.policy.shipping.free_over_fen) in reply.text
    remote = app.assistant.ask(st, "寄到乌鲁木齐运费多少").reply
    assert "偏远" in remote.text and yuan(app.policy.shipping.remote_fee_fen) in remote.text


def test_the_assistant_says_what_is_missing_in_english(app):
    st = app.assistant.new_session(language="en")
    reply = app.assistant.ask(st, "how much is shipping to Hong Kong?").reply
    assert reply.outcome == Outcome.ANSWERED and "Hong Kong" in reply.text
    assert yuan(app.policy.shipping.remote_fee_fen) in reply.text


def test_cli_quotes_as_json_and_refuses_bad_amounts(cli, app):
    code, out, _ = cli("shipping-fee", "--city", "乌鲁木齐", "--amount", "100", "--json")
    data = json.loads(out)
    assert code == 0 and data["remote"] and data["fee_fen"] == app.policy.shipping.remote_fee_fen
    code, out, _ = cli("--lang", "zh", "shipping-fee", "--city", "上海", "--amount", "50")
    assert code == 0 and "即可包邮" in out
    code, out, err = cli("shipping-fee", "--city", "上海", "--amount", "lots")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1 and "--amount" in err
