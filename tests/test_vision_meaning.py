"""From detections to guides, steps and missing parts; and on into fusion hypotheses."""

from __future__ import annotations

import pytest

from desktop_app.core.guide_code import GuideCode
from desktop_app.fusion.fuse import fuse
from desktop_app.fusion.hypothesis import Modality, VisionPayload
from desktop_app.fusion.vision_producer import VisionProducer
from desktop_app.nlu.types import Intent
from desktop_app.vision.detector import PartDetection
from desktop_app.vision.meaning import GuideIndex, interpret


def parts(*labels: str, conf: float = 0.9) -> tuple[PartDetection, ...]:
    return tuple(PartDetection(label, conf, (10.0 * i, 10.0, 10.0 * i + 8, 18.0)) for i, label in enumerate(labels))


@pytest.fixture(scope="module")
def index() -> GuideIndex:
    return GuideIndex.from_dir()


def test_step_parts_come_from_the_guides(index: GuideIndex) -> None:
    assert dict(index.step_parts("FUR-STOOL-01", 7).counts) == {"allen_key": 1, "board": 1, "bolt": 4}
    assert dict(index.step_parts("FUR-SHELF-3T", 3).counts) == {"board": 2, "cam_lock": 3, "screwdriver": 1}
    for label in ("cam_lock", "dowel"):  # exactly the guides whose parts include that kind
        users = {sku for sku, guide in index.guides.items()
                 if any(index.step_parts(sku, n) and dict(index.step_parts(sku, n).counts).get(label)
                        for n in range(1, len(guide.steps) + 1))}
        assert set(index.products_using(label)) == users and users
    assert "FUR-SHELF-3T" in index.products_using("cam_lock")
    assert {"FUR-SHELF-3T", "FUR-STOOL-01", "FUR-TABLE-SIDE"} <= set(index.products_using("dowel"))


def test_counts_pick_the_guide_and_step(index: GuideIndex) -> None:
    reading = interpret(parts("board", "bolt", "bolt", "allen_key"), index)
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-TABLE-SIDE", 3)
    assert reading.matches[0].product_id == "FUR-TABLE-SIDE" and reading.matches[0].score == 1.0
    assert all(n.missing == 0 for n in reading.needs)
    # the stool's step 7 is the side table's step 7 less one board: a board out of view would
    # make the table's parts look like the stool's, so these name both and claim neither
    reading = interpret(parts("board", "bolt", "bolt", "bolt", "bolt", "allen_key"), index)
    assert reading.focus is None and reading.matches[0].product_id == "FUR-STOOL-01"
    # the side table's legs come without dowels; the stool's first step has two of each
    reading = interpret(parts("leg", "leg", "dowel", "dowel"), index)
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-STOOL-01", 1)


def test_cam_locks_point_at_the_shelf_and_say_what_is_missing(index: GuideIndex) -> None:
    reading = interpret(parts("board", "cam_lock", "cam_lock", "screwdriver"), index,
                        current=GuideCode("FUR-SHELF-3T", 3))
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-SHELF-3T", 3)
    need = {n.label: n for n in reading.needs}
    assert (need["cam_lock"].needed, need["cam_lock"].seen, need["cam_lock"].missing) == (3, 2, 1)
    assert (need["board"].needed, need["board"].seen, need["board"].missing) == (2, 1, 1)
    text = reading.summary("en")
    assert "2 cam locks" in text and "step 3" in text and "3 × cam lock, I see 2" in text
    assert "偏心轮" in reading.summary("zh") and "第 3 步" in reading.summary("zh")


def test_a_guide_qr_code_fixes_the_step(index: GuideIndex) -> None:
    reading = interpret(parts("dowel"), index, guide_codes=(GuideCode("FUR-TABLE-SIDE", 2),),
                        qr_payloads=("asmguide:v1?product=FUR-TABLE-SIDE&step=2",))
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-TABLE-SIDE", 2)
    assert {n.label: n.missing for n in reading.needs} == {"dowel": 3}


def test_low_confidence_and_nothing_seen(index: GuideIndex) -> None:
    reading = interpret(parts("screw", conf=0.1), index)
    assert reading.detections == () and reading.focus is None and reading.matches == ()
    assert reading.summary("en") == "I don't see furniture parts."


def test_producer_makes_vision_and_qr_hypotheses(index: GuideIndex) -> None:
    producer = VisionProducer(clock=lambda: 100.0)
    reading = interpret(parts("board", "bolt", "bolt", "allen_key"), index)
    hyp = producer.produce(reading)
    assert hyp.modality == Modality.VISION and hyp.produced_at == 100.0
    assert hyp.top_intent[0] is Intent.ASSEMBLY_HELP
    claims = {c.kind: c.value for c in hyp.entities}
    assert claims == {"product": "FUR-TABLE-SIDE", "guide_step": "3"}
    assert isinstance(hyp.payload, VisionPayload) and len(hyp.payload.detections) == 4
    assert hyp.payload.detections[0].label in {"board", "bolt", "allen_key"}

    code = GuideCode("FUR-SHELF-3T", 4)
    both = producer.produce_all(interpret(parts("cam_lock"), index, guide_codes=(code,),
                                          qr_payloads=("asmguide:v1?product=FUR-SHELF-3T&step=4",)))
    assert [h.modality for h in both] == [Modality.VISION, Modality.QR]
    assert {c.kind: c.value for c in both[1].entities} == {"product": "FUR-SHELF-3T", "guide_step": "4"}
    fused = fuse(both)
    assert fused.intent is Intent.ASSEMBLY_HELP
    assert fused.entity("product").value == "FUR-SHELF-3T"
