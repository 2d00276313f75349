"""Restock alerts: only sold-out items, only signed-in customers, once per customer and item, and the
merchant's list of who is waiting."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import AccessDenied, NotEligible, NotFound
from desktop_app.dialogue.reply import Outcome
from desktop_app.service.restock import RestockView
from desktop_app.service.types import ServiceAction
from desktop_app.store.schema import Product, RestockAlert


def _product(app, sold_out: bool) -> Product:
    with app.db.session() as s:
        stmt = select(Product).where(Product.stock == 0 if sold_out else Product.stock > 0).order_by(Product.id)
        product = s.scalars(stmt).first()
        assert product is not None
        s.expunge_all()
        return product


def _alerts(app) -> int:
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(RestockAlert)) or 0


def test_subscribing_twice_keeps_one_alert(app):
    product = _product(app, sold_out=True)
    first = app.restock.subscribe("C001", product.sku.lower())
    assert isinstance(first, RestockView) and first.created and first.sku == product.sku
    again = app.restock.subscribe("C001", product.sku)
    assert not again.created and again.alert_id == first.alert_id and _alerts(app) == 1
    app.restock.subscribe("C002", product.sku)
    assert [p.customer_code for p in app.restock.pending_for(product.sku)] == ["C001", "C002"]
    zh = " ".join(first.card_lines("zh"))
    assert product.name_zh in zh and "缺货" in zh


def test_an_alert_already_sent_is_armed_again(app):
    product = _product(app, sold_out=True)
    first = app.restock.subscribe("C001", product.sku)
    with app.db.session() as s:
        row = s.get(RestockAlert, first.alert_id)
        row.notified_at = app.clock.now()
        s.commit()
    assert app.restock.pending_for(product.sku) == ()
    again = app.restock.subscribe("C001", product.sku)
    assert again.created and again.alert_id == first.alert_id and len(app.restock.pending_for(product.sku)) == 1


def test_refusals_store_nothing(app):
    in_stock = _product(app, sold_out=False)
    with pytest.raises(NotEligible) as refused:
        app.restock.subscribe("C001", in_stock.sku)
    assert f"{in_stock.stock} left" in refused.value.message and f"还剩 {in_stock.stock} 件" in refused.value.message_zh
    sold_out = _product(app, sold_out=True)
    with pytest.raises(AccessDenied):
        app.restock.subscribe(None, sold_out.sku)
    with pytest.raises(NotFound):
        app.restock.subscribe("C999", sold_out.sku)
    with pytest.raises(NotFound):
        app.restock.subscribe("C001", "NO-SUCH-SKU")
    assert _alerts(app) == 0


def test_the_assistant_subscribes_a_signed_in_customer(app):
    product = _product(app, sold_out=True)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, f"{product.name_zh}到货了提醒我一下").reply
    assert reply.intent == "restock_alert" and ServiceAction.RESTOCK_SUBSCRIBED in reply.actions
    assert product.name_zh in reply.text and _alerts(app) == 1


def test_a_kiosk_visitor_is_asked_to_sign_in_and_nothing_is_stored(app):
    product = _product(app, sold_out=True)
    st = app.assistant.new_session(language="en")
    reply = app.assistant.ask(st, f"let me know when the {product.name_en} is back in stock").reply
    assert reply.outcome == Outcome.REFUSED and ServiceAction.RESTOCK_SUBSCRIBED not in reply.actions
    assert "sign in" in reply.text and _alerts(app) == 0


def test_the_assistant_says_an_item_in_stock_can_be_bought_now(app):
    product = _product(app, sold_out=False)
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st, f"notify me when {product.sku} is back in stock").reply
    assert reply.outcome == Outcome.REFUSED and f"{product.stock} left" in reply.text and _alerts(app) == 0


def test_cli_subscribes_and_lists_who_waits(cli, app):
    product = _product(app, sold_out=True)
    code, out, _ = cli("restock", product.sku, "--customer", "C001", "--json")
    assert code == 0 and json.loads(out)["created"]
    code, out, _ = cli("restock", product.sku, "--pending")
    assert code == 0 and "C001" in out
    code, out, err = cli("restock", product.sku)
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1 and "sign in" in err
