"""The parts detector: committed weights, loaded on first use, typed detections out.

Two interchangeable backends run the same trained network: ONNX Runtime (default: measured
faster on this CPU, and needs no torch import, see docs/vision.md) and PyTorch through
ultralytics (the training framework; used when no ONNX file is available).  Frames are BGR
uint8 arrays as OpenCV delivers them.  Whatever file is loaded is first checked against the
committed ``SHA256SUMS`` (``weights_check.py``): damaged weights still run, and "see" parts.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from desktop_app.vision.classes import CLASS_NAMES_EN, CLASS_NAMES_ZH, CLASSES
from desktop_app.vision.errors import BadImage, ModelDamaged, ModelMissing, VisionError
from desktop_app.vision.images import load_image
from desktop_app.vision.weights_check import cached_export_ok, check_weights, record_export

log = logging.getLogger(__name__)

DEFAULT_WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "detector"
BACKENDS = ("auto", "onnx", "torch")
#: Per-class confidence floors over the detector's ``conf``, calibrated for the weights beside
#: them and so kept with them (``{"floors": {"screw": 0.8}, ...}``; absent: none).  The committed
#: weights take empty screw holes in real wood for screws, and the floor turns them away
#: (docs/vision.md, "Screw floor").
FLOORS_FILE = "floors.json"


@dataclass(frozen=True)
class PartDetection:
    label: str  # one of CLASSES
    confidence: float
    box: tuple[float, float, float, float]  # pixel x1, y1, x2, y2 in the input image

    def name(self, language: str = "en") -> str:
        return (CLASS_NAMES_ZH if language == "zh" else CLASS_NAMES_EN).get(self.label, self.label)


#: (class index, score, pixel box x1, y1, x2, y2) as a backend reports one detection.
RawDetection = tuple[int, float, tuple[float, float, float, float]]


class _Backend(Protocol):
    name: str

    def predict(self, frame: np.ndarray, imgsz: int, conf: float, iou: float) -> list[RawDetection]:
        ...


class TorchDetectorBackend:
    name = "pytorch"

    def __init__(self, weights: Path, threads: int = 2) -> None:
        check_weights(weights)
        import torch

        from desktop_app.vision.cv import import_ultralytics

        import_ultralytics()
        from ultralytics.models import YOLO

        torch.set_num_threads(threads)  # ultralytics' import would leave torch at one thread
        self._model = YOLO(str(weights), task="detect")

    def predict(self, frame: np.ndarray, imgsz: int, conf: float, iou: float) -> list[RawDetection]:
        from ultralytics.engine.results import Results

        result = list(self._model.predict(frame, imgsz=imgsz, conf=conf, iou=iou, device="cpu", verbose=False))[0]
        if not isinstance(result, Results) or result.boxes is None:
            raise ModelMissing("The detector weights are not an object-detection model.",
                               message_zh="零件识别模型不是目标检测模型。")
        boxes = result.boxes
        return [(int(c), float(s), (float(x1), float(y1), float(x2), float(y2)))
                for c, s, (x1, y1, x2, y2) in zip(boxes.cls.tolist(), boxes.conf.tolist(), boxes.xyxy.tolist())]


class PartDetector:
    """Thread-safe, lazily loaded detector over the committed weights in ``weights_dir``."""

    def __init__(self, weights_dir: Path | str = DEFAULT_WEIGHTS_DIR, *, backend: str = "auto", imgsz: int = 320,
                 conf: float = 0.35, iou: float = 0.5, threads: int | None = None, cache_dir: Path | None = None,
                 floors: Mapping[str, float] | None = None) -> None:
        if backend not in BACKENDS:
            raise VisionError(f"Unknown detector backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
        self.weights_dir = Path(weights_dir)
        self.backend_choice = backend
        self.imgsz, self.conf, self.iou = int(imgsz), float(conf), float(iou)
        self._given_floors = None if floors is None else dict(floors)
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._backend: _Backend | None = None
        self._lock = threading.Lock()
        self.classes = self._read_classes()
        self._floors: dict[str, float] = {}
        self.load_seconds: float | None = None

    def _read_classes(self, *, checked: bool = False) -> tuple[str, ...]:
        path = self.weights_dir / "classes.txt"
        if not path.is_file():
            return CLASSES
        if checked:
            check_weights(path)
        names = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        return names

    def _read_floors(self) -> dict[str, float]:
        """The floors passed in, else those stored with the weights (``FLOORS_FILE``), else none."""
        if self._given_floors is not None:
            return self._given_floors
        path = self.weights_dir / FLOORS_FILE
        if not path.is_file():
            return {}
        check_weights(path)
        try:
            floors = json.loads(path.read_text(encoding="utf-8"))["floors"]
            out = {str(k): float(v) for k, v in floors.items()}
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            raise ModelDamaged(f"The detector's {FLOORS_FILE} is unreadable ({exc}).",
                               message_zh=f"零件识别模型的 {FLOORS_FILE} 无法读取。") from None
        if any(not 0.0 <= v <= 1.0 for v in out.values()):
            raise ModelDamaged(f"The detector's {FLOORS_FILE} has a floor outside 0-1.",
                               message_zh=f"零件识别模型的 {FLOORS_FILE} 含有超出 0-1 的阈值。")
        return out

    def _onnx_path(self) -> Path | None:
        committed = self.weights_dir / "parts.onnx"
        if committed.is_file():
            return check_weights(committed)
        if self.cache_dir is None:
            return None
        cached = self.cache_dir / "detector" / "parts.onnx"
        weights = self.weights_dir / "parts.pt"
        if not weights.is_file():
            return None
        check_weights(weights)
        from desktop_app.core.checksums import sha256_file

        source = sha256_file(weights)
        if cached_export_ok(cached, source):
            return cached
        from desktop_app.vision.onnx_runtime import export_onnx

        try:
            exported = export_onnx(weights, cached, self.imgsz)
        except ModelMissing as exc:
            log.info("no ONNX export: %s", exc)
            return None
        record_export(exported, source)
        return exported

    def _load(self) -> _Backend:
        start = time.perf_counter()
        self.classes = self._read_classes(checked=True)
        self._floors = self._read_floors()
        backend: _Backend | None = None
        if self.backend_choice in ("auto", "onnx"):
            onnx_path = self._onnx_path()
            if onnx_path is not None:
                from desktop_app.vision.onnx_runtime import OnnxDetectorBackend

                backend = OnnxDetectorBackend(onnx_path, self.threads)
            elif self.backend_choice == "onnx":
                raise ModelMissing("The ONNX detector model is missing and cannot be exported here.",
                                   message_zh="缺少 ONNX 零件识别模型。")
        if backend is None:
            backend = TorchDetectorBackend(self.weights_dir / "parts.pt", self.threads)
        self.load_seconds = time.perf_counter() - start
        log.info("detector loaded (%s) in %.2f s", backend.name, self.load_seconds)
        return backend

    @property
    def backend(self) -> _Backend:
        with self._lock:
            if self._backend is None:
                self._backend = self._load()
            return self._backend

    @property
    def floors(self) -> dict[str, float]:
        """Per-class confidence floors in force (read and checked with the weights, on first use)."""
        _ = self.backend
        return dict(self._floors)

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def detect(self, frame: np.ndarray, *, imgsz: int | None = None, conf: float | None = None,
               raw: bool = False) -> tuple[PartDetection, ...]:
        """Parts in ``frame``, most confident first.  ``raw`` skips the per-class floors
        (``FLOORS_FILE``): for scoring whole precision-recall curves, never for the app."""
        if not isinstance(frame, np.ndarray) or frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise BadImage("Expected a colour image (height x width x 3, 8-bit).", message_zh="需要彩色图像。")
        backend = self.backend
        found = backend.predict(frame, imgsz or self.imgsz, self.conf if conf is None else conf, self.iou)
        out = [PartDetection(self.classes[c] if c < len(self.classes) else str(c), round(s, 4), b) for c, s, b in found]
        if not raw:
            out = [d for d in out if d.confidence >= self._floors.get(d.label, 0.0)]
        return tuple(sorted(out, key=lambda d: -d.confidence))

    def detect_file(self, path: Path | str, *, imgsz: int | None = None,
                    conf: float | None = None) -> tuple[PartDetection, ...]:
        return self.detect(load_image(path), imgsz=imgsz, conf=conf)
