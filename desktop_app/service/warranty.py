"""Warranty and repair tickets: the period per category from the policy, counted from delivery."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.service.orders import OrderService
from desktop_app.service.policy import Policy
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class WarrantyService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, policy: Policy, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._policy = policy
        self._cipher = cipher
