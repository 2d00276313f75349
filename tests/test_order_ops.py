"""Order operations on the seeded store: cancel, address change, urge, interception.

Service rules first (each refusal changes nothing), then the conversations that drive them, then
the command line.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.clock import FixedClock
from desktop_app.core.crypto import TextCipher, load_or_create_key
from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible
from desktop_app.dialogue.reply import OrderPicker, Outcome
from desktop_app.service.order_changes import (
    AddressChangeResult,
    CancelResult,
    ChangeCheck,
    ChangeRefused,
    ChangeRule,
    InterceptResult,
    OrderChangeService,
    UrgeResult,
    looks_like_address,
    parse_address,
)
from desktop_app.service.types import OrderStatus, ServiceAction
from desktop_app.store.schema import Customer, Order, OrderChange, Refund
from tests.service_helpers import order_where, wrong_last4

ON_THE_WAY = ("shipped", "in_transit", "delayed")


def _status(app, order_number):
    with app.db.session() as s:
        return s.scalar(select(Order.status).where(Order.order_number == order_number))


def _counts(app, order_number):
    """Rows a change could have written for this order, and the order's mutable fields."""
    with app.db.session() as s:
        order = s.scalar(select(Order).where(Order.order_number == order_number))
        assert order is not None
        changes = s.scalar(select(func.count()).select_from(OrderChange).where(OrderChange.order_id == order.id))
        refunds = s.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order.id))
        return changes, refunds, order.status, order.ship_address, order.ship_city


def _changes(app, order_number, kind):
    with app.db.session() as s:
        order = s.scalar(select(Order).where(Order.order_number == order_number))
        assert order is not None
        rows = s.scalars(select(OrderChange).where(OrderChange.order_id == order.id, OrderChange.kind == kind)).all()
        s.expunge_all()
        return rows


def _status_order(app, status):
    return order_where(app, lambda o, now: o.status == status)


def _cipher(app):
    return TextCipher(load_or_create_key(app.settings.resolved_key_file))


def _c001(app, status):
    return next(v for v in app.orders.orders_of("C001") if v.status == status)


# -- cancel ---------------------------------------------------------------------------------------


def test_cancelling_an_unpaid_order_refunds_nothing(app):
    order, customer = _status_order(app, "unpaid")
    check = app.order_changes.check_cancel(order.order_number, customer_code=customer.code)
    assert check.allowed and check.rule == ChangeRule.UNPAID and check.refund_fen == 0
    result = app.order_changes.cancel(order.order_number, customer_code=customer.code)
    assert isinstance(result, CancelResult) and result.refund is None
    changes, refunds, status, *_ = _counts(app, order.order_number)
    assert status == "cancelled" and changes == 1 and refunds == 0
    assert any("无需退款" in line for line in result.card_lines("zh"))


def test_cancelling_a_paid_order_refunds_in_full_by_the_original_channel(app):
    order, customer = _status_order(app, "paid")
    now = app.clock.now()
    result = app.order_changes.cancel(order.order_number, phone_last4=customer.phone[-4:])
    refund = result.refund
    assert refund is not None and refund.amount_fen == order.total_fen and refund.channel == order.pay_channel
    assert refund.status == "pending"
    days = app.policy.orders.refund_days_after_cancel
    assert abs(refund.expected_by - (now + timedelta(days=days))) < timedelta(minutes=1)
    assert _status(app, order.order_number) == "cancelled"
    cancels = _changes(app, order.order_number, "cancel")
    assert len(cancels) == 1 and cancels[0].status == "done"
    lines = " ".join(refund.card_lines("zh") + refund.card_lines("en"))
    for raw in ("pending", "alipay", "wechat", "card)", "cancel "):
        assert raw not in lines


def test_cancelling_twice_is_refused_and_changes_nothing(app):
    order, customer = _status_order(app, "paid")
    app.order_changes.cancel(order.order_number, customer_code=customer.code)
    before = _counts(app, order.order_number)
    with pytest.raises(ChangeRefused) as err:
        app.order_changes.cancel(order.order_number, customer_code=customer.code)
    assert err.value.check.rule == ChangeRule.CANCELLED and "already cancelled" in err.value.message
    assert "已经取消" in err.value.message_zh
    assert _counts(app, order.order_number) == before


