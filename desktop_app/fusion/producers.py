"""Producers turn one modality's input into a ``Hypothesis``.

Typed text goes through :func:`hypothesis_from_nlu` in the assistant's pipeline; the voice
producer reuses it on its transcript and scales the confidence by the recogniser's own; the
vision producer builds its hypotheses from what the camera read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from desktop_app.fusion.hypothesis import EntityClaim, Hypothesis, Modality
from desktop_app.nlu.types import Entity, EntityKind, NluResult

T = TypeVar("T")


class HypothesisProducer(ABC, Generic[T]):
    """One modality's adapter into the fusion core."""

    modality: Modality
    reliability: float

    @abstractmethod
    def produce(self, item: T, *, at: float | None = None) -> Hypothesis:
        """Turn one input into a hypothesis stamped ``at`` (the collector's clock)."""


#: Kinds whose key says which slot the value fills (an attribute's name, a date's point or duration,
#: height or weight); for the others the key only repeats the kind and the slot is the kind alone.
KEYED_KINDS = frozenset({EntityKind.ATTRIBUTE, EntityKind.RELATIVE_DATE, EntityKind.BODY})


def entity_claim(entity: Entity) -> EntityClaim:
    value = entity.price if entity.price is not None else entity.value
    key = entity.key if entity.kind in KEYED_KINDS else ""
    return EntityClaim(entity.kind.value, value, entity.confidence, key, entity.partial)


def hypothesis_from_nlu(
    result: NluResult,
    *,
    modality: Modality,
    reliability: float,
    produced_at: float,
    confidence_scale: float = 1.0,
    payload: object | None = None,
) -> Hypothesis:
    """The shared NluResult → Hypothesis step; ``confidence_scale`` discounts e.g. an unsure transcript."""
    scale = min(max(confidence_scale, 0.0), 1.0)
    return Hypothesis(
        modality=modality,
        produced_at=produced_at,
        intents=result.intents if result.confidence > 0 else (),
        entities=tuple(
            EntityClaim(c.kind, c.value, c.confidence * scale, c.key, c.partial) for c in map(entity_claim, result.entities)
        ),
        reliability=reliability,
        confidence=result.confidence * scale,
        emotion=result.emotion,
        payload=payload,
    )
