"""Write a YOLO dataset (images/, labels/, data.yaml) of composed synthetic images.

Train and held-out splits draw from sprite banks rendered with different seeds, so the
held-out score measures poses, colours and lights the model never saw.  Same seed, same bytes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.vision.classes import CLASSES, DEFAULT_MODELS_DIR
from desktop_app.vision.cv import cv2
from tools.detector.synth.catalog import mesh_assets
from tools.detector.synth.compose import Label, compose, scene_without_parts
from tools.detector.synth.negatives import decorate, hole_board
from tools.detector.synth.sprites import Sprite, build_bank

log = logging.getLogger(__name__)


#: The val and held-out test splits are seeded from the run's ``--seed`` plus these, so anything
#: that re-renders them (the reproduction test, benchmarks/detector_gain.py) draws the same images.
VAL_SEED_OFFSET, TEST_SEED_OFFSET = 1, 2


@dataclass(frozen=True)
class SplitSpec:
    name: str
    images: int
    seed: int
    sprites_per_class: int
    #: 0: the split as before.  > 0: hard negatives (:mod:`tools.detector.synth.negatives`) drawn
    #: into every background, plus this share of extra images with no parts at all.
    negatives: float = 0.0


#: Hard negatives draw from ``seed + NEGATIVES_SEED_OFFSET``, so the parts in a split stay where they were.
NEGATIVES_SEED_OFFSET = 7_777_777
#: With hard negatives, this share of the images are screws laid on a board with empty holes: a
#: detector shown holes only next to other parts learnt that anything round in wood is a hole and
#: missed real screws (recall on the real photos 1.00 → 0.80 after five epochs).
SCREW_BOARD_SHARE = 0.25


def _write(path: Path, label_path: Path, img: np.ndarray, labels: list[Label], quality: int, size: int) -> None:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    path.write_bytes(data.tobytes())
    label_path.write_text("".join(l.yolo_line(size, size) + "\n" for l in labels))


def write_split(root: Path, split: str, bank: dict[str, list[Sprite]], count: int, seed: int,
                size: int = 320, negatives: float = 0.0) -> list[tuple[Path, list[Label]]]:
    rng = np.random.default_rng(seed)
    neg_rng = np.random.default_rng(seed + NEGATIVES_SEED_OFFSET)
    img_dir, lbl_dir = root / "images" / split, root / "labels" / split
    img_dir.mkdir(parents=True, exist_ok=True)
    lbl_dir.mkdir(parents=True, exist_ok=True)
    out = []

    def backdrop(img: np.ndarray) -> np.ndarray:
        return decorate(neg_rng, img)

    def board(img: np.ndarray) -> np.ndarray:
        return hole_board(neg_rng, img)

    for i in range(count):
        if negatives > 0 and neg_rng.random() < SCREW_BOARD_SHARE:  # screws driven in beside empty holes
            screws = ["screw"] * int(neg_rng.integers(4, 17))  # a grid of 2x2 to 4x4: screw-sized cells
            img, labels = compose(rng, bank, size, size, classes=screws, backdrop=board)
        else:
            img, labels = compose(rng, bank, size, size, backdrop=backdrop if negatives > 0 else None)
        path = img_dir / f"{split}_{i:05d}.jpg"
        _write(path, lbl_dir / f"{path.stem}.txt", img, labels, int(rng.integers(35, 96)), size)
        out.append((path, labels))
        if (i + 1) % 500 == 0:
            log.info("%s: %d/%d images", split, i + 1, count)
    for i in range(int(round(count * negatives))):
        path = img_dir / f"{split}_neg_{i:05d}.jpg"
        _write(path, lbl_dir / f"{path.stem}.txt", scene_without_parts(neg_rng, size, size), [], int(neg_rng.integers(35, 96)), size)
        out.append((path, []))
    return out


def generate(root: Path, splits: list[SplitSpec], *, models_dir: Path = DEFAULT_MODELS_DIR, size: int = 320) -> Path:
    """Render banks and write every split under ``root``; returns the data.yaml path."""
    root = Path(root)
    assets = mesh_assets(models_dir)
    for spec in splits:
        bank = build_bank(assets, spec.sprites_per_class, spec.seed * 7919 + 1)
        write_split(root, spec.name, bank, spec.images, spec.seed, size, spec.negatives)
    yaml_path = root / "data.yaml"
    names = "\n".join(f"  {i}: {name}" for i, name in enumerate(CLASSES))
    lines = [f"path: {root.resolve()}"] + [f"{s.name}: images/{s.name}" for s in splits] + [f"names:\n{names}"]
    yaml_path.write_text("\n".join(lines) + "\n")
    return yaml_path


def sample(count: int, seed: int, *, sprites_per_class: int = 12, size: int = 320,
           models_dir: Path = DEFAULT_MODELS_DIR) -> list[tuple[np.ndarray, list[Label]]]:
    """A small in-memory held-out sample of BGR images, drawn exactly like the data set's images.

    Tests reproduce the committed held-out metrics on it.
    """
    bank = build_bank(mesh_assets(models_dir), sprites_per_class, seed * 7919 + 1)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        img, labels = compose(rng, bank, size, size)
        quality = int(rng.integers(35, 96))
        ok, data = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
        out.append((cv2.imdecode(data, cv2.IMREAD_COLOR), labels))
    return out
