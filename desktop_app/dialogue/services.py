"""The services the dialogue manager calls, as a structural type (the composition root's ``App``
satisfies it), so this layer never imports the layer that builds it."""

from __future__ import annotations

from typing import Protocol

from desktop_app.core.clock import Clock
from desktop_app.service.catalog import CatalogService
from desktop_app.service.conversations import ConversationStore
from desktop_app.service.coupons import CouponService
from desktop_app.service.handoff import HandoffService
from desktop_app.service.installation import InstallationService
from desktop_app.service.invoices import InvoiceService
from desktop_app.service.order_changes import OrderChangeService
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.price_protection import PriceProtectionService
from desktop_app.service.recommend import RecommendationService
from desktop_app.service.refunds import RefundService
from desktop_app.service.restock import RestockService
from desktop_app.service.returns import ReturnService
from desktop_app.service.shipping import ShippingService
from desktop_app.service.sizing import SizeAdvisor
from desktop_app.service.warranty import WarrantyService


class Services(Protocol):
    clock: Clock
    catalog: CatalogService
    orders: OrderService
    returns: ReturnService
    recommendations: RecommendationService
    handoff: HandoffService
    conversations: ConversationStore
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
