"""Which guide a photo of parts claims, under the alternative claim rules measured in docs/vision.md.

The rule in use is unchanged (tests/test_vision_abstain.py); these check that the alternatives do
what ``benchmarks/vision_abstain.py --compare`` measures: a margin over another *product* lets a
product be named when only its own steps compete, and the product posterior allows for parts the
detector misses (three boards are the chair's step 2 exactly, but boards are missed most).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from desktop_app.vision.detector import PartDetection
from desktop_app.vision.meaning import CLAIM_RULE, DETECTION_RATES, GuideIndex, Verdict, interpret, product_posterior


def parts(*labels: str, conf: float = 0.9) -> tuple[PartDetection, ...]:
    return tuple(PartDetection(label, conf, (40.0 * i, 10.0, 40.0 * i + 30, 40.0)) for i, label in enumerate(labels))


@pytest.fixture(scope="module")
def index() -> GuideIndex:
    return GuideIndex.from_dir()


def test_the_rule_in_use_keeps_both_alternatives_off() -> None:
    assert not CLAIM_RULE.margin_other_product and CLAIM_RULE.min_posterior == 0.0


def test_a_margin_over_another_product_ignores_the_same_products_other_steps(index: GuideIndex) -> None:
    seen = parts("board", "dowel", "dowel", "bolt")  # the sofa's step 1 or 3, no other product close
    reading = interpret(seen, index)
    assert reading.verdict is Verdict.UNSURE
    assert {c.product_id for c in reading.judgement.candidates} == {"FUR-SOFA-2"}
    other = interpret(seen, index, rule=replace(CLAIM_RULE, margin_other_product=True))
    assert other.verdict is Verdict.CLAIMED and other.focus is not None
    assert (other.focus.product_id, other.focus.step) == ("FUR-SOFA-2", 1)


def test_the_posterior_allows_for_missed_boards(index: GuideIndex) -> None:
    post = product_posterior(Counter({"board": 3}), index)
    assert sum(post.values()) == pytest.approx(1.0) and set(post) == set(index.guides)
    assert post["FUR-CHAIR-DIN"] < 0.5  # other products' steps with a board or two more fit as well
    assert interpret(parts("board", "board", "board"), index).verdict is Verdict.CLAIMED
    strict = replace(CLAIM_RULE, min_posterior=0.7)
    assert interpret(parts("board", "board", "board"), index, rule=strict).verdict is Verdict.UNSURE
    assert 0.0 < min(DETECTION_RATES.values()) and max(DETECTION_RATES.values()) < 1.0


def test_the_posterior_favours_the_product_whose_parts_are_seen(index: GuideIndex) -> None:
    # eight cam locks and cam bolts: only the cabinets use them, never a table
    post = product_posterior(Counter({"cam_lock": 4, "cam_bolt": 4}), index)
    cabinets = {"FUR-SHELF-3T", "FUR-CAB-2D", "FUR-NIGHT", "FUR-TV-160"}
    assert sum(p for sku, p in post.items() if sku in cabinets) > 0.99
    assert post["FUR-TABLE-SIDE"] < 1e-3