@pytest.mark.parametrize("status", ON_THE_WAY)
def test_a_parcel_on_its_way_cannot_be_cancelled_but_can_be_intercepted(app, status):
    order, customer = _status_order(app, status)
    before = _counts(app, order.order_number)
    check = app.order_changes.check_cancel(order.order_number, customer_code=customer.code)
    assert not check.allowed and check.rule == ChangeRule.SHIPPED
    assert check.intercept_fee_fen == app.policy.orders.intercept_fee_fen
    with pytest.raises(ChangeRefused) as err:
        app.order_changes.cancel(order.order_number, customer_code=customer.code)
    assert "intercept" in err.value.message and "拦截" in err.value.message_zh and "拒收" in err.value.message_zh
    assert _counts(app, order.order_number) == before


@pytest.mark.parametrize("status, rule, words", [
    ("delivered", ChangeRule.DELIVERED, "return"),
    ("returned", ChangeRule.RETURNED, "returned"),
])
def test_delivered_and_returned_orders_are_refused_clearly(app, status, rule, words):
    order, customer = _status_order(app, status)
    before = _counts(app, order.order_number)
    with pytest.raises(ChangeRefused) as err:
        app.order_changes.cancel(order.order_number, customer_code=customer.code)
    assert err.value.check.rule == rule and words in err.value.message
    assert _counts(app, order.order_number) == before


def test_someone_elses_order_cannot_be_cancelled(app):
    order, customer = _status_order(app, "paid")
    other = "C001" if customer.code != "C001" else "C002"
    before = _counts(app, order.order_number)
    with pytest.raises(AccessDenied):
        app.order_changes.cancel(order.order_number, customer_code=other)
    with pytest.raises(AccessDenied):
        app.order_changes.cancel(order.order_number, phone_last4=wrong_last4(customer.phone))
    assert _counts(app, order.order_number) == before


def test_a_cancel_does_not_pay_back_a_price_difference_twice(app):
    order, customer = _status_order(app, "paid")
    with app.db.session() as s:
        row = s.scalar(select(Order).where(Order.order_number == order.order_number))
        assert row is not None
        app.refunds.record(s, row, row.items[0], "price_protection", 1000)
        s.commit()
    result = app.order_changes.cancel(order.order_number, customer_code=customer.code)
    assert result.refund is not None and result.refund.amount_fen == order.total_fen - 1000


# -- interception ---------------------------------------------------------------------------------


def test_interception_is_requested_once(app):
    order, customer = _status_order(app, "in_transit")
    first = app.order_changes.intercept(order.order_number, customer_code=customer.code)
    assert isinstance(first, InterceptResult) and first.created and first.purpose == "return"
    assert first.fee_fen == app.policy.orders.intercept_fee_fen
    assert first.refund_fen == order.total_fen - first.fee_fen
    again = app.order_changes.intercept(order.order_number, customer_code=customer.code)
    assert not again.created and again.requested_at == first.requested_at
    rows = _changes(app, order.order_number, "intercept")
    assert len(rows) == 1 and rows[0].status == "requested"
    assert _status(app, order.order_number) == "in_transit"  # the carrier decides, not us


def test_a_redirect_keeps_the_new_address_encrypted(app):
    order, customer = _status_order(app, "shipped")
    address = "北京市海淀区中关村大街1号"
    result = app.order_changes.intercept(order.order_number, new_address=address, customer_code=customer.code)
    assert result.purpose == "redirect" and result.new_city == "北京"
    (row,) = _changes(app, order.order_number, "intercept")
    assert row.detail_encrypted and address.encode() not in row.detail_encrypted
    assert _cipher(app).decrypt(row.detail_encrypted) == address


@pytest.mark.parametrize("status", ["paid", "unpaid", "delivered", "cancelled", "returned"])
def test_only_a_parcel_on_its_way_can_be_intercepted(app, status):
    order, customer = _status_order(app, status)
    before = _counts(app, order.order_number)
    with pytest.raises(NotEligible):
        app.order_changes.intercept(order.order_number, customer_code=customer.code)
    assert _counts(app, order.order_number) == before


