"""Shared helpers for the vision tests: the display check and rendered pictures of real parts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR

needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"),
                                   reason="Open3D rendering needs an X display (run under xvfb-run)")
needs_weights = pytest.mark.skipif(not (DEFAULT_WEIGHTS_DIR / "parts.pt").is_file(),
                                   reason="no trained detector weights under assets/detector (run make train-detector)")
_METRICS_PATH = DEFAULT_WEIGHTS_DIR / "metrics.json"
#: assets/detector/metrics.json as committed ({} without trained weights).
COMMITTED_METRICS: dict = json.loads(_METRICS_PATH.read_text()) if _METRICS_PATH.is_file() else {}


#: FUR-STOOL-01 step 7: lay the seat on the legs and bolt it down (4 bolts, Allen key).
STOOL_STEP7 = ["board", "bolt", "bolt", "bolt", "bolt", "allen_key"]


def render_parts(classes: list[str], seed: int, size: int = 480) -> np.ndarray:
    """A BGR photo-like picture of the given parts laid out on a random background."""
    from desktop_app.vision.cv import cv2
    from tools.detector.synth.catalog import mesh_assets
    from tools.detector.synth.compose import compose
    from tools.detector.synth.sprites import build_bank

    bank = build_bank(mesh_assets(), 3, seed=seed)
    img, _ = compose(np.random.default_rng(seed), bank, size, size, classes=classes)
    return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="session")
def stool_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """JPEG of the stool's step-7 parts, rendered from the guide's own meshes."""
    from desktop_app.vision.cv import cv2

    path = tmp_path_factory.mktemp("vision") / "stool_step7.jpg"
    cv2.imwrite(str(path), render_parts(STOOL_STEP7, seed=71), [cv2.IMWRITE_JPEG_QUALITY, 90])
    return path


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory: pytest.TempPathFactory, stool_photo: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad")
    empty = root / "empty.jpg"
    empty.write_bytes(b"")
    text = root / "notes.jpg"
    text.write_text("this is a shopping list, not a photo\n" * 20)
    truncated = root / "half.jpg"
    data = stool_photo.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    folder = root / "folder.jpg"
    folder.mkdir()
    return {"empty": empty, "text": text, "truncated": truncated, "folder": folder, "missing": root / "nope.jpg"}
