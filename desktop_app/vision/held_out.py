"""The small held-out sample that ties the committed metrics to the weights beside them.

The full held-out split (400 images) is scored by ultralytics during training; a test cannot
afford that, and 60 images are a noisy estimate of the 400-image score.  So the training tool
also scores these 60 images, with this code and the detector the app runs, and records the
result in metrics.json: the test scores them again and must land on the recorded number.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.vision.detector import PartDetector
from desktop_app.vision.evaluate import ClassScore, mean_ap50, score_class
from desktop_app.vision.synth.catalog import CLASSES

#: Images in the sample: the first ones of the held-out split's stream (its seed, its sprites).
SAMPLE_IMAGES = 60


@dataclass(frozen=True)
class SampleScore:
    images: int
    backend: str
    map50: float
    per_class: tuple[ClassScore, ...]

    def as_json(self) -> dict[str, object]:
        return {"images": self.images, "backend": self.backend, "map50": round(self.map50, 4),
                "ground_truth": sum(s.ground_truth for s in self.per_class)}


def score_held_out_sample(detector: PartDetector, training: dict, count: int = SAMPLE_IMAGES) -> SampleScore:
    """Score ``count`` held-out images, rendered from metrics.json's ``training`` seeds (needs a display)."""
    from desktop_app.vision.synth.dataset import sample  # Open3D: imported only when rendering

    images = sample(count, seed=training["seed"] + 2, sprites_per_class=training["eval_sprites_per_class"])
    preds: dict[str, list] = {c: [] for c in CLASSES}
    truths: dict[str, list] = {c: [] for c in CLASSES}
    for img, labels in images:
        found = detector.detect(img, conf=0.001)
        for c in CLASSES:
            preds[c].append([(d.confidence, d.box) for d in found if d.label == c])
            truths[c].append([lab.box for lab in labels if CLASSES[lab.cls] == c])
    scores = tuple(score_class(c, preds[c], truths[c]) for c in CLASSES)
    return SampleScore(count, detector.backend_name, mean_ap50(scores), scores)
