"""Camera and photo view: live preview with the detector's boxes, device choice, photo upload.

Live capture and its analysis run on the vision package's capture thread (a streaming loop, one
of the exceptions listed in :mod:`desktop_app.ui.common.tasks`); its callbacks cross into the GUI
thread through a QObject's signals (queued connections), so no Qt object is touched off the GUI
thread. A photo is analysed on the view's own one-worker :class:`TaskRunner`, so photos are
analysed one at a time, in order. Boxes and labels are painted here with QPainter on a copy of
the frame.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.guide_code import GuideCode
from desktop_app.ui.common.tasks import TaskRunner
from desktop_app.vision.analyze import FrameAnalyzer
from desktop_app.vision.camera import CameraInfo, CapturedFrame, CaptureWorker, FrameSource, OpenCvCamera, list_cameras
from desktop_app.vision.classes import CLASSES
from desktop_app.vision.errors import VisionError
from desktop_app.vision.images import SUFFIXES, load_image
from desktop_app.vision.meaning import VisionReading

log = logging.getLogger(__name__)

_PALETTE = [QColor.fromHsv(int(360 * i / len(CLASSES)), 200, 255) for i in range(len(CLASSES))]
QR_REPEAT_S = 3.0  # the same code held in view is reported again only after this pause
PHOTO_THUMB_PX = 180  # the longer side of a photo's thumbnail in the conversation


def _t(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


def frame_to_image(frame: np.ndarray) -> QImage:
    h, w = frame.shape[:2]
    return QImage(np.ascontiguousarray(frame).data, w, h, 3 * w, QImage.Format.Format_BGR888).copy()


def thumbnail(frame: np.ndarray, side: int = PHOTO_THUMB_PX) -> QImage:
    """A small copy of a photo for the conversation (its own pixels: the frame may be reused)."""
    return frame_to_image(frame).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation)


def draw_detections(image: QImage, reading: VisionReading | None, language: str) -> QImage:
    if reading is None or not reading.detections:
        return image
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(max(11, image.height() // 32))
    painter.setFont(font)
    for d in reading.detections:
        colour = _PALETTE[CLASSES.index(d.label) % len(_PALETTE)] if d.label in CLASSES else QColor("white")
        x1, y1, x2, y2 = d.box
        painter.setPen(QPen(colour, max(2, image.width() // 320)))
        painter.drawRect(QRectF(x1, y1, x2 - x1, y2 - y1))
        text = f"{d.name(language)} {d.confidence:.2f}"
        metrics = painter.fontMetrics()
        box = QRectF(x1, max(0.0, y1 - metrics.height()), metrics.horizontalAdvance(text) + 6, metrics.height())
        painter.fillRect(box, colour)
        painter.setPen(QColor("black"))
        painter.drawText(box.adjusted(3, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    return image


class _Bridge(QObject):
    frame = Signal(object)  # CapturedFrame
    result = Signal(int, object)  # frame index (-1 for a photo), VisionReading
    error = Signal(object)  # VisionError
    ended = Signal()


def photo_digest(frame: np.ndarray) -> str:
    """Identity of a photo's pixels: the same photo opened twice is recognised (and answered once)."""
    data = np.ascontiguousarray(frame)
    return hashlib.blake2b(data.data, digest_size=16, person=str(data.shape).encode()[:16]).hexdigest()


