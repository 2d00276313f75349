"""Results that describe themselves (``FactCard``) render as cards in the customer's language."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from desktop_app.dialogue.reply import OrderPicker
from desktop_app.ui.chat.cards import FactsCard, card_for


def test_an_order_picker_renders_its_lines_in_each_language(qtbot, app):
    orders = app.orders.orders_of("C001")[:3]
    picker = OrderPicker("order_status", orders)
    for language in ("zh", "en"):
        card = card_for(picker, language)
        qtbot.addWidget(card)
        assert isinstance(card, FactsCard)
        texts = [w.text() for w in card.findChildren(QLabel)]
        assert texts[0] == picker.card_title(language)
        assert texts[1:] == list(picker.card_lines(language)) and len(texts) == 1 + len(orders)
        assert all(o.order_number[-4:] in line for o, line in zip(orders, texts[1:], strict=True))
