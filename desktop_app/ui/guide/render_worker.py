"""The guide player's render thread: owns the Open3D renderer and the loaded scene.

Open3D's GL context is bound to the thread that made it, so this worker lives on its own QThread
(one of the justified exceptions to the task runner, see :mod:`desktop_app.ui.common.tasks`). It
never touches a widget: requests come in and QImages go out through queued signals.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from desktop_app.core.errors import AppError

if TYPE_CHECKING:  # Open3D loads on the render thread, on first use
    from desktop_app.ar.renderer import OffscreenRenderer
    from desktop_app.ar.scene import StepScene

log = logging.getLogger(__name__)


class RenderWorker(QObject):
    """Lives on the render thread; owns the renderer and the loaded scene."""

    opened = Signal(object)  # Guide
    frame_ready = Signal(QImage, int)
    failed = Signal(str)

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self._size = (width, height)
        self._renderer: OffscreenRenderer | None = None
        self._scene: StepScene | None = None

    @Slot(str)
    def open_guide(self, path: str) -> None:
        from desktop_app.ar.renderer import OffscreenRenderer
        from desktop_app.ar.scene import StepScene, load_meshes
        from desktop_app.core.guide_format import load_guide

        try:
            guide = load_guide(path)
            scene = StepScene(guide, load_meshes(guide, Path(path)))
            if self._renderer is None:
                self._renderer = OffscreenRenderer(*self._size)
            self._renderer.set_scene(scene)
        except AppError as exc:
            self.failed.emit(exc.message)
            return
        self._scene = scene
        self.opened.emit(guide)

    @Slot(int, float, float, float, float, int)
    def render(self, step: int, t: float, yaw: float, pitch: float, zoom: float, request: int) -> None:
        if self._scene is None or self._renderer is None:
            return
        w, h = self._size
        try:
            camera = self._scene.camera(step, w, h, yaw_offset=yaw, pitch_offset=pitch, zoom=zoom)
            rgb = self._renderer.render(self._scene.frame(step, t), camera)
        except (RuntimeError, ValueError, IndexError) as exc:  # keep the GUI alive; report instead
            log.exception("render failed")
            self.failed.emit(f"render failed: {exc}")
            return
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.frame_ready.emit(image, request)

    @Slot()
    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self._scene = None
