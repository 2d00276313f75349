"""Producers turn one modality's input into a ``Hypothesis``; text is the first of them.

Voice and vision implement ``HypothesisProducer`` later; a voice producer can reuse
``hypothesis_from_nlu`` on its transcript and scale the confidence by the ASR's own.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Callable, Generic, TypeVar

from desktop_app.fusion.hypothesis import TEXT, EntityClaim, Hypothesis, TextPayload
from desktop_app.nlu.types import Entity, NluResult
from desktop_app.nlu.understand import Understander

T = TypeVar("T")


class HypothesisProducer(ABC, Generic[T]):
    """One modality's adapter into the fusion core."""

    modality: str
    reliability: float

    @abstractmethod
    def produce(self, item: T, *, at: float | None = None) -> Hypothesis:
        """Turn one input into a hypothesis stamped ``at`` (the collector's clock)."""


def entity_claim(entity: Entity) -> EntityClaim:
    value = entity.price if entity.price is not None else entity.value
    return EntityClaim(entity.kind.value, value, entity.confidence, entity.key if entity.kind.value == "attribute" else "", entity.partial)


def hypothesis_from_nlu(
    result: NluResult,
    *,
    modality: str,
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


class TextProducer(HypothesisProducer[str]):
    """Typed chat text: the most reliable channel (no recognition step between shopper and words)."""

    modality = TEXT

    def __init__(self, understander: Understander, *, reliability: float = 0.95,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._understander = understander
        self.reliability = reliability
        self._clock = clock
        self.last_result: NluResult | None = None

    def produce(self, item: str, *, at: float | None = None, language_hint: str | None = None) -> Hypothesis:
        result = self._understander.understand(item, language_hint=language_hint)
        self.last_result = result
        return hypothesis_from_nlu(
            result, modality=self.modality, reliability=self.reliability,
            produced_at=self._clock() if at is None else at,
            payload=TextPayload(result.text, result.language),
        )