# -- address --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, city", [
    ("北京市朝阳区建国路88号SOHO现代城5号楼1201", "北京"),
    ("上海市南京西路1266号恒隆广场", "上海"),
    ("河北省石家庄市长安区中山东路1号", "石家庄"),
    ("新疆乌鲁木齐市天山区解放北路100号", "乌鲁木齐"),
    ("广东省佛山市禅城区祖庙路33号", "佛山"),
    ("88 Jianguo Road, Chaoyang District, Beijing", "北京"),
    ("Room 1201, 5 Nanjing West Road, Shanghai", "上海"),
])
def test_good_addresses_and_their_city(text, city):
    address = parse_address(f"  {text} ")
    assert address.city == city and address.text == text and looks_like_address(text)


@pytest.mark.parametrize("text, words", [
    ("北京", "too short"),
    ("朝阳区建国路88号五号楼", "city or province"),
    ("北京北京北京北京北京北京", "street"),
    ("上海市" + "很长的地址" * 30, "too long"),
    ("somewhere nice near the park", "city or province"),
    ("Beijing, Chaoyang District", "street"),
    ("123 Main Street, Springfield", "city or province"),
])
def test_malformed_addresses_say_what_is_missing(text, words):
    with pytest.raises(InvalidInput) as err:
        parse_address(text)
    assert words in err.value.message and err.value.message_zh != err.value.message


def test_changing_the_address_before_shipment_stores_it_encrypted(app):
    order, customer = _status_order(app, "paid")
    address = "杭州市西湖区文三路478号华星时代广场A座1502"
    result = app.order_changes.change_address(order.order_number, address, phone_last4=customer.phone[-4:])
    assert isinstance(result, AddressChangeResult) and result.city == "杭州"
    *_, ship_address, ship_city = _counts(app, order.order_number)
    assert ship_address == address and ship_city == "杭州"
    (row,) = _changes(app, order.order_number, "address")
    assert row.status == "done" and address.encode() not in (row.detail_encrypted or b"")
    assert _cipher(app).decrypt(row.detail_encrypted or b"") == address
    with pytest.raises(NotEligible):  # the same address again: nothing to change
        app.order_changes.change_address(order.order_number, address, customer_code=customer.code)
    assert len(_changes(app, order.order_number, "address")) == 1


@pytest.mark.parametrize("status, rule", [("in_transit", ChangeRule.SHIPPED), ("delivered", ChangeRule.DELIVERED),
                                          ("cancelled", ChangeRule.CANCELLED)])
def test_address_changes_after_shipment_are_refused(app, status, rule):
    order, customer = _status_order(app, status)
    before = _counts(app, order.order_number)
    with pytest.raises(ChangeRefused) as err:
        app.order_changes.change_address(order.order_number, "北京市朝阳区建国路88号", customer_code=customer.code)
    assert err.value.check.rule == rule
    assert (err.value.check.intercept_fee_fen is not None) == (rule == ChangeRule.SHIPPED)
    assert _counts(app, order.order_number) == before


def test_bad_address_or_someone_elses_order_changes_nothing(app):
    order, customer = _status_order(app, "unpaid")
    before = _counts(app, order.order_number)
    with pytest.raises(InvalidInput):
        app.order_changes.change_address(order.order_number, "我家楼下", customer_code=customer.code)
    other = "C001" if customer.code != "C001" else "C002"
    with pytest.raises(AccessDenied):
        app.order_changes.change_address(order.order_number, "北京市朝阳区建国路88号", customer_code=other)
    assert _counts(app, order.order_number) == before


# -- urge -----------------------------------------------------------------------------------------


def test_urging_records_one_reminder_a_day_with_the_ship_by_time(app):
    view = _c001(app, OrderStatus.PAID)
    with app.db.session() as s:
        paid_at = s.scalar(select(Order.paid_at).where(Order.order_number == view.order_number))
    assert paid_at is not None
    first = app.order_changes.urge(view.order_number, customer_code="C001")
    assert isinstance(first, UrgeResult) and first.created and not first.already_urged
    assert first.ship_by == paid_at + timedelta(hours=app.policy.orders.ship_within_hours)
    assert first.overdue == (app.clock.now() > first.ship_by)
    second = app.order_changes.urge(view.order_number, customer_code="C001")
    assert not second.created and second.already_urged
    assert len(_changes(app, view.order_number, "urge")) == 1
    tomorrow = OrderChangeService(app.db, FixedClock(app.clock.now() + timedelta(days=1)), app.orders, app.refunds,
                                  app.policy, _cipher(app))
    assert tomorrow.urge(view.order_number, customer_code="C001").created
    assert len(_changes(app, view.order_number, "urge")) == 2


