"""The assistant's reply to one turn: its text, filter chips, result cards and suggestion chips.

A reply is rendered in the reply's own language, not the window's: the customer may change
language mid-conversation, and each answer stays in the language it was asked in. Buttons on
the card (a suggestion, a numbered item, the 3D guide) only emit signals; the chat panel sends
the text as the customer's next message and the window opens the guide.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from desktop_app.dialogue.reply import GuideOffer, ItemChoice, Reply
from desktop_app.service.types import SearchResult
from desktop_app.ui.chat.card_base import Card, TextCard, make_label
from desktop_app.ui.chat.product_cards import ProductListCard
from desktop_app.ui.chat.repeats import trim_repeats

#: Renders one plain result in a language; cards.card_for, handed in so this module needs no dispatch.
CardFactory = Callable[[object, str], Card]

log = logging.getLogger(__name__)

#: Chips wrap onto new rows after this many, so a long list never widens the card.
CHIPS_PER_ROW = 4
FILTERS_PER_ROW = 6


class GuideOfferCard(Card):
    """Offers the product's step-by-step 3D assembly guide."""

    guideRequested = Signal(object)  # GuideOffer

    def __init__(self, offer: GuideOffer, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.offer = offer
        self.title(self.t(f"3D assembly guide · {offer.name}", f"3D 安装指引 · {offer.name}"))
        if offer.step > 1:
            self.note(self.t(f"Opens at step {offer.step}.", f"将从第 {offer.step} 步开始。"))
        else:
            self.note(self.t("Watch each step, rotate the model, replay any step.",
                             "逐步观看，可旋转模型、重播任一步骤。"))
        self.open_button = QPushButton(self.t("Open 3D guide", "打开 3D 安装指引"))
        self.open_button.setObjectName("openGuideButton")
        self.open_button.setProperty("primary", True)
        self.open_button.clicked.connect(lambda: self.guideRequested.emit(self.offer))
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.body.addLayout(row)


class ItemChoiceCard(Card):
    """An order's items, numbered; a button sends its number as the customer's answer."""

    chosen = Signal(str)

    def __init__(self, choice: ItemChoice, language: str, parent: QWidget | None = None) -> None:
        super().__init__(language, "assistant", parent)
        self.title(self.t(f"Which item of order {choice.order_number_masked}?",
                          f"订单 {choice.order_number_masked} 中的哪件商品？"))
        self.buttons: list[QPushButton] = []
        for number, option in enumerate(choice.options, start=1):
            label = option if option.startswith(f"{number}.") else f"{number}. {option}"
            button = QPushButton(label.replace("&", "&&"))
            button.setObjectName("itemChoiceButton")
            button.setStyleSheet("text-align: left;")
            button.clicked.connect(lambda _=False, n=number: self.chosen.emit(str(n)))
            self.buttons.append(button)
            self.add(button)


class ReplyCard(Card):
    """One turn's reply: a text bubble, then the cards it carries, then suggestion chips."""

    messageRequested = Signal(str)  # a suggestion or an item number, sent as the next message
    guideRequested = Signal(object)  # GuideOffer
    productActivated = Signal(int)
    pageRequested = Signal(object)  # SearchQuery

    def __init__(self, reply: Reply, card_for: CardFactory, parent: QWidget | None = None) -> None:
        """``card_for`` renders each result the reply carries (the dispatch in cards.py)."""
        super().__init__(reply.language, "reply", parent)
        self.reply = reply
        self.setMaximumWidth(660)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(8)
        if reply.text:
            self.add(TextCard(reply.text, self.language))
        results = list(reply.cards)
        if reply.ticket is not None and reply.ticket not in results:
            results.append(reply.ticket)
        filters_shown = False
        for result in results:
            if reply.filters and not filters_shown and isinstance(result, SearchResult):
                self._filter_chips()
                filters_shown = True
            card = self.add(self._wire(card_for(result, self.language)))
            trim_repeats(card, reply.text)  # the bubble already said it: the card keeps the rest
        if reply.filters and not filters_shown:
            self._filter_chips()
        if reply.suggestions:
            self._suggestion_chips()

    def _wire(self, card: Card) -> Card:
        if isinstance(card, ProductListCard):
            card.productActivated.connect(self.productActivated)
            card.pageRequested.connect(self.pageRequested)
        elif isinstance(card, GuideOfferCard):
            card.guideRequested.connect(self.guideRequested)
        elif isinstance(card, ItemChoiceCard):
            card.chosen.connect(self.messageRequested)
        return card

    def _filter_chips(self) -> None:
        """The conditions the search applied, so the customer sees what was understood."""
        chips = [make_label(text, "filterChip", wrap=False) for text in self.reply.filters]
        self._chip_rows([make_label(self.t("Filters:", "筛选条件："), "cardNote", wrap=False), *chips], FILTERS_PER_ROW)

    def _suggestion_chips(self) -> None:
        chips = []
        for text in self.reply.suggestions:
            chip = QPushButton(text.replace("&", "&&"))
            chip.setObjectName("suggestionChip")
            chip.setProperty("chip", True)
            chip.setToolTip(self.t("Send this", "发送这句话"))
            chip.clicked.connect(lambda _=False, t=text: self.messageRequested.emit(t))
            chips.append(chip)
        self._chip_rows(chips)

    def _chip_rows(self, widgets: Sequence[QWidget], per_row: int = CHIPS_PER_ROW) -> None:
        """Left-aligned rows of chips, wrapped so a long list never widens the card."""
        for start in range(0, len(widgets), per_row):
            row = QHBoxLayout()
            row.setSpacing(6)
            for widget in widgets[start:start + per_row]:
                row.addWidget(widget)
            row.addStretch(1)
            self.body.addLayout(row)

    def retire(self) -> None:
        """The conversation moved on: these chips and item buttons answered an earlier question, and
        pressing one now would send a stale answer ("确认提交" for a form long closed)."""
        for button in [*self.suggestion_buttons(), *self.findChildren(QPushButton, "itemChoiceButton")]:
            button.setEnabled(False)
            button.setToolTip(self.t("This was for an earlier question", "这是之前问题的选项"))

    def suggestion_buttons(self) -> list[QPushButton]:
        return self.findChildren(QPushButton, "suggestionChip")
