"""Procedural wood, clutter and colour-field images, so the data needs no texture files.

Real hardware is photographed on tables, floors and the boards themselves; the detector must
not key on any one background, so every image draws a new one from several families.
"""

from __future__ import annotations

import numpy as np

from desktop_app.vision.cv import cv2

WOOD_TONES = np.array([
    (0.86, 0.74, 0.55), (0.72, 0.55, 0.34), (0.45, 0.30, 0.20), (0.80, 0.62, 0.40),
    (0.62, 0.45, 0.28), (0.90, 0.82, 0.66), (0.55, 0.38, 0.22), (0.76, 0.60, 0.42),
])


def smooth_noise(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """Value noise in [-1, 1]: random cells upsampled smoothly."""
    cells = max(2, cells)
    small = rng.uniform(-1, 1, size=(cells, max(2, int(cells * w / max(h, 1))))).astype(np.float32)
    noise: np.ndarray = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).clip(-1, 1)
    return noise


def wood_grain(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Luminance multiplier (h, w) around 1.0 with grain running along x."""
    period = rng.uniform(6.0, 40.0)
    warp = smooth_noise(rng, h, w, int(rng.integers(2, 6))) * rng.uniform(4.0, 25.0)
    ys = np.arange(h, dtype=np.float32)[:, None] + warp
    rings = 0.5 + 0.5 * np.sin(2 * np.pi * ys / period)
    rings = rings ** rng.uniform(0.6, 3.0)
    streak_rows = cv2.resize(rng.normal(size=(max(2, h // 2), 4)).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    streaks = cv2.GaussianBlur(streak_rows, (0, 0), sigmaX=8.0, sigmaY=0.6)
    grain: np.ndarray = 1.0 + rng.uniform(0.08, 0.3) * (rings - 0.5) + rng.uniform(0.02, 0.08) * streaks
    return grain.astype(np.float32)


def wood_texture(rng: np.random.Generator, h: int, w: int, tone: np.ndarray | None = None) -> np.ndarray:
    """RGB float image in [0, 1] of a planed board, grain at a random angle."""
    side = int(np.ceil(np.hypot(h, w))) + 2
    grain = wood_grain(rng, side, side)
    angle = rng.uniform(0, 180)
    m = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    grain = cv2.warpAffine(grain, m, (side, side), borderMode=cv2.BORDER_REFLECT)
    y0, x0 = (side - h) // 2, (side - w) // 2
    grain = grain[y0:y0 + h, x0:x0 + w]
    if tone is None:
        tone = WOOD_TONES[rng.integers(len(WOOD_TONES))] * rng.uniform(0.85, 1.12, size=3)
    scratches = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(0, 12))):
        p0 = rng.uniform(0, 1, 2) * (w, h)
        p1 = p0 + rng.normal(0, 0.3, 2) * (w, h)
        cv2.line(scratches, tuple(int(v) for v in p0), tuple(int(v) for v in p1), float(rng.uniform(0.03, 0.1)), 1, cv2.LINE_AA)
    board: np.ndarray = np.clip(tone[None, None, :] * grain[..., None] + scratches[..., None], 0, 1)
    return board.astype(np.float32)


def colour_field(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    a, b = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :] * np.cos(rng.uniform(0, np.pi)) + \
        np.linspace(0, 1, h, dtype=np.float32)[:, None] * np.sin(rng.uniform(0, np.pi))
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    img: np.ndarray = a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]
    return img.astype(np.float32)


def clutter(rng: np.random.Generator, img: np.ndarray, count: int) -> np.ndarray:
    """Random shapes and lines: things that are not parts, for the detector to ignore."""
    h, w = img.shape[:2]
    out = img.copy()
    for _ in range(count):
        colour = tuple(float(c) for c in rng.uniform(0, 1, 3))
        kind = rng.integers(5)
        c = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        size = int(rng.uniform(0.02, 0.3) * min(h, w)) + 1
        if kind == 0:
            cv2.circle(out, c, size, colour, -1 if rng.random() < 0.7 else int(rng.integers(1, 4)), cv2.LINE_AA)
        elif kind == 1:
            cv2.ellipse(out, c, (size, max(1, size // int(rng.integers(1, 5)))), float(rng.uniform(0, 180)), 0, 360, colour, -1, cv2.LINE_AA)
        elif kind == 2:
            pts = (np.array(c) + rng.normal(0, size, size=(int(rng.integers(3, 7)), 2))).astype(np.int32)
            cv2.fillPoly(out, [pts], colour, cv2.LINE_AA)
        elif kind == 3:
            end = (c[0] + int(rng.normal(0, w / 3)), c[1] + int(rng.normal(0, h / 3)))
            cv2.line(out, c, end, colour, int(rng.integers(1, 6)), cv2.LINE_AA)
        else:
            x2, y2 = c[0] + size * int(rng.integers(1, 4)), c[1] + size
            cv2.rectangle(out, c, (x2, y2), colour, -1)
    return out


def background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """One background, RGB float32 in [0, 1]: wood, colour field, noise or clutter, mixed."""
    family = rng.choice(["wood", "wood", "field", "noise", "clutter"])
    if family == "wood":
        img = wood_texture(rng, h, w)
    elif family == "field":
        img = colour_field(rng, h, w)
    elif family == "noise":
        base = rng.uniform(0.1, 0.9, 3)
        img = base[None, None, :] + 0.25 * np.stack([smooth_noise(rng, h, w, int(rng.integers(3, 40))) for _ in range(3)], -1)
    else:
        img = colour_field(rng, h, w)
    if family == "clutter" or rng.random() < 0.3:
        img = clutter(rng, img.astype(np.float32), int(rng.integers(3, 13)))
    clipped: np.ndarray = np.clip(img, 0, 1)
    return clipped.astype(np.float32)
