"""A tidy conversation: no internals under replies, no stale chips, no timeline repeated in full.

Customers read the grey "依据：文字 → 订单查询" line as noise (often wrong-sounding), pressed old
chips that answered questions long gone, and scrolled past the same seven-event timeline on every
follow-up. The explanation stays one click away, old chips go inert, a repeated timeline collapses.
"""

from __future__ import annotations

from e2e_helpers import exchanges
from PySide6.QtCore import Qt

from desktop_app.service.types import OrderStatus, OrderView
from desktop_app.ui.chat.cards import ReplyCard
from desktop_app.ui.chat.order_cards import OrderTimelineCard
from desktop_app.ui.chat.why_line import WhyLine


def _send(qtbot, window, text: str):  # type: ignore[no-untyped-def]
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(exchanges(window)) > before and not window.chat.busy, timeout=60_000)
    return exchanges(window)[-1]


def test_follow_ups_collapse_the_timeline_and_retire_old_chips(qtbot, app, make_main_window):
    moving = next(v for v in app.orders.orders_of("C001")
                  if v.status in (OrderStatus.IN_TRANSIT, OrderStatus.DELAYED) and len(v.timeline) >= 2)
    window = make_main_window(language="zh", customer_code="C001")
    first = _send(qtbot, window, f"订单{moving.order_number}到哪了")
    assert any(isinstance(c, OrderView) for c in first.reply.cards)
    second = _send(qtbot, window, f"订单{moving.order_number}现在到哪了？")
    assert any(isinstance(c, OrderView) for c in second.reply.cards)

    replies = [c for c in window.chat.cards() if isinstance(c, ReplyCard)]
    first_card, last_card = replies[-2], replies[-1]
    full = first_card.findChildren(OrderTimelineCard)[0]
    again = last_card.findChildren(OrderTimelineCard)[0]
    assert all(not row.isHidden() for row in full.timeline_rows) and full.expand_button.isHidden()
    assert [row.isHidden() for row in again.timeline_rows] == [False] + [True] * (len(again.timeline_rows) - 1)
    again.expand_button.click()
    assert all(not row.isHidden() for row in again.timeline_rows)

    old_chips = first_card.suggestion_buttons()
    assert old_chips and first.reply.suggestions  # it offered next steps
    assert all(not chip.isEnabled() for chip in old_chips)
    assert all(chip.isEnabled() for chip in last_card.suggestion_buttons())

    why = last_card.parentWidget().findChild(WhyLine)
    assert why is not None and why.detail.isHidden() and why.button.text() == "为什么这样回答？"
    why.button.click()
    assert not why.detail.isHidden() and "「订单查询」" in why.text()

    window.set_language("en")  # a rebuild keeps the same state
    replies = [c for c in window.chat.cards() if isinstance(c, ReplyCard)]
    assert all(not chip.isEnabled() for chip in replies[-2].suggestion_buttons())
    assert replies[-1].findChildren(OrderTimelineCard)[0].expand_button.isHidden() is False


def test_the_session_details_are_for_staff_only(qtbot, make_main_window):
    """A shopper's laptop shows no intents or confidences; staff open them with Ctrl+Shift+D."""
    window = make_main_window(language="en")
    titles = [window.side.tabText(i) for i in range(window.side.count())]
    assert window.session_panel is None and not any("Session" in t for t in titles)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session_panel is not None
    titles = [window.side.tabText(i) for i in range(window.side.count())]
    assert "Session details (staff)" in titles


def test_a_kiosk_order_form_has_a_number_pad_that_types_and_submits(qtbot, app, make_main_window):
    """No keyboard at a kiosk: the pad types the 16 digits, ✓ moves to the phone digits, then submits."""
    from desktop_app.ui.kiosk.numpad import DONE, NumberPad

    order = app.orders.orders_of("C001")[0]
    with app.db.session() as s:
        from sqlalchemy import select

        from desktop_app.store.schema import Customer
        last4 = s.scalar(select(Customer.phone).where(Customer.code == "C001"))[-4:]
    window = make_main_window(language="en", kiosk=True)
    form = window.open_form("order")
    pads = form.findChildren(NumberPad)
    assert len(pads) == 1 and [f.objectName() for f in pads[0].fields] == ["orderNumber", "phoneLast4"]
    pad = pads[0]
    for digit in order.order_number + "7":
        pad.keys[digit].click()
    pad.keys["⌫"].click()  # a slip, taken back
    assert form.order.text() == order.order_number and form.last4.text() == ""
    pad.keys[DONE].click()
    for digit in last4:
        pad.keys[digit].click()
    assert form.last4.text() == last4
    pad.keys[DONE].click()  # the last field: submits like Enter
    qtbot.waitUntil(lambda: any(isinstance(r, OrderView) for _role, r in window.chat.entries()) and not window.chat.busy,
                    timeout=60_000)
    laptop = make_main_window(language="en")
    assert not laptop.open_form("search").findChildren(NumberPad)  # a laptop has a keyboard


def test_every_product_has_a_picture_of_its_kind(qtbot, app, make_main_window):
    """Drawn from what the product is: a tent looks like a tent, a phone like a phone; nothing fetched."""
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui.chat.product_art import product_kind, product_pixmap

    names = {sku: (en, zh) for sku, en, zh in app.catalog.names()}
    with app.db.session() as s:
        from sqlalchemy import select

        from desktop_app.store.schema import Product
        rows = s.execute(select(Product.sku, Product.category, Product.name_en)).all()
    kinds = {product_kind(category, name) for _sku, category, name in rows}
    assert len(kinds) >= 10 and "box" not in kinds  # every demo product has a picture of its own kind
    assert product_kind("camping", "Northshore 2-person trekking tent") == "tent"
    assert product_kind("furniture", "Birch 3-tier bookshelf") == "shelf"
    assert not product_pixmap("phone", "Qinglan E3 phone").isNull() and len(names) == len(rows)
    window = make_main_window(language="en")
    _send(qtbot, window, "phones under 3000 yuan with NFC")
    pictures = window.chat.cards()[-1].findChildren(QLabel, "productPicture")
    assert pictures and all(not p.pixmap().isNull() for p in pictures)
    qtbot.wait(300)
    window.grab().save(str(__import__("pathlib").Path(__file__).resolve().parents[1] / "build" / "screenshots"
                           / "laptop-en-product-list.png"))
