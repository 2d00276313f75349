"""Kiosk text is never clipped at 1080p, and the main states are saved as screenshots for review.

At the kiosk font size reply text was cut off. Every visible label and button of a kiosk visit
(an order answer with its card, a product list with chips, the order form with its number pad) is
checked in landscape and portrait: its text fits its rectangle, or it wraps and has the height its
wrapped text needs. The windows' main states are saved under ``build/screenshots`` (not committed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import exchanges
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from sqlalchemy import select

from desktop_app.service.types import OrderStatus
from desktop_app.ui.chat.reply_cards import GuideOfferCard

SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def _send(qtbot: Any, window: Any, text: str) -> Any:
    before = len(exchanges(window))
    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(exchanges(window)) > before and not window.chat.busy, timeout=60_000)
    return exchanges(window)[-1]


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def clipped(top: QWidget) -> list[str]:
    """Visible labels and buttons under ``top`` whose text does not fit their rectangle."""
    problems = []
    for label in top.findChildren(QLabel):
        text = label.text()
        if not text or not _shown(label, top) or label.textFormat() == Qt.TextFormat.RichText:
            continue
        room = label.contentsRect()
        metrics = label.fontMetrics()
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                problems.append(f"{label.objectName() or 'label'} {text[:30]!r}: needs {need}px high, has {label.height()}")
            continue
        lines = text.split("\n")
        wide = max(metrics.horizontalAdvance(line) for line in lines)
        high = metrics.lineSpacing() * len(lines)
        if wide > room.width() + 1 or high > room.height() + 2:
            problems.append(f"{label.objectName() or 'label'} {text[:30]!r}: {wide}x{high} in {room.width()}x{room.height()}")
    for button in top.findChildren(QAbstractButton):
        text = button.text().replace("&&", "&")
        if not text or not _shown(button, top):
            continue
        hint = button.sizeHint()
        wide = button.fontMetrics().horizontalAdvance(text)
        if wide > button.width() or hint.height() > button.height() + 1:
            problems.append(f"{button.objectName() or 'button'} {text[:30]!r}: text {wide}px, hint {hint.width()}x"
                            f"{hint.height()} in {button.width()}x{button.height()}")
    return problems


def _settle(qtbot: Any, window: Any) -> None:
    qtbot.wait(120)  # word-wrapped labels take their heights over a few layout passes


@pytest.mark.parametrize("width, height, language", [(1920, 1080, "zh"), (1080, 1920, "en")])
def test_kiosk_text_fits_at_1080p(qtbot, app, make_main_window, width, height, language):
    from desktop_app.store.schema import Customer

    order = next(v for v in app.orders.orders_of("C001") if v.status in (OrderStatus.IN_TRANSIT, OrderStatus.DELAYED))
    with app.db.session() as s:
        last4 = s.scalar(select(Customer.phone).where(Customer.code == "C001"))[-4:]
    window = make_main_window(language=language, kiosk=True)
    if window.attract is not None:
        window.start_session()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=5000)
    _settle(qtbot, window)
    orientation = "landscape" if width > height else "portrait"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / f"kiosk-{orientation}-{language}-welcome.png"))
    problems = {"welcome": clipped(window)}
    asks = {"zh": [f"订单{order.order_number}到哪了", last4, "3000元以下的手机"],
            "en": [f"where is order {order.order_number}", last4, "phones under 3000 yuan with NFC"]}[language]
    for text in asks:
        _send(qtbot, window, text)
    assert any(type(c).__name__ == "OrderView" for c in exchanges(window)[1].reply.cards)
    # each reply shown in full: scroll it into view and check what is on screen
    for card in window.chat.cards():
        window.chat.scroll_area.ensureWidgetVisible(card)
        _settle(qtbot, window)
        problems[f"card {card.objectName()}"] = clipped(card)
    window.chat.scroll_area.ensureWidgetVisible(window.chat.cards()[4])
    _settle(qtbot, window)
    window.grab().save(str(SHOTS / f"kiosk-{orientation}-{language}-order-answer.png"))
    window.open_form("order")
    _settle(qtbot, window)
    problems["order form"] = clipped(window.chat.form_host)
    problems["window"] = clipped(window)
    window.grab().save(str(SHOTS / f"kiosk-{orientation}-{language}-order-form.png"))
    wrong = {where: found for where, found in problems.items() if found}
    assert not wrong, wrong


@pytest.mark.parametrize("width, height, language", [(1366, 768, "zh"), (1366, 768, "en"), (1920, 1080, "zh"),
                                                     (1920, 1080, "en")])
def test_laptop_screenshots_of_the_main_states(qtbot, app, make_main_window, width, height, language):
    """Welcome, an order answer with its card, a form open, a guide open, at both sizes and languages."""
    order = next(v for v in app.orders.orders_of("C001") if v.status in (OrderStatus.IN_TRANSIT, OrderStatus.DELAYED))
    window = make_main_window(language=language, customer_code="C001")
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=5000)
    _settle(qtbot, window)
    name = f"laptop-{width}x{height}-{language}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / f"{name}-welcome.png"))
    _send(qtbot, window, f"订单{order.order_number}到哪了" if language == "zh" else f"where is order {order.order_number}")
    _settle(qtbot, window)
    window.grab().save(str(SHOTS / f"{name}-order-answer.png"))
    assert not clipped(window.chat.cards()[-1])
    window.open_form("return")
    _settle(qtbot, window)
    window.grab().save(str(SHOTS / f"{name}-return-form.png"))
    window.chat.set_form(None)
    _send(qtbot, window, "桦木三层书架怎么安装？" if language == "zh" else "how do I assemble the Birch 3-tier bookshelf?")
    offers = window.chat.cards()[-1].findChildren(GuideOfferCard)
    assert offers
    offers[0].open_button.click()
    qtbot.waitUntil(lambda: bool(window.guides), timeout=30_000)
    qtbot.wait(400)  # the first frame of the model
    window.grab().save(str(SHOTS / f"{name}-guide-open.png"))
    assert (window.width(), window.height()) == (width, height)
