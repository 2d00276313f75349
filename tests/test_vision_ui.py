"""The camera view: preview with boxes from an injected frame source, signals, photos, errors."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from vision_helpers import needs_weights

from desktop_app.vision.camera import CameraInfo, ImageSequenceSource, OpenCvCamera
from desktop_app.vision.cv import cv2

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models3d"


def _frame_with_code(photo: Path) -> np.ndarray:
    """The stool parts with the stool guide's step-7 QR sheet lying beside them."""
    parts = cv2.imread(str(photo))
    code = cv2.imread(str(MODELS / "FUR-STOOL-01" / "qr" / "step-07.png"))
    code = cv2.resize(code, (parts.shape[0] // 2, parts.shape[0] // 2), interpolation=cv2.INTER_NEAREST)
    sheet = np.full((parts.shape[0], code.shape[1] + 40, 3), 255, np.uint8)
    sheet[20:20 + code.shape[0], 20:20 + code.shape[1]] = code
    return np.hstack([parts, sheet])


@pytest.fixture
def make_view(qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.ui.camera.view import CameraView

    views = []
    before = set(threading.enumerate())

    def make(**kwargs):  # type: ignore[no-untyped-def]
        view = CameraView(language=kwargs.pop("language", "en"), **kwargs)
        qtbot.addWidget(view)
        view.resize(640, 480)
        view.show()
        views.append(view)
        return view

    yield make
    for v in views:
        v.shutdown()
    left = [t for t in set(threading.enumerate()) - before if t.name.startswith("vision") and t.is_alive()]
    assert not left, left


@needs_weights
def test_live_preview_shows_boxes_and_emits_detections_and_qr(make_view, qtbot, stool_photo: Path) -> None:  # noqa: F811
    frame = _frame_with_code(stool_photo)
    view = make_view(source_factory=lambda i: ImageSequenceSource([frame], loop=True, name="test feed"),
                     cameras=[CameraInfo(0, "test feed")], fps=15)
    with qtbot.waitSignal(view.qr_scanned, timeout=30000) as qr, \
            qtbot.waitSignal(view.detections, timeout=30000) as det:
        view.start_camera()
    assert qr.args == ["asmguide:v1?product=FUR-STOOL-01&step=7"]
    reading = det.args[0]
    assert any(d.label == "bolt" for d in reading.detections)
    assert reading.focus.product_id == "FUR-STOOL-01" and reading.focus.step == 7
    qtbot.waitUntil(lambda: view.frames_shown >= 10, timeout=20000)
    assert view.preview.pixmap() is not None and not view.preview.pixmap().isNull()
    assert view.preview_fps > 5
    # the painted preview differs from the raw frame where the boxes are drawn
    shown = view.last_image.convertToFormat(view.last_image.Format.Format_BGR888)
    raw = np.frombuffer(shown.constBits(), np.uint8).reshape(shown.height(), shown.bytesPerLine())[:, : shown.width() * 3]
    assert not np.array_equal(raw.reshape(frame.shape), frame)
    assert view.camera_running
    view.stop_camera()
    assert not view.camera_running
    assert "Start camera" in view.start_button.text()


@needs_weights
def test_photo_upload_analyses_the_photo(make_view, qtbot, stool_photo: Path) -> None:  # noqa: F811
    view = make_view(cameras=[])
    with qtbot.waitSignal(view.detections, timeout=30000) as det:
        view.open_photo(stool_photo)
    assert det.args[0].matches[0].product_id == "FUR-STOOL-01"
    qtbot.waitUntil(lambda: "Walnut four-leg stool" in view.status.text(), timeout=5000)


def test_bad_photo_gives_a_clear_message(make_view, bad_files: dict[str, Path]) -> None:  # noqa: F811
    view = make_view(cameras=[])
    view.open_photo(bad_files["text"])
    assert "not a picture" in view.status.text()
    view.open_photo(bad_files["truncated"])
    assert "damaged or incomplete" in view.status.text()


def test_no_camera_and_a_failing_camera(make_view, qtbot) -> None:
    view = make_view(cameras=[], language="zh")
    assert view.device_combo.currentText() == "未找到摄像头"
    assert not view.start_button.isEnabled()  # the tab says what to do instead of a black box
    assert "未找到摄像头" in view.preview.text() and "照片" in view.preview.text()
    view.start_camera()
    assert "未找到摄像头" in view.status.text()
    view = make_view(cameras=[CameraInfo(93, "ghost")], source_factory=lambda i: OpenCvCamera(i))
    view.start_camera()
    qtbot.waitUntil(lambda: "No camera found at device 93" in view.status.text(), timeout=10000)


def test_drop_of_a_file_opens_it(make_view, qtbot, bad_files) -> None:  # noqa: F811
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    view = make_view(cameras=[])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad_files["empty"]))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    view.dropEvent(event)
    assert "empty" in view.status.text()


def test_threads_asking_for_the_analyzer_at_once_share_one(make_view, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The pre-warm worker and the GUI thread asked together and built one each, so the warmed
    detector was not the one used (seen as a 120 s wait in the photo + speech e2e test)."""
    import desktop_app.ui.camera.view as camera_view
    from desktop_app.vision.analyze import FrameAnalyzer

    class SlowToBuild(FrameAnalyzer):  # the real analyzer; building it takes a little longer
        def __init__(self) -> None:
            threading.Event().wait(0.05)
            super().__init__()

    monkeypatch.setattr(camera_view, "FrameAnalyzer", SlowToBuild)
    view = make_view()
    start = threading.Barrier(4)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(view.analyzer)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(got) == 4 and all(a is got[0] for a in got)
