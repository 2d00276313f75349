"""Restock alerts: a signed-in customer asks to be told when a sold-out item is back."""

from __future__ import annotations

import logging

from desktop_app.core.clock import Clock
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class RestockService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
