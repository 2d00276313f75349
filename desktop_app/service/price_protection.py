"""Price protection (价保): refund the difference once when the price drops within the window."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.service.refunds import RefundService
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class PriceProtectionService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, refunds: RefundService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._refunds = refunds
        self._policy = policy
