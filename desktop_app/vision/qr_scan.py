"""Find QR codes in a frame, and tell which of them open an assembly guide at a step.

OpenCV's two QR finders (contour-based and ArUco-based) each miss codes the other reads, and
both miss small or soft codes, so a frame is tried with one, then the other, then once more on a
sharpened, upscaled grey copy; the extra cost is paid only on frames without a readable code.
What a payload means is decided by :func:`desktop_app.core.guide_code.parse_payload`, nowhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.core.guide_code import GuideCode, parse_payload
from desktop_app.core.guide_format import GuideError
from desktop_app.vision.cv import cv2
from desktop_app.vision.images import load_image

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QrCode:
    payload: str
    corners: tuple[tuple[float, float], ...]  # four (x, y) in the frame

    def covers(self, box: tuple[float, float, float, float], *, quiet_zone: float = 0.3) -> bool:
        """Whether a detection box lies on this code (its centre, or most of it, within the code
        grown by ``quiet_zone`` of its size): the printed squares look like parts to the detector."""
        pts = np.asarray(self.corners, dtype=np.float64).reshape(-1, 2)
        centre = pts.mean(axis=0)
        grown = centre + (pts - centre) * (1.0 + quiet_zone)
        x1, y1, x2, y2 = box
        inside = cv2.pointPolygonTest(grown.astype(np.float32), ((x1 + x2) / 2, (y1 + y2) / 2), False) >= 0
        if inside:
            return True
        gx1, gy1 = grown.min(axis=0)
        gx2, gy2 = grown.max(axis=0)
        overlap = max(0.0, min(x2, gx2) - max(x1, gx1)) * max(0.0, min(y2, gy2) - max(y1, gy1))
        area = max(1e-6, (x2 - x1) * (y2 - y1))
        return bool(overlap / area >= 0.5)

    @property
    def guide(self) -> GuideCode | None:
        """The guide and step this code opens, or None for any other QR code."""
        try:
            return parse_payload(self.payload)
        except GuideError:
            return None


class QrScanner:
    def __init__(self) -> None:
        self._detectors = (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco())

    def _scan(self, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
        for detector in self._detectors:  # the two finders miss different codes
            try:
                ok, texts, points, _ = detector.detectAndDecodeMulti(image)
            except cv2.error:
                continue
            if ok and points is not None and any(texts):
                return [(t, p) for t, p in zip(texts, points) if t]
        return []

    def scan(self, frame: np.ndarray, *, thorough: bool = True) -> tuple[QrCode, ...]:
        """Codes in ``frame``; ``thorough=False`` (live video) skips the costly upscaled retry —
        the next frames give the code another chance anyway."""
        found = self._scan(frame)
        if not found and thorough:
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
            factor = 2.0 if max(grey.shape) < 1000 else 1.0
            big = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            sharp = cv2.addWeighted(big, 1.8, cv2.GaussianBlur(big, (0, 0), 2.0), -0.8, 0)
            found = [(t, p / factor) for t, p in self._scan(sharp)]
        seen: dict[str, QrCode] = {}
        for text, pts in found:
            if text not in seen:
                seen[text] = QrCode(text, tuple((float(x), float(y)) for x, y in np.asarray(pts).reshape(-1, 2)))
        return tuple(seen.values())

    def scan_file(self, path: Path | str) -> tuple[QrCode, ...]:
        return self.scan(load_image(path))
