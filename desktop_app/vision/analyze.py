"""One frame or photo → a :class:`VisionReading`: detect parts, scan QR codes, interpret."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from desktop_app.core.guide_code import GuideCode
from desktop_app.vision.detector import PartDetector
from desktop_app.vision.images import load_image
from desktop_app.vision.meaning import GuideIndex, VisionReading, interpret
from desktop_app.vision.qr_scan import QrScanner

log = logging.getLogger(__name__)


class FrameAnalyzer:
    """Owns the detector, the QR scanner and the guide index; safe to call from one worker thread."""

    def __init__(self, detector: PartDetector | None = None, index: GuideIndex | None = None,
                 scanner: QrScanner | None = None) -> None:
        self.detector = detector or PartDetector()
        self._index = index
        self.scanner = scanner or QrScanner()
        self.last_ms = 0.0

    @property
    def index(self) -> GuideIndex:
        if self._index is None:
            self._index = GuideIndex.from_dir()
        return self._index

    def analyse(self, frame: np.ndarray, *, current: GuideCode | None = None, live: bool = False) -> VisionReading:
        """``live`` frames (a camera) get the quick QR pass; photos the thorough one."""
        start = time.perf_counter()
        detections = self.detector.detect(frame)
        codes = self.scanner.scan(frame, thorough=not live)
        guide_codes = tuple(c.guide for c in codes if c.guide is not None)
        reading = interpret(detections, self.index, current=current, qr_payloads=tuple(c.payload for c in codes),
                            guide_codes=guide_codes)
        self.last_ms = (time.perf_counter() - start) * 1000
        return reading

    def analyse_file(self, path: Path | str, *, current: GuideCode | None = None) -> VisionReading:
        return self.analyse(load_image(path), current=current)
