"""Size advice: height and weight against the policy's size charts."""

from __future__ import annotations

import logging

from desktop_app.service.policy import Policy
from desktop_app.store.db import Database

log = logging.getLogger(__name__)


class SizeAdvisor:
    def __init__(self, db: Database, policy: Policy) -> None:
        self._db = db
        self._policy = policy
