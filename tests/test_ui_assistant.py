"""The chat window talking to the assistant: typed turns, reply cards, chips, the session panel.

Orders and phone digits are found through the services and the store (never hard-coded), and
each expectation is checked against what the services themselves say.
"""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import select

from desktop_app.dialogue.reply import GuideOffer, Outcome
from desktop_app.dialogue.turn import Exchange
from desktop_app.service.types import (
    OrderStatus,
    OrderView,
    Priority,
    ReturnRequestView,
    SearchQuery,
    SearchResult,
    TicketView,
)
from desktop_app.store.schema import Customer
from desktop_app.ui.chat.cards import (
    ErrorCard,
    GuideOfferCard,
    ItemChoiceCard,
    OrderTimelineCard,
    ProductListCard,
    ReplyCard,
    ReturnRequestCard,
    TicketCard,
)
from desktop_app.ui.chat.handler import AssistantChatHandler, mask_entity

# -- helpers -------------------------------------------------------------------------------


def settle(qtbot, window, timeout: int = 30000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.runner.active_count() == 0 and not window.chat.busy, timeout=timeout)


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: widget.isVisible() and not widget.rect().isEmpty(), timeout=5000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def send(qtbot, window, text: str) -> Exchange:  # type: ignore[no-untyped-def]
    """Type ``text`` (set, since QTest types ASCII only), press Enter, and return the new exchange."""
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    settle(qtbot, window)
    found = exchanges(window)
    assert len(found) == before + 1, "no reply arrived"
    return found[-1]


def exchanges(window) -> list[Exchange]:  # type: ignore[no-untyped-def]
    return [item for role, item in window.chat.entries() if isinstance(item, Exchange)]


def last_reply_card(window) -> ReplyCard:  # type: ignore[no-untyped-def]
    card = window.chat.cards()[-1]
    assert isinstance(card, ReplyCard), type(card).__name__
    return card


def texts(widget: QWidget, name: str) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel, name)]


def phone_last4(app, code: str) -> str:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return s.scalar(select(Customer.phone).where(Customer.code == code))[-4:]


def order_of(app, code: str, status: OrderStatus, category: str | None = None) -> OrderView:  # type: ignore[no-untyped-def]
    for view in app.orders.orders_of(code):
        if view.status == status and (category is None or any(ln.product.category == category for ln in view.lines)):
            return view
    raise AssertionError(f"{code} has no {status.value} order")


# -- orders, care and the session panel ----------------------------------------------------


def test_anxious_delayed_order_gets_timeline_ticket_and_panel_details(qtbot, app, make_main_window):
    order = order_of(app, "C001", OrderStatus.DELAYED)
    digits = phone_last4(app, "C001")
    window = make_main_window(language="zh", staff_view=True)
    panel = window.session_panel
    assert panel is not None and window.side.tabText(window.side.indexOf(panel)) == "会话详情（员工）"

    first = send(qtbot, window, f"我的订单{order.order_number[-4:]}什么时候到？都等好久了")
    assert first.reply.language == "zh" and "后四位" in first.reply.text
    assert texts(last_reply_card(window), "messageText") == [first.reply.text]
    intents = {first.turn.intent.value, *(i.value for i, _ in first.turn.secondary_intents)}
    assert intents & {"order_status", "logistics_delay"}
    assert "order_status" in panel.intent_value.text() or "logistics_delay" in panel.intent_value.text()
    assert "anxious" in panel.emotion_value.text()
    assert panel.intent_bar.value() == round(first.turn.confidence * 100) > 0
    assert "…" + order.order_number[-4:] in panel.texts()
    assert "手机尾号" in panel.form_value.text()  # waiting for the phone digits

    second = send(qtbot, window, digits)
    card = last_reply_card(window)
    timelines = card.findChildren(OrderTimelineCard)
    assert len(timelines) == 1 and texts(timelines[0], "lateBadge") == ["已超时"]
    assert texts(timelines[0], "cardTitle") == [f"订单 {order.masked_number}"]
    ticket = second.reply.ticket
    assert isinstance(ticket, TicketView) and ticket.priority >= Priority.HIGH
    assert ticket.ticket_id in [t.ticket_id for t in app.handoff.queue()]
    tickets = card.findChildren(TicketCard)
    assert len(tickets) == 1 and texts(tickets[0], "queuePosition") == [f"您当前排在第 {ticket.queue_position} 位。"]
    assert "order_status" in panel.intent_value.text() or "logistics_delay" in panel.intent_value.text()
    assert "anxious" in panel.mood_value.text()
    assert panel.verified_value.text() == "是" and panel.handoff_value.text() == "是"
    shown = panel.texts()
    assert order.order_number not in shown and digits not in shown  # the panel masks what it shows
    assert "****" in shown


