"""Composition root: the one place that builds the store, clock, cipher and services and wires them.

The CLI and the Qt window both start here, so they always see the same store and rules.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop_app.core.clock import AnchoredClock, Clock, SystemClock
from desktop_app.core.config import Settings, load_settings
from desktop_app.core.redact import KNOWN_NAMES
from desktop_app.service.access_guard import AccessGuard, device_identity
from desktop_app.service.catalog import CatalogService
from desktop_app.service.conversations import ConversationStore
from desktop_app.service.coupons import CouponService
from desktop_app.service.desk import Desk, build_desk
from desktop_app.service.guide_stats import GuideStats
from desktop_app.service.handoff import HandoffService
from desktop_app.service.installation import InstallationService
from desktop_app.service.invoices import InvoiceService
from desktop_app.service.merchant_figures import MerchantFigures
from desktop_app.service.nlu_versions import NluVersions
from desktop_app.service.order_changes import OrderChangeService
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy, load_policy
from desktop_app.service.price_protection import PriceProtectionService
from desktop_app.service.privacy import PrivacyService
from desktop_app.service.recommend import RecommendationService
from desktop_app.service.refunds import RefundService
from desktop_app.service.restock import RestockService
from desktop_app.service.returns import ReturnService
from desktop_app.service.shipping import ShippingService
from desktop_app.service.sizing import SizeAdvisor
from desktop_app.service.warranty import WarrantyService
from desktop_app.store.db import Database
from desktop_app.store.opening import Seeder, open_store
from desktop_app.store.schema import Customer

if TYPE_CHECKING:
    from desktop_app.dialogue.pipeline import Assistant

log = logging.getLogger(__name__)


def available_guides(assets_dir: Path) -> frozenset[str]:
    """SKUs that have a 3D assembly guide bundled under ``assets/models3d/<sku>/guide.json``."""
    return frozenset(p.parent.name for p in (assets_dir / "models3d").glob("*/guide.json"))


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
    guide_stats: GuideStats
    #: The merchant dashboard's figures (rates, complaint trends, assembly pain, segments, drill-down).
    merchant_figures: MerchantFigures
    policy: Policy
    refunds: RefundService
    order_changes: OrderChangeService
    invoices: InvoiceService
    price_protection: PriceProtectionService
    coupons: CouponService
    shipping: ShippingService
    warranty: WarrantyService
    installation: InstallationService
    sizing: SizeAdvisor
    restock: RestockService
    #: The human agents' desk (accounts, tickets, order actions, supervision) over the same services.
    desk: Desk
    #: The intent model versions (the one deployed, their scores) and the review queue they learn from.
    nlu_versions: NluVersions
    guides: frozenset[str] = frozenset()
    _assistant: Assistant | None = None
    _assistant_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def assistant(self) -> Assistant:
        """The text → fusion → dialogue pipeline, built on first use (the classifier loads lazily)."""
        with self._assistant_lock:
            return self._build_assistant()

    def _build_assistant(self) -> Assistant:
        if self._assistant is None:
            # Imported here: scikit-learn takes seconds to import, and the window must not wait for it.
            from desktop_app.dialogue.manager import DialogueManager
            from desktop_app.dialogue.pipeline import Assistant
            from desktop_app.nlu.brands import BrandLexicon
            from desktop_app.nlu.lexicon import ProductEntry, ProductLexicon
            from desktop_app.nlu.model_versions import load_deployed
            from desktop_app.nlu.understand import Understander

            # The SKU is a name too: "PHN-QL-E3 有货吗" asks about that product.
            lexicon = ProductLexicon.from_entries(ProductEntry(sku, en, zh, aliases=(sku,))
                                                  for sku, en, zh in self.catalog.names())
            # The intent model `nlu retrain` deployed (checked against its recorded sha256), else the base one.
            deployed = self.nlu_versions.deployed_model()
            classifier = load_deployed(self.settings.cache_dir, deployed.version, deployed.sha256) if deployed else None
            understander = Understander(lexicon=lexicon, brands=BrandLexicon(self.catalog.brands()), classifier=classifier)
            channel = "kiosk" if self.settings.kiosk else "laptop"
            self._assistant = Assistant(understander, DialogueManager(self, guides=self.guides, channel=channel))
        return self._assistant

    def close(self) -> None:
        self.db.dispose()


def open_database(settings: Settings) -> Database:
    """The store with its key checked and bound; on the very first start created and seeded with the
    demo data atomically (``store.opening``). Refuses a missing or wrong key without writing."""
    return open_store(settings.resolved_db_url, settings.resolved_key_file, data_dir=settings.data_dir,
                      seed=_demo_seeder(settings) if settings.seed_demo else None)


def _demo_seeder(settings: Settings) -> Seeder:
    anchor = datetime.fromisoformat(settings.demo_today).replace(hour=14)  # read before anything is written

    def seed(db: Database) -> object:
        from desktop_app.store.demo.seed import seed_demo_store  # only for a first start: not on every start

        return seed_demo_store(db, seed=settings.demo_seed, anchor=anchor, history=settings.demo_history)

    return seed


def build_app(settings: Settings | None = None) -> App:
    settings = settings or load_settings()
    policy = load_policy(settings.resolved_policy_file)  # a bad policy file stops the start, before any write
    db = open_database(settings)
    anchor = db.get_meta("demo_anchor")
    clock: Clock = AnchoredClock(datetime.fromisoformat(anchor)) if anchor else SystemClock()
    cipher = db.keys.cipher
    with db.session() as s:
        KNOWN_NAMES.add(s.scalars(select(Customer.name)).all())
    # Failed checks count per machine too, and lockouts run on real time: the demo store's clock restarts
    # at the same moment in every process, so measured against it a lockout would never end.
    device = device_identity()
    orders = OrderService(db, clock, device_id=device, guard=AccessGuard(db, SystemClock(), device_id=device))
    refunds = RefundService(db, clock, orders, policy)
    returns = ReturnService(db, clock, orders, policy)
    order_changes = OrderChangeService(db, clock, orders, refunds, policy, cipher)
    desk = build_desk(db, clock, orders=orders, returns=returns, refunds=refunds, changes=order_changes)
    app = App(
        settings=settings,
        db=db,
        clock=clock,
        catalog=CatalogService(db, clock),
        orders=orders,
        returns=returns,
        recommendations=RecommendationService(db),
        handoff=HandoffService(db, clock, cipher, publish=desk.tickets.notices.publish),
        conversations=ConversationStore(db, clock, cipher),
        privacy=PrivacyService(db, clock, cipher),
        guide_stats=GuideStats(db, clock),
        merchant_figures=MerchantFigures(db, clock, cipher),
        policy=policy,
        refunds=refunds,
        order_changes=order_changes,
        invoices=InvoiceService(db, clock, orders, cipher),
        price_protection=PriceProtectionService(db, clock, orders, refunds, policy),
        coupons=CouponService(db, clock),
        shipping=ShippingService(db, policy),
        warranty=WarrantyService(db, clock, orders, policy, cipher),
        installation=InstallationService(db, clock, orders, policy),
        sizing=SizeAdvisor(db, policy),
        restock=RestockService(db, clock),
        desk=desk,
        nlu_versions=NluVersions(db, clock),
        guides=available_guides(settings.assets_dir),
    )
    app.privacy.purge_conversations(settings.retention_days, now=SystemClock().now())  # retention: real time
    return app
