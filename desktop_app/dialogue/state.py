"""Per-session dialogue state: the slots that carry over between turns.

Kept in memory only, one object per conversation; a kiosk's idle timeout drops it together with
the stored conversation, so nothing personal outlives the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from desktop_app.fusion.hypothesis import Hypothesis
from desktop_app.nlu.cues import REPEATS, THREATS, WAITING
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent
from desktop_app.service.types import (
    OrderView,
    Outcome,
    ProductSummary,
    Recommendation,
    ReturnKind,
    ReturnReason,
    SearchQuery,
)

#: How many calm turns a strong feeling is remembered for ("都等好久了" then a bare "1234").
MOOD_MEMORY_TURNS = 3
#: Escalation at which the conversation goes to a person, urgently, whatever the turn asked.
ESCALATION_HANDOFF = 3

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
    #: The answer to "has it been opened?", asked only where the policy makes it decide (skin care).
    opened: bool | None = None
    #: The last question asked was "has it been opened?": "没拆封" / "yes, opened" answers it.
    asking_opened: bool = False


@dataclass(frozen=True)
class TurnNote:
    """One finished turn, kept in memory for the agent's summary when the conversation is handed off."""

    text: str
    intent: Intent
    outcome: Outcome
    emotion: EmotionLabel
    intensity: float
    actions: tuple[str, ...] = ()


#: Turns remembered for a handoff summary; older ones only count in the intent trail.
HISTORY_TURNS = 12


@dataclass
class TaskForm:
    """An after-sales operation waiting for the customer's next answer (a new address, an invoice
    title, a time slot, a confirmation). ``values`` holds what was collected so far, by slot name."""

    intent: Intent
    step: str
    order_number: str | None = None
    item_id: int | None = None
    values: dict[str, str] = field(default_factory=dict)


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
    #: The products of the last list shown, in order: "第二个", "the cheaper one" point into it.
    shown: tuple[ProductSummary, ...] = ()
    #: The last personal recommendations with their reasons: "why did you recommend that?".
    recommended: tuple[Recommendation, ...] = ()
    form: ReturnForm | None = None
    #: An order operation in progress (cancel, address, invoice, installation...), or None.
    task: TaskForm | None = None
    #: Order numbers of the last order picker shown, in order: "第二个" / "the watch one" point into it.
    shown_order_views: tuple[OrderView, ...] = ()
    consecutive_failures: int = 0
    last_intent: Intent | None = None
    last_outcome: Outcome | None = None
    handed_off: bool = False
    #: A thank-you coupon was offered after a resolved case (at most once a conversation).
    coupon_offered: bool = False
    turns: int = 0
    mood: Emotion = field(default_factory=Emotion)
    #: Non-verbal hypotheses (vision, QR) waiting to be fused with this turn's words.
    observations: list[Hypothesis] = field(default_factory=list)
    mood_age: int = 0
    #: 0 calm; grows with angry turns, threats, waiting and having to ask again; calm turns let it settle.
    escalation: int = 0
    #: What raised it, for the agent's summary ("threat", "asked again", "long wait", "angry").
    escalation_causes: list[str] = field(default_factory=list)
    #: The last ``HISTORY_TURNS`` turns, for the summary a human agent reads on handoff.
    history: list[TurnNote] = field(default_factory=list)

    @property
    def shown_orders(self) -> tuple[str, ...]:
        """The numbers of the orders in the picker just shown."""
        return tuple(v.order_number for v in self.shown_order_views)

    def note_turn(self, note: TurnNote) -> None:
        self.history.append(note)
        del self.history[:-HISTORY_TURNS]

    def escalate(self, emotion: Emotion, *, asked_again: bool) -> int:
        """Update the conversation's escalation with one turn and return it."""
        causes = []
        cues = {cue.rpartition(":")[2] for cue in emotion.cues}  # fused cues carry their modality ("text:12315")
        if THREATS & cues:
            causes += ["threat", "threat"]  # a threat weighs twice
        if asked_again or REPEATS & cues:
            causes.append("asked again")
        if WAITING & cues and emotion.label in (EmotionLabel.ANGRY, EmotionLabel.ANXIOUS):
            causes.append("long wait")
        if emotion.label == EmotionLabel.ANGRY and emotion.intensity >= 0.5:
            causes.append("angry")
        if causes:
            self.escalation += len(causes)
            self.escalation_causes += [c for c in dict.fromkeys(causes) if c not in self.escalation_causes]
        elif emotion.label in (EmotionLabel.NEUTRAL, EmotionLabel.SATISFIED):
            self.escalation = max(0, self.escalation - 1)
        return self.escalation

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
