"""Invoices, price protection, coupons and payment problems."""

from __future__ import annotations

from desktop_app.dialogue.handler import Handler
from desktop_app.nlu.types import Intent

HANDLERS: dict[Intent, Handler] = {}