def test_a_late_shipment_is_reported_overdue(app):
    order, customer = _status_order(app, "paid")
    with app.db.session() as s:
        row = s.scalar(select(Order).where(Order.order_number == order.order_number))
        assert row is not None
        row.paid_at = app.clock.now() - timedelta(hours=app.policy.orders.ship_within_hours + 5)
        s.commit()
    result = app.order_changes.urge(order.order_number, customer_code=customer.code)
    assert result.overdue and any("已超过" in line for line in result.card_lines("zh"))


def test_urging_a_shipped_order_gives_its_logistics_instead(app):
    order, customer = _status_order(app, "in_transit")
    result = app.order_changes.urge(order.order_number, customer_code=customer.code)
    assert result.shipped and not result.created and result.latest_zh
    assert _changes(app, order.order_number, "urge") == []


@pytest.mark.parametrize("status", ["unpaid", "delivered", "cancelled"])
def test_urging_what_cannot_ship_is_refused(app, status):
    order, customer = _status_order(app, status)
    before = _counts(app, order.order_number)
    with pytest.raises(NotEligible):
        app.order_changes.urge(order.order_number, customer_code=customer.code)
    assert _counts(app, order.order_number) == before


# -- conversations --------------------------------------------------------------------------------


def _ask(app, st, text):
    return app.assistant.ask(st, text).reply


def test_cancel_asks_first_and_acts_on_yes(app):
    view = _c001(app, OrderStatus.PAID)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    ask = _ask(app, st, "取消还没发货的那个")
    assert ask.outcome == Outcome.FORM and "确认取消订单" in ask.text and view.order_number[-4:] in ask.text
    assert "¥250.00" in ask.text and "原路退回" in ask.text and "支付宝" in ask.text
    assert any(isinstance(c, ChangeCheck) for c in ask.cards)
    assert _status(app, view.order_number) == "paid"
    done = _ask(app, st, "确认取消")
    assert ServiceAction.ORDER_CANCELLED in done.actions and _status(app, view.order_number) == "cancelled"
    assert any(isinstance(c, CancelResult) for c in done.cards)
    refund = _ask(app, st, "退款什么时候到账")
    assert ServiceAction.REFUND_STATUS_SHOWN in refund.actions and "¥250.00" in refund.text


def test_cancel_answered_no_changes_nothing(app):
    view = _c001(app, OrderStatus.PAID)
    st = app.assistant.new_session(language="en", customer_code="C001")
    assert _ask(app, st, "I want to cancel the order that hasn't shipped").outcome == Outcome.FORM
    before = _counts(app, view.order_number)
    reply = _ask(app, st, "No, keep the order")
    assert ServiceAction.ORDER_CANCELLED not in reply.actions and "nothing was changed" in reply.text
    assert _counts(app, view.order_number) == before and st.task is None


def test_anonymous_cancel_with_order_tail_and_phone_digits(app):
    order, customer = _status_order(app, "paid")
    st = app.assistant.new_session(language="en")
    first = _ask(app, st, f"please cancel order {order.order_number[-4:]}")
    assert first.outcome == Outcome.FORM and "four digits" in first.text
    confirm = _ask(app, st, customer.phone[-4:])
    assert confirm.outcome == Outcome.FORM and "Shall I cancel" in confirm.text
    done = _ask(app, st, "yes")
    assert ServiceAction.ORDER_CANCELLED in done.actions and _status(app, order.order_number) == "cancelled"


def test_a_shipped_order_gets_interception_offered_and_the_yes_requests_it(app):
    view = _c001(app, OrderStatus.DELAYED)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    refused = _ask(app, st, f"帮我把订单{view.order_number[-4:]}取消了")
    assert ServiceAction.CANCEL_REFUSED in refused.actions and ServiceAction.INTERCEPT_OFFERED in refused.actions
    assert refused.outcome == Outcome.REFUSED and "申请拦截" in refused.suggestions and "¥12.00" in refused.text
    assert _changes(app, view.order_number, "intercept") == []
    accepted = _ask(app, st, "申请拦截")
    assert any(isinstance(c, InterceptResult) for c in accepted.cards) and "拦截申请" in accepted.text
    assert len(_changes(app, view.order_number, "intercept")) == 1
    assert _status(app, view.order_number) == "delayed"


