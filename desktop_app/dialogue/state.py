"""Per-session dialogue state: the slots that carry over between turns.

Kept in memory only, one object per conversation; a kiosk's idle timeout drops it together with
the stored conversation, so nothing personal outlives the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from desktop_app.fusion.hypothesis import Hypothesis
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent
from desktop_app.service.types import Outcome, ReturnKind, ReturnReason, SearchQuery

#: How many calm turns a strong feeling is remembered for ("都等好久了" then a bare "1234").
MOOD_MEMORY_TURNS = 3

FormStep = Literal["order", "phone", "item", "reason", "confirm"]


@dataclass
class ReturnForm:
    kind: ReturnKind
    order_number: str | None = None
    item_id: int | None = None
    reason: ReturnReason | None = None
    #: Colour or words the customer used to pick the item before the order was known.
    item_hint: str | None = None
    step: FormStep = "order"


@dataclass
class SessionState:
    conversation_id: int | None = None
    language: str = "zh"
    customer_code: str | None = None
    #: Full order numbers the caller has proven access to this session → the phone digits used.
    verified: dict[str, str | None] = field(default_factory=dict)
    current_order: str | None = None
    #: An order reference we could not open yet because the phone digits are missing.
    pending_order_ref: str | None = None
    pending_intent: str | None = None
    current_product: str | None = None
    last_search: SearchQuery | None = None
    form: ReturnForm | None = None
    consecutive_failures: int = 0
    last_intent: Intent | None = None
    last_outcome: Outcome | None = None
    handed_off: bool = False
    turns: int = 0
    mood: Emotion = field(default_factory=Emotion)
    #: Non-verbal hypotheses (vision, QR) waiting to be fused with this turn's words.
    observations: list[Hypothesis] = field(default_factory=list)
    mood_age: int = 0

    def remember_mood(self, emotion: Emotion) -> Emotion:
        """The feeling to act on this turn: this turn's, or a recent stronger one not yet resolved."""
        if emotion.label != EmotionLabel.NEUTRAL:
            self.mood, self.mood_age = emotion, 0
        else:
            self.mood_age += 1
            if self.mood_age > MOOD_MEMORY_TURNS:
                self.mood = emotion
        return self.mood

    def credentials(self, order_number: str | None = None) -> dict[str, str | None]:
        """Keyword arguments proving access to an order for the service calls."""
        last4 = self.verified.get(order_number) if order_number else None
        return {"customer_code": self.customer_code, "phone_last4": last4}
