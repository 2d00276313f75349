"""Late fusion: agreement reinforces, confidence overrides, entity conflicts resolve, explanation names the decider."""

from __future__ import annotations

from dataclasses import replace

from desktop_app.fusion.fuse import fuse
from desktop_app.fusion.hypothesis import EntityClaim, Hypothesis, Modality
from desktop_app.fusion.producers import hypothesis_from_nlu
from desktop_app.fusion.voice_producer import VoiceProducer
from desktop_app.nlu.classifier import shared_classifier
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent
from desktop_app.nlu.understand import Understander
from desktop_app.voice.tone import Tone
from desktop_app.voice.transcriber import Transcript

TEXT, VOICE, VISION, QR = Modality.TEXT, Modality.VOICE, Modality.VISION, Modality.QR
OS, LD, CP = Intent.ORDER_STATUS, Intent.LOGISTICS_DELAY, Intent.COMPLAINT


def dist(top: Intent, p: float) -> dict[Intent, float]:
    rest = (1 - p) / (len(Intent) - 1)
    return {i: (p if i == top else rest) for i in Intent}


def test_single_hypothesis_passes_through_unchanged() -> None:
    fused = fuse([Hypothesis.create(TEXT, 0.0, dist(OS, 0.7), reliability=0.9)])
    assert fused.intent == OS and abs(fused.confidence - 0.7) < 1e-3
    assert fused.intent_source == TEXT


def test_agreeing_hypotheses_reinforce() -> None:
    text = Hypothesis.create(TEXT, 0.0, dist(OS, 0.6), reliability=0.9)
    voice = Hypothesis.create(VOICE, 0.5, dist(OS, 0.6), reliability=0.8)
    fused = fuse([text, voice])
    assert fused.intent == OS
    assert fused.confidence > 0.6
    assert "agreed by" in fused.explanation


def test_confident_overrides_weak() -> None:
    text = Hypothesis.create(TEXT, 0.0, dist(OS, 0.9), reliability=0.95)
    voice = Hypothesis.create(VOICE, 0.2, dist(CP, 0.45), reliability=0.5)
    fused = fuse([voice, text])
    assert fused.intent == OS and fused.intent_source == TEXT
    assert "overriding voice" in fused.explanation
    # And the other way round when voice is the sure one.
    text = Hypothesis.create(TEXT, 0.0, dist(OS, 0.3), reliability=0.5)
    voice = Hypothesis.create(VOICE, 0.2, dist(CP, 0.9), reliability=0.9)
    fused = fuse([text, voice])
    assert fused.intent == CP and fused.explanation.startswith("intent complaint from voice")


def test_entity_conflict_resolves_by_weighted_confidence_and_records_loser() -> None:
    text = Hypothesis.create(TEXT, 0.0, dist(OS, 0.8), entities=(EntityClaim("order_ref", "4582", 0.9, partial=True),))
    voice = Hypothesis.create(VOICE, 0.3, dist(OS, 0.7), reliability=0.6, entities=(EntityClaim("order_ref", "4528", 0.8, partial=True),))
    fused = fuse([text, voice])
    order = fused.entity("order_ref")
    assert order is not None and order.value == "4582" and order.sources == (TEXT,)
    (conflict,) = fused.conflicts
    assert conflict.dropped == "4528" and conflict.dropped_from == (VOICE,)
    assert "order_ref from text over voice" in fused.explanation
    assert "4582" not in fused.explanation  # the explanation never repeats personal data


def test_equal_entities_reinforce_and_partial_merges_into_full() -> None:
    voice = Hypothesis.create(VOICE, 0.0, dist(OS, 0.6), reliability=0.7, entities=(EntityClaim("order_ref", "4582", 0.6, partial=True),))
    qr = Hypothesis.create(QR, 0.4, reliability=0.99, entities=(EntityClaim("order_ref", "2611151234564582", 0.99),))
    fused = fuse([voice, qr])
    order = fused.entity("order_ref")
    assert order.value == "2611151234564582" and set(order.sources) == {VOICE, QR}
    assert fused.conflicts == ()
    assert fused.intent == OS  # QR says nothing about intent; voice decides
    same = fuse([
        Hypothesis.create(TEXT, 0.0, entities=(EntityClaim("colour", "blue", 0.6),)),
        Hypothesis.create(VISION, 0.1, entities=(EntityClaim("colour", "blue", 0.6),)),
    ])
    assert same.entity("colour").confidence > 0.6


