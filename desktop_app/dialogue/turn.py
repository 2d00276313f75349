"""One fused turn as the dialogue manager reads it, what the turn produced, and the stages it ran.

Kept apart from the pipeline (which loads the intent model) so the window can name these
types without importing scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop_app.dialogue.reply import Reply
from desktop_app.fusion.fuse import FusedQuery
from desktop_app.nlu.language import dominant_language
from desktop_app.nlu.types import Emotion, Entity, EntityKind, Intent, NluResult, PriceRange

_KINDS = {k.value: k for k in EntityKind}


@dataclass(frozen=True)
class Turn:
    """One fused turn in the shape the dialogue manager reads (words + fused intent and slots)."""

    text: str
    language: str
    intent: Intent
    confidence: float
    is_confident: bool
    intents: tuple[tuple[Intent, float], ...]
    secondary_intents: tuple[tuple[Intent, float], ...]
    entities: tuple[Entity, ...]
    emotion: Emotion
    explanation: str

    @property
    def primary_language(self) -> str:
        return dominant_language(self.text) if self.language == "mixed" else self.language


class Stage(StrEnum):
    """The stages one turn runs through, in order (as Home Assistant's assist pipeline names its own).

    Speech is transcribed before the turn starts (by the microphone's worker); the transcript
    carries that time, so a spoken turn reports all four.
    """

    TRANSCRIBE = "transcribe"  # speech to text (voice turns only)
    UNDERSTAND = "understand"  # intents, entities and emotion of the words
    FUSE = "fuse"  # late fusion with what the camera saw this turn
    RESPOND = "respond"  # the dialogue manager and the services it calls


@dataclass(frozen=True)
class StageTime:
    stage: Stage
    seconds: float


@dataclass(frozen=True)
class Exchange:
    """Everything one turn produced: the fused query (for the debug panel), the reply, and its timings."""

    fused: FusedQuery
    turn: Turn
    reply: Reply
    timings: tuple[StageTime, ...] = ()

    def seconds(self, stage: Stage) -> float | None:
        """How long ``stage`` took this turn; None when the turn did not run it."""
        return next((t.seconds for t in self.timings if t.stage == stage), None)


def turn_from_fused(fused: FusedQuery, *, text: str, language: str, nlu: NluResult | None) -> Turn:
    entities = []
    for f in fused.entities:
        kind = _KINDS.get(f.kind)
        if kind is None:
            continue  # modality-only facts (detected parts) stay on the fused query
        price = f.value if isinstance(f.value, PriceRange) else None
        entities.append(Entity(kind=kind, value=str(f.value), text="", start=0, end=0, confidence=f.confidence,
                               key=f.key, partial=f.partial, price=price))
    return Turn(text=text, language=language, intent=fused.intent, confidence=fused.confidence,
                is_confident=fused.is_confident, intents=fused.intents,
                secondary_intents=nlu.secondary_intents if nlu else (), entities=tuple(entities),
                emotion=fused.emotion, explanation=fused.explanation)
