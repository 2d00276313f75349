"""A coupon may follow an after-sales case that ended well, never a complaint (as AliMe does)."""

from __future__ import annotations

from desktop_app.dialogue.reply import ServiceAction


def test_a_resolved_price_protection_is_followed_by_a_fitting_coupon_once(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, "我的手机买了没几天就降价了，能价保吗").reply
    assert ServiceAction.PRICE_PROTECTED in reply.actions
    usable = {c.title("zh") for c in app.coupons.available("C001", category="phone").coupons}
    offered = [t for t in usable if t in reply.text]
    assert offered and "优惠券" in reply.text  # a coupon C001 can still use, for phones or the whole store
    assert "WELCOME30" not in reply.text and "满300减30" not in reply.text  # C001 already used that one
    again = app.assistant.ask(st, "手表也降价了吧 也帮我价保").reply
    assert "优惠券" not in again.text  # once a conversation


def test_no_coupon_after_a_complaint(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    app.assistant.ask(st, "我要投诉，你们快递太慢了")
    reply = app.assistant.ask(st, "手机降价了 帮我价保").reply
    assert ServiceAction.PRICE_PROTECTED in reply.actions and "优惠券" not in reply.text
