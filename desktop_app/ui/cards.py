"""Reply cards: one widget per plain result, chosen by the result's type.

The card classes live in ``cards_base`` (frame, text, error), ``cards_products``, ``cards_orders``
and ``cards_reply`` (a whole assistant turn); they are re-exported here so callers need one import.
"""

from __future__ import annotations

import logging
import sys

from desktop_app.core.errors import AppError
from desktop_app.dialogue.reply import GuideOffer, ItemChoice, Reply
from desktop_app.service.types import (
    OrderView,
    ProductAnswer,
    ProductSummary,
    Recommendation,
    ReturnDecision,
    ReturnRequestView,
    SearchResult,
    TicketView,
)
from desktop_app.ui import tr
from desktop_app.ui.cards_base import Card, ErrorCard, TextCard
from desktop_app.ui.cards_orders import OrderTimelineCard, ReturnDecisionCard, ReturnRequestCard, TicketCard
from desktop_app.ui.cards_products import ProductCard, ProductListCard
from desktop_app.ui.cards_reply import GuideOfferCard, ItemChoiceCard, ReplyCard
from desktop_app.ui.handlers import AssistantText

__all__ = [
    "Card", "ErrorCard", "GuideOfferCard", "ItemChoiceCard", "OrderTimelineCard", "ProductCard", "ProductListCard",
    "ReplyCard", "ReturnDecisionCard", "ReturnRequestCard", "TextCard", "TicketCard", "card_for", "is_exchange",
]

log = logging.getLogger(__name__)


def is_exchange(result: object) -> bool:
    """Whether ``result`` is one assistant turn, without importing the dialogue stack.

    The pipeline imports scikit-learn (seconds); while it is not loaded no turn can exist, so
    the window starts without it.
    """
    pipeline = sys.modules.get("desktop_app.dialogue.pipeline")
    return pipeline is not None and isinstance(result, pipeline.Exchange)


def card_for(result: object, language: str) -> Card:
    """The card for one plain result; an unknown type is a bug, shown as a generic error card.

    An assistant turn (``Exchange`` or ``Reply``) renders in the reply's own language.
    """
    if is_exchange(result):
        return ReplyCard(result.reply)  # type: ignore[attr-defined]
    if isinstance(result, Reply):
        return ReplyCard(result)
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
    if isinstance(result, (tuple, list)):
        if not result:
            return TextCard(tr(language, "Nothing to show yet.", "暂无内容。"), language)
        if all(isinstance(r, (Recommendation, ProductSummary)) for r in result):
            return ProductListCard(result, language)
    from desktop_app.ui.tasks import UnexpectedError

    log.error("no card for result type %s", type(result).__name__)
    return ErrorCard(UnexpectedError(), language)
