"""The camera and the voice bar in the conversation: the customer's photo is their message, and
nothing moves when the microphone and camera arrive after launch.

A dropped photo used to leave no trace in the chat, so the reply to it answered nothing the
customer could see; and the voice bar and camera tab arrived seconds after launch and pushed the
conversation up. The photo here is a real phone photo (../shared/data, read in place); the
deferred loading is held at a gate the test opens, so no test waits for seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel
from vision_helpers import needs_weights

from desktop_app.core.config import Settings
from desktop_app.dialogue.reply import Reply
from desktop_app.dialogue.turn import Exchange
from desktop_app.ui.chat.photos import PhotoCard, PhotoMessage
from desktop_app.ui.shell import media
from desktop_app.voice.model_files import ModelError

SHARED_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos" / "screws_in_wood" / "images"
TIMEOUT_MS = 60_000
SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture
def app_settings(settings_factory: Callable[..., Settings], tmp_path: Path) -> Settings:
    """The store as usual; the speech model's file is missing, so the voice bar is built without Whisper."""
    return settings_factory(stt_engine="openai-whisper", whisper_pt=tmp_path / "no-whisper.pt")


@pytest.fixture
def real_photos() -> list[Path]:
    photos = sorted(SHARED_PHOTOS.glob("*.jpg")) if SHARED_PHOTOS.is_dir() else []
    if len(photos) < 2:
        pytest.skip(f"the shared real photos are absent ({SHARED_PHOTOS})")
    return photos[:2]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, Callable[[], Any]]]:
    """The media modules' import (the deferred part of launch) waits until the test sets the event;
    the speech model stays loading until the test ends (the bar's usual state for its first seconds)."""
    opened, ended = threading.Event(), threading.Event()
    real = media._import_media

    def gated() -> None:
        opened.wait(30)
        real()

    def loading_model() -> Any:
        ended.wait(30)
        raise ModelError("The test ended before the speech model loaded.", message_zh="测试结束，语音模型未加载。")

    monkeypatch.setattr(media, "_import_media", gated)
    yield opened, loading_model
    opened.set()  # never leave a worker waiting
    ended.set()


def _user_entries(window: Any) -> list[object]:
    return [item for role, item in window.chat.entries() if role == "user"]


def _replies(window: Any) -> list[object]:
    return [item for role, item in window.chat.entries() if role == "assistant" and isinstance(item, (Exchange, Reply))]


