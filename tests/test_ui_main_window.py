"""The service-desk window, driven like a customer would: forms, buttons, the chat box.

Test data is found through the services and the store (never hard-coded order numbers), and
every expectation is checked against what the service itself returns.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy import select

from desktop_app.core.errors import NotFound
from desktop_app.service.access_guard import OwnershipNotProven
from desktop_app.service.types import (
    ORDER_STATUS_ZH,
    AttributeFilter,
    OrderView,
    ReturnKind,
    ReturnReason,
    SearchQuery,
    SearchResult,
)
from desktop_app.store.schema import Customer, Order
from desktop_app.ui.chat.cards import (
    ErrorCard,
    OrderTimelineCard,
    ProductCard,
    ProductListCard,
    ReplyCard,
    ReturnDecisionCard,
    ReturnRequestCard,
    TicketCard,
)
from desktop_app.ui.common.tasks import TaskRunner, UnexpectedError
from desktop_app.ui.forms.panels import OrderForm, ReturnForm, SearchForm

# -- helpers -------------------------------------------------------------------------------


def settle(qtbot, window, timeout: int = 15000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.runner.active_count() == 0 and not window.chat.busy, timeout=timeout)


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    """A real mouse click, once the widget is laid out (a new card gets its size a tick later)."""
    qtbot.waitUntil(lambda: widget.isVisible() and not widget.rect().isEmpty(), timeout=5000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def last_card(window):  # type: ignore[no-untyped-def]
    return window.chat.cards()[-1]


def texts(widget: QWidget, name: str) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel, name)]


def order_with_status(app, status: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(order number, phone last 4) of the first seeded order in ``status``."""
    with app.db.session() as s:
        row = s.execute(select(Order.order_number, Order.contact_phone).where(Order.status == status)
                        .order_by(Order.id).limit(1)).first()
    assert row is not None, f"the demo store has no {status} order"
    return row[0], row[1][-4:]


def wrong(last4: str) -> str:
    return f"{(int(last4) + 1) % 10000:04d}"


def returnable_order(app):  # type: ignore[no-untyped-def]
    """A delivered order whose first item may be returned for a quality problem now."""
    with app.db.session() as s:
        rows = s.execute(select(Order.order_number, Order.contact_phone).where(Order.status == "delivered")
                         .order_by(Order.id)).all()
    for number, phone in rows:
        view = app.orders.lookup(number, phone_last4=phone[-4:])
        decision = app.returns.check(number, kind=ReturnKind.RETURN, reason=ReturnReason.QUALITY,
                                     item_id=view.lines[0].item_id, phone_last4=phone[-4:])
        if decision.eligible and not app.returns.requests_for(number, phone_last4=phone[-4:]):
            return number, phone[-4:], view
    raise AssertionError("the demo store has no order returnable for quality problems")


def customer_with_recommendations(app) -> str:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        codes = s.scalars(select(Customer.code).order_by(Customer.id)).all()
    for code in codes:
        if app.recommendations.for_customer(code):
            return code
    raise AssertionError("no customer has recommendations")


# -- search --------------------------------------------------------------------------------


def test_search_form_shows_product_cards_and_filters_narrow(qtbot, app, make_main_window):
    window = make_main_window()
    click(qtbot, window.action_buttons["search"])
    form = window.chat.current_form
    assert isinstance(form, SearchForm)
    form.category.setCurrentIndex(form.category.findData("phone"))
    click(qtbot, form.search)
    settle(qtbot, window)
    broad = window.chat.entries()[-1][1]
    assert isinstance(broad, SearchResult)
    assert broad.total == app.catalog.search(SearchQuery(category="phone")).total > 1
    card = last_card(window)
    assert isinstance(card, ProductListCard)
    rows = card.findChildren(QWidget, "productRow")
    assert len(rows) == len(broad.items)
    assert texts(card, "productName")[0] == broad.items[0].name_zh

    form.flags["fast_charging"].setChecked(True)
    cheapest = min(p.price_fen for p in broad.items)
    form.max_price.setText(str(cheapest / 100 * 3))
    click(qtbot, form.search)
    settle(qtbot, window)
    narrow = window.chat.entries()[-1][1]
    expected = app.catalog.search(SearchQuery(category="phone", max_price_fen=round(cheapest * 3),
                                              attributes=(AttributeFilter("fast_charging", "true"),)))
    assert narrow.total == expected.total < broad.total
    assert [p.sku for p in narrow.items] == [p.sku for p in expected.items]


