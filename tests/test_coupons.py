"""Coupons: what is valid now, per-customer use, the best one, codes explained, and the dialogue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.dialogue.reply import ServiceAction
from desktop_app.service.coupons import CouponList, CouponState
from desktop_app.service.types import yuan
from desktop_app.store.schema import Coupon, CouponUse, Customer


def _codes(listing):
    return {c.code for c in listing.coupons}


def _valid_now(app):
    now = app.clock.now()
    with app.db.session() as s:
        return {c.code: c.category for c in s.scalars(select(Coupon))
                if c.valid_from <= now <= c.valid_until}


def _used_by(app, code):
    with app.db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.code == code))
        return {c.code for c in s.scalars(select(Coupon).join(CouponUse, CouponUse.coupon_id == Coupon.id)
                                          .where(CouponUse.customer_id == customer.id))}


def test_available_is_what_is_valid_now_less_what_the_customer_used(app):
    valid = _valid_now(app)
    assert "SKIN20" not in valid and len(valid) >= 5
    assert _codes(app.coupons.available(None)) == set(valid)
    used = _used_by(app, "C001")
    assert "WELCOME30" in used
    assert _codes(app.coupons.available("C001")) == set(valid) - used


def test_category_filter_keeps_store_wide_coupons(app):
    valid = _valid_now(app)
    phone = _codes(app.coupons.available(None, "phone"))
    assert phone == {code for code, cat in valid.items() if cat in (None, "phone")}
    assert "TECH100" in phone and "WELCOME30" in phone and "HOME80" not in phone
    with pytest.raises(InvalidInput):
        app.coupons.available(None, "toys")
    with pytest.raises(NotFound):
        app.coupons.available("C999")


def test_best_is_the_biggest_discount_whose_threshold_is_met(app):
    assert app.coupons.best_for(129_900, "phone", None).code == "TECH100"
    assert app.coupons.best_for(59_900, "phone", None).code == "WELCOME30"  # below TECH100's threshold
    assert app.coupons.best_for(59_900, "phone", "C001") is None  # C001 already used WELCOME30
    assert app.coupons.best_for(20_000, None, None) is None  # WEAR25 needs apparel; WELCOME30 needs ¥300
    listing = app.coupons.available(None, "phone", 129_900)
    assert listing.best_code == "TECH100" and listing.coupons[0].code == "TECH100"


def test_a_coupon_asked_about_by_code(app):
    expired = app.coupons.lookup("skin20")
    assert expired.state == CouponState.EXPIRED
    assert f"expired on {expired.coupon.valid_until:%Y-%m-%d}" in expired.explanation("en")
    assert "已于" in expired.explanation("zh") and "过期" in expired.explanation("zh")
    assert app.coupons.lookup("WELCOME30", "C001").state == CouponState.USED_UP
    assert app.coupons.lookup("WELCOME30", "C002").state == CouponState.USABLE
    with pytest.raises(NotFound):
        app.coupons.lookup("NOPE99")


def test_per_customer_limit_counts_uses(app):
    with app.db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.code == "C002"))
        home = s.scalar(select(Coupon).where(Coupon.code == "HOME80"))
        s.add(CouponUse(coupon_id=home.id, customer_id=customer.id, order_id=None, used_at=app.clock.now()))
    assert "HOME80" not in _codes(app.coupons.available("C002", "furniture"))
    assert "HOME80" in _codes(app.coupons.available("C003", "furniture"))


def test_offer_after_resolution_prefers_the_category(app):
    assert app.coupons.offer_after_resolution("C001", "phone").code == "TECH100"
    assert app.coupons.offer_after_resolution("C002", "skincare").code == "WELCOME30"
    assert app.coupons.offer_after_resolution("C001", "skincare") is None


def test_the_card_marks_the_best_and_shows_no_codes_of_ours(app):
    listing = app.coupons.available(None, "phone", 59_900, item_name_en="Lumio A5", item_name_zh="Lumio A5")
    zh, en = " ".join(listing.card_lines("zh")), " ".join(listing.card_lines("en"))
    assert "★最优" in zh and f"可省 {yuan(3000)}" in zh and "还差 ¥401.00" in zh
    assert "best: saves ¥30.00" in en and "Phones only" in en and "phone," not in en
    empty = CouponList(coupons=())
    assert empty.card_lines("zh") == ("目前没有可用的优惠券",)


# -- the dialogue ----------------------------------------------------------------------------


def test_coupons_for_the_product_just_discussed(app):
    st = app.assistant.new_session(language="en")
    app.assistant.ask(st, "tell me about the Lumio A5 smartphone")
    reply = app.assistant.ask(st, "any coupons for it?").reply
    assert ServiceAction.COUPONS_LISTED in reply.actions
    listing = next(c for c in reply.cards if isinstance(c, CouponList))
    assert listing.best_code == "WELCOME30" and "¥569.00" in reply.text and "TECH100" in reply.text


def test_coupons_for_a_signed_in_customer_and_the_threshold_rule(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, "有优惠券吗").reply
    assert ServiceAction.COUPONS_LISTED in reply.actions and "WELCOME30" not in reply.text
    how = app.assistant.ask(st, "满减怎么算").reply
    assert "门槛" in how.text and "每个订单限用 1 张" in how.text


def test_an_expired_coupon_is_explained_with_its_date(app):
    st = app.assistant.new_session(language="en")
    reply = app.assistant.ask(st, "is code skin20 still valid").reply
    expired = app.coupons.lookup("SKIN20").coupon.valid_until
    assert f"expired on {expired:%Y-%m-%d}" in reply.text and ServiceAction.COUPONS_LISTED in reply.actions


def test_cli_lists_and_explains(app_settings, monkeypatch, capsys):
    import json

    from desktop_app.cli import main

    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(app_settings.cache_dir))
    if app_settings.db_url:  # the PostgreSQL run: the command must open the same database
        monkeypatch.setenv("DESKTOP_APP_DB_URL", app_settings.db_url)
    assert main(["coupons", "--customer", "c001", "--category", "phone", "--amount", "1299", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["best_code"] == "TECH100" and {c["code"] for c in data["coupons"]} == {"TECH100"}
    assert main(["--lang", "en", "coupons", "--code", "skin20"]) == 0
    assert "expired on" in capsys.readouterr().out
    assert main(["coupons", "--amount", "lots"]) != 0
    assert "--amount" in capsys.readouterr().err
