"""Late fusion: every modality's hypothesis for one turn becomes one query with an explanation."""

from desktop_app.fusion.fuse import EntityConflict, FusedEntity, FusedQuery, fuse
from desktop_app.fusion.hypothesis import (
    QR, TEXT, VISION, VOICE, Detection, EntityClaim, Hypothesis, TextPayload, ToneEstimate, VisionPayload, VoicePayload,
)
from desktop_app.fusion.producers import HypothesisProducer, TextProducer, hypothesis_from_nlu
from desktop_app.fusion.turn import TurnCollector

__all__ = [
    "QR", "TEXT", "VISION", "VOICE", "Detection", "EntityClaim", "EntityConflict", "FusedEntity", "FusedQuery",
    "Hypothesis", "HypothesisProducer", "TextPayload", "TextProducer", "ToneEstimate", "TurnCollector",
    "VisionPayload", "VoicePayload", "fuse", "hypothesis_from_nlu",
]
