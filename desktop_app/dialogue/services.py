"""The services the dialogue manager calls, as a structural type (the composition root's ``App``
satisfies it), so this layer never imports the layer that builds it."""

from __future__ import annotations

from typing import Protocol

from desktop_app.core.clock import Clock
from desktop_app.service.catalog import CatalogService
from desktop_app.service.conversations import ConversationStore
from desktop_app.service.handoff import HandoffService
from desktop_app.service.orders import OrderService
from desktop_app.service.recommend import RecommendationService
from desktop_app.service.returns import ReturnService


class Services(Protocol):
    clock: Clock
    catalog: CatalogService
    orders: OrderService
    returns: ReturnService
    recommendations: RecommendationService
    handoff: HandoffService
    conversations: ConversationStore
