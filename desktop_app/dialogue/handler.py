"""The shape of an after-sales flow: one function per intent, given the services, the session,
the understood turn and the reply being built. Kept in a leaf module so every flow can name it
without importing the registry that collects them."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.dialogue.reply import ReplyBuilder
from desktop_app.dialogue.services import Services
from desktop_app.dialogue.slots import Understood
from desktop_app.dialogue.state import SessionState

Handler = Callable[[Services, SessionState, Understood, ReplyBuilder], None]
