"""The guide player's render thread: owns the Open3D renderer and the loaded scene.

Open3D's GL context is bound to the thread that made it, so this worker lives on its own QThread
(one of the justified exceptions to the task runner, see :mod:`desktop_app.ui.common.tasks`). It
never touches a widget: requests come in and QImages go out through queued signals.

Each frame gets the step's arrows painted over it (from every moving part's start to its place,
:mod:`desktop_app.ar.callouts`), and after a guide opens the widget asks once for a picture of
each part type for the inventory and the step tray.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF

from desktop_app.core.errors import AppError

if TYPE_CHECKING:  # Open3D loads on the render thread, on first use
    import numpy as np

    from desktop_app.ar.callouts import Arrow
    from desktop_app.ar.inventory import PartGroup
    from desktop_app.ar.renderer import OffscreenRenderer
    from desktop_app.ar.scene import Camera, StepScene

log = logging.getLogger(__name__)

#: The arrows' colour: a magenta none of the parts, highlights or background use.
ARROW_COLOR = QColor(214, 0, 120)
#: Pixels of the inventory's pictures (square).
THUMB_SIDE = 128
#: Pictures rendered between two frames: a cabinet's 15 took 0.7 s in one go, a frozen animation.
THUMBS_PER_TURN = 2


def arrow_layer(width: int, height: int, arrows: tuple[Arrow, ...]) -> tuple[QImage, QRect] | None:
    """The arrows drawn once on a transparent layer, and the rectangle they cover.

    Antialiased arrows cost about 0.25 ms each to draw (a cabinet step has 24: 6 ms, a fifth of a
    frame's budget); a step's arrows only change with the step or the view, so each frame just
    blends this layer's covered rectangle over the render (a fraction of a millisecond).
    """
    if not arrows:
        return None
    layer = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    layer.fill(Qt.GlobalColor.transparent)
    paint_arrows(layer, arrows)
    pad = 24.0 * max(0.5, width / 800)
    xs = [c for a in arrows for c in (a.start[0], a.end[0])]
    ys = [c for a in arrows for c in (a.start[1], a.end[1])]
    box = QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
    rect = box.toAlignedRect().intersected(QRect(0, 0, width, height))
    return (layer, rect) if not rect.isEmpty() else None


def frame_image(rgb: np.ndarray, layer: tuple[QImage, QRect] | None) -> QImage:
    """The rendered RGB array as a QImage the view can show, with the arrow layer blended on."""
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).convertToFormat(QImage.Format.Format_RGB32)
    if layer is not None:
        painter = QPainter(image)
        painter.drawImage(layer[1].topLeft(), layer[0], layer[1])
        painter.end()
    return image


def paint_arrows(image: QImage, arrows: tuple[Arrow, ...]) -> None:
    """Draw ``arrows`` over ``image``: a white-edged magenta shaft and head, fittings thinner."""
    if not arrows:
        return
    scale = max(0.5, image.width() / 800)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for arrow in arrows:
        (u0, v0), (u1, v1) = arrow.start, arrow.end
        length = math.hypot(u1 - u0, v1 - v0)
        dx, dy = (u1 - u0) / length, (v1 - v0) / length
        width = (3.0 if arrow.fastener else 4.5) * scale
        head = min(length * 0.45, (13.0 if arrow.fastener else 18.0) * scale)
        base = QPointF(u1 - dx * head, v1 - dy * head)
        side = QPointF(-dy * head * 0.5, dx * head * 0.5)
        tip = QPointF(u1, v1)
        polygon = QPolygonF([tip, base + side, base - side])
        for color, extra in ((QColor(255, 255, 255), 2.5 * scale), (ARROW_COLOR, 0.0)):
            pen = QPen(color, width + extra)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawLine(QPointF(u0, v0), base)
            painter.setPen(QPen(color, extra if extra else 1.0))
            painter.setBrush(color)
            painter.drawPolygon(polygon)
    painter.end()


def _square_thumbnail(rgb: np.ndarray) -> QImage:
    """The centre square of a render, scaled to ``THUMB_SIDE``: the part framed there alone."""
    h, w = rgb.shape[:2]
    side = min(w, h)
    x0, y0 = (w - side) // 2, (h - side) // 2
    crop = rgb[y0:y0 + side, x0:x0 + side].copy()
    image = QImage(crop.data, side, side, 3 * side, QImage.Format.Format_RGB888).copy()
    return image.scaled(THUMB_SIDE, THUMB_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


class RenderWorker(QObject):
    """Lives on the render thread; owns the renderer and the loaded scene."""

    opened = Signal(object)  # Guide
    parts_ready = Signal(object)  # tuple[PartGroup, ...], sent just before ``opened``
    thumbnails_ready = Signal(object)  # dict[str, QImage]: the pictures so far, per part type's key
    frame_ready = Signal(QImage, int)
    failed = Signal(str)

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self._size = (width, height)
        self._renderer: OffscreenRenderer | None = None
        self._scene: StepScene | None = None
        self._groups: tuple[PartGroup, ...] = ()
        self._centres: dict[str, np.ndarray] = {}
        self._arrows: tuple[tuple[int, float, float, float], tuple[QImage, QRect] | None] | None = None
        self._thumb_queue: list[PartGroup] = []
        self._thumbs: dict[str, QImage] = {}
        #: Paint the arrows (the benchmark and the tests can compare with and without).
        self.show_arrows = True

    @Slot(str)
    def open_guide(self, path: str) -> None:
        from desktop_app.ar.callouts import part_centres, part_extents
        from desktop_app.ar.inventory import inventory
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
        self._groups = inventory(guide, part_extents(scene))
        self._centres = part_centres(scene)
        self._arrows = None
        self._thumb_queue, self._thumbs = [], {}
        self.parts_ready.emit(self._groups)
        self.opened.emit(guide)

    @Slot()
    def render_thumbnails(self) -> None:
        """One picture per part type of the open guide, in the part's own colour, a few at a time.

        Between turns the event loop runs the frames asked for meanwhile, so the animation keeps
        moving while the pictures fill in; each turn sends every picture made so far.
        """
        self._thumb_queue, self._thumbs = list(self._groups), {}
        self._next_thumbnails()

    def _next_thumbnails(self) -> None:
        from desktop_app.ar.callouts import thumbnail_camera

        scene, renderer = self._scene, self._renderer
        if scene is None or renderer is None or not self._thumb_queue:
            return
        w, h = self._size
        batch, self._thumb_queue = self._thumb_queue[:THUMBS_PER_TURN], self._thumb_queue[THUMBS_PER_TURN:]
        try:
            for group in batch:
                pid = group.part_ids[0]
                rgb = renderer.render_part(pid, thumbnail_camera(scene, pid, w, h), scene.guide.part(pid).color)
                self._thumbs[group.key] = _square_thumbnail(rgb)
        except (RuntimeError, ValueError) as exc:  # pictures are a nicety: the guide plays without them
            log.warning("part pictures failed: %s", exc)
            self._thumb_queue = []
        self.thumbnails_ready.emit(dict(self._thumbs))
        if self._thumb_queue:
            QTimer.singleShot(0, self._next_thumbnails)

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
        layer = self._arrow_layer(step, yaw, pitch, zoom, camera) if self.show_arrows else None
        self.frame_ready.emit(frame_image(rgb, layer), request)

    def _arrow_layer(self, step: int, yaw: float, pitch: float, zoom: float,
                     camera: Camera) -> tuple[QImage, QRect] | None:
        """The step's arrows, drawn again only when the step or the view changes (not per frame)."""
        from desktop_app.ar.callouts import step_arrows

        key = (step, yaw, pitch, zoom)
        if self._arrows is None or self._arrows[0] != key:
            assert self._scene is not None
            arrows = step_arrows(self._scene, step, camera, self._centres)
            self._arrows = (key, arrow_layer(camera.width, camera.height, arrows))
        return self._arrows[1]

    @Slot()
    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self._scene = None
        self._arrows = None
        self._thumb_queue = []
