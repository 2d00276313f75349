"""One frame or photo → a :class:`VisionReading`: detect parts, scan QR codes, interpret.

Detections lying on a QR code are dropped before interpreting: a printed code's squares look like
parts to the detector, and a guide's own code was boxed as parts.  Each frame is judged on its
own (see :mod:`desktop_app.vision.meaning`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.core.guide_code import GuideCode
from desktop_app.vision.detector import PartDetection, PartDetector
from desktop_app.vision.images import load_image
from desktop_app.vision.meaning import CLAIM_RULE, ClaimRule, GuideIndex, VisionReading, interpret
from desktop_app.vision.qr_scan import QrCode, QrScanner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sighting:
    """What the detector and the QR scanner found in one frame (parts on a code already dropped)."""

    detections: tuple[PartDetection, ...]
    codes: tuple[QrCode, ...]

    def interpret(self, index: GuideIndex, *, current: GuideCode | None = None,
                  rule: ClaimRule = CLAIM_RULE) -> VisionReading:
        guide_codes = tuple(c.guide for c in self.codes if c.guide is not None)
        return interpret(self.detections, index, current=current, qr_payloads=tuple(c.payload for c in self.codes),
                         guide_codes=guide_codes, rule=rule)


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

    def look(self, frame: np.ndarray, *, live: bool = False) -> Sighting:
        """Parts and QR codes in one frame, parts on a code left out; nothing interpreted yet."""
        detections = self.detector.detect(frame)
        codes = self.scanner.scan(frame, thorough=not live)
        if codes:
            detections = tuple(d for d in detections if not any(c.covers(d.box) for c in codes))
        return Sighting(detections, codes)

    def analyse(self, frame: np.ndarray, *, current: GuideCode | None = None, live: bool = False) -> VisionReading:
        """``live`` frames (a camera) get the quick QR pass; photos the thorough one."""
        start = time.perf_counter()
        reading = self.look(frame, live=live).interpret(self.index, current=current)
        self.last_ms = (time.perf_counter() - start) * 1000
        return reading

    def analyse_file(self, path: Path | str, *, current: GuideCode | None = None) -> VisionReading:
        return self.analyse(load_image(path), current=current)
