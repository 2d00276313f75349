"""The held-out split, re-rendered in memory, and the small sample that ties metrics to weights.

The full held-out split (400 images) is scored by ultralytics during training; a test cannot
afford that, and 60 images are a noisy estimate of the 400-image score.  So the training tool
also scores these 60 images, with this code and the detector the app runs, and records the
result in metrics.json: the test scores them again and must land on the recorded number.
``benchmarks/detector_gain.py`` scores all 400 to compare two sets of weights image by image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from desktop_app.vision.classes import CLASSES
from desktop_app.vision.detector import PartDetector
from tools.detector.evaluate import ClassScore, match_image, mean_ap50, score_records
from tools.detector.synth.compose import Label

#: Images in the sample: the first ones of the held-out split's stream (its seed, its sprites).
SAMPLE_IMAGES = 60

#: Per class, per image: that image's matched (confidence, hit) records and its number of truths.
ImageRecords = dict[str, list[tuple[list[tuple[float, bool]], int]]]


@dataclass(frozen=True)
class SampleScore:
    images: int
    backend: str
    map50: float
    per_class: tuple[ClassScore, ...]

    def as_json(self) -> dict[str, object]:
        return {"images": self.images, "backend": self.backend, "map50": round(self.map50, 4),
                "ground_truth": sum(s.ground_truth for s in self.per_class)}


def held_out_images(training: dict[str, Any], count: int) -> list[tuple[np.ndarray, list[Label]]]:
    """The first ``count`` held-out images, pixel for pixel as training's JPEGs decode (needs a display)."""
    from tools.detector.synth.dataset import TEST_SEED_OFFSET, sample  # Open3D: imported only when rendering

    return sample(count, seed=training["seed"] + TEST_SEED_OFFSET, sprites_per_class=training["eval_sprites_per_class"])


def image_records(detector: PartDetector, images: list[tuple[np.ndarray, list[Label]]]) -> ImageRecords:
    """Run the detector on every image at the scoring threshold and match per class."""
    out: ImageRecords = {c: [] for c in CLASSES}
    for img, labels in images:
        found = detector.detect(img, conf=0.001, raw=True)
        for c in CLASSES:
            truths = [lab.box for lab in labels if CLASSES[lab.cls] == c]
            out[c].append((match_image([(d.confidence, d.box) for d in found if d.label == c], truths), len(truths)))
    return out


def score(records: ImageRecords, picks: list[int] | np.ndarray | None = None) -> tuple[ClassScore, ...]:
    """Per-class scores over the images ``picks`` (all by default; repeats allowed, for a bootstrap)."""
    scores = []
    for c in CLASSES:
        chosen = records[c] if picks is None else [records[c][i] for i in picks]
        scores.append(score_records(c, [r for recs, _ in chosen for r in recs], sum(n for _, n in chosen)))
    return tuple(scores)


def score_held_out_sample(detector: PartDetector, training: dict[str, Any], count: int = SAMPLE_IMAGES) -> SampleScore:
    """Score the first ``count`` held-out images, from metrics.json's ``training`` seeds."""
    scores = score(image_records(detector, held_out_images(training, count)))
    return SampleScore(count, detector.backend_name, mean_ap50(scores), scores)
