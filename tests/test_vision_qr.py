"""Printed guide QR codes, photographed at an angle and out of focus, open the right guide step."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.guide_code import parse_payload
from desktop_app.vision.cv import cv2
from desktop_app.vision.qr_scan import QrScanner

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models3d"
CODES = sorted(MODELS.glob("*/qr/step-*.png")) + sorted(MODELS.glob("*/qr/guide.png"))


def photograph(code_png: Path, rng: np.random.Generator) -> np.ndarray:
    """The code on a sheet, seen in perspective on a table, blurred and noisy."""
    code = cv2.imread(str(code_png), cv2.IMREAD_COLOR)
    h, w = code.shape[:2]
    out_w, out_h = 640, 480
    size = rng.uniform(170, 240)
    cx, cy = rng.uniform(0.4, 0.6) * out_w, rng.uniform(0.4, 0.6) * out_h
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float) * size / 2
    jitter = rng.uniform(-0.12, 0.12, size=(4, 2)) * size  # perspective: corners move independently
    dst = (square + jitter + [cx, cy]).astype(np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    table = np.full((out_h, out_w, 3), rng.uniform(60, 160, 3), np.uint8)
    warped = cv2.warpPerspective(code, cv2.getPerspectiveTransform(src, dst), (out_w, out_h),
                                 dst=table, borderMode=cv2.BORDER_TRANSPARENT)
    warped = cv2.GaussianBlur(warped, (0, 0), rng.uniform(0.8, 1.4))
    noisy = warped.astype(np.float32) + rng.normal(0, 4, warped.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("code_png", CODES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_warped_blurred_code_opens_its_guide_step(code_png: Path) -> None:
    sku = code_png.parent.parent.name
    step = 1 if code_png.name == "guide.png" else int(code_png.stem.split("-")[1])
    rng = np.random.default_rng(zlib.crc32(f"{sku}:{step}".encode()))
    codes = QrScanner().scan(photograph(code_png, rng))
    assert len(codes) == 1
    guide = parse_payload(codes[0].payload)
    assert (guide.product_id, guide.step) == (sku, step)
    assert codes[0].guide == guide


def test_codes_exist_for_every_guide() -> None:
    guides = {p.parent.name for p in (Path(__file__).resolve().parents[1] / "assets" / "models3d").glob("*/guide.json")}
    assert len(guides) >= 15 and {p.parent.parent.name for p in CODES} == guides


def test_other_qr_codes_are_read_but_open_nothing(tmp_path: Path) -> None:
    import segno

    path = tmp_path / "shop.png"
    segno.make("https://example.com/shop", error="m").save(str(path), scale=8, border=4)
    codes = QrScanner().scan_file(path)
    assert [c.payload for c in codes] == ["https://example.com/shop"]
    assert codes[0].guide is None


def test_frame_without_code_gives_nothing() -> None:
    assert QrScanner().scan(np.full((240, 320, 3), 128, np.uint8)) == ()
