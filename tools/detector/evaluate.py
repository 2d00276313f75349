"""Detection metrics (precision, recall, AP at IoU 0.5) computed the way ultralytics does.

Used by the test that reproduces the committed held-out score and by benchmarks/vision.py on
real photos, so both report numbers comparable with the training run's own validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassScore:
    label: str
    ground_truth: int
    precision: float
    recall: float
    ap50: float


def iou(a: Sequence[float], b: np.ndarray) -> np.ndarray:
    b = np.asarray(b, dtype=float).reshape(-1, 4)
    x1, y1 = np.maximum(a[0], b[:, 0]), np.maximum(a[1], b[:, 1])
    x2, y2 = np.minimum(a[2], b[:, 2]), np.minimum(a[3], b[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    out: np.ndarray = inter / (area_a + area_b - inter + 1e-9)
    return out


def average_precision(recall: np.ndarray, precision: np.ndarray) -> float:
    """Area under the interpolated precision-recall curve (101-point, as COCO and ultralytics)."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([1.0], precision, [0.0]))
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    x = np.linspace(0, 1, 101)
    return float(np.trapezoid(np.interp(x, mrec, mpre), x))


def match_image(predictions: Sequence[tuple[float, Sequence[float]]], truths: Sequence[Sequence[float]], *,
                iou_threshold: float = 0.5) -> list[tuple[float, bool]]:
    """One image's predictions as (confidence, hit), each truth claimed by the most confident match."""
    records: list[tuple[float, bool]] = []
    used = np.zeros(len(truths), bool)
    gt_arr = np.asarray(truths, dtype=float).reshape(-1, 4)
    for conf, box in sorted(predictions, key=lambda p: -p[0]):
        hit = False
        if len(gt_arr):
            overlaps = iou(box, gt_arr)
            overlaps[used] = -1
            j = int(overlaps.argmax())
            if overlaps[j] >= iou_threshold:
                used[j] = True
                hit = True
        records.append((conf, hit))
    return records


def score_records(label: str, records: Sequence[tuple[float, bool]], n_gt: int, *,
                  operating_conf: float = 0.25) -> ClassScore:
    """AP50 from matched records pooled over images (a bootstrap pools resampled images' records)."""
    if n_gt == 0:
        return ClassScore(label, 0, 0.0, 0.0, 0.0)
    if not records:
        return ClassScore(label, n_gt, 0.0, 0.0, 0.0)
    ordered = sorted(records, key=lambda r: -r[0])
    confs = np.array([r[0] for r in ordered])
    hits = np.array([r[1] for r in ordered])
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    recall = tp / n_gt
    precision = tp / np.maximum(tp + fp, 1)
    ap = average_precision(recall, precision)
    at = confs >= operating_conf
    if at.any():
        k = int(np.nonzero(at)[0][-1])
        p_op, r_op = float(precision[k]), float(recall[k])
    else:
        p_op, r_op = 0.0, 0.0
    return ClassScore(label, n_gt, round(p_op, 4), round(r_op, 4), round(ap, 4))


def score_class(label: str, predictions: Sequence[Sequence[tuple[float, Sequence[float]]]],
                truths: Sequence[Sequence[Sequence[float]]], *, iou_threshold: float = 0.5,
                operating_conf: float = 0.25) -> ClassScore:
    """AP50 of one class over images; ``predictions[i]`` = [(confidence, box)], ``truths[i]`` = [box].

    Precision and recall are reported at ``operating_conf`` (the detector's working threshold).
    """
    records = [r for preds, gts in zip(predictions, truths) for r in match_image(preds, gts, iou_threshold=iou_threshold)]
    return score_records(label, records, sum(len(t) for t in truths), operating_conf=operating_conf)


def mean_ap50(scores: Sequence[ClassScore]) -> float:
    present = [s.ap50 for s in scores if s.ground_truth > 0]
    return float(np.mean(present)) if present else 0.0
