"""Late fusion: agreement reinforces, confidence overrides, entity conflicts resolve, explanation names the decider."""

from __future__ import annotations

from desktop_app.fusion import (
    QR, TEXT, VISION, VOICE, EntityClaim, Hypothesis, TextProducer, ToneEstimate, TurnCollector, VoicePayload, fuse,
    hypothesis_from_nlu,
)
from desktop_app.nlu import EmotionLabel, Emotion, Intent, Understander
from desktop_app.nlu.classifier import shared_classifier

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


def test_emotion_fusion_uses_voice_tone() -> None:
    text = Hypothesis.create(TEXT, 0.0, dist(LD, 0.8), emotion=Emotion(EmotionLabel.ANXIOUS, 0.5))
    voice = Hypothesis.create(VOICE, 0.1, dist(LD, 0.7), emotion=Emotion(EmotionLabel.ANXIOUS, 0.4),
                              payload=VoicePayload("where is it", 0.8, "en", ToneEstimate(arousal=0.9)))
    emo = fuse([text, voice]).emotion
    assert emo.label == EmotionLabel.ANXIOUS and emo.intensity >= 0.9


def test_no_hypotheses() -> None:
    fused = fuse([])
    assert fused.intent == Intent.OUT_OF_SCOPE and not fused.is_confident


def test_text_producer_end_to_end() -> None:
    clock = iter([100.0])
    producer = TextProducer(Understander(classifier=shared_classifier()), clock=lambda: next(clock))
    h = producer.produce("我的订单4582什么时候到？都等好久了")
    assert h.modality == TEXT and h.produced_at == 100.0
    fused = fuse([h])
    assert fused.intent in (OS, LD)
    order = fused.entity("order_ref")
    assert order.value == "4582" and order.partial
    assert fused.emotion.label == EmotionLabel.ANXIOUS
    # A voice producer plugs in through the same helper, discounted by its ASR confidence.
    result = producer.last_result
    voice = hypothesis_from_nlu(result, modality=VOICE, reliability=0.7, produced_at=100.5, confidence_scale=0.5)
    assert voice.own_confidence < h.own_confidence


def test_turn_collector_groups_by_window() -> None:
    now = [0.0]
    collector = TurnCollector(window_s=2.0, clock=lambda: now[0])
    assert collector.add(Hypothesis.create(TEXT, 0.0, dist(OS, 0.8))) is None
    assert collector.add(Hypothesis.create(VOICE, 1.5, dist(OS, 0.8))) is None
    assert collector.poll() is None
    closed = collector.add(Hypothesis.create(TEXT, 5.0, dist(CP, 0.8)))
    assert closed is not None and [h.modality for h in closed] == [TEXT, VOICE]
    now[0] = 7.5
    fused = collector.poll_fused()
    assert fused is not None and fused.intent == CP
    assert collector.flush() is None
