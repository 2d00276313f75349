"""The refund ledger: what is owed back for a cancel, a return or a price drop, and when."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class RefundService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy
