"""Abstention: a product and step are named only on strong evidence, each frame on its own.

The rule (``CLAIM_RULE``) is calibrated by benchmarks/vision_abstain.py; these tests pin what it
must never do (claim on one or two parts, on screws that two products use, on a stale guide
step, on a portrait or a flower) and what it must still do (name a clear step, obey a guide QR
code, and leave a code's printed squares out of the parts).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from vision_helpers import needs_weights

from desktop_app.core.guide_code import GuideCode, encode_payload
from desktop_app.fusion.vision_producer import VisionProducer
from desktop_app.vision.detector import PartDetection
from desktop_app.vision.meaning import CLAIM_RULE, GuideIndex, Verdict, interpret
from desktop_app.vision.qr_scan import QrCode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SCREW_PHOTOS = sorted((SHARED / "photos" / "screws_in_wood" / "images").glob("*.jpg"))
CLVRAI_RENDERS = sorted((SHARED / "furniture" / "clvrai" / "renders").glob("*.png"))


def parts(*labels: str, conf: float = 0.9) -> tuple[PartDetection, ...]:
    return tuple(PartDetection(label, conf, (40.0 * i, 10.0, 40.0 * i + 30, 40.0)) for i, label in enumerate(labels))


@pytest.fixture(scope="module")
def index() -> GuideIndex:
    return GuideIndex.from_dir()


def _real_photos() -> list[Path]:
    import matplotlib
    import sklearn.datasets

    found = [Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg",
             Path(sklearn.datasets.__file__).parent / "images" / "flower.jpg"]
    return [p for p in found if p.is_file()]


def test_a_clear_step_is_claimed(index: GuideIndex) -> None:
    reading = interpret(parts("board", "bolt", "bolt", "allen_key"), index)
    assert reading.verdict is Verdict.CLAIMED and not reading.judgement.by_qr
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-TABLE-SIDE", 3)
    assert "Oak side table" in reading.summary("en") and "橡木边桌" in reading.summary("zh")


@pytest.mark.parametrize("labels", [("cam_bolt",), ("cam_lock", "cam_lock"), ("board",), ("leg", "leg")])
def test_one_or_two_parts_never_name_a_product(index: GuideIndex, labels: tuple[str, ...]) -> None:
    reading = interpret(parts(*labels, conf=0.99), index)
    assert reading.verdict is Verdict.UNSURE and reading.focus is None and reading.needs == ()
    assert 1 <= len(reading.judgement.candidates) <= 2
    assert "can't tell which product" in reading.summary("en") and "无法确定" in reading.summary("zh")


def test_screws_alone_offer_the_two_products_that_use_them(index: GuideIndex) -> None:
    reading = interpret(parts("screw", "screw", "screw", "screw", conf=0.95), index)
    assert reading.verdict is Verdict.UNSURE
    candidates = [c.product_id for c in reading.judgement.candidates]
    assert len(set(candidates)) == 2 and set(candidates) <= set(index.products_using("screw"))
    for sku in candidates:  # named in the summary, in the reader's language
        assert index.guides[sku].name.get("en") in reading.summary("en")


def test_weak_boxes_are_no_parts(index: GuideIndex) -> None:
    reading = interpret(parts("cam_bolt", "screw", conf=CLAIM_RULE.part_conf - 0.05), index)
    assert reading.verdict is Verdict.NO_PARTS and reading.detections == () and reading.focus is None
    assert reading.summary("en") == "I don't see furniture parts."


def test_the_step_on_screen_never_names_a_product(index: GuideIndex) -> None:
    stool = GuideCode("FUR-STOOL-01", 7)
    for seen in ((), parts("screw", "screw"), parts("cam_bolt", conf=0.99)):
        reading = interpret(seen, index, current=stool)
        assert reading.focus is None and "FUR-STOOL-01" not in reading.summary("en")
        assert "胡桃木四脚凳" not in reading.summary("zh")
    # a clear claim for another product is that product, whatever guide is open
    reading = interpret(parts("board", "bolt", "bolt", "allen_key"), index, current=stool)
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-TABLE-SIDE", 3)
    # ...and for the open guide's product, "what is missing" refers to the step on screen
    reading = interpret(parts("board", "cam_lock", "cam_lock", "screwdriver"), index, current=GuideCode("FUR-SHELF-3T", 3))
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-SHELF-3T", 3)


def test_a_guide_code_is_a_claim_and_another_code_is_not(index: GuideIndex) -> None:
    code = GuideCode("FUR-STOOL-01", 5)
    reading = interpret((), index, guide_codes=(code,), qr_payloads=(encode_payload("FUR-STOOL-01", 5),))
    assert reading.verdict is Verdict.CLAIMED and reading.judgement.by_qr
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-STOOL-01", 5)
    reading = interpret((), index, qr_payloads=("https://example.com/warranty",))
    assert reading.verdict is Verdict.NO_PARTS and reading.focus is None
    reading = interpret((), index, guide_codes=(GuideCode("FUR-NOT-OURS", 2),))
    assert reading.verdict is Verdict.NO_PARTS


def test_unsure_readings_give_fusion_no_product(index: GuideIndex) -> None:
    producer = VisionProducer(clock=lambda: 5.0)
    unsure = producer.produce(interpret(parts("screw", "screw", "screw", "screw"), index))
    assert unsure.entities == ()
    claimed = producer.produce(interpret(parts("board", "bolt", "bolt", "allen_key"), index))
    assert {c.kind: c.value for c in claimed.entities} == {"product": "FUR-TABLE-SIDE", "guide_step": "3"}


def test_boxes_on_a_qr_code_are_not_parts() -> None:
    code = QrCode("asmguide:v1?product=FUR-STOOL-01&step=7", ((100.0, 100.0), (200.0, 100.0), (200.0, 200.0), (100.0, 200.0)))
    assert code.covers((120.0, 120.0, 180.0, 180.0))  # inside
    assert code.covers((90.0, 90.0, 210.0, 210.0))  # the whole code, quiet zone included
    assert code.covers((185.0, 150.0, 225.0, 190.0))  # centre on the code's margin
    assert not code.covers((300.0, 100.0, 360.0, 160.0))  # a part beside the code
    assert not code.covers((60.0, 20.0, 140.0, 80.0))  # a part touching a corner


# -- through the detector: real photos without our parts ------------------------------------------


@needs_weights
def test_real_photos_without_our_parts_claim_nothing(index: GuideIndex) -> None:
    from desktop_app.vision.analyze import FrameAnalyzer

    photos = _real_photos() + SCREW_PHOTOS + CLVRAI_RENDERS
    if not photos:
        pytest.skip("no real photos here: matplotlib/scikit-learn sample images and ../shared/data are absent")
    analyzer = FrameAnalyzer()
    for path in photos:
        reading = analyzer.analyse_file(path)
        assert reading.verdict is not Verdict.CLAIMED and reading.focus is None, (path.name, reading.summary("en"))


@needs_weights
def test_screw_photos_see_screws_and_offer_candidates() -> None:
    if not SCREW_PHOTOS:
        pytest.skip(f"real screw photos absent ({SHARED} not found)")
    from desktop_app.vision.analyze import FrameAnalyzer

    reading = FrameAnalyzer().analyse_file(next(p for p in SCREW_PHOTOS if p.stem.endswith("_1111")))
    assert reading.verdict is Verdict.UNSURE and dict(reading.seen).get("screw", 0) >= 3
    candidates = {c.product_id for c in reading.judgement.candidates}
    assert len(candidates) == 2 and candidates <= set(GuideIndex.from_dir().products_using("screw"))


@needs_weights
def test_detect_explain_on_a_portrait_and_a_flower_claims_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    photos = _real_photos()
    if not photos:
        pytest.skip("matplotlib's grace_hopper.jpg and scikit-learn's flower.jpg are not installed")
    code, out, _ = cli("--lang", "en", "detect", *map(str, photos), "--json", "--explain")
    assert code == 0
    for line in out.strip().splitlines():
        found = json.loads(line)
        assert "guide" not in found and "step" not in found["explanation"], found
    code, out, _ = cli("--lang", "zh", "detect", str(photos[0]), "--explain")
    assert code == 0 and "第" not in out.split("\n", 1)[1] and "属于" not in out


@needs_weights
def test_a_photographed_guide_code_is_claimed_and_its_squares_are_not_parts() -> None:
    from benchmarks.vision_abstain import code_image, qr_photo
    from desktop_app.vision.analyze import FrameAnalyzer

    analyzer = FrameAnalyzer()
    rng = np.random.default_rng(23)
    boxed = 0
    for step in (1, 4, 6, 8):
        frame = qr_photo(code_image(encode_payload("FUR-SHELF-3T", step)), rng)
        sighting = analyzer.look(frame)
        boxed += len(analyzer.detector.detect(frame))  # the detector alone takes the code for parts
        assert sighting.detections == () and len(sighting.codes) == 1
        reading = sighting.interpret(analyzer.index)
        assert reading.verdict is Verdict.CLAIMED and reading.judgement.by_qr
        assert (reading.focus.product_id, reading.focus.step) == ("FUR-SHELF-3T", step)
    assert boxed >= 1, "the detector no longer boxes QR codes: this test no longer shows the exclusion"
