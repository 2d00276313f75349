"""Sarcasm, implicit anger and calm mentions of damage, through the trained emotion model."""

from __future__ import annotations

import pytest

from desktop_app.nlu.classifier import shared_classifier
from desktop_app.nlu.emotion import shared_emotion_model
from desktop_app.nlu.types import EmotionLabel
from desktop_app.nlu.understand import Understander


@pytest.fixture(scope="module")
def nlu() -> Understander:
    return Understander(classifier=shared_classifier(), emotion_model=shared_emotion_model())


@pytest.mark.parametrize(("text", "label"), [
    ("wow thanks for nothing", EmotionLabel.ANGRY),  # was "Glad to hear it!"
    ("呵呵，真是好服务啊", EmotionLabel.ANGRY),  # was neutral
    ("this is the third time I'm asking", EmotionLabel.ANGRY),
    ("still waiting, great job 🙂", EmotionLabel.ANGRY),
    ("the box arrived dented, can I exchange it", EmotionLabel.NEUTRAL),  # calm damage is not anger
    ("我要转人工客服", EmotionLabel.NEUTRAL),  # asking for a person is not anger
    ("你好", EmotionLabel.NEUTRAL),  # a greeting is not praise
    ("谢谢，很满意", EmotionLabel.SATISFIED),
    ("我的订单4582什么时候到？都等好久了", EmotionLabel.ANXIOUS),
])
def test_hard_cases(nlu: Understander, text: str, label: EmotionLabel) -> None:
    assert nlu.understand(text).emotion.label == label


def test_sql_like_text_and_brand_names_are_not_complaints(nlu: Understander) -> None:
    for text in ("'; DROP TABLE orders;--", "Qinglan", "PHN-QL-E3"):
        result = nlu.understand(text)
        assert result.emotion.label != EmotionLabel.ANGRY and result.intent.value != "complaint", text


@pytest.mark.parametrize(("text", "label"), [
    ("great, it is broken again", EmotionLabel.ANGRY),
    ("真是谢谢你们了，又发错了", EmotionLabel.ANGRY),
    ("oh perfect, another delay. love it", EmotionLabel.ANGRY),
    ("谢谢，又快又好", EmotionLabel.SATISFIED),  # 又…又… is praise, not "again"
    ("thanks again!", EmotionLabel.SATISFIED),
    ("perfect, it arrived early", EmotionLabel.SATISFIED),
])
def test_praise_about_something_that_went_wrong_is_sarcasm(text: str, label: EmotionLabel) -> None:
    from desktop_app.nlu.emotion import lexicon_emotion

    assert lexicon_emotion(text).label == label