def test_entity_masking_keeps_order_tail_and_hides_phone_digits():
    assert mask_entity("order_ref", "2611132464518412") == "…8412"
    assert mask_entity("phone_last4", "1915") == "****"
    assert mask_entity("colour", "black") == "black"


def test_order_verified_in_the_form_counts_for_the_chat(qtbot, app, make_main_window):
    order = order_of(app, "C001", OrderStatus.IN_TRANSIT)
    window = make_main_window(language="en", staff_view=True)
    form = window.open_form("order")
    form.order.setText(order.order_number)
    form.last4.setText(phone_last4(app, "C001"))
    click(qtbot, form.lookup)
    settle(qtbot, window)
    assert isinstance(window.chat.entries()[-1][1], OrderView)
    reply = send(qtbot, window, "where is it now?").reply
    shown = [c for c in reply.cards if isinstance(c, OrderView)]
    assert shown and shown[0].order_number == order.order_number
    assert window.session_panel.verified_value.text() == "yes"


def test_new_chat_starts_a_fresh_session(qtbot, app, make_main_window):
    order = order_of(app, "C001", OrderStatus.IN_TRANSIT)
    window = make_main_window(language="en", staff_view=True)
    send(qtbot, window, f"where is order {order.order_number}?")
    send(qtbot, window, phone_last4(app, "C001"))
    assert any(isinstance(c, OrderView) for c in exchanges(window)[-1].reply.cards)
    old_state = window.chat.handler.session
    click(qtbot, window.new_chat)
    settle(qtbot, window)
    assert window.chat.entries() == [] and window.session_panel.exchange is None
    assert old_state is not None and old_state.conversation_id is None  # the old session was ended
    reply = send(qtbot, window, "where is it now?").reply
    assert not any(isinstance(c, OrderView) for c in reply.cards)
    assert reply.outcome in (Outcome.FORM, Outcome.CLARIFY) and "order number" in reply.text


# -- products, chips and language ----------------------------------------------------------


def test_multi_condition_search_shows_products_and_filter_chips(qtbot, app, make_main_window):
    window = make_main_window(language="en")
    exchange = send(qtbot, window, "waterproof phones with fast charging under 3000 yuan")
    reply = exchange.reply
    results = [c for c in reply.cards if isinstance(c, SearchResult)]
    assert results and results[0].total > 0
    result = results[0]
    assert result.total == app.catalog.search(result.query).total
    assert all(p.category == "phone" and p.price_fen <= 300_000 for p in result.items)
    card = last_reply_card(window)
    chips = texts(card, "filterChip")
    assert chips == list(reply.filters) and len(chips) == 4
    assert {"Phones", "Waterproof", "Fast charging"} <= set(chips) and any("3000" in c for c in chips)
    lists = card.findChildren(ProductListCard)
    assert len(lists) == 1 and texts(lists[0], "productName") == [p.name_en for p in result.items]


def test_suggestion_chip_sends_its_text(qtbot, app, make_main_window):
    window = make_main_window(language="en")
    first = send(qtbot, window, "waterproof phones with fast charging under 3000 yuan").reply
    assert first.suggestions
    chip = last_reply_card(window).suggestion_buttons()[0]
    before = len(exchanges(window))
    click(qtbot, chip)
    settle(qtbot, window)
    assert len(exchanges(window)) == before + 1
    follow = exchanges(window)[-1]
    assert follow.turn.text == first.suggestions[0]
    bubbles = [c for c in window.chat.cards() if c.property("variant") == "user"]
    assert texts(bubbles[-1], "messageText") == [first.suggestions[0]]


def test_reply_keeps_its_own_language_when_the_customer_switches(qtbot, app, make_main_window):
    window = make_main_window(language="zh", staff_view=True)
    english = send(qtbot, window, "hello there").reply
    assert english.language == "en"
    assert texts(last_reply_card(window), "messageText") == [english.text]
    chinese = send(qtbot, window, "有没有防水的帐篷").reply
    assert chinese.language == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in chinese.text)
    card = last_reply_card(window)
    assert texts(card, "messageText")[0] == chinese.text
    search = [c for c in chinese.cards if isinstance(c, SearchResult)]
    assert texts(card, "cardTitle") == [f"共找到 {search[0].total} 件商品"]

    window.language_combo.setCurrentIndex(window.language_combo.findData("en"))
    assert window.new_chat.text() == "New chat" and window.session_panel.turn_title.text() == "Latest turn"
    cards = [c for c in window.chat.cards() if isinstance(c, ReplyCard)]
    assert texts(cards[-1], "messageText")[0] == chinese.text  # a reply stays in the language it was given
    assert texts(cards[-2], "messageText") == [english.text]


