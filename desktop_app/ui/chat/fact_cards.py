"""The card for any result that describes itself (``FactCard``): a title and a few lines.

After-sales results (a cancellation, an invoice, a coupon list, an installation booking...) carry
their own wording in both languages, so adding one needs no widget code here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.service.types import FactCard
from desktop_app.ui.chat.card_base import Card


class FactsCard(Card):
    def __init__(self, result: FactCard, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.setProperty("kind", type(result).__name__)
        self.title(result.card_title(language))
        for line in result.card_lines(language):
            self.note(line, "factLine")
