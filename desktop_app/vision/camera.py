"""Camera capture off the UI thread, and frame sources that feed files through the same path.

A capture thread reads frames as fast as the source gives them (paced to ``fps``) and hands
every frame to ``on_frame`` for the preview; an analysis thread takes only the newest frame
(older ones are dropped, never queued) so a slow detector lowers the detection rate, not the
preview's.  Sources: :class:`OpenCvCamera` (a webcam), :class:`FileCamera` (a video file, via the
same OpenCV capture as a webcam) and :class:`ImageSequenceSource` (photos or arrays).
"""

from __future__ import annotations

import glob
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from desktop_app.vision.cv import cv2
from desktop_app.vision.errors import CameraUnavailable, VisionError
from desktop_app.vision.images import load_image

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    name: str

    def open(self) -> None:
        """Start delivering frames; CameraUnavailable with a clear message if it cannot."""

    def read(self) -> np.ndarray | None:
        """The next BGR frame, or None when the source has ended."""

    def close(self) -> None:
        ...


@dataclass(frozen=True)
class CameraInfo:
    index: int
    name: str


def list_cameras() -> list[CameraInfo]:
    """Video devices the system lists (Linux: /dev/videoN), without opening them."""
    out = []
    for dev in sorted(glob.glob("/dev/video*"), key=lambda p: int(re.sub(r"\D", "", p) or 0)):
        m = re.search(r"(\d+)$", dev)
        if not m:
            continue
        index = int(m.group(1))
        name_file = Path(f"/sys/class/video4linux/video{index}/name")
        name = name_file.read_text(encoding="utf-8", errors="replace").strip() if name_file.exists() else dev
        out.append(CameraInfo(index, name))
    return out


class _CaptureSource:
    """Shared OpenCV VideoCapture handling for webcams and video files."""

    name = "capture"

    def __init__(self) -> None:
        self._cap = None

    def _open_capture(self, target: int | str, missing: str, missing_zh: str, busy: str, busy_zh: str) -> None:
        cap = cv2.VideoCapture(target)
        if not cap.isOpened():
            cap.release()
            raise CameraUnavailable(missing, message_zh=missing_zh)
        ok, frame = cap.read()
        if not ok or frame is None:
            cap.release()
            raise CameraUnavailable(busy, message_zh=busy_zh)
        self._first: np.ndarray | None = frame
        self._cap = cap

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            raise VisionError("The frame source is not open.")
        if self._first is not None:
            frame, self._first = self._first, None
            return frame
        ok, frame = self._cap.read()
        return frame if ok and frame is not None else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class OpenCvCamera(_CaptureSource):
    def __init__(self, index: int = 0, width: int = 640, height: int = 480) -> None:
        super().__init__()
        self.index, self.width, self.height = int(index), int(width), int(height)
        self.name = f"camera {self.index}"

    def open(self) -> None:
        self._open_capture(
            self.index,
            f"No camera found at device {self.index}. Connect a camera, or open a photo instead.",
            f"找不到编号 {self.index} 的摄像头。请连接摄像头，或改为打开照片。",
            f"Camera {self.index} is busy or gives no picture; close other apps using it and try again.",
            f"摄像头 {self.index} 正被占用或没有画面，请关闭其他使用摄像头的程序后重试。")
        assert self._cap is not None
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)


class FileCamera(_CaptureSource):
    """A recorded video played through the same OpenCV capture path as a webcam."""

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name

    def open(self) -> None:
        if not self.path.is_file():
            raise CameraUnavailable(f"No such video file: {self.path.name}.", message_zh=f"找不到视频文件：{self.path.name}。")
        self._open_capture(str(self.path), f"{self.path.name} is not a video this app can play.",
                           f"无法播放视频 {self.path.name}。", f"{self.path.name} has no readable frames.",
                           f"视频 {self.path.name} 没有可读取的画面。")


