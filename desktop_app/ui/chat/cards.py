"""Reply cards: one widget per plain result, chosen by the result's type.

The card classes live in ``card_base`` (frame, text, error), ``product_cards``, ``order_cards``
and ``reply_cards`` (a whole assistant turn); they are re-exported here so callers need one import.
"""

from __future__ import annotations

import logging

from desktop_app.core.errors import AppError
from desktop_app.dialogue.reply import GuideOffer, ItemChoice, Reply
from desktop_app.dialogue.turn import Exchange
from desktop_app.service.types import (
    FactCard,
    OrderView,
    ProductAnswer,
    ProductSummary,
    Recommendation,
    ReturnDecision,
    ReturnRequestView,
    SearchResult,
    TicketView,
)
from desktop_app.ui.chat.card_base import Card, ErrorCard, TextCard
from desktop_app.ui.chat.fact_cards import FactsCard
from desktop_app.ui.chat.handler import AssistantText
from desktop_app.ui.chat.order_cards import OrderTimelineCard, ReturnDecisionCard, ReturnRequestCard, TicketCard
from desktop_app.ui.chat.product_cards import ProductCard, ProductListCard
from desktop_app.ui.chat.reply_cards import GuideOfferCard, ItemChoiceCard, ReplyCard
from desktop_app.ui.common.labels import tr

__all__ = [
    "Card", "ErrorCard", "FactsCard", "GuideOfferCard", "ItemChoiceCard", "OrderTimelineCard", "ProductCard", "ProductListCard",
    "ReplyCard", "ReturnDecisionCard", "ReturnRequestCard", "TextCard", "TicketCard", "card_for",
]

log = logging.getLogger(__name__)


def card_for(result: object, language: str) -> Card:
    """The card for one plain result; an unknown type is a bug, shown as a generic error card.

    An assistant turn (``Exchange`` or ``Reply``) renders in the reply's own language.
    """
    if isinstance(result, Exchange):
        return ReplyCard(result.reply, card_for)
    if isinstance(result, Reply):
        return ReplyCard(result, card_for)
    if isinstance(result, AppError):
        return ErrorCard(result, language)
    if isinstance(result, AssistantText):
        return TextCard(result.text(language), language)
    if isinstance(result, str):
        return TextCard(result, language)
    if isinstance(result, SearchResult):
        return ProductListCard(result, language)
    if isinstance(result, ProductAnswer):
        return ProductCard(result, language)
    if isinstance(result, OrderView):
        return OrderTimelineCard(result, language)
    if isinstance(result, ReturnDecision):
        return ReturnDecisionCard(result, language)
    if isinstance(result, ReturnRequestView):
        return ReturnRequestCard(result, language)
    if isinstance(result, TicketView):
        return TicketCard(result, language)
    if isinstance(result, GuideOffer):
        return GuideOfferCard(result, language)
    if isinstance(result, ItemChoice):
        return ItemChoiceCard(result, language)
    if isinstance(result, FactCard):
        return FactsCard(result, language)
    if isinstance(result, (tuple, list)):
        if not result:
            return TextCard(tr(language, "Nothing to show yet.", "暂无内容。"), language)
        if all(isinstance(r, (Recommendation, ProductSummary)) for r in result):
            return ProductListCard(result, language)
    from desktop_app.ui.common.tasks import UnexpectedError

    log.error("no card for result type %s", type(result).__name__)
    return ErrorCard(UnexpectedError(), language)