def test_multi_valued_slots_keep_every_value() -> None:
    h = Hypothesis.create(TEXT, 0.0, entities=(EntityClaim("category", "camping", 0.8), EntityClaim("category", "phone", 0.8)))
    assert {e.value for e in fuse([h]).entities} == {"camping", "phone"}


def test_window_drops_stale_inputs() -> None:
    old = Hypothesis.create(VOICE, 0.0, dist(CP, 0.95))
    new = Hypothesis.create(TEXT, 10.0, dist(OS, 0.8))
    fused = fuse([old, new], window_s=2.0)
    assert fused.intent == OS and fused.dropped == (old,) and fused.modalities == (TEXT,)


def _spoken(text: str, arousal: float) -> Transcript:
    tone = Tone(loudness_dbfs=-20.0, pitch_hz=220.0, pitch_spread_semitones=3.0, speaking_rate=4.0,
                voiced_seconds=2.0, arousal=arousal)
    return Transcript(text=text, language="en", confidence=0.9, segments=(), duration=2.5, engine="test",
                      seconds=0.4, tone=tone)


def test_an_agitated_voice_strengthens_a_negative_feeling_once() -> None:
    producer = VoiceProducer(Understander(classifier=shared_classifier()), clock=lambda: 0.0)
    words = "where is my parcel, it is so late and I am worried"
    calm = producer.produce(_spoken(words, arousal=0.1))
    agitated = producer.produce(_spoken(words, arousal=0.95))
    assert calm.emotion is not None and calm.emotion.label in (EmotionLabel.ANXIOUS, EmotionLabel.ANGRY)
    assert agitated.emotion is not None and agitated.emotion.label == calm.emotion.label
    expected = min(1.0, calm.emotion.intensity + 0.35 * (0.95 - 0.5) * 2)
    assert abs(agitated.emotion.intensity - expected) < 1e-9 and agitated.emotion.intensity > calm.emotion.intensity
    # fuse() takes the producer's emotion as it is: the tone is not applied a second time.
    assert fuse([agitated]).emotion.intensity == round(agitated.emotion.intensity, 3)
    text = Hypothesis.create(TEXT, 0.0, dist(LD, 0.8), reliability=0.95,
                             emotion=Emotion(agitated.emotion.label, 0.2))
    mixed = fuse([text, replace(agitated, produced_at=0.5)]).emotion
    assert 0.2 < mixed.intensity < agitated.emotion.intensity  # a weighted mean, not the voice's arousal


def test_tone_never_invents_a_feeling_the_words_do_not_show() -> None:
    producer = VoiceProducer(Understander(classifier=shared_classifier()), clock=lambda: 0.0)
    neutral = producer.produce(_spoken("do you have this sofa in blue", arousal=0.95))
    assert neutral.emotion is not None and neutral.emotion.label == EmotionLabel.NEUTRAL


def test_no_hypotheses() -> None:
    fused = fuse([])
    assert fused.intent == Intent.OUT_OF_SCOPE and not fused.is_confident


def test_text_and_voice_share_the_nlu_step() -> None:
    result = Understander(classifier=shared_classifier()).understand("我的订单4582什么时候到？都等好久了")
    h = hypothesis_from_nlu(result, modality=TEXT, reliability=0.95, produced_at=100.0)
    assert h.modality == TEXT and h.produced_at == 100.0
    fused = fuse([h])
    assert fused.intent in (OS, LD)
    order = fused.entity("order_ref")
    assert order is not None and order.value == "4582" and order.partial
    assert fused.emotion.label == EmotionLabel.ANXIOUS
    # A voice hypothesis goes through the same helper, discounted by its recogniser's confidence.
    voice = hypothesis_from_nlu(result, modality=VOICE, reliability=0.7, produced_at=100.5, confidence_scale=0.5)
    assert voice.own_confidence == h.own_confidence * 0.5