@needs_weights
def test_a_photo_is_the_customers_message_before_the_reply(qtbot, make_main_window, real_photos: list[Path]):
    real_photo, other = real_photos
    window = make_main_window(language="zh", media=True, cameras=[], speaker=None)
    qtbot.waitUntil(lambda: window.vision is not None, timeout=TIMEOUT_MS)
    camera = window.vision.camera
    camera.open_photo(real_photo)
    # at once, before it is read: the customer's side shows the photo
    (photo,) = [e for e in _user_entries(window) if isinstance(e, PhotoMessage)]
    bubble = window.chat.cards()[-1]
    assert isinstance(bubble, PhotoCard) and bubble.property("variant") == "user"
    thumb = bubble.findChild(QLabel, "photoThumbnail")
    assert thumb is not None and not thumb.pixmap().isNull() and max(thumb.width(), thumb.height()) == 180
    assert bubble.findChild(QLabel, "photoCaption").text() == "已发送照片"
    qtbot.waitUntil(lambda: bool(_replies(window)) and not window.chat.busy, timeout=TIMEOUT_MS)
    entries = window.chat.entries()
    assert [i for i, (_r, item) in enumerate(entries) if item is photo][0] < \
        [i for i, (_r, item) in enumerate(entries) if isinstance(item, (Exchange, Reply))][0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(150)  # the conversation lays the new rows out over a few passes
    assert bubble.height() >= bubble.minimumSizeHint().height()  # the caption under the photo, not over it
    window.grab().save(str(SHOTS / "laptop-zh-photo-message.png"))

    # the same photo again adds nothing; another photo dropped on the conversation is read and shown
    camera.open_photo(real_photo)
    qtbot.waitUntil(lambda: not camera.photo_pending, timeout=TIMEOUT_MS)
    assert sum(isinstance(e, PhotoMessage) for e in _user_entries(window)) == 1
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(other))])
    drop = QDropEvent(QPointF(40, 40), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    # Qt delivers a drop only during a real drag, so the conversation's drop filter is handed the event
    assert window.chat.photo_drop.eventFilter(window.chat, drop) and drop.isAccepted()
    assert sum(isinstance(e, PhotoMessage) for e in _user_entries(window)) == 2
    qtbot.waitUntil(lambda: not camera.photo_pending, timeout=TIMEOUT_MS)

    window.set_language("en")  # a rebuild keeps the photos, captioned in the new language
    captions = [c.findChild(QLabel, "photoCaption").text() for c in window.chat.cards() if isinstance(c, PhotoCard)]
    assert captions == ["Photo sent", "Photo sent"]
    assert camera.photo_button.text() == "Open photo…" and camera.device_combo.itemText(0) == "No camera found"
    qtbot.wait(150)
    window.grab().save(str(SHOTS / "laptop-en-photo-message.png"))
    window.new_conversation()
    assert not any(isinstance(c, PhotoCard) for c in window.chat.cards())


#: A few pixels are not a jump (before the fix the chat lost 143 px): in a long test session the first
#: glyph drawn from a fallback font can change a line's height by 1–2 px, which no customer sees.
TOLERANCE_PX = 3


def _assert_still(after: tuple[object, ...], before: tuple[object, ...]) -> None:
    for now, then in zip(after, before, strict=True):
        if hasattr(now, "width") and hasattr(now, "height"):
            assert abs(now.width() - then.width()) <= TOLERANCE_PX and abs(now.height() - then.height()) <= TOLERANCE_PX, \
                (after, before)
        elif hasattr(now, "x") and hasattr(now, "y"):
            assert abs(now.x() - then.x()) <= TOLERANCE_PX and abs(now.y() - then.y()) <= TOLERANCE_PX, (after, before)
        else:
            assert now == then, (after, before)


def _geometry(window: Any) -> tuple[object, ...]:
    chat = window.chat
    return (chat.mapTo(window, chat.rect().topLeft()), chat.size(), chat.scroll_area.size(),
            window.side.mapTo(window, window.side.rect().topLeft()), window.side.size(), window.side.currentIndex(),
            window.side.count(), window.size())


@pytest.mark.parametrize("kiosk, width, height, language", [(False, 1366, 768, "zh"), (True, 1920, 1080, "en")])
def test_nothing_moves_when_the_voice_bar_and_camera_arrive(qtbot, make_main_window, drain_events, gate,
                                                           kiosk, width, height, language):
    opened, loading_model = gate
    window = make_main_window(language=language, kiosk=kiosk, media=True, cameras=[], speaker=None,
                              transcriber=loading_model)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=5000)
    drain_events()
    assert window.voice is None and window.vision is None  # the deferred parts have not arrived
    assert window.findChild(QLabel, "mediaSlotNote").isVisible()
    first = _geometry(window)
    opened.set()
    qtbot.waitUntil(lambda: window.voice is not None and window.vision is not None, timeout=TIMEOUT_MS)
    drain_events()
    qtbot.waitUntil(lambda: window.voice.panel.isVisible(), timeout=5000)
    drain_events()
    _assert_still(_geometry(window), first)
    slot = window.media.voice_slot
    assert window.voice.panel.height() >= window.voice.panel.minimumSizeHint().height()  # it fits its place
    assert slot.height() == media.VOICE_BAR_PX[kiosk]
    assert window.side.currentWidget() is window.media.camera_slot and window.vision.camera.isVisible()
