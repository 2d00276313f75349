"""Synthetic data: exact boxes, determinism, YOLO files, class rules, and the cv2 import guard."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from vision_helpers import needs_display

from desktop_app.vision.classes import CLASSES, class_of
from tools.detector.synth.catalog import mesh_assets


def _import_env(extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA_")}
    env.update(extra)
    code = "import os, desktop_app.vision, desktop_app.vision.detector; print(os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH', '<unset>'))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_importing_vision_leaves_qt_plugin_path_alone() -> None:
    assert _import_env({}) == "<unset>"
    assert _import_env({"QT_QPA_PLATFORM_PLUGIN_PATH": "/opt/mine"}) == "/opt/mine"


def test_class_rules() -> None:
    assert class_of("cam_lock", (0.015, 0.015, 0.012)) == "cam_lock"
    assert class_of("leg", (0.035, 0.035, 0.42)) == "leg"
    assert class_of("rail", (0.02, 0.02, 0.25)) == "leg"  # a square stretcher looks like a leg
    assert class_of("rail", (0.38, 0.02, 0.08)) == "board"  # a flat apron looks like a board
    assert class_of("shelf", (0.764, 0.29, 0.018)) == "board"
    assert class_of("nail", (0.002, 0.002, 0.03)) is None  # no class teaches it


def test_every_class_has_a_mesh() -> None:
    assert {a.label for a in mesh_assets()} == set(CLASSES)


@needs_display
def test_projected_box_bounds_the_rendered_silhouette() -> None:
    from tools.detector.synth.render import SpriteRenderer, random_rotation

    rng = np.random.default_rng(3)
    with SpriteRenderer(160) as renderer:
        for asset in mesh_assets()[::4]:
            v = asset.vertices - (asset.vertices.max(0) + asset.vertices.min(0)) / 2
            v = v / np.linalg.norm(v, axis=1).max()
            _, mask, box = renderer.render(v, asset.triangles, np.full((len(v), 3), 0.7), random_rotation(rng))
            ys, xs = np.nonzero(mask)
            assert len(xs) > 20
            assert abs(box[0] - xs.min()) <= 1.0 and abs(box[2] - (xs.max() + 1)) <= 1.0
            assert abs(box[1] - ys.min()) <= 1.0 and abs(box[3] - (ys.max() + 1)) <= 1.0


@needs_display
def test_generation_is_deterministic_and_writes_yolo_files(tmp_path) -> None:
    from tools.detector.synth.dataset import SplitSpec, generate, sample

    a, b = sample(3, seed=5, sprites_per_class=2), sample(3, seed=5, sprites_per_class=2)
    for (img_a, lab_a), (img_b, lab_b) in zip(a, b):
        assert np.array_equal(img_a, img_b) and lab_a == lab_b
    c = sample(3, seed=6, sprites_per_class=2)
    assert not all(np.array_equal(x[0], y[0]) for x, y in zip(a, c))

    yaml_path = generate(tmp_path, [SplitSpec("train", 4, 1, 2)])
    assert "names:" in yaml_path.read_text()
    labels = sorted((tmp_path / "labels" / "train").glob("*.txt"))
    assert len(labels) == 4 and len(list((tmp_path / "images" / "train").glob("*.jpg"))) == 4
    lines = [ln.split() for p in labels for ln in p.read_text().splitlines()]
    assert lines, "several parts per image"
    for cls, *xywh in lines:
        assert 0 <= int(cls) < len(CLASSES)
        assert all(0.0 <= float(v) <= 1.0 for v in xywh)


@needs_display
def test_grid_layout_places_exactly_the_parts_asked_for() -> None:
    from tools.detector.synth.compose import compose
    from tools.detector.synth.sprites import build_bank

    bank = build_bank(mesh_assets(), 2, seed=9)
    img, labels = compose(np.random.default_rng(1), bank, 480, 480, classes=["board", "bolt", "bolt", "allen_key"])
    assert img.shape == (480, 480, 3)
    assert sorted(CLASSES[l.cls] for l in labels) == sorted(["board", "bolt", "bolt", "allen_key"])


@pytest.mark.parametrize("kind", ["screw", "dowel"])
def test_fastener_kinds_are_their_own_class(kind: str) -> None:
    assert class_of(kind, (0.008, 0.008, 0.03)) == kind


def _train_tool():
    """tools/train_detector.py as a module (it is a script, not a package member)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "train_detector.py"
    spec = importlib.util.spec_from_file_location("train_detector_under_test", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_train_seed_renews_the_training_bank_and_keeps_the_held_out_splits() -> None:
    tool = _train_tool()
    before = tool.split_specs(tool.parse_args(["--sprites", "2400"]))
    after = tool.split_specs(tool.parse_args(["--sprites", "3000", "--train-seed", "7"]))
    assert [s.name for s in before] == ["train", "val", "test"]
    assert before[0].seed == tool.parse_args([]).seed  # the default reproduces earlier stages' banks
    assert after[0].seed == 7 and after[0].sprites_per_class == 3000
    assert after[1:] == before[1:]  # val and the held-out test render from the same seeds and bank sizes


@needs_display
def test_hard_negatives_add_holes_screw_boards_and_part_free_images(tmp_path) -> None:
    from tools.detector.synth.dataset import SplitSpec, generate

    plain = generate(tmp_path / "plain", [SplitSpec("train", 8, 3, 2)]).parent
    hard = generate(tmp_path / "hard", [SplitSpec("train", 8, 3, 2, negatives=0.5)]).parent
    again = generate(tmp_path / "again", [SplitSpec("train", 8, 3, 2, negatives=0.5)]).parent
    names = sorted(p.name for p in (hard / "images" / "train").glob("*.jpg"))
    assert all((hard / "images" / "train" / n).read_bytes() == (again / "images" / "train" / n).read_bytes() for n in names)
    assert any((hard / "images" / "train" / p.name).read_bytes() != p.read_bytes()
               for p in (plain / "images" / "train").glob("*.jpg")), "hard negatives drawn into backgrounds"
    extra = sorted((hard / "labels" / "train").glob("train_neg_*.txt"))
    assert len(extra) == 4 and all(p.read_text() == "" for p in extra)  # part-free images: no labels
    assert len(list((hard / "images" / "train").glob("train_neg_*.jpg"))) == 4
    boards = [p for p in (hard / "labels" / "train").glob("train_0*.txt")
              if len(rows := p.read_text().splitlines()) >= 4 and {r.split()[0] for r in rows} == {str(CLASSES.index("screw"))}]
    assert boards, "some images are screws laid out on a drilled board"


def test_a_drilled_hole_is_a_dark_pit_in_the_wood() -> None:
    from tools.detector.synth.negatives import drilled_hole, negative_scene
    from tools.detector.synth.textures import wood_texture

    wood = wood_texture(np.random.default_rng(0), 200, 200)
    holed = wood.copy()
    drilled_hole(np.random.default_rng(1), holed, 100.0, 100.0, 20.0)
    assert holed[95:106, 95:106].mean() < 0.5 * wood[95:106, 95:106].mean()
    assert np.array_equal(holed[:40, :40], wood[:40, :40])  # nothing drawn far from the hole
    a, b = negative_scene(np.random.default_rng(4), 64, 64), negative_scene(np.random.default_rng(4), 64, 64)
    assert a.shape == (64, 64, 3) and np.array_equal(a, b) and 0.0 <= a.min() and a.max() <= 1.0


def test_negatives_go_to_the_training_split_only() -> None:
    tool = _train_tool()
    specs = tool.split_specs(tool.parse_args(["--negatives", "0.25"]))
    assert [s.negatives for s in specs] == [0.25, 0.0, 0.0]
    assert specs[1:] == tool.split_specs(tool.parse_args([]))[1:]