def test_refusing_the_interception_leaves_the_order_alone(app):
    view = _c001(app, OrderStatus.IN_TRANSIT)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    _ask(app, st, "取消手表那个订单")
    reply = _ask(app, st, "不用，我拒收")
    assert "拒收" in reply.text and _changes(app, view.order_number, "intercept") == []


def test_cancelling_a_delivered_order_points_to_returns(app):
    view = next(v for v in app.orders.orders_of("C001") if v.status == OrderStatus.DELIVERED)
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = _ask(app, st, f"cancel order {view.order_number}")
    assert ServiceAction.CANCEL_REFUSED in reply.actions and "return" in reply.text
    assert _status(app, view.order_number) == "delivered"


def test_several_unshipped_orders_get_a_picker(app):
    st = app.assistant.new_session(language="zh", customer_code="C002")
    picker = _ask(app, st, "我要取消订单")
    assert ServiceAction.ORDER_PICKER_SHOWN in picker.actions
    (card,) = [c for c in picker.cards if isinstance(c, OrderPicker)]
    assert all(o.status in (OrderStatus.UNPAID, OrderStatus.PAID) for o in card.options) and len(card.options) == 2
    chosen = card.options[1]
    confirm = _ask(app, st, "第2个")
    assert confirm.outcome == Outcome.FORM and chosen.order_number[-4:] in confirm.text


def test_address_given_in_the_same_turn_is_confirmed_then_changed(app):
    view = _c001(app, OrderStatus.PAID)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    ask = _ask(app, st, "地址改成北京市朝阳区建国路88号SOHO现代城5号楼1201")
    assert ask.outcome == Outcome.FORM and "北京市朝阳区建国路88号SOHO现代城5号楼1201" in ask.text
    assert view.order_number[-4:] in ask.text
    done = _ask(app, st, "是的")
    assert ServiceAction.ADDRESS_CHANGED in done.actions
    *_, ship_address, ship_city = _counts(app, view.order_number)
    assert ship_address == "北京市朝阳区建国路88号SOHO现代城5号楼1201" and ship_city == "北京"


def test_address_is_asked_for_and_a_bad_one_asked_again(app):
    view = _c001(app, OrderStatus.PAID)
    before = _counts(app, view.order_number)
    st = app.assistant.new_session(language="en", customer_code="C001")
    ask = _ask(app, st, "please change my shipping address")
    assert ask.outcome == Outcome.FORM and "new address" in ask.text
    bad = _ask(app, st, "the same city")
    assert bad.outcome == Outcome.FORM and ServiceAction.ADDRESS_CHANGED not in bad.actions
    assert _counts(app, view.order_number) == before
    good = _ask(app, st, "Room 502, Building 3, 10 Hengshan Road, Xuhui District, Shanghai")
    assert good.outcome == Outcome.FORM and "Hengshan Road" in good.text
    done = _ask(app, st, "Yes, change the address")
    assert ServiceAction.ADDRESS_CHANGED in done.actions and _counts(app, view.order_number)[4] == "上海"


def test_anonymous_address_change_keeps_the_address_while_verifying(app):
    order, customer = _status_order(app, "paid")
    st = app.assistant.new_session(language="zh")
    first = _ask(app, st, f"订单{order.order_number[-4:]}的地址改成广州市天河区体育西路191号中石化大厦B座2001")
    assert first.outcome == Outcome.FORM and "后四位" in first.text
    confirm = _ask(app, st, customer.phone[-4:])
    assert "广州市天河区体育西路191号中石化大厦B座2001" in confirm.text and order.order_number[-4:] in confirm.text
    assert ServiceAction.ADDRESS_CHANGED in _ask(app, st, "确认修改").actions
    assert _counts(app, order.order_number)[4] == "广州"


