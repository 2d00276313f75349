"""Complex cases reach a person with their context, and the customer picks among fitting orders.

Damaged, wrong or lost goods hand off with a summary an agent can act on (who, what was asked,
how they felt, the order, what the assistant already did, the customer's own words), not just
"recorded"; a signed-in customer whose words fit several orders gets a picker, never a guess.
"""

from __future__ import annotations

from desktop_app.dialogue.orders_flow import lone_digits
from desktop_app.dialogue.reply import OrderPicker, Outcome, ServiceAction
from desktop_app.service.types import OrderStatus, OrderView, TicketView


def _ticket(reply) -> TicketView:
    tickets = [c for c in reply.cards if isinstance(c, TicketView)]
    assert tickets, reply.text
    return tickets[0]


def test_damaged_goods_hand_off_with_the_order_and_the_customers_words(app):
    assistant = app.assistant
    st = assistant.new_session(language="zh", customer_code="C002")
    assistant.ask(st, "我的书架到了吗")
    reply = assistant.ask(st, "书架送到的时候就摔坏了，板子都裂了").reply
    assert ServiceAction.HANDED_OFF in reply.actions and ServiceAction.COMPLAINT_RECORDED in reply.actions
    assert reply.outcome == Outcome.HANDED_OFF and "申请退货" in reply.suggestions
    summary = app.handoff.summary(_ticket(reply).ticket_id)
    shelf = next(o for o in app.orders.orders_of("C002") if any(ln.product.sku == "FUR-SHELF-3T" for ln in o.lines))
    assert shelf.order_number[-4:] in summary and "damaged_parcel" in summary
    assert "书架送到的时候就摔坏了" in summary and "order_status" in summary  # the trail and the evidence
    assert "order_shown" in summary  # what the assistant already did


def test_a_parcel_marked_delivered_but_missing_goes_to_a_person(app):
    st = app.assistant.new_session(language="en", customer_code="C011")
    reply = app.assistant.ask(st, "it says delivered but I never got the package").reply
    assert ServiceAction.HANDED_OFF in reply.actions and "missing parcel" in reply.text
    assert "lost_parcel" in app.handoff.summary(_ticket(reply).ticket_id)


def test_a_plain_complaint_is_recorded_without_a_handoff(app):
    st = app.assistant.new_session(language="en")
    reply = app.assistant.ask(st, "I would like to make a complaint about the packaging, it was quite flimsy").reply
    assert ServiceAction.COMPLAINT_RECORDED in reply.actions and ServiceAction.HANDED_OFF not in reply.actions


def test_an_angry_handoff_summary_carries_the_emotion_trajectory(app):
    st = app.assistant.new_session(language="en", customer_code="C011")
    app.assistant.ask(st, "where is my phone")
    reply = app.assistant.ask(st, "this is ridiculous, it is a week late and nobody tells me anything!!!").reply
    summary = app.handoff.summary(_ticket(reply).ticket_id)
    assert "angry" in summary and "Emotion:" in summary and "ridiculous" in summary


def test_several_fitting_orders_get_a_picker_and_the_pick_is_shown(app):
    st = app.assistant.new_session(language="zh", customer_code="C011")
    first = app.assistant.ask(st, "我买的手表到哪了").reply
    pickers = [c for c in first.cards if isinstance(c, OrderPicker)]
    assert pickers and first.outcome == Outcome.FORM and len(pickers[0].options) >= 2
    assert all(any(ln.product.category == "smartwatch" for ln in o.lines) for o in pickers[0].options)
    assert pickers[0].card_title("zh") and all("订单" in line for line in pickers[0].card_lines("zh"))
    second = pickers[0].options[1]
    shown = [c for c in app.assistant.ask(st, "第二个").reply.cards if isinstance(c, OrderView)]
    assert [v.order_number for v in shown] == [second.order_number]


def test_my_phone_means_the_recent_one_not_the_returned_one(app):
    st = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st, "where's my phone?").reply
    shown = [c for c in reply.cards if isinstance(c, OrderView)]
    assert len(shown) == 1 and shown[0].status == OrderStatus.DELIVERED
    assert any(ln.product.sku == "PHN-LUM-A5" for ln in shown[0].lines)


def test_the_word_beats_the_category_when_picking_an_order(app):
    st = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st, "我的order到哪了 帐篷那个").reply
    shown = [c for c in reply.cards if isinstance(c, OrderView)]
    assert len(shown) == 1 and any(ln.product.sku == "CMP-NS-T2" for ln in shown[0].lines)
    follow = app.assistant.ask(st, "那手表呢").reply
    assert [ln.product.sku for c in follow.cards if isinstance(c, OrderView) for ln in c.lines] == ["WAT-PW-S2"]


def test_phone_digits_inside_a_short_answer_are_read():
    assert lone_digits("1915") == "1915" and lone_digits("it's 1915") == "1915" and lone_digits("尾号1915") == "1915"
    assert lone_digits("订单2517什么时候到，能查一下吗") is None and lone_digits("12345") is None
