"""The committed detector: its metrics, reproduced on held-out renders; parts → guide; bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from vision_helpers import COMMITTED_METRICS as METRICS, needs_display, needs_weights

from desktop_app.vision.classes import CLASSES
from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR, PartDetector
from desktop_app.vision.errors import BadImage, VisionError
from desktop_app.vision.images import load_image

pytestmark = needs_weights


@pytest.fixture(scope="module")
def detector() -> PartDetector:
    return PartDetector()


def test_committed_weights_and_metrics() -> None:
    assert METRICS["held_out_test"]["map50"] >= 0.90, "the issue's bar for the held-out synthetic set"
    assert tuple(METRICS["classes"]) == CLASSES
    assert (DEFAULT_WEIGHTS_DIR / "classes.txt").read_text().split() == list(CLASSES)
    total = sum(p.stat().st_size for p in DEFAULT_WEIGHTS_DIR.iterdir())
    assert total < 10 * 1024 * 1024


@needs_display
def test_held_out_sample_reproduces_the_committed_map(detector: PartDetector) -> None:
    """The first 60 held-out images, rendered and scored afresh, land on the score training recorded."""
    from tools.detector.held_out import score_held_out_sample

    recorded = METRICS["held_out_sample"]
    score = score_held_out_sample(detector, METRICS["training"])
    assert score.images == recorded["images"]
    assert sum(s.ground_truth for s in score.per_class) == recorded["ground_truth"], "the same images and labels"
    assert score.map50 == pytest.approx(recorded["map50"], abs=0.01), (score, recorded)
    # and the sample speaks for the 400-image split it opens (seen: within 0.007 of it)
    assert abs(score.map50 - METRICS["held_out_test"]["map50"]) <= 0.05, (score.map50, METRICS["held_out_test"])


def test_rendered_stool_parts_point_at_the_stool_guide(detector: PartDetector, stool_photo: Path) -> None:
    from desktop_app.vision.analyze import FrameAnalyzer

    found = detector.detect_file(stool_photo)
    labels = sorted(d.label for d in found)
    assert labels.count("bolt") >= 3 and "board" in labels and "allen_key" in labels, found
    reading = FrameAnalyzer(detector).analyse_file(stool_photo)
    # the side table's step 7 is the same parts and one more board: both are named, neither claimed
    assert reading.focus is None and reading.matches[0].product_id == "FUR-STOOL-01", reading.summary("en")
    assert [(c.product_id, c.step) for c in reading.judgement.candidates] == [("FUR-STOOL-01", 7), ("FUR-TABLE-SIDE", 7)]
    assert "Walnut four-leg stool" in reading.summary("en") and "can't tell" in reading.summary("en")


def test_boxes_are_pixel_boxes_inside_the_image(detector: PartDetector, stool_photo: Path) -> None:
    found = detector.detect_file(stool_photo)
    assert found
    for d in found:
        x1, y1, x2, y2 = d.box
        assert 0 <= x1 < x2 <= 480 and 0 <= y1 < y2 <= 480 and 0.35 <= d.confidence <= 1.0
    assert list(found) == sorted(found, key=lambda d: -d.confidence)


_BOTH_BACKENDS = """
import json, sys
from desktop_app.vision.detector import PartDetector

out = {b: [[d.label, d.confidence, list(d.box)] for d in PartDetector(backend=b).detect_file(sys.argv[1])]
       for b in ("onnx", "torch")}
print(json.dumps(out))
"""


def test_pytorch_and_onnx_backends_agree(stool_photo: Path) -> None:
    # In a child process: once Open3D has rendered in a process, importing torch's compiler stack
    # (which ultralytics pulls in) crashes it, and other tests here render.
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _BOTH_BACKENDS, str(stool_photo)], capture_output=True, text=True,
                         timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr[-2000:]
    both = json.loads(run.stdout.strip().splitlines()[-1])
    onnx, torch = both["onnx"], both["torch"]
    assert sorted(d[0] for d in onnx) == sorted(d[0] for d in torch)
    for a, b in zip(sorted(onnx, key=lambda d: d[2]), sorted(torch, key=lambda d: d[2])):
        assert np.allclose(a[2], b[2], atol=3.0) and abs(a[1] - b[1]) < 0.05


@pytest.mark.parametrize("kind, message", [
    ("empty", "empty"), ("text", "not a picture"), ("truncated", "damaged or incomplete"),
    ("folder", "folder"), ("missing", "No such file"),
])
def test_bad_files_are_refused_clearly(detector: PartDetector, bad_files: dict[str, Path], kind: str, message: str) -> None:
    with pytest.raises(BadImage) as err:
        detector.detect_file(bad_files[kind])
    assert message in str(err.value) and bad_files[kind].name in str(err.value)
    assert err.value.localized("zh") != str(err.value)


def test_importing_ultralytics_keeps_bad_file_messages(bad_files: dict[str, Path]) -> None:
    """ultralytics swaps PIL's open for one that wants pi-heif on unknown files; the gate undoes it."""
    from desktop_app.vision.cv import import_ultralytics
    from desktop_app.vision.images import load_image

    import_ultralytics()
    with pytest.raises(BadImage, match="not a picture"):
        load_image(bad_files["text"])