def test_search_form_rejects_inverted_price_range_inline(qtbot, make_main_window):
    window = make_main_window()
    form = window.open_form("search")
    form.min_price.setText("500")
    form.max_price.setText("100")
    before = len(window.chat.entries())
    click(qtbot, form.search)
    assert form.error.isVisible() and "最低价" in form.error.text()
    assert len(window.chat.entries()) == before
    form.min_price.setText("abc")
    click(qtbot, form.search)
    assert "数字" in form.error.text()


def test_details_button_shows_product_answer(qtbot, app, make_main_window):
    window = make_main_window(language="en")
    form = window.open_form("search")
    click(qtbot, form.search)
    settle(qtbot, window)
    result = window.chat.entries()[-1][1]
    click(qtbot, last_card(window).findChildren(QWidget, "detailsButton")[0])
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ProductCard)
    answer = app.catalog.answer(result.items[0].product_id)
    assert texts(card, "cardTitle") == [answer.product.summary.name_en]
    assert texts(card, "stockText") == [answer.stock_text_en]
    assert texts(card, "deliveryText")[0].startswith("Ships from")


# -- orders --------------------------------------------------------------------------------


def test_order_lookup_with_right_digits_shows_timeline(qtbot, app, make_main_window):
    number, last4 = order_with_status(app, "in_transit")
    window = make_main_window()
    click(qtbot, window.action_buttons["order"])
    form = window.chat.current_form
    assert isinstance(form, OrderForm)
    qtbot.keyClicks(form.order, number)
    qtbot.keyClicks(form.last4, last4)
    click(qtbot, form.lookup)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, OrderTimelineCard)
    view = app.orders.lookup(number, phone_last4=last4)
    assert texts(card, "orderStatus") == [ORDER_STATUS_ZH[view.status.value]]
    assert len(card.findChildren(QWidget, "timelineRow")) == len(view.timeline) >= 2
    newest = view.timeline[-1]
    assert texts(card, "timelineText")[0] == newest.description_zh
    assert number not in " ".join(texts(card, "cardTitle"))  # the title shows only the tail


def test_wrong_digits_show_error_and_window_stays_responsive(qtbot, app, make_main_window):
    number, last4 = order_with_status(app, "shipped")
    window = make_main_window()
    form = window.open_form("order")
    form.order.setText(number)
    form.last4.setText(wrong(last4))
    click(qtbot, form.lookup)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ErrorCard)
    assert texts(card, "errorText") == ["无法用您提供的信息核实该订单，请核对订单号和下单手机号后四位。"]
    form.last4.setText(last4)
    click(qtbot, form.lookup)
    settle(qtbot, window)
    assert isinstance(last_card(window), OrderTimelineCard)


def test_unknown_order_shows_clear_error(qtbot, app, make_main_window):
    number, last4 = order_with_status(app, "delivered")
    unknown = ("9" if number[0] != "9" else "8") + number[1:]
    window = make_main_window(language="en")
    form = window.open_form("order")
    form.order.setText(unknown)
    form.last4.setText(last4)
    click(qtbot, form.lookup)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ErrorCard) and isinstance(card.error, OwnershipNotProven)  # as for wrong digits
    assert "could not verify that order" in texts(card, "errorText")[0]


def test_order_form_validates_digits_inline(qtbot, make_main_window):
    window = make_main_window()
    settle(qtbot, window)  # the assistant's warm-up
    form = window.open_form("order")
    form.order.setText("12ab")
    click(qtbot, form.lookup)
    assert form.error.isVisible()
    assert window.runner.active_count() == 0


# -- returns -------------------------------------------------------------------------------


def test_return_check_then_file_twice_says_already_filed(qtbot, app, make_main_window):
    number, last4, view = returnable_order(app)
    window = make_main_window()
    click(qtbot, window.action_buttons["return"])
    form = window.chat.current_form
    assert isinstance(form, ReturnForm)
    form.order.setText(number)
    form.last4.setText(last4)
    click(qtbot, form.load)
    settle(qtbot, window)
    assert form.item.count() == len(view.lines) and form.item.isEnabled()
    form.reason.setCurrentIndex(form.reason.findData(ReturnReason.QUALITY.value))
    click(qtbot, form.check)
    settle(qtbot, window)
    decision = last_card(window)
    assert isinstance(decision, ReturnDecisionCard)
    assert texts(decision, "eligibleBadge") == ["符合条件"]

    click(qtbot, form.file)
    settle(qtbot, window)
    first = last_card(window)
    assert isinstance(first, ReturnRequestCard)
    assert texts(first, "returnStatus") == ["退货申请已提交"]
    click(qtbot, form.file)
    settle(qtbot, window)
    second = last_card(window)
    assert isinstance(second, ReturnRequestCard)
    assert texts(second, "returnStatus") == ["该商品已提交过退货申请"]
    assert len(app.returns.requests_for(number, phone_last4=last4)) == 1


