"""The label that shows the guide's rendered frames: drag orbits, the wheel zooms.

The frames are QImages from the render thread (:mod:`desktop_app.ui.guide.render_worker`),
scaled to the label keeping their aspect; the label only reports the user's gestures.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap, QWheelEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

log = logging.getLogger(__name__)


class FrameView(QLabel):
    """Shows frames; drag orbits, wheel zooms."""

    orbit = Signal(float, float)
    zoomed = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._last: QPoint | None = None
        self._image: QImage | None = None

    def show_image(self, image: QImage) -> None:
        self._image = image
        self.setPixmap(QPixmap.fromImage(image).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._last = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is not None:
            pos = event.position().toPoint()
            self.orbit.emit(float(pos.x() - self._last.x()), float(pos.y() - self._last.y()))
            self._last = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._last = None

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoomed.emit(event.angleDelta().y() / 120.0)