class ImageSequenceSource:
    """Photos (paths) or frames (arrays) delivered like a camera; ``loop`` repeats them."""

    def __init__(self, items: Sequence[np.ndarray | Path | str], *, loop: bool = False, name: str = "images") -> None:
        self._items = list(items)
        self.loop = loop
        self.name = name
        self._i = 0
        self._cache: dict[int, np.ndarray] = {}

    def open(self) -> None:
        if not self._items:
            raise CameraUnavailable("No pictures to show.", message_zh="没有可显示的图片。")
        self._i = 0

    def read(self) -> np.ndarray | None:
        if self._i >= len(self._items):
            if not self.loop:
                return None
            self._i = 0
        i = self._i
        self._i += 1
        if i not in self._cache:
            item = self._items[i]
            self._cache[i] = item if isinstance(item, np.ndarray) else load_image(item)
        return self._cache[i]

    def close(self) -> None:
        self._cache.clear()


@dataclass(frozen=True)
class CapturedFrame:
    index: int
    frame: np.ndarray  # BGR
    fps: float  # preview frames per second, measured over the last second


class CaptureWorker:
    """Capture thread + newest-frame analysis thread; callbacks run on those threads."""

    def __init__(self, source: FrameSource, on_frame: Callable[[CapturedFrame], None], *,
                 analyse: Callable[[np.ndarray], object] | None = None,
                 on_result: Callable[[int, object], None] | None = None,
                 on_error: Callable[[VisionError], None] | None = None,
                 on_end: Callable[[], None] | None = None, fps: float = 30.0) -> None:
        self.source = source
        self._on_frame, self._analyse, self._on_result = on_frame, analyse, on_result
        self._on_error, self._on_end = on_error, on_end
        self._interval = 1.0 / fps if fps > 0 else 0.0
        self._stop = threading.Event()
        self._mailbox: tuple[int, np.ndarray] | None = None
        self._mail = threading.Condition()
        self._capture = threading.Thread(target=self._capture_loop, name=f"vision-capture:{source.name}", daemon=True)
        self._analysis = threading.Thread(target=self._analysis_loop, name="vision-analysis", daemon=True)
        self.frames = 0
        self.analysed = 0

    def start(self) -> None:
        self._capture.start()
        if self._analyse is not None:
            self._analysis.start()

    def _capture_loop(self) -> None:
        try:
            self.source.open()
        except VisionError as exc:
            self._report(exc)
            self._stop.set()
            self._wake()
            return
        stamps: list[float] = []
        next_due = time.monotonic()
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    break
                now = time.monotonic()
                stamps = [t for t in stamps if now - t < 1.0] + [now]
                fps = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
                self.frames += 1
                self._on_frame(CapturedFrame(self.frames, frame, fps))
                with self._mail:
                    self._mailbox = (self.frames, frame)  # newest wins; an unread older frame is dropped
                    self._mail.notify()
                next_due += self._interval
                delay = next_due - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_due = time.monotonic()
        except VisionError as exc:
            self._report(exc)
        except Exception:  # a bug in a callback must not leave the camera open
            log.exception("capture loop failed")
        finally:
            self.source.close()
            self._stop.set()
            self._wake()
            if self._on_end:
                self._on_end()

    def _analysis_loop(self) -> None:
        assert self._analyse is not None
        while True:
            with self._mail:
                while self._mailbox is None and not self._stop.is_set():
                    self._mail.wait(0.5)
                item, self._mailbox = self._mailbox, None
            if item is None:
                return
            try:
                result = self._analyse(item[1])
            except VisionError as exc:
                self._report(exc)
                continue
            except Exception:
                log.exception("frame analysis failed")
                continue
            self.analysed += 1
            if self._on_result:
                self._on_result(item[0], result)

    def _wake(self) -> None:
        with self._mail:
            self._mail.notify_all()

    def _report(self, exc: VisionError) -> None:
        log.info("camera: %s", exc)
        if self._on_error:
            self._on_error(exc)

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        self._wake()
        for t in (self._capture, self._analysis):
            if t.is_alive() and t is not threading.current_thread():
                t.join(timeout)

    @property
    def running(self) -> bool:
        return self._capture.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the source ends (tests, scripts); True if it did."""
        self._capture.join(timeout)
        if self._analysis.is_alive():
            self._analysis.join(timeout)
        return not self._capture.is_alive()