# -- recommendations and handoff -----------------------------------------------------------


def test_recommendations_show_why(qtbot, app, make_main_window):
    code = customer_with_recommendations(app)
    expected = app.recommendations.for_customer(code)
    window = make_main_window(customer_code=code)  # the signed-in member's own history
    form = window.open_form("recommend")
    click(qtbot, form.go)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ProductListCard)
    why = texts(card, "whyLabel")
    assert len(why) == len(expected)
    assert why[0] == "推荐理由：" + expected[0].why("zh")


def test_an_anonymous_kiosk_visitor_cannot_see_any_members_habits(qtbot, app, make_main_window):
    """No member code can be typed anywhere in the form; what is recommended is non-personal."""
    from PySide6.QtWidgets import QLineEdit

    code = customer_with_recommendations(app)
    personal = {r.product.product_id for r in app.recommendations.for_customer(code)}
    window = make_main_window(kiosk=True)
    form = window.open_form("recommend")
    assert [e.objectName() for e in form.findChildren(QLineEdit)] == ["recommendWish"]
    form.wish.setText(code)  # typing a member code is just words, not a sign-in
    click(qtbot, form.go)
    qtbot.waitUntil(lambda: bool(window.chat.entries()) and window.chat.entries()[-1][0] == "assistant"
                    and not window.chat.busy, timeout=60_000)
    reply = window.chat.entries()[-1][1].reply
    history_kinds = {"attributes", "category", "brand", "co_purchase", "price_fit", "viewed"}
    recs = [rec for card in reply.cards for rec in (card if isinstance(card, tuple) else getattr(card, "items", ()))]
    reasons = {sig.name for rec in recs for sig in rec.signals}
    assert reasons and not reasons & history_kinds  # recommended, and for nobody in particular
    assert personal  # the member does have a history a form could have leaked


def test_handoff_joins_queue(qtbot, app, make_main_window):
    window = make_main_window()
    form = window.open_form("handoff")
    click(qtbot, form.send)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, TicketCard)
    queue = app.handoff.queue()
    assert len(queue) == 1
    assert texts(card, "queuePosition") == [f"您当前排在第 {queue[0].queue_position} 位。"]


# -- language ------------------------------------------------------------------------------


def test_language_switch_rerenders_labels_and_cards(qtbot, app, make_main_window):
    window = make_main_window(language="zh")
    form = window.open_form("search")
    form.category.setCurrentIndex(form.category.findData("camping"))
    click(qtbot, form.search)
    settle(qtbot, window)
    result = window.chat.entries()[-1][1]
    assert window.action_buttons["order"].text() == "订单查询"
    assert texts(last_card(window), "cardTitle") == [f"共找到 {result.total} 件商品"]

    window.language_combo.setCurrentIndex(window.language_combo.findData("en"))
    assert window.language == "en"
    assert window.action_buttons["order"].text() == "Order status"
    assert form.search.text() == "Search"
    assert form.category.currentText() == "Camping gear"
    cards = window.chat.cards()
    assert texts(cards[-1], "cardTitle") == [f"{result.total} product(s) found"]
    assert texts(cards[-1], "productName")[0] == result.items[0].name_en
    assert texts(cards[0], "messageText")[0].startswith("Hello!")
    assert texts(cards[-2], "messageText") == ["Search: Camping gear"]


# -- the chat box --------------------------------------------------------------------------


def test_typed_text_searches_catalog(qtbot, app, make_main_window):
    # QTest can only type ASCII; the Chinese case below sets the text instead.
    window = make_main_window()
    qtbot.keyClicks(window.chat.input, "search for tents")
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.chat.input.text() == ""
    card = last_card(window)
    assert isinstance(card, ReplyCard)
    result = next(c for c in card.reply.cards if isinstance(c, SearchResult))
    assert result.query.category == "camping"
    assert result.total == app.catalog.search(result.query).total > 0
    # English words in a Chinese window: the reply (and its cards) follow the customer's language.
    assert card.reply.language == "en"
    assert texts(card.findChild(ProductListCard), "productName") == [p.name_en for p in result.items]
    assert texts(window.chat.cards()[-2], "messageText") == ["search for tents"]  # the customer's bubble


