"""Capture: a missing camera says so; files and frames go through the same worker as a webcam."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from vision_helpers import needs_weights

from desktop_app.vision.camera import CaptureWorker, FileCamera, ImageSequenceSource, OpenCvCamera, list_cameras
from desktop_app.vision.cv import cv2
from desktop_app.vision.errors import CameraUnavailable


def test_no_camera_gives_a_clear_message() -> None:
    taken = {c.index for c in list_cameras()}
    index = next(i for i in range(90, 100) if i not in taken)
    with pytest.raises(CameraUnavailable) as err:
        OpenCvCamera(index).open()
    assert f"No camera found at device {index}" in str(err.value)
    assert "摄像头" in err.value.localized("zh")


def test_worker_reports_a_missing_camera_instead_of_raising() -> None:
    errors: list[Exception] = []
    ended = threading.Event()
    worker = CaptureWorker(OpenCvCamera(97), lambda f: None, on_error=errors.append, on_end=ended.set)
    worker.start()
    assert worker.wait(10)
    assert len(errors) == 1 and isinstance(errors[0], CameraUnavailable)


def test_missing_video_file() -> None:
    with pytest.raises(CameraUnavailable, match="No such video file"):
        FileCamera("/nonexistent/clip.avi").open()


def _write_video(path: Path, frames: list[np.ndarray]) -> None:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (w, h))
    for f in frames:
        writer.write(f)
    writer.release()


@needs_weights
def test_video_file_frames_reach_the_detector(tmp_path: Path, stool_photo: Path) -> None:
    from desktop_app.vision.analyze import FrameAnalyzer

    frame = cv2.imread(str(stool_photo))
    video = tmp_path / "clip.avi"
    _write_video(video, [frame] * 6)
    shown, results = [], []
    analyzer = FrameAnalyzer()
    worker = CaptureWorker(FileCamera(video), shown.append, analyse=analyzer.analyse,
                           on_result=lambda i, r: results.append(r), fps=20)
    worker.start()
    assert worker.wait(30)
    assert len(shown) == 6 and shown[-1].frame.shape == frame.shape and shown[-1].index == 6
    assert results, "the analysis thread saw at least the newest frame"
    assert any(d.label == "bolt" for d in results[-1].detections)


@needs_weights
def test_image_sequence_feeds_frames_and_detections(stool_photo: Path) -> None:
    from desktop_app.vision.analyze import FrameAnalyzer

    results = []
    done = threading.Event()
    source = ImageSequenceSource([stool_photo, stool_photo, stool_photo])
    worker = CaptureWorker(source, lambda f: None, analyse=FrameAnalyzer().analyse,
                           on_result=lambda i, r: results.append((i, r)), on_end=done.set, fps=0)
    worker.start()
    assert worker.wait(30) and done.is_set()
    assert results and results[-1][1].matches[0].product_id == "FUR-STOOL-01"


def test_stop_ends_an_endless_source_quickly() -> None:
    frames = []
    worker = CaptureWorker(ImageSequenceSource([np.zeros((48, 64, 3), np.uint8)], loop=True), frames.append, fps=200)
    worker.start()
    while len(frames) < 5:
        threading.Event().wait(0.01)
    worker.stop()
    assert not worker.running
    assert frames[-1].fps > 0


def test_empty_sequence_is_unavailable() -> None:
    with pytest.raises(CameraUnavailable):
        ImageSequenceSource([]).open()
