"""Composition root: the one place that builds the store, clock, cipher and services and wires them.

The CLI and the Qt window both start here, so they always see the same store and rules.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop_app.core.clock import AnchoredClock, Clock, SystemClock
from desktop_app.core.config import Settings, load_settings
from desktop_app.core.crypto import TextCipher, load_or_create_key
from desktop_app.core.redact import KNOWN_NAMES
from desktop_app.service.catalog import CatalogService
from desktop_app.service.conversations import ConversationStore
from desktop_app.service.handoff import HandoffService
from desktop_app.service.orders import OrderService
from desktop_app.service.privacy import PrivacyService
from desktop_app.service.recommend import RecommendationService
from desktop_app.service.returns import ReturnService
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Database
    clock: Clock
    catalog: CatalogService
    orders: OrderService
    returns: ReturnService
    recommendations: RecommendationService
    handoff: HandoffService
    conversations: ConversationStore
    privacy: PrivacyService

    def close(self) -> None:
        self.db.dispose()


def build_app(settings: Settings | None = None) -> App:
    settings = settings or load_settings()
    db = Database(settings.resolved_db_url)
    db.prepare()
    if settings.seed_demo and not db.has_products():
        from desktop_app.store.seed import seed_demo_store

        summary = seed_demo_store(db, seed=settings.demo_seed,
                                  anchor=datetime.fromisoformat(settings.demo_today).replace(hour=14))
        log.info("seeded demo store: %d products, %d customers, %d orders",
                 summary.products, summary.customers, summary.orders)
    anchor = db.get_meta("demo_anchor")
    clock: Clock = AnchoredClock(datetime.fromisoformat(anchor)) if anchor else SystemClock()
    cipher = TextCipher(load_or_create_key(settings.resolved_key_file))
    with db.session() as s:
        KNOWN_NAMES.add(s.scalars(select(Customer.name)).all())
    orders = OrderService(db, clock)
    app = App(
        settings=settings,
        db=db,
        clock=clock,
        catalog=CatalogService(db, clock),
        orders=orders,
        returns=ReturnService(db, clock, orders),
        recommendations=RecommendationService(db),
        handoff=HandoffService(db, clock, cipher),
        conversations=ConversationStore(db, clock, cipher),
        privacy=PrivacyService(db, clock, cipher),
    )
    app.privacy.purge_conversations(settings.retention_days)
    return app
