from __future__ import annotations

import pytest

from desktop_app.nlu.emotion import detect_emotion
from desktop_app.nlu.types import EmotionLabel


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("我的订单4582什么时候到？都等好久了", EmotionLabel.ANXIOUS),
        ("this is urgent, I need it asap", EmotionLabel.ANXIOUS),
        ("太差了！！！什么破东西", EmotionLabel.ANGRY),
        ("this is ridiculous, worst service ever", EmotionLabel.ANGRY),
        ("谢谢你，太好了", EmotionLabel.SATISFIED),
        ("perfect, thanks so much", EmotionLabel.SATISFIED),
        ("is this tent waterproof", EmotionLabel.NEUTRAL),
        ("这个帐篷防水吗", EmotionLabel.NEUTRAL),
        ("不急，慢慢来", EmotionLabel.NEUTRAL),
    ],
)
def test_labels(text: str, label: EmotionLabel) -> None:
    assert detect_emotion(text).label == label


def test_intensity_grows_with_heat() -> None:
    calm = detect_emotion("this is ridiculous")
    hot = detect_emotion("THIS IS SO RIDICULOUS!!!")
    assert hot.label == calm.label == EmotionLabel.ANGRY
    assert hot.intensity > calm.intensity
    assert "capitals" in hot.cues and "exclamation" in hot.cues
    assert detect_emotion("太慢了，都等好久了").intensity > detect_emotion("有点慢").intensity


def test_intensity_is_bounded() -> None:
    e = detect_emotion("垃圾！" * 200)
    assert 0.0 <= e.intensity <= 1.0