# -- a return over several turns -----------------------------------------------------------


def test_return_through_the_chat_then_filing_again_says_already_filed(qtbot, app, make_main_window):
    order = order_of(app, "C001", OrderStatus.DELIVERED, "phone")
    digits = phone_last4(app, "C001")
    window = make_main_window(language="en", staff_view=True)
    script = ("I want to return my phone", order.order_number, digits, "I changed my mind", "yes")
    replies = [send(qtbot, window, text).reply for text in script]
    assert [r.outcome for r in replies[:4]] == [Outcome.FORM] * 4
    assert "order number" in replies[0].text and "four digits" in replies[1].text
    assert window.session_panel.form_value.text() == "no"  # the form closed once filed
    filed = [c for c in replies[-1].cards if isinstance(c, ReturnRequestView)]
    assert filed and filed[0].created and filed[0].order_number == order.order_number
    card = last_reply_card(window).findChildren(ReturnRequestCard)
    assert len(card) == 1 and texts(card[0], "returnStatus") == ["Return request filed"]
    assert [r.request_id for r in app.returns.requests_for(order.order_number, phone_last4=digits)] == \
        [filed[0].request_id]

    click(qtbot, window.new_chat)
    settle(qtbot, window)
    again = [send(qtbot, window, text).reply for text in script][-1]
    repeat = [c for c in again.cards if isinstance(c, ReturnRequestView)]
    assert repeat and not repeat[0].created and repeat[0].request_id == filed[0].request_id
    card = last_reply_card(window).findChildren(ReturnRequestCard)
    assert texts(card[0], "returnStatus") == ["A return request for this item was already filed"]
    assert len(app.returns.requests_for(order.order_number, phone_last4=digits)) == 1


def test_numbered_item_choice_sends_the_number(qtbot, app, make_main_window):
    with app.db.session() as s:
        codes = s.scalars(select(Customer.code).order_by(Customer.id)).all()
    found = [(code, v) for code in codes for v in app.orders.orders_of(code)
             if v.status == OrderStatus.DELIVERED and len(v.lines) > 1]
    assert found, "the demo store has no delivered order with several items"
    code, order = found[0]
    window = make_main_window(language="en")
    for text in ("I want to return an item", order.order_number):
        send(qtbot, window, text)
    send(qtbot, window, phone_last4(app, code))
    choices = last_reply_card(window).findChildren(ItemChoiceCard)
    assert len(choices) == 1 and len(choices[0].buttons) == len(order.lines)
    assert choices[0].buttons[1].text().startswith("2. ")
    before = len(exchanges(window))
    click(qtbot, choices[0].buttons[1])
    settle(qtbot, window)
    assert len(exchanges(window)) == before + 1 and exchanges(window)[-1].turn.text == "2"
    assert window.chat.handler.session.form.item_id == order.lines[1].item_id
    assert "reason" in exchanges(window)[-1].reply.text


# -- the 3D guide offer --------------------------------------------------------------------


def test_guide_offer_opens_the_player_in_a_side_tab(qtbot, app, make_main_window):
    window = make_main_window(language="en")
    send(qtbot, window, "tell me about the Birch 3-tier bookshelf")
    reply = send(qtbot, window, "how do I assemble it?").reply
    offers = [c for c in reply.cards if isinstance(c, GuideOffer)]
    assert offers and offers[0].sku in app.guides
    cards = last_reply_card(window).findChildren(GuideOfferCard)
    assert len(cards) == 1 and cards[0].open_button.text() == "Open 3D guide"
    tabs = window.side.count()
    requested: list[GuideOffer] = []
    window.chat.guideRequested.connect(requested.append)
    click(qtbot, cards[0].open_button)
    assert requested == [offers[0]]
    widget = window.side.currentWidget()
    if window.side.count() == tabs:  # the player could not start here: a clear card says so
        assert isinstance(window.chat.cards()[-1], ErrorCard)
        return
    assert widget is window.guides[offers[0].sku]
    assert offers[0].name in window.side.tabText(window.side.currentIndex())
    click(qtbot, cards[0].open_button)  # a second click reuses the tab
    assert window.side.count() == tabs + 1


def test_guide_that_cannot_start_shows_a_clear_card(qtbot, app, make_main_window, monkeypatch, caplog):
    import desktop_app.ui.guide.player as guide_player

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("no OpenGL here")

    monkeypatch.setattr(guide_player, "GuidePlayerWidget", Broken)
    window = make_main_window(language="en")
    tabs = window.side.count()
    sku = sorted(app.guides)[0]
    assert window.open_guide(GuideOffer(sku=sku, name="Birch bookshelf")) is None
    card = window.chat.cards()[-1]
    assert isinstance(card, ErrorCard) and "3D guide for Birch bookshelf cannot be shown" in texts(card, "errorText")[0]
    assert window.side.count() == tabs and "RuntimeError" in caplog.text