def test_typed_chinese_category_searches_catalog(qtbot, app, make_main_window):
    window = make_main_window()
    window.chat.input.setText("有没有防水的帐篷")
    click(qtbot, window.chat.send_button)
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ReplyCard) and card.reply.language == "zh"
    result = next(c for c in card.reply.cards if isinstance(c, SearchResult))
    assert result.total == app.catalog.search(result.query).total > 0
    assert texts(card.findChild(ProductListCard), "cardTitle") == [f"共找到 {result.total} 件商品"]


def test_order_talk_asks_for_verification(qtbot, app, make_main_window):
    number, _ = order_with_status(app, "paid")
    spaced = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    window = make_main_window(language="en")
    window.chat.submit_text(f"where is my parcel {spaced}?")
    settle(qtbot, window)
    card = last_card(window)
    assert isinstance(card, ReplyCard)
    assert "last four digits" in card.reply.text and not card.findChildren(OrderTimelineCard)


def test_empty_text_is_not_sent(qtbot, make_main_window):
    window = make_main_window()
    settle(qtbot, window)  # the assistant's warm-up
    before = len(window.chat.entries())
    assert not window.chat.send_button.isEnabled()
    window.chat.input.setText("   ")
    assert not window.chat.send_button.isEnabled()
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    assert len(window.chat.entries()) == before and window.runner.active_count() == 0


def test_new_chat_forgets_the_conversation(qtbot, app, make_main_window):
    window = make_main_window()
    window.chat.submit_text("订单")
    settle(qtbot, window)
    window.open_form("order")
    click(qtbot, window.new_chat)
    assert window.chat.entries() == [] and window.chat.current_form is None


# -- lifecycle and the task runner ---------------------------------------------------------


def test_closing_window_cancels_and_waits_for_running_work(qtbot, make_main_window, drain_events):
    window = make_main_window()
    started = threading.Event()
    seen_cancel = threading.Event()

    def slow(cancel_event: threading.Event) -> str:
        started.set()
        if cancel_event.wait(10):
            seen_cancel.set()
        return "late"

    delivered: list[object] = []
    window.runner.submit(slow, on_done=delivered.append)
    assert started.wait(5)
    window.close()
    assert seen_cancel.is_set()
    assert window.runner.active_count() == 0 and window.runner.pool.activeThreadCount() == 0
    drain_events()  # the late result's queued delivery has now been handled (and dropped)
    assert delivered == []


def test_runner_delivers_on_gui_thread_and_maps_errors(qtbot, caplog):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    runner.submit(lambda: 41 + 1, on_done=lambda v: seen.append(("done", v, threading.get_ident())))
    runner.submit(lambda: (_ for _ in ()).throw(NotFound("gone", message_zh="没了")),
                  on_error=lambda e: seen.append(("error", e, threading.get_ident())))

    def bug() -> None:
        raise ZeroDivisionError("boom")

    with caplog.at_level(logging.ERROR, logger="desktop_app.ui.common.tasks"):
        runner.submit(bug, on_error=lambda e: seen.append(("bug", e, threading.get_ident())))
        qtbot.waitUntil(lambda: runner.active_count() == 0, timeout=5000)
    kinds = {kind: value for kind, value, _ in seen}
    assert kinds["done"] == 42
    assert isinstance(kinds["error"], NotFound) and kinds["error"].localized("zh") == "没了"
    assert isinstance(kinds["bug"], UnexpectedError)
    assert all(thread == gui for _, _, thread in seen)
    assert "ZeroDivisionError" in caplog.text
    assert runner.shutdown(1000)
    runner.deleteLater()


def test_cancelled_task_result_is_dropped(qtbot):
    runner = TaskRunner(max_workers=1)
    gate = threading.Event()
    got: list[object] = []
    runner.submit(lambda: gate.wait(5), on_done=got.append)
    queued = runner.submit(lambda: "queued", on_done=got.append)
    queued.cancel()
    gate.set()
    qtbot.waitUntil(lambda: runner.active_count() == 0, timeout=5000)
    assert got == [True] and queued.settled
    assert runner.shutdown(1000)
    runner.deleteLater()


def test_order_card_renders_late_badge(qtbot, app):
    number, last4 = order_with_status(app, "delayed")
    view = app.orders.lookup(number, phone_last4=last4)
    assert isinstance(view, OrderView) and view.is_late
    card = OrderTimelineCard(view, "en")
    qtbot.addWidget(card)
    assert texts(card, "lateBadge") == ["Late"]
    assert texts(card, "orderStatus") == ["Delayed"]
