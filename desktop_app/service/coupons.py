"""Coupons and promotions (满减): which apply to an item or order, the best one, per-customer use."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class CouponService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