def test_frames_must_be_colour_images(detector: PartDetector) -> None:
    with pytest.raises(BadImage):
        detector.detect(np.zeros((10, 10), np.uint8))
    with pytest.raises(VisionError):
        PartDetector(backend="tensorflow")


def test_missing_weights_are_a_clear_error(tmp_path: Path) -> None:
    from desktop_app.vision.errors import ModelMissing

    with pytest.raises(ModelMissing):
        PartDetector(tmp_path, backend="torch").detect(np.zeros((64, 64, 3), np.uint8))


SCREW_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos" / "screws_in_wood" / "images"


@pytest.mark.skipif(not SCREW_PHOTOS.is_dir(), reason="the shared real screw photos are absent")
def test_real_screw_photos_meet_the_issues_targets_at_the_apps_operating_point(detector: PartDetector) -> None:
    """The 11 dev photos by the cell-centre rule: the screw floor turns empty holes away (precision
    0.61 without it) and keeps the screws (recall >= 0.9, precision >= 0.8: issue 23's targets)."""
    from benchmarks.vision import cell_rule, named_cells

    hits = false = total = false_raw = 0
    for path in sorted(SCREW_PHOTOS.glob("*.jpg")):
        cells = named_cells(path.stem)
        total += len(cells)
        app = [(d.confidence, d.box) for d in detector.detect_file(path) if d.label == "screw"]
        assert all(conf >= 0.8 for conf, _box in app), "below the screw floor"
        h, f = cell_rule(app, cells, 0.0)
        hits, false = hits + h, false + f
        raw = [(d.confidence, d.box) for d in detector.detect(load_image(path), raw=True) if d.label == "screw"]
        false_raw += cell_rule(raw, cells, 0.0)[1]
    assert hits / total >= 0.9 and hits / (hits + false) >= 0.8, (hits, false, total)
    assert false_raw > 2 * false, "the floor is what turns the holes away"


def test_named_cells_read_the_source_file_names() -> None:
    from benchmarks.vision import SOURCE_BOXES, named_cells

    assert named_cells("34_1001") == [tuple(map(float, SOURCE_BOXES[0])), tuple(map(float, SOURCE_BOXES[3]))]
    assert named_cells("10_0000") == []
    with pytest.raises(ValueError):
        named_cells("photo")
    labels = SCREW_PHOTOS.parent / "labels"
    for path in sorted(labels.glob("*.txt")) if labels.is_dir() else ():  # the shared labels say the same
        screws = [tuple(map(float, line.split()[1:])) for line in path.read_text().splitlines() if line.split()[0] == "0"]
        derived = [((x1 + x2) / 2 / 600, (y1 + y2) / 2 / 789, (x2 - x1) / 600, (y2 - y1) / 789)
                   for x1, y1, x2, y2 in named_cells(path.stem)]
        assert len(screws) == len(derived) and all(a == pytest.approx(b, abs=0.002) for a, b in zip(screws, derived)), path


def test_floors_travel_with_the_weights(tmp_path: Path) -> None:
    """The screw floor is the committed weights' calibration: a directory without ``floors.json``
    has none, floors passed in win, and an unreadable file is refused in one line."""
    import shutil

    from desktop_app.vision.errors import ModelDamaged
    from desktop_app.vision.weights_check import write_manifest

    assert PartDetector().floors == {"screw": 0.8}
    assert PartDetector(floors={}).floors == {}
    bare = tmp_path / "weights"
    shutil.copytree(DEFAULT_WEIGHTS_DIR, bare)
    (bare / "floors.json").unlink()
    write_manifest(bare)
    assert PartDetector(bare).floors == {}
    (bare / "floors.json").write_text('{"floors": {"screw": 1.5}}')
    write_manifest(bare)
    with pytest.raises(ModelDamaged, match="outside 0-1") as info:
        PartDetector(bare).detect(np.zeros((64, 64, 3), np.uint8))
    assert "\n" not in str(info.value)
