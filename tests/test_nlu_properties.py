"""The understanding layer never raises and always returns a well-formed result."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from desktop_app.nlu.classifier import shared_classifier
from desktop_app.nlu.types import SOCIAL_INTENTS, Intent, NluResult
from desktop_app.nlu.understand import Understander, UnderstandingConfig

_NLU: Understander | None = None


def nlu() -> Understander:
    global _NLU
    if _NLU is None:
        _NLU = Understander(classifier=shared_classifier())
    return _NLU


def check(result: NluResult) -> None:
    assert isinstance(result, NluResult)
    assert result.language in ("zh", "en", "mixed")
    assert isinstance(result.intent, Intent)
    assert 0.0 <= result.confidence <= 1.0
    assert [p for _, p in result.intents] == sorted((p for _, p in result.intents), reverse=True)
    top_intent, top_p = result.intents[0]
    unsure = top_p < UnderstandingConfig().secondary_threshold
    if result.intent == top_intent:  # a clause that is surer of the same request may raise the confidence
        assert result.confidence == top_p or (unsure and result.confidence > top_p)
    else:  # only a greeting, an out-of-scope or an unsure whole gives way to a clause's request
        assert top_intent in SOCIAL_INTENTS or top_intent == Intent.OUT_OF_SCOPE or unsure
    assert result.intent not in [i for i, _ in result.secondary_intents]
    for e in result.entities:
        assert 0.0 <= e.confidence <= 1.0
        assert 0 <= e.start <= e.end <= len(result.text)
    assert 0.0 <= result.emotion.intensity <= 1.0


_mixed = st.lists(
    st.sampled_from(["订单", "4582", "退货", "return", "防水", "tent", "¥", "$300", "500~800元", "？", "!!", "🙂", "\u202e", "\x00", "手机尾号", "between", "and"]),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_random_unicode(text: str) -> None:
    check(nlu().understand(text))


@settings(max_examples=100, deadline=None)
@given(_mixed)
def test_mixed_scripts_and_fragments(text: str) -> None:
    check(nlu().understand(text))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F, ), max_size=50))
def test_control_characters(text: str) -> None:
    check(nlu().understand(text))


@pytest.mark.parametrize("text", ["a" * 10_000, "退货" * 5_000, "4582 " * 2_000, "！" * 10_000, ""])
def test_very_long_and_empty_input(text: str) -> None:
    check(nlu().understand(text))


def test_non_str_input_does_not_raise() -> None:
    check(nlu().understand(None))  # type: ignore[arg-type]
