"""Cancel, change address and urge shipping: order operations under the store's order rules."""

from __future__ import annotations

from desktop_app.dialogue.handler import Handler
from desktop_app.nlu.types import Intent

HANDLERS: dict[Intent, Handler] = {}
