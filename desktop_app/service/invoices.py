"""Invoices (普通 / 增值税专用): one per order unless voided and re-issued; tax ids checked."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.service.orders import OrderService
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class InvoiceService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._cipher = cipher
