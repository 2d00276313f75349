"""What every modality producer hands the fusion core: one ``Hypothesis`` per input.

``fuse`` never looks at which modality spoke, only at reliability, confidence and claims, so a new
producer plugs in by adding a ``Modality`` member and nothing else. Modality-specific facts ride
along in small frozen payloads. The turn window lives here, the leaf every stage imports.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from desktop_app.nlu.types import Emotion, Intent


class Modality(StrEnum):
    """Where one hypothesis came from."""

    TEXT = "text"
    VOICE = "voice"
    VISION = "vision"  # parts seen by the camera or in a photo
    QR = "qr"  # an assembly-guide code: printed, so it does not misread the way detections do


#: Inputs this close together (seconds) belong to one turn: a spoken "this one" and the parts shown
#: with it. The pipeline, the fusion and the camera's re-observation all use this one value.
TURN_WINDOW_S = 2.5


@dataclass(frozen=True)
class EntityClaim:
    """One entity a producer believes in. ``value`` must be hashable (str, PriceRange, ...)."""

    kind: str
    value: Hashable
    confidence: float
    #: Slot qualifier: the attribute key for attributes ("waterproof"), else "".
    key: str = ""
    #: An order reference that is only its last digits.
    partial: bool = False

    @property
    def slot(self) -> tuple[str, str]:
        return (self.kind, self.key)


@dataclass(frozen=True)
class TextPayload:
    text: str
    language: str


@dataclass(frozen=True)
class ToneEstimate:
    """Prosody from the voice producer: arousal in [0, 1] (loud, fast, high-pitched = high)."""

    arousal: float = 0.0


@dataclass(frozen=True)
class VoicePayload:
    transcript: str
    asr_confidence: float
    language: str = ""
    tone: ToneEstimate | None = None


@dataclass(frozen=True)
class Detection:
    label: str
    confidence: float
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class VisionPayload:
    detections: tuple[Detection, ...] = ()
    qr_payloads: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hypothesis:
    modality: Modality
    #: Seconds on the collector's clock (monotonic); groups inputs into turns.
    produced_at: float
    #: Intent → probability; empty when the producer says nothing about intent (e.g. a QR scan).
    intents: tuple[tuple[Intent, float], ...] = ()
    entities: tuple[EntityClaim, ...] = ()
    #: How much this producer is trusted in general (0..1), e.g. ASR in a noisy kiosk < typed text.
    reliability: float = 1.0
    #: The producer's own confidence in this particular input; defaults to its top intent probability.
    confidence: float | None = None
    emotion: Emotion | None = None
    payload: object | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        total = sum(max(p, 0.0) for _, p in self.intents)
        if total > 0:
            normalised = tuple(sorted(((Intent(i), max(p, 0.0) / total) for i, p in self.intents), key=lambda x: -x[1]))
            object.__setattr__(self, "intents", normalised)
        object.__setattr__(self, "reliability", min(max(float(self.reliability), 0.0), 1.0))

    @classmethod
    def create(cls, modality: Modality, produced_at: float, intents: Mapping[Intent, float] | None = None, *,
               entities: tuple[EntityClaim, ...] = (), reliability: float = 1.0, confidence: float | None = None,
               emotion: Emotion | None = None, payload: object | None = None) -> Hypothesis:
        """A hypothesis from an intent → probability mapping (normalised on creation)."""
        return cls(modality, produced_at, tuple((intents or {}).items()), entities, reliability, confidence, emotion,
                   payload)

    @property
    def top_intent(self) -> tuple[Intent, float] | None:
        return self.intents[0] if self.intents else None

    @property
    def own_confidence(self) -> float:
        if self.confidence is not None:
            return min(max(self.confidence, 0.0), 1.0)
        return self.intents[0][1] if self.intents else 0.0

    @property
    def weight(self) -> float:
        """Reliability × confidence: how much this hypothesis counts in the fusion."""
        return self.reliability * self.own_confidence