def test_address_change_of_a_shipped_order_offers_a_redirect(app):
    view = _c001(app, OrderStatus.IN_TRANSIT)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    refused = _ask(app, st, "手表那个订单地址能改吗")
    assert ServiceAction.ADDRESS_REFUSED in refused.actions and ServiceAction.INTERCEPT_OFFERED in refused.actions
    assert "申请改派" in refused.suggestions
    _ask(app, st, "好的")
    confirm = _ask(app, st, "北京市海淀区中关村大街1号")
    assert confirm.outcome == Outcome.FORM and "改派" in confirm.text
    done = _ask(app, st, "申请改派")
    (result,) = [c for c in done.cards if isinstance(c, InterceptResult)]
    assert result.purpose == "redirect" and result.new_city == "北京"
    assert _counts(app, view.order_number)[3] != "北京市海淀区中关村大街1号"  # the carrier redirects, not us


def test_someone_elses_order_address_is_refused_by_the_ownership_check(app):
    view = _c001(app, OrderStatus.PAID)
    before = _counts(app, view.order_number)
    st = app.assistant.new_session(language="zh", customer_code="C002")
    ask = _ask(app, st, f"把订单{view.order_number}的收货地址改成北京市朝阳区建国路88号")
    assert ask.outcome == Outcome.FORM and "后四位" in ask.text
    with app.db.session() as s:
        phone = s.scalar(select(Customer.phone).where(Customer.code == "C002"))
    refused = _ask(app, st, phone[-4:])
    assert refused.outcome == Outcome.REFUSED and ServiceAction.ADDRESS_CHANGED not in refused.actions
    assert _counts(app, view.order_number) == before


def test_never_mind_leaves_the_address(app):
    view = _c001(app, OrderStatus.PAID)
    before = _counts(app, view.order_number)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    _ask(app, st, "我要改地址")
    reply = _ask(app, st, "算了，不改了")
    assert "保持不变" in reply.text and st.task is None and _counts(app, view.order_number) == before


def test_urging_twice_says_it_is_already_recorded(app):
    view = _c001(app, OrderStatus.PAID)
    st = app.assistant.new_session(language="zh", customer_code="C001")
    first = _ask(app, st, "怎么还不发货")
    assert ServiceAction.SHIPPING_URGED in first.actions and "承诺在" in first.text and "48 小时" in first.text
    second = _ask(app, st, "能不能快点发货")
    assert "已经为您催促过" in second.text
    assert len(_changes(app, view.order_number, "urge")) == 1


def test_urging_a_shipped_order_shows_where_it_is(app):
    view = _c001(app, OrderStatus.IN_TRANSIT)
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = _ask(app, st, f"why hasn't order {view.order_number[-4:]} shipped yet")
    assert ServiceAction.ORDER_SHOWN in reply.actions and ServiceAction.SHIPPING_URGED not in reply.actions
    assert "already shipped" in reply.text and "EMS" in reply.text


# -- command line ---------------------------------------------------------------------------------


def test_cli_cancel_is_a_dry_run_without_yes(cli, app):
    order, customer = _status_order(app, "paid")
    code, out, _ = cli("--lang", "zh", "orders", "cancel", order.order_number, "--customer", customer.code)
    assert code == 0 and "--yes" in out and "原路退回" in out
    assert _status(app, order.order_number) == "paid"
    code, out, _ = cli("orders", "cancel", order.order_number[-4:], "--phone-last4", customer.phone[-4:], "--yes",
                       "--json")
    data = json.loads(out)
    assert code == 0 and data["refund"]["amount_fen"] == order.total_fen
    assert _status(app, order.order_number) == "cancelled"
    code, _, err = cli("orders", "cancel", order.order_number, "--customer", customer.code, "--yes")
    assert code == 1 and "already cancelled" in err and len(err.strip().splitlines()) == 1


def test_cli_dry_run_of_a_shipped_order_fails_and_says_why(cli, app):
    order, customer = _status_order(app, "shipped")
    code, out, _ = cli("orders", "cancel", order.order_number, "--customer", customer.code, "--json")
    data = json.loads(out)
    assert code == 1 and data["dry_run"] and not data["check"]["allowed"] and data["check"]["rule"] == "shipped"


