"""Seeing furniture parts: a detector trained on the project's own rendered parts, QR scanning,
camera capture, and the step from detections to "which guide, which step, what is missing".

Headless: no Qt here.  cv2 is imported only through :mod:`desktop_app.vision.cv`.
"""

from desktop_app.vision import cv as _cv  # noqa: F401  (undo opencv's Qt plugin override first)
from desktop_app.vision.errors import BadImage, CameraUnavailable, ModelMissing, VisionError

__all__ = ["BadImage", "CameraUnavailable", "ModelMissing", "VisionError"]
