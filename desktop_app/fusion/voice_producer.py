"""Speech as a fusion producer: the transcript understood like typed text, discounted by how sure
the recogniser was, with the voice's tone raising the felt intensity of an emotion the words show.

Tone is applied here and only here; ``fuse`` treats the resulting emotion like any other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from desktop_app.fusion.hypothesis import Hypothesis, Modality, ToneEstimate, VoicePayload
from desktop_app.fusion.producers import HypothesisProducer, hypothesis_from_nlu
from desktop_app.nlu.types import Emotion, EmotionLabel, NluResult
from desktop_app.nlu.understand import Understander
from desktop_app.voice.transcriber import Transcript

#: Recognised speech is trusted less than typed text: a misheard digit is worse than a typo.
VOICE_RELIABILITY = 0.8
#: Feelings a raised voice can make stronger; a calm or pleased sentence stays as the words say.
TONE_SENSITIVE = frozenset({EmotionLabel.ANGRY, EmotionLabel.ANXIOUS})
#: How much a fully agitated voice adds to the intensity the words carry.
TONE_WEIGHT = 0.35


def emotion_with_tone(emotion: Emotion, arousal: float) -> Emotion:
    """Words decide *which* feeling; the voice only says how strong it is (tone alone is ambiguous).

    A voice above the middle of the arousal scale raises an angry or anxious sentence's intensity
    in proportion to how agitated it is.
    """
    if emotion.label not in TONE_SENSITIVE or arousal <= 0.5:
        return emotion
    boost = TONE_WEIGHT * (min(arousal, 1.0) - 0.5) * 2
    return replace(emotion, intensity=min(1.0, emotion.intensity + boost),
                   cues=emotion.cues + (f"voice arousal {arousal:.2f}",))


class VoiceProducer(HypothesisProducer[Transcript]):
    modality = Modality.VOICE

    def __init__(self, understander: Understander, *, reliability: float = VOICE_RELIABILITY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._understander = understander
        self.reliability = reliability
        self._clock = clock

    def understand(self, transcript: Transcript) -> NluResult:
        result = self._understander.understand(transcript.text, language_hint=transcript.language)
        if transcript.tone is not None:
            result = replace(result, emotion=emotion_with_tone(result.emotion, transcript.tone.arousal))
        return result

    def produce(self, item: Transcript, *, at: float | None = None) -> Hypothesis:
        return self.produce_with(item, self.understand(item), at=at)

    def produce_with(self, item: Transcript, result: NluResult, *, at: float | None = None) -> Hypothesis:
        tone = ToneEstimate(arousal=item.tone.arousal) if item.tone is not None else None
        return hypothesis_from_nlu(
            result, modality=self.modality, reliability=self.reliability,
            produced_at=self._clock() if at is None else at, confidence_scale=item.confidence,
            payload=VoicePayload(transcript=item.text, asr_confidence=item.confidence, language=item.language,
                                 tone=tone),
        )