def test_cli_address_urge_intercept_and_bad_input(cli, app):
    paid, payer = _status_order(app, "paid")
    code, out, _ = cli("orders", "address", paid.order_number, "--customer", payer.code,
                       "--to", "成都市武侯区人民南路四段27号", "--json")
    assert code == 0 and json.loads(out)["city"] == "成都"
    code, _, err = cli("orders", "address", paid.order_number, "--customer", payer.code, "--to", "nowhere")
    assert code == 1 and "address" in err.lower()
    code, out, _ = cli("orders", "urge", paid.order_number, "--customer", payer.code, "--json")
    assert code == 0 and json.loads(out)["created"] is True
    moving, owner = _status_order(app, "in_transit")
    code, out, _ = cli("--lang", "zh", "orders", "intercept", moving.order_number, "--customer", owner.code)
    assert code == 0 and "拦截费用" in out
    code, _, err = cli("orders", "intercept", paid.order_number, "--customer", payer.code)
    assert code == 1 and "not shipped" in err
    code, _, err = cli("orders", "urge", "12ab", "--phone-last4", "1234")
    assert code == 1 and "16 digits" in err
    with pytest.raises(SystemExit):
        cli("orders", "address", paid.order_number, "--customer", payer.code)  # --to is required


# -- reading answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("确认取消", True), ("好的取消吧", True), ("取消", True), ("嗯嗯", True), ("Yes, cancel it", True), ("ok", True),
    ("不取消了", False), ("算了", False), ("No, keep the order", False), ("don't cancel it", False),
    ("退款退到哪里？", None), ("is the refund going back to alipay?", None), ("今天天气不错", None),
])
def test_cancel_confirmations(text, expected):
    from desktop_app.dialogue.order_ops_flow import CANCEL_WORDS, confirmation

    assert confirmation(text, CANCEL_WORDS) is expected


@pytest.mark.parametrize("text, address", [
    ("地址改成北京市朝阳区建国路88号，谢谢", "北京市朝阳区建国路88号"),
    ("订单4582的收货地址改为上海市徐汇区衡山路10号3栋502室", "上海市徐汇区衡山路10号3栋502室"),
    ("新地址是：杭州市西湖区文三路20号", "杭州市西湖区文三路20号"),
    ("change the address to 88 Jianguo Road, Chaoyang District, Beijing please",
     "88 Jianguo Road, Chaoyang District, Beijing"),
    ("I want to change my address", None),
    ("帮我改一下地址", None),
])
def test_the_new_address_is_read_out_of_a_sentence(text, address):
    from desktop_app.dialogue.order_ops_flow import address_in

    assert address_in(text) == address


def test_a_cancel_refunds_what_was_paid_not_the_coupon(app):
    """A coupon took money off the order: cancelling refunds the money paid, not the coupon in cash."""
    from desktop_app.store.schema import Coupon, CouponUse

    paid = next(o for o in app.orders.orders_of("C001") if o.status == OrderStatus.PAID)
    with app.db.session() as s:
        order = s.scalar(select(Order).where(Order.order_number == paid.order_number))
        coupon = s.scalar(select(Coupon).where(Coupon.category.is_(None)))
        assert order is not None and coupon is not None
        s.add(CouponUse(coupon_id=coupon.id, customer_id=order.customer_id, order_id=order.id, used_at=order.placed_at))
        discount = coupon.discount_fen
    result = app.order_changes.cancel(paid.order_number, customer_code="C001")
    assert result.refund is not None and result.refund.amount_fen == paid.total_fen - discount


def test_a_cancel_from_a_state_that_changed_meanwhile_changes_nothing(app, monkeypatch):
    """Two kiosks cancelling at once: the one whose checked state is gone is refused, and no second refund."""
    paid = next(o for o in app.orders.orders_of("C001") if o.status == OrderStatus.PAID)
    app.order_changes.cancel(paid.order_number, customer_code="C001")
    with app.db.session() as s:
        refunds_before = s.scalar(select(func.count()).select_from(Refund))
        s.execute(Order.__table__.update().where(Order.order_number == paid.order_number).values(status="paid"))
    service = app.order_changes
    real_check = service._check

    def stale(s, order, kind):  # the check saw "paid"; the row is cancelled by someone else before the update
        check = real_check(s, order, kind)
        s.execute(Order.__table__.update().where(Order.id == order.id).values(status="cancelled"))
        return check

    monkeypatch.setattr(service, "_check", stale)
    with pytest.raises(NotEligible, match="changed a moment ago"):
        service.cancel(paid.order_number, customer_code="C001")
    with app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Refund)) == refunds_before
