"""The detection metric the reproduction test and the benchmarks rest on, on hand-made cases."""

from __future__ import annotations

import pytest

from desktop_app.vision.classes import CLASSES
from tools.detector.evaluate import match_image, score_class
from tools.detector.held_out import score

A, B = (10.0, 10.0, 50.0, 50.0), (100.0, 100.0, 140.0, 160.0)
FAR = (200.0, 200.0, 230.0, 230.0)


def test_hit_miss_hit_gives_the_interpolated_area() -> None:
    # recall 0.5 at precision 1, then a miss, then recall 1 at precision 2/3: area 0.5 + 0.5 * 2/3
    s = score_class("screw", [[(0.9, A), (0.8, FAR), (0.7, B)]], [[A, B]])
    assert s.ground_truth == 2
    assert s.ap50 == pytest.approx(0.5 + 0.5 * 2 / 3, abs=0.01)
    assert (s.precision, s.recall) == (pytest.approx(2 / 3, abs=1e-3), 1.0)


def test_a_second_box_on_a_claimed_truth_is_a_false_positive() -> None:
    assert match_image([(0.6, A), (0.9, (11.0, 11.0, 51.0, 51.0))], [A]) == [(0.9, True), (0.6, False)]
    assert match_image([(0.5, A)], []) == [(0.5, False)]
    assert score_class("screw", [[]], [[A]]).ap50 == 0.0


def test_bootstrap_picks_pool_the_chosen_images() -> None:
    preds = [[(0.9, A), (0.8, FAR)], [(0.7, B)]]
    truths = [[A], [B, FAR]]
    records = {c: [] for c in CLASSES}
    for p, t in zip(preds, truths):
        for c in CLASSES:
            records[c].append((match_image(p, t), len(t)) if c == "bolt" else ([], 0))
    bolt = CLASSES.index("bolt")
    assert score(records)[bolt] == score_class("bolt", preds, truths)
    assert score(records, [1])[bolt] == score_class("bolt", preds[1:], truths[1:])
    doubled = score(records, [0, 0])[bolt]
    assert doubled.ground_truth == 2 and doubled.ap50 == pytest.approx(1.0, abs=0.01)
    assert score(records)[CLASSES.index("screw")].ground_truth == 0