# -- robustness ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "啊" * 10_000,
    "\x00\x07\x1b[31m\u202e\x7f",
    "'; DROP TABLE products; --",
    "%_%",
])
def test_hostile_text_gets_a_reply_card(qtbot, app, make_main_window, text):
    total_before = app.catalog.search(SearchQuery()).total
    window = make_main_window()
    exchange = send(qtbot, window, text)
    card = last_reply_card(window)
    assert not card.findChildren(ErrorCard)
    assert texts(card, "messageText") == [exchange.reply.text] and exchange.reply.text
    assert app.catalog.search(SearchQuery()).total == total_before
    bubbles = [c for c in window.chat.cards() if c.property("variant") == "user"]
    assert all(len(texts(b, "messageText")[0]) <= 601 for b in bubbles)


def test_quick_sends_are_answered_in_order_one_at_a_time(qtbot, app, make_main_window):
    order = order_of(app, "C001", OrderStatus.IN_TRANSIT)
    window = make_main_window(language="en")
    handler = window.chat.handler
    assert isinstance(handler, AssistantChatHandler)
    running = threading.Semaphore(1)
    overlaps: list[str] = []
    original = handler.assistant.ask

    def guarded(st, text, **kwargs):  # type: ignore[no-untyped-def]
        if not running.acquire(blocking=False):
            overlaps.append(text)
            running.acquire()
        try:
            return original(st, text, **kwargs)
        finally:
            running.release()

    handler.assistant.ask = guarded  # type: ignore[method-assign]
    for text in (f"where is order {order.order_number}?", phone_last4(app, "C001"), "thanks!"):
        window.chat.submit_text(text)
    settle(qtbot, window)
    done = exchanges(window)
    assert [e.turn.text for e in done][-3:-1] == [f"where is order {order.order_number}?",
                                                 phone_last4(app, "C001")]
    assert any(isinstance(c, OrderView) for c in done[-2].reply.cards)
    assert overlaps == []


def test_warm_up_finishes_and_window_is_ready(qtbot, make_main_window):
    window = make_main_window()
    handler = window.chat.handler
    assert isinstance(handler, AssistantChatHandler)
    qtbot.waitUntil(lambda: handler.warmed.is_set() and not window.warming, timeout=30000)
    assert window.chat.typing.isHidden()
    window.chat.set_warming(True)  # what a question sent during the warm-up sees while it waits
    assert window.chat.typing.text() == "智能客服准备中，请稍候…"
    window.chat.set_warming(False)
    assert window.chat.typing.text() == "正在为您查询…"


def test_kiosk_has_no_session_panel_and_new_chat_wipes_stored_turns(qtbot, app, make_main_window):
    window = make_main_window(language="en", kiosk=True)
    assert window.session_panel is None
    assert all(window.side.tabText(i) != "Session" for i in range(window.side.count()))
    send(qtbot, window, "hello there")
    conversation_id = window.chat.handler.session.conversation_id
    assert app.conversations.messages(conversation_id)
    click(qtbot, window.new_chat)
    settle(qtbot, window)
    assert not app.conversations.messages(conversation_id)


def test_words_wait_for_a_photo_still_being_analysed_but_not_forever(qtbot, make_main_window):
    """Late fusion needs both inputs: a turn waits while the camera reads a photo, up to a bound."""
    from desktop_app.ui.chat.panel import INPUT_WAIT_MS

    window = make_main_window(language="en")
    reading = [True]
    asked: list[float] = []  # when the chat asked whether an input is still being read

    def gate() -> bool:
        asked.append(time.monotonic())
        return reading[0]

    window.chat.turn_gate = gate
    before = len(exchanges(window))
    window.chat.submit_text("hello")
    qtbot.waitUntil(lambda: len(asked) >= 4, timeout=INPUT_WAIT_MS)  # it kept asking: the turn is held
    assert (asked[-1] - asked[0]) * 1000 < INPUT_WAIT_MS  # all within the bound, so held, not released
    assert len(exchanges(window)) == before and window.chat.busy  # held while the photo is read
    reading[0] = False
    settle(qtbot, window)
    assert len(exchanges(window)) == before + 1

    reading[0] = True  # a photo that never finishes must not swallow the question
    window.chat.submit_text("thanks")
    qtbot.waitUntil(lambda: len(exchanges(window)) == before + 2, timeout=INPUT_WAIT_MS + 10_000)
