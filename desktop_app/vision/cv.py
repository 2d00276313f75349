"""The one place the vision package imports OpenCV (and, lazily, ultralytics).

opencv-python's wheel points ``QT_QPA_PLATFORM_PLUGIN_PATH`` (and ``QT_QPA_FONTDIR``) at its own
bundled Qt plugins when ``cv2`` is imported; PySide6 then loads the wrong plugins and the window
fails to start.  ``import ultralytics`` sets ``OMP_NUM_THREADS=1`` when unset, which quietly
halves torch elsewhere in the app.  Both side effects are undone here, right after the import.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

_QT_VARS = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def import_cv2() -> ModuleType:
    saved = {name: os.environ.get(name) for name in _QT_VARS}
    try:
        import cv2 as module
    finally:
        _restore(saved)
    return module


def import_ultralytics() -> ModuleType:
    """ultralytics with offline mode on and the process's thread settings and PIL left as they were.

    Importing ultralytics replaces ``PIL.Image.open`` with a wrapper that, for any file Pillow
    cannot identify, tries to install and import pi-heif; offline that raises ModuleNotFoundError instead
    of UnidentifiedImageError, so a document renamed .jpg would lose its clear message.
    """
    from PIL import Image

    os.environ.setdefault("YOLO_OFFLINE", "1")
    saved = {name: os.environ.get(name) for name in (*_QT_VARS, "OMP_NUM_THREADS")}
    pil_open = Image.open
    try:
        import ultralytics as module
    finally:
        _restore(saved)
        patches = sys.modules.get("ultralytics.utils.patches")  # it keeps Pillow's own open here
        Image.open = getattr(patches, "_image_open", pil_open) if patches else pil_open
    return module


cv2 = import_cv2()
