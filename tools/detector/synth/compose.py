"""Compose one training image from sprites: background, several parts with shadows and
occlusion, then camera effects (light gradient, blur, noise; JPEG is applied when saving).

Labels are the sprites' exact projected boxes, moved and scaled with them; a part hidden
behind later parts for more than ~45% of its area is never produced (the placement is
retried), so every label marks something a person could point at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.vision.classes import CLASSES
from desktop_app.vision.cv import cv2
from tools.detector.synth.negatives import negative_scene
from tools.detector.synth.sprites import Sprite
from tools.detector.synth.textures import background

MIN_VISIBLE = 0.55


@dataclass(frozen=True)
class Label:
    cls: int
    box: tuple[float, float, float, float]  # pixel x1, y1, x2, y2

    def yolo_line(self, width: int, height: int) -> str:
        x1, y1, x2, y2 = self.box
        return (f"{self.cls} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} "
                f"{(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}")


def _transform(sprite: Sprite, rng: np.random.Generator, longest: float) -> tuple[np.ndarray, np.ndarray]:
    """Scaled, possibly flipped/rotated-by-90° RGBA plus its exact box in the new crop."""
    rgba = sprite.rgba
    box = np.array(sprite.box, dtype=np.float64)
    bw, bh = box[2] - box[0], box[3] - box[1]
    s = longest / max(bw, bh, 1e-6)
    h, w = rgba.shape[:2]
    nw, nh = max(1, int(round(w * s))), max(1, int(round(h * s)))
    sx, sy = nw / w, nh / h
    rgba = cv2.resize(rgba, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    box = box * np.array([sx, sy, sx, sy])
    if rng.random() < 0.5:
        rgba = rgba[:, ::-1]
        box = np.array([nw - box[2], box[1], nw - box[0], box[3]])
    if rng.random() < 0.5:  # rotate 90° clockwise: (x, y) -> (H - y, x)
        h2 = rgba.shape[0]
        rgba = np.rot90(rgba, k=-1)
        box = np.array([h2 - box[3], box[0], h2 - box[1], box[2]])
    return np.ascontiguousarray(rgba), box


def _scale_range(sprite: Sprite, size: int) -> tuple[float, float]:
    """Longest side in pixels: parts held up to a webcam or photographed on a table fill a good
    part of the frame (the real screw photos' screws span about a third of it); smaller than
    ~12% of a 320 px frame a screw, a bolt and a dowel are a few pixels of the same grey."""
    if sprite.head_on:
        return 0.12 * size, 0.4 * size
    if sprite.label in ("board", "leg"):
        return 0.3 * size, 0.95 * size
    return 0.15 * size, 0.65 * size


def compose(rng: np.random.Generator, bank: dict[str, list[Sprite]], width: int = 320, height: int = 320,
            max_parts: int = 4, classes: Sequence[str] | None = None,
            backdrop: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[np.ndarray, list[Label]]:
    """One RGB uint8 image and its labels.

    ``classes`` places exactly those parts, one per cell of a grid and without occlusion (a
    customer laying out the parts of one step); otherwise 1..max_parts random parts anywhere.
    ``backdrop`` changes the background before any part is placed (hard negatives: holes, knots,
    hands; see :mod:`tools.detector.synth.negatives`), drawing from its own generator.
    """
    img = background(rng, height, width)
    if backdrop is not None:
        img = backdrop(img)
    available = [c for c in CLASSES if bank.get(c)]
    count = len(classes) if classes is not None else int(rng.integers(1, max_parts + 1))
    cols = int(np.ceil(np.sqrt(count))) if classes is not None else 1
    rows = int(np.ceil(count / cols)) if classes is not None else 1
    placed: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []  # cls, full box, visible mask, own area
    for n in range(count):
        label = classes[n] if classes is not None else available[int(rng.integers(len(available)))]
        sprite = bank[label][int(rng.integers(len(bank[label])))]
        if classes is not None:
            cell_w, cell_h = width // cols, height // rows
            rgba, box = _transform(sprite, rng, float(rng.uniform(0.55, 0.8) * min(cell_w, cell_h)))
        else:
            lo, hi = _scale_range(sprite, min(width, height))
            rgba, box = _transform(sprite, rng, float(np.exp(rng.uniform(np.log(lo), np.log(hi)))))
        h, w = rgba.shape[:2]
        for _attempt in range(8):
            if classes is not None:
                ox = (n % cols) * cell_w + max(0, (cell_w - w) // 2) + int(rng.integers(-cell_w // 10, cell_w // 10 + 1))
                oy = (n // cols) * cell_h + max(0, (cell_h - h) // 2) + int(rng.integers(-cell_h // 10, cell_h // 10 + 1))
                ox, oy = min(max(ox, 0), max(width - w, 0)), min(max(oy, 0), max(height - h, 0))
            else:
                ox = int(rng.integers(-w // 4, max(width - 3 * w // 4, -w // 4 + 1)))
                oy = int(rng.integers(-h // 4, max(height - 3 * h // 4, -h // 4 + 1)))
            mask = np.zeros((height, width), bool)
            x0, y0, x1, y1 = max(ox, 0), max(oy, 0), min(ox + w, width), min(oy + h, height)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            mask[y0:y1, x0:x1] = rgba[y0 - oy:y1 - oy, x0 - ox:x1 - ox, 3] > 127
            if not mask.any() or any((p[2] & ~mask).sum() < MIN_VISIBLE * p[3] for p in placed):
                continue
            alpha = cv2.GaussianBlur(rgba[..., 3].astype(np.float32) / 255.0, (3, 3), 0.6)[y0 - oy:y1 - oy, x0 - ox:x1 - ox, None]
            if rng.random() < 0.7:  # soft contact shadow, offset away from an imagined light
                dx, dy = rng.integers(-max(2, w // 12), max(3, w // 12) + 1, size=2)
                sh = np.zeros((height, width), np.float32)
                sx0, sy0 = max(ox + dx, 0), max(oy + dy, 0)
                sx1, sy1 = min(ox + dx + w, width), min(oy + dy + h, height)
                if sx1 > sx0 and sy1 > sy0:
                    sh[sy0:sy1, sx0:sx1] = rgba[sy0 - oy - dy:sy1 - oy - dy, sx0 - ox - dx:sx1 - ox - dx, 3] / 255.0
                    sh = cv2.GaussianBlur(sh, (0, 0), max(1.0, w / 25))
                    img *= 1.0 - rng.uniform(0.2, 0.6) * sh[..., None]
            part = rgba[y0 - oy:y1 - oy, x0 - ox:x1 - ox, :3].astype(np.float32) / 255.0
            img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - alpha) + part * alpha
            for p in placed:
                np.logical_and(p[2], ~mask, out=p[2])
            full = box + np.array([ox, oy, ox, oy])
            placed.append((CLASSES.index(label), full, mask, np.array(mask.sum())))
            break
    img = _camera_effects(rng, img)
    labels = []
    for cls, full, _mask, _area in placed:
        clipped = np.array([max(full[0], 0), max(full[1], 0), min(full[2], width), min(full[3], height)])
        cw, ch = clipped[2] - clipped[0], clipped[3] - clipped[1]
        if cw < 3 or ch < 3 or cw * ch < 0.4 * (full[2] - full[0]) * (full[3] - full[1]):
            continue
        x1, y1, x2, y2 = (float(v) for v in clipped)
        labels.append(Label(cls, (x1, y1, x2, y2)))
    return img, labels


def scene_without_parts(rng: np.random.Generator, width: int = 320, height: int = 320) -> np.ndarray:
    """A hard-negative image (no labels): a part-free scene through the same camera effects."""
    return _camera_effects(rng, negative_scene(rng, height, width))


def _camera_effects(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    gx = np.linspace(-1, 1, w, dtype=np.float32)[None, :] * rng.uniform(-0.3, 0.3)
    gy = np.linspace(-1, 1, h, dtype=np.float32)[:, None] * rng.uniform(-0.3, 0.3)
    img = img * (1.0 + gx + gy)[..., None] * rng.uniform(0.6, 1.3) * rng.uniform(0.88, 1.12, 3)
    if rng.random() < 0.35:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.6))
    elif rng.random() < 0.15:
        k = int(rng.integers(3, 8))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        m = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, m, (k, k))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
    img = img + rng.normal(0, rng.uniform(0, 0.035), img.shape).astype(np.float32)
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
