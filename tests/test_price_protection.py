"""Price protection: the difference since purchase, once per item, inside the window, and the dialogue."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import NotEligible, NotFound
from desktop_app.dialogue.reply import ItemChoice, Outcome, ServiceAction
from desktop_app.service.price_protection import PriceCheck, PriceProtection, PriceProtectionService, PriceVerdict
from desktop_app.service.types import OrderStatus, yuan
from desktop_app.store.schema import (
    Coupon,
    CouponUse,
    Customer,
    OrderItem,
    PriceHistory,
    PriceProtectionClaim,
    Product,
    Refund,
)


def _order(app, code, status, sku=None):
    for view in app.orders.orders_of(code):
        if view.status == status and (sku is None or any(ln.product.sku == sku for ln in view.lines)):
            return view
    raise AssertionError(f"{code} has no {status} order")


def _line(view, sku):
    return next(ln for ln in view.lines if ln.product.sku == sku)


def _lowest_since(app, sku, since):
    with app.db.session() as s:
        return s.scalar(select(func.min(PriceHistory.price_fen)).join(Product, Product.id == PriceHistory.product_id)
                        .where(Product.sku == sku, PriceHistory.effective_at > since))


def _counts(app):
    with app.db.session() as s:
        return (s.scalar(select(func.count(PriceProtectionClaim.id))),
                s.scalar(select(func.count(Refund.id)).where(Refund.source == "price_protection")))


def _service(app, **rules):
    policy = replace(app.policy, price_protection=replace(app.policy.price_protection, **rules))
    return PriceProtectionService(app.db, app.clock, app.orders, app.refunds, policy)


def test_a_drop_since_purchase_is_refunded_once(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    line = _line(order, "PHN-LUM-A5")
    lowest = _lowest_since(app, "PHN-LUM-A5", order.placed_at)
    check = app.price_protection.check(order.order_number, customer_code="C001")
    assert check.verdict == PriceVerdict.ELIGIBLE
    assert (check.paid_fen, check.lowest_fen) == (line.unit_price_fen, lowest)
    assert check.refund_fen == (line.unit_price_fen - lowest) * line.quantity > 0
    done = app.price_protection.claim(order.order_number, customer_code="C001")
    assert isinstance(done, PriceProtection) and done.refund_fen == check.refund_fen
    with app.db.session() as s:
        refund = s.scalar(select(Refund).where(Refund.source == "price_protection"))
        assert (refund.amount_fen, refund.status, refund.order_item_id) == (done.refund_fen, "pending", line.item_id)
        assert refund.expected_by == done.expected_by > app.clock.now() - timedelta(minutes=1)
        assert refund.channel == done.channel
    with pytest.raises(NotEligible) as err:
        app.price_protection.claim(order.order_number, customer_code="C001")
    assert f"already refunded {yuan(done.refund_fen)} on {done.claimed_at:%Y-%m-%d}" in err.value.message
    assert yuan(done.refund_fen) in err.value.message_zh
    assert _counts(app) == (1, 1)
    again = app.price_protection.check(order.order_number, customer_code="C001")
    assert again.verdict == PriceVerdict.ALREADY_CLAIMED and again.claimed_fen == done.refund_fen


def test_outside_the_window_is_refused_even_though_the_price_dropped(app):
    order = _order(app, "C013", OrderStatus.DELIVERED, "FUR-DESK-120")
    check = app.price_protection.check(order.order_number, customer_code="C013")
    assert check.verdict == PriceVerdict.OUTSIDE_WINDOW and check.lowest_fen < check.paid_fen
    assert check.window_ends == order.placed_at + timedelta(days=app.policy.price_protection.window_days)
    with pytest.raises(NotEligible, match="window has closed"):
        app.price_protection.claim(order.order_number, customer_code="C013")
    assert _counts(app) == (0, 0)


def test_no_drop_says_both_prices(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "APP-NS-FLEECE")
    check = app.price_protection.check(order.order_number, customer_code="C001")
    assert check.verdict == PriceVerdict.NO_DROP and check.refund_fen == 0
    paid, now = yuan(check.paid_fen), yuan(check.current_fen)
    with pytest.raises(NotEligible) as err:
        app.price_protection.claim(order.order_number, customer_code="C001")
    assert paid in err.value.message and now in err.value.message and "没有降价" in err.value.message_zh


@pytest.mark.parametrize(("code", "status", "verdict"), [
    ("C002", OrderStatus.UNPAID, PriceVerdict.NOT_PAID),
    ("C004", OrderStatus.CANCELLED, PriceVerdict.CANCELLED),
    ("C001", OrderStatus.RETURNED, PriceVerdict.RETURNED),
])
def test_orders_that_are_not_the_customers_money_are_refused(app, code, status, verdict):
    order = _order(app, code, status)
    assert app.price_protection.check(order.order_number, customer_code=code).verdict == verdict
    with pytest.raises(NotEligible):
        app.price_protection.claim(order.order_number, customer_code=code)
    assert _counts(app) == (0, 0)


def test_the_item_that_dropped_is_found_in_a_bigger_order(app):
    order = _order(app, "C001", OrderStatus.PAID, "CMP-TF-HL")
    lamp, bag = _line(order, "CMP-TF-HL"), _line(order, "CMP-TF-DRY20")
    assert app.price_protection.check(order.order_number, customer_code="C001").item_id == lamp.item_id
    assert app.price_protection.check(order.order_number, bag.item_id,
                                      customer_code="C001").verdict == PriceVerdict.NO_DROP
    done = app.price_protection.claim(order.order_number, customer_code="C001")
    lowest = _lowest_since(app, "CMP-TF-HL", order.placed_at)
    assert lamp.quantity == 2 and done.refund_fen == (lamp.unit_price_fen - lowest) * 2
    with pytest.raises(NotFound):
        app.price_protection.check(order.order_number, 999_999, customer_code="C001")


def test_policy_window_and_excluded_categories(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    excluded = _service(app, excluded_categories=frozenset({"phone"}))
    assert excluded.check(order.order_number, customer_code="C001").verdict == PriceVerdict.EXCLUDED
    short = _service(app, window_days=1)
    assert short.check(order.order_number, customer_code="C001").verdict == PriceVerdict.OUTSIDE_WINDOW
    assert not short.claimable(order) and app.price_protection.claimable(order)


def test_the_price_paid_is_after_the_order_coupon_when_coupons_count(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    line = _line(order, "PHN-LUM-A5")
    with app.db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.code == "C001"))
        coupon = s.scalar(select(Coupon).where(Coupon.code == "WELCOME30"))
        s.add(CouponUse(coupon_id=coupon.id, customer_id=customer.id,
                        order_id=s.get(OrderItem, line.item_id).order_id, used_at=order.placed_at))
        discount = coupon.discount_fen
    counted = app.price_protection.check(order.order_number, customer_code="C001")
    ignored = _service(app, coupons_count=False).check(order.order_number, customer_code="C001")
    assert counted.paid_fen == line.unit_price_fen - discount  # the only line carries the whole coupon
    assert ignored.paid_fen == line.unit_price_fen and counted.refund_fen == ignored.refund_fen - discount


def test_cards_speak_both_languages_without_codes(app):
    order = _order(app, "C013", OrderStatus.DELIVERED, "FUR-DESK-120")
    check = app.price_protection.check(order.order_number, customer_code="C013")
    claim = app.price_protection.claim(_order(app, "C001", OrderStatus.IN_TRANSIT).order_number,
                                       customer_code="C001")
    for card in (check, claim):
        for language in ("zh", "en"):
            text = card.card_title(language) + " ".join(card.card_lines(language))
            assert not any(code in text for code in ("outside_window", "pending", "alipay", "wechat", "price_"))
    assert f"{check.window_ends:%Y-%m-%d}" in " ".join(check.card_lines("en"))


# -- the dialogue ----------------------------------------------------------------------------


def test_dialogue_picks_among_dropped_orders_then_claims_and_refuses_the_second_time(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    r1 = app.assistant.ask(st, "买了之后降价了，能价保吗").reply
    assert ServiceAction.ORDER_PICKER_SHOWN in r1.actions and r1.outcome == Outcome.FORM
    phone = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5").order_number
    assert phone in st.shown_orders and all(app.price_protection.claimable(app.orders.lookup(n, customer_code="C001"))
                                            for n in st.shown_orders)
    r2 = app.assistant.ask(st, f"第{st.shown_orders.index(phone) + 1}个").reply
    assert ServiceAction.PRICE_PROTECTED in r2.actions and "¥67.00" in r2.text
    assert any(isinstance(c, PriceProtection) for c in r2.cards)
    r3 = app.assistant.ask(st, "手机价保").reply
    assert ServiceAction.PRICE_PROTECTION_REFUSED in r3.actions and "已于" in r3.text and "¥67.00" in r3.text
    assert "订单" in " ".join(r3.suggestions)  # the other orders that can still be claimed


def test_dialogue_outside_window_by_the_items_words(app):
    st = app.assistant.new_session(language="zh", customer_code="C013")
    reply = app.assistant.ask(st, "我买的书桌降价了，能价保吗").reply
    assert reply.outcome == Outcome.REFUSED and ServiceAction.PRICE_PROTECTION_REFUSED in reply.actions
    assert "已过价保期" in reply.text and "橡木书桌" in reply.text
    assert _counts(app) == (0, 0)


def test_dialogue_in_english_no_drop_and_item_choice(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st, "is the fleece jacket I bought cheaper now? price protection").reply
    assert ServiceAction.PRICE_PROTECTION_REFUSED in reply.actions and "has not dropped" in reply.text
    assert any(isinstance(c, PriceCheck) for c in reply.cards)
    order = _order(app, "C001", OrderStatus.PAID, "CMP-TF-HL")
    with app.db.session() as s:  # make the dry bag drop too: two items now qualify
        bag = s.scalar(select(Product).where(Product.sku == "CMP-TF-DRY20"))
        s.add(PriceHistory(product_id=bag.id, price_fen=bag.price_fen - 1000, effective_at=app.clock.now()))
    st2 = app.assistant.new_session(language="en", customer_code="C001")
    ask = app.assistant.ask(st2, f"price protection for order {order.order_number}").reply
    assert ask.outcome == Outcome.FORM and any(isinstance(c, ItemChoice) for c in ask.cards)
    done = app.assistant.ask(st2, "the second one").reply
    assert ServiceAction.PRICE_PROTECTED in done.actions and "dry bag" in done.text


def test_cli_check_then_claim(app_settings, monkeypatch, capsys, app):
    import json

    from desktop_app.cli import main

    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(app_settings.cache_dir))
    if app_settings.db_url:  # the PostgreSQL run: the command must open the same database
        monkeypatch.setenv("DESKTOP_APP_DB_URL", app_settings.db_url)
    number = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5").order_number
    assert main(["orders", "price-protect", number, "--customer", "C001", "--check", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["check"]["verdict"] == "eligible" and _counts(app) == (0, 0)
    assert main(["--lang", "en", "orders", "price-protect", number, "--customer", "C001"]) == 0
    assert "Refund: ¥67.00" in capsys.readouterr().out and _counts(app) == (1, 1)
    assert main(["orders", "price-protect", number, "--customer", "C001"]) != 0
    assert "already refunded ¥67.00" in capsys.readouterr().err
    desk = _order(app, "C013", OrderStatus.DELIVERED, "FUR-DESK-120").order_number
    assert main(["orders", "price-protect", desk, "--customer", "C013", "--check"]) == 1
