"""Return-policy questions answered from the same rules engine that decides returns."""

from __future__ import annotations

from desktop_app.dialogue.handler import Handler
from desktop_app.nlu.types import Intent

HANDLERS: dict[Intent, Handler] = {}