class CameraView(QWidget):
    detections = Signal(object)  # VisionReading of the newest analysed frame or photo
    analysed = Signal(object, str)  # the same VisionReading, with its photo's digest ("" for a live frame)
    qr_scanned = Signal(str)  # a QR payload, once each time a code comes into view
    #: A photo was opened or dropped: a thumbnail (QImage) and its digest, before it is analysed,
    #: so the conversation shows the customer's photo as their message ahead of the reply.
    photo_opened = Signal(object, str)

    def __init__(self, analyzer: FrameAnalyzer | None = None, *, language: str = "zh",
                 source_factory: Callable[[int], FrameSource] | None = None,
                 cameras: list[CameraInfo] | None = None, fps: float = 30.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._analyzer = analyzer
        self._analyzer_lock = threading.Lock()
        self._analysis_lock = threading.Lock()
        self._source_factory = source_factory or (lambda index: OpenCvCamera(index))
        self._fps = fps
        self._worker: CaptureWorker | None = None
        self._photos = TaskRunner(self, max_workers=1)  # one photo at a time, in order
        self._photos_in_flight = 0
        self._frame_pending = threading.Event()
        self._reading: VisionReading | None = None
        self._current: GuideCode | None = None
        self._qr_seen: dict[str, float] = {}
        self._photo_digest = ""
        self.preview_fps = 0.0
        self.frames_shown = 0
        self.last_image: QImage | None = None
        self._bridge = _Bridge()
        self._bridge.frame.connect(self._show_frame)
        self._bridge.result.connect(self._take_result)
        self._bridge.error.connect(self._show_error)
        self._bridge.ended.connect(self._camera_ended)
        self._build(cameras if cameras is not None else list_cameras())
        self.setAcceptDrops(True)

    # ---------------------------------------------------------------- layout
    def _build(self, cameras: list[CameraInfo]) -> None:
        lang = self.language
        self.device_combo = QComboBox()
        for cam in cameras:
            self.device_combo.addItem(f"{cam.index}: {cam.name}", cam.index)
        if not cameras:
            self.device_combo.addItem(_t(lang, "No camera found", "未找到摄像头"), None)
        self.start_button = QPushButton(_t(lang, "Start camera", "打开摄像头"))
        self.start_button.clicked.connect(self._toggle_camera)
        self.photo_button = QPushButton(_t(lang, "Open photo…", "打开照片…"))
        self.photo_button.clicked.connect(self._choose_photo)
        self.preview = QLabel(_t(lang, "Start the camera, or drop a photo here", "打开摄像头，或把照片拖到这里"))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(320, 240)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background:#202020;color:#d0d0d0;border-radius:6px;")
        if not cameras:
            # No device: say what still works instead of a black box and a button that can only fail.
            self.start_button.setEnabled(False)
            self.start_button.setToolTip(_t(lang, "No camera is connected", "没有连接摄像头"))
            self.preview.setText(_t(lang, "No camera found.\nOpen a photo of the parts or the manual's QR code, "
                                          "or drop it here.",
                                    "未找到摄像头。\n可以打开零件或说明书二维码的照片，或直接拖到这里。"))
            self.preview.setStyleSheet("background:#f4f5f7;color:#3b424b;border:1px dashed #c9ced6;"
                                       "border-radius:6px;font-size:15px;padding:16px;")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self.device_combo, 1)
        controls.addWidget(self.start_button)
        controls.addWidget(self.photo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)

    # ---------------------------------------------------------------- analysis
    @property
    def analyzer(self) -> FrameAnalyzer:
        # The pre-warm worker, the capture threads and the GUI thread all ask for it; without the
        # lock two of them could each build one, and the one warmed would not be the one used.
        if self._analyzer is None:
            with self._analyzer_lock:
                if self._analyzer is None:
                    self._analyzer = FrameAnalyzer()
        return self._analyzer

    def set_current_step(self, code: GuideCode | None) -> None:
        """The guide step the customer is on; "what is missing" refers to it (never which product)."""
        self._current = code

    @property
    def current_step(self) -> GuideCode | None:
        return self._current

    def _analyse(self, frame: np.ndarray, live: bool = True) -> VisionReading:
        with self._analysis_lock:  # camera and photo threads share one detector and QR scanner
            return self.analyzer.analyse(frame, current=self._current, live=live)

    # ---------------------------------------------------------------- camera
    @property
    def camera_running(self) -> bool:
        return self._worker is not None and self._worker.running

    def _toggle_camera(self) -> None:
        if self.camera_running:
            self.stop_camera()
        else:
            self.start_camera()

    def start_camera(self, index: int | None = None) -> None:
        self.stop_camera()
        if index is None:
            index = self.device_combo.currentData()
        if index is None:
            self._set_status(_t(self.language, "No camera found. Connect one, or open a photo instead.",
                                "未找到摄像头。请连接摄像头，或改为打开照片。"), error=True)
            return
        source = self._source_factory(int(index))
        b = self._bridge
        self._frame_pending.clear()
        self._worker = CaptureWorker(source, self._offer_frame, analyse=self._analyse, on_result=b.result.emit,
                                     on_error=b.error.emit, on_end=b.ended.emit, fps=self._fps)
        self._worker.start()
        self.start_button.setText(_t(self.language, "Stop camera", "关闭摄像头"))
        self._set_status(_t(self.language, f"Starting {source.name}…", f"正在打开 {source.name}…"))

    def stop_camera(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()
        self.start_button.setText(_t(self.language, "Start camera", "打开摄像头"))

    def _camera_ended(self) -> None:
        if self._worker is not None and not self._worker.running:
            self.start_button.setText(_t(self.language, "Start camera", "打开摄像头"))

    def _offer_frame(self, captured: CapturedFrame) -> None:
        """Worker thread: pass a frame on only when the last one was painted (no backlog in Qt's queue)."""
        if not self._frame_pending.is_set():
            self._frame_pending.set()
            self._bridge.frame.emit(captured)

    def _show_frame(self, captured: CapturedFrame) -> None:
        self._frame_pending.clear()
        if self._worker is None:
            return  # a late frame from a camera already stopped
        self.preview_fps = captured.fps
        self._display(captured.frame)
        if self.frames_shown % 15 == 1:
            self._set_status(self._describe(f"{captured.fps:.0f} fps"))

    def set_language(self, language: str) -> None:
        """Switch every text of the panel, and redraw the last photo's boxes with the new names."""
        self.language = language
        t = partial(_t, language)
        index = self.device_combo.findData(None)
        if index >= 0:
            self.device_combo.setItemText(index, t("No camera found", "未找到摄像头"))
        running = self.camera_running
        self.start_button.setText(t("Stop camera", "关闭摄像头") if running else t("Start camera", "打开摄像头"))
        if not self.start_button.isEnabled():
            self.start_button.setToolTip(t("No camera is connected", "没有连接摄像头"))
        self.photo_button.setText(t("Open photo…", "打开照片…"))
        if self.last_image is None:
            self.preview.setText(t("Start the camera, or drop a photo here", "打开摄像头，或把照片拖到这里")
                                 if self.start_button.isEnabled() else
                                 t("No camera found.\nOpen a photo of the parts or the manual's QR code, or drop it here.",
                                   "未找到摄像头。\n可以打开零件或说明书二维码的照片，或直接拖到这里。"))
        elif (photo := getattr(self, "_photo_frame", None)) is not None and not running:
            self._display(photo)
        if self._reading is not None:
            self._set_status(self._describe(""))

    # ---------------------------------------------------------------- photos
    def _choose_photo(self) -> None:
        patterns = " ".join(f"*{s}" for s in SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, _t(self.language, "Open photo", "打开照片"), "",
                                              f"{_t(self.language, 'Images', '图片')} ({patterns})")
        if path:
            self.open_photo(Path(path))

    def open_photo(self, path: Path | str) -> None:
        """Show and analyse a photo on a worker thread; problems go to the status line."""
        self.stop_camera()
        try:
            frame = load_image(path)
        except VisionError as exc:
            self._show_error(exc)
            return
        self._reading = None
        self._display(frame)
        self._set_status(_t(self.language, "Looking at the photo…", "正在识别照片…"))

        digest = photo_digest(frame)
        self.photo_opened.emit(thumbnail(frame), digest)

        def done(reading: VisionReading) -> None:
            # photos are read in order; each result goes with its own pixels and digest
            self._photo_frame, self._photo_digest = frame, digest
            self._take_result(-1, reading)
            self._photo_finished()

        def failed(error: AppError) -> None:
            if isinstance(error, VisionError):
                self._show_error(error)
            # anything else is a bug the runner has logged with its traceback
            self._photo_finished()

        self._photo_frame = frame
        self._photos_in_flight += 1
        self._photos.submit(self._analyse, frame, False, on_done=done, on_error=failed)

    @property
    def photo_pending(self) -> bool:
        """A photo is being analysed: words said meanwhile should wait for what it shows."""
        return self._photos_in_flight > 0

    def _photo_finished(self) -> None:
        self._photos_in_flight = max(0, self._photos_in_flight - 1)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_photo(files[0])

    # ---------------------------------------------------------------- results
    def _take_result(self, index: int, reading: VisionReading) -> None:
        self._reading = reading
        if index == -1:
            self._display(self._photo_frame)
            self._set_status(self._describe(""))
        self.detections.emit(reading)
        self.analysed.emit(reading, self._photo_digest if index == -1 else "")
        now = time.monotonic()
        for payload in reading.qr_payloads:
            last = self._qr_seen.get(payload)
            self._qr_seen[payload] = now
            if last is None or now - last > QR_REPEAT_S:
                self.qr_scanned.emit(payload)

    def _describe(self, extra: str) -> str:
        text = self._reading.summary(self.language) if self._reading is not None else ""
        return f"{text}  ({extra})" if extra and text else (text or extra)

    def _display(self, frame: np.ndarray) -> None:
        image = draw_detections(frame_to_image(frame), self._reading, self.language)
        self.last_image = image
        self.frames_shown += 1
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def _show_error(self, exc: VisionError) -> None:
        self._set_status(exc.localized(self.language), error=True)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color:#c0392b;" if error else "")

    def shutdown(self) -> None:
        """Stop the camera and wait for a photo being analysed; call before the widget goes away."""
        self.stop_camera()
        self._photos.wait(5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
