"""The window's media: microphone, speaker and camera, and the status bar's load progress.

The main window owns one :class:`MediaController` and one :class:`LoadProgress` and hands them
what they work with (services, task runner, conversation, guide tabs, where the voice bar and
the camera go). The window appears first; the microphone and camera modules are imported on a
worker and their widgets built when that is done, and the models they need load on their own
threads, with the status bar saying what is still loading. Nothing here blocks the GUI thread
on a model, a device or the store.

The voice bar and the camera tab used to arrive seconds after launch and push the conversation
up; their places are now held from the first frame (:class:`MediaSlot`, of the final size) and
the widgets move into them when built, so nothing on screen moves.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeGuard

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QVBoxLayout, QWidget

from desktop_app.app import App
from desktop_app.ui.chat.handler import AssistantChatHandler
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.common.labels import tr
from desktop_app.ui.common.tasks import TaskRunner
from desktop_app.ui.guide.tabs import GuideTabs
from desktop_app.ui.shell.settings_dialog import SettingsChoice

if TYPE_CHECKING:  # imported on a worker (see MEDIA_MODULES) before they are built
    from desktop_app.ui.camera.bridge import VisionBridge
    from desktop_app.ui.camera.view import CameraView
    from desktop_app.ui.voice.bridge import VoiceBridge
    from desktop_app.voice.transcriber import Transcriber

log = logging.getLogger(__name__)

#: Imported on a worker before the media widgets are built (OpenCV alone takes most of a second).
MEDIA_MODULES = ("desktop_app.ui.voice.microphone", "desktop_app.voice.tts", "desktop_app.ui.camera.view",
                 "desktop_app.fusion.vision_producer", "desktop_app.ui.voice.bridge", "desktop_app.ui.camera.bridge")
#: The voice bar's height, held for it from launch: its size hint with a two-line status and the retry
#: button (its tallest usual state) at the narrowest window, with the laptop's and the kiosk's font.
VOICE_BAR_PX = {False: 204, True: 296}
#: The camera tab's smallest useful size (the view's own minimum), held for it from launch.
CAMERA_MIN = (384, 312)
LOADING_LABELS = {"assistant": ("assistant", "智能客服"), "media": ("microphone and camera", "麦克风和摄像头"),
                  "speech": ("speech model", "语音模型")}


@dataclass(frozen=True)
class MediaOptions:
    """What the window's media use; tests and benchmarks hand in recordings and a shared model."""

    enabled: bool = False
    transcriber: Any = None  # a Transcriber, or a callable that loads one; default: the configured engine
    audio_source: Any = None  # an AudioSource (tests pass a file-backed one); default: the microphone
    speaker: Any = None  # a voice.tts.Speaker; default: a new one
    camera_source: Any = None  # callable(index) -> FrameSource; default: the webcam
    cameras: Any = None  # list[CameraInfo]; default: the devices the system lists
    analyzer: Any = None  # a vision FrameAnalyzer; default: built on first use
    prewarm_guides: bool = False  # keep a 3D renderer warm so the first guide opens at once
    idle_timeout_s: float | None = None  # kiosk; default DESKTOP_APP_IDLE_TIMEOUT_S or 90 s
    start_on_attract: bool = False  # kiosk: open on the attract screen (the app does; a bare window is ready)


class MediaSlot(QWidget):
    """A place held for a widget that is built later: it shows a short note until ``fill`` moves the
    widget in, and keeps the size it was given, so the layout around it does not move."""

    def __init__(self, name: str, note: tuple[str, str], language: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._note_text = note
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel(tr(language, *note))
        self.note.setObjectName("mediaSlotNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.column.addWidget(self.note)
        self.content: QWidget | None = None

    def fill(self, widget: QWidget) -> None:
        self.note.hide()
        self.column.addWidget(widget)
        self.content = widget

    def set_note(self, note: tuple[str, str], language: str) -> None:
        self._note_text = note
        self.set_language(language)

    def set_language(self, language: str) -> None:
        self.note.setText(tr(language, *self._note_text))


class LoadProgress:
    """The status bar's busy bar and "Loading: …" note, shown while anything named is loading."""

    def __init__(self, status: QStatusBar, language: str) -> None:
        self.language = language
        self._loading: set[str] = set()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: model loads report no fraction
        self.bar.setObjectName("loadProgress")
        self.label = QLabel()
        self.label.setObjectName("loadLabel")
        for widget in (self.label, self.bar):  # hidden, they keep their place: the status bar never changes height
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        status.addPermanentWidget(self.label)
        status.addPermanentWidget(self.bar)
        self._show()

    def loading(self, name: str, on: bool) -> None:
        if on:
            self._loading.add(name)
        else:
            self._loading.discard(name)
        self._show()

    def set_language(self, language: str) -> None:
        self.language = language
        self._show()

    def _show(self) -> None:
        names = [tr(self.language, *LOADING_LABELS[n]) for n in sorted(self._loading)]
        self.bar.setVisible(bool(names))
        self.label.setVisible(bool(names))
        self.label.setText(tr(self.language, "Loading: ", "正在加载：") + ", ".join(names) if names else "")


def transcriber_factory(given: Any, settings: Any) -> Callable[[], Transcriber]:
    """What loads the speech model: the configured engine, a given loader, or a given model."""
    if not given:
        from desktop_app.ui.voice.bridge import default_transcriber

        return default_transcriber(settings)
    if hasattr(given, "transcribe"):
        model: Transcriber = given

        def loaded() -> Transcriber:
            return model

        return loaded
    factory: Callable[[], Transcriber] = given
    return factory


class MediaController:
    """Builds and owns the window's voice bar and camera, and follows its language and settings."""

    def __init__(self, options: MediaOptions, *, app: App, runner: TaskRunner, chat: ChatPanel,
                 guide_tabs: GuideTabs, progress: LoadProgress, status: QStatusBar, voice_area: QVBoxLayout,
                 show_camera: Callable[[QWidget], None], language: str, kiosk: bool,
                 warming: Callable[[], bool], activity: Callable[[], None] | None, parent: QWidget) -> None:
        self.options = options
        self.app = app
        self.runner = runner
        self.chat = chat
        self.guide_tabs = guide_tabs
        self.progress = progress
        self.status = status
        self.voice_area = voice_area  # the voice bar goes under the conversation
        self.show_camera = show_camera  # hosts the camera view (a side tab, shown first)
        self.language = language
        self.kiosk = kiosk
        self._warming = warming  # True until the assistant has loaded
        self._activity = activity  # the kiosk's idle timer starts over
        self.parent = parent
        self.voice: VoiceBridge | None = None
        self.vision: VisionBridge | None = None
        self._closed = False
        self.voice_slot: MediaSlot | None = None
        self.camera_slot: MediaSlot | None = None
        if options.enabled:  # their places are held now; the widgets move in when built
            self.voice_slot = MediaSlot("voiceSlot", ("Getting voice input ready…", "语音输入准备中…"), language)
            self.voice_slot.setFixedHeight(VOICE_BAR_PX[kiosk])
            voice_area.addWidget(self.voice_slot)
            self.camera_slot = MediaSlot("cameraSlot", ("Getting the camera ready…", "摄像头准备中…"), language)
            self.camera_slot.setMinimumSize(*CAMERA_MIN)
            show_camera(self.camera_slot)

    def start(self) -> None:
        """Import the media modules on a worker, then build the widgets (when media are enabled)."""
        if self.options.enabled:
            self.progress.loading("media", True)
            self.runner.submit(_import_media, on_done=lambda _r: self._build(), on_error=self._failed)

    def start_when_idle(self, chat: ChatPanel) -> None:
        """Start once no typed question waits (called when the assistant is warm): on two cores the
        media imports and widgets would hold up the first answer by seconds."""
        if not chat.busy:
            self.start()
            return

        def answered(*_args: object) -> None:
            if chat.busy:
                return
            chat.exchangeReceived.disconnect(answered)
            chat.turnFailed.disconnect(answered)
            self.start()

        chat.exchangeReceived.connect(answered)
        chat.turnFailed.connect(answered)

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        if self._closed:
            return
        from desktop_app.ui.camera.bridge import VisionBridge
        from desktop_app.ui.camera.view import CameraView
        from desktop_app.ui.voice.bridge import VoiceBridge

        o = self.options
        settings = self.app.settings
        store_dir = settings.data_dir / "voice" if settings.store_audio else None
        self.progress.loading("speech", True)
        voice = VoiceBridge(self.chat, self.guide_tabs, transcriber_factory(o.transcriber, settings),
                            ui_language=self.language, source=o.audio_source, speaker=o.speaker,
                            store_dir=store_dir, microphone=settings.microphone, parent=self.parent)
        voice.model_ready.connect(lambda: self.progress.loading("speech", False))
        voice.model_failed.connect(self._speech_failed)
        voice.start()
        self._fill(self.voice_slot, voice.panel)
        self.voice = voice
        camera = CameraView(o.analyzer, language=self.language, source_factory=o.camera_source, cameras=o.cameras)
        camera.setObjectName("cameraView")
        if self.kiosk:
            camera.photo_button.hide()  # no file dialogs on a kiosk; a photo can still be dropped
        self._fill(self.camera_slot, camera)
        handler = self.chat.handler if _observes(self.chat.handler) else None
        if handler is None:
            camera.status.setText(tr(self.language, "This chat cannot take camera input.", "当前会话不支持摄像头输入。"))
            self.progress.loading("media", False)
            return
        self.vision = VisionBridge(camera, handler, self.chat, self.guide_tabs, self.runner,
                                   lambda: self.language, hold=lambda: voice.busy, parent=self.parent)
        self.chat.turn_gate = lambda: camera.photo_pending  # words wait for the photo
        if self._activity is not None:
            voice.activity.connect(self._activity)
            self.vision.activity.connect(self._activity)
        self.progress.loading("media", False)
        if not self._warming():
            self.after_warm_up()

    def _fill(self, slot: MediaSlot | None, widget: QWidget) -> None:
        if slot is None:
            return
        slot.fill(widget)
        if slot is self.voice_slot:
            QTimer.singleShot(0, slot, self._check_voice_room)  # once the bar is styled and laid out

    def _check_voice_room(self) -> None:
        slot, voice = self.voice_slot, self.voice
        if slot is None or voice is None or self._closed:
            return
        needed = voice.panel.sizeHint().height()
        if needed > slot.height():  # grown past what was held: the conversation moves, once
            log.warning("the voice bar needs %d px, %d were held for it", needed, slot.height())
            slot.setFixedHeight(needed)

    def after_warm_up(self) -> None:
        """The assistant is ready: now prepare what the camera and the guides need, in that order."""
        if self.vision is not None:
            self.vision.prewarm()
        if self.options.prewarm_guides and self.app.guides:
            self.guide_tabs.keep_spare()

    def _failed(self, error: Any) -> None:
        self.progress.loading("media", False)
        log.error("microphone and camera could not be set up: %s", getattr(error, "code", error))
        for slot in (self.voice_slot, self.camera_slot):
            if slot is not None and slot.content is None:
                slot.set_note(("Unavailable; typing still works.", "暂不可用，您仍可以打字提问。"), self.language)
        self.status.showMessage(tr(self.language, "Voice and camera are unavailable; typing still works.",
                                   "语音和摄像头不可用，您仍可以打字提问。"))

    def _speech_failed(self, message: str) -> None:
        self.progress.loading("speech", False)
        self.status.showMessage(tr(self.language, "Voice input is unavailable: ", "语音输入不可用：") + message)

    # -- the window's life -------------------------------------------------------------------

    @property
    def camera(self) -> CameraView | None:
        return self.vision.camera if self.vision is not None else None

    @property
    def busy(self) -> bool:
        """Speaking, listening or transcribing: a kiosk's visitor is still there."""
        voice = self.voice
        if voice is None:
            return False
        return bool((voice.speaker is not None and voice.speaker.speaking) or voice.busy)

    def reset(self) -> None:
        if self.voice is not None:
            self.voice.reset()
        if self.vision is not None:
            self.vision.reset()

    def set_language(self, language: str) -> None:
        self.language = language
        for slot in (self.voice_slot, self.camera_slot):
            if slot is not None:
                slot.set_language(language)
        if self.voice is not None:
            self.voice.set_language(language)
        if self.camera is not None:
            self.camera.set_language(language)

    def shutdown(self) -> None:
        self._closed = True
        if self.voice is not None:
            self.voice.shutdown()
        if self.vision is not None:
            self.vision.shutdown()

    # -- settings ----------------------------------------------------------------------------

    def cameras(self) -> list[tuple[int, str]]:
        """(index, name) of the cameras the camera view offers."""
        camera = self.camera
        if camera is None:
            return []
        combo = camera.device_combo
        return [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count()) if combo.itemData(i) is not None]

    def current_settings(self, language: str) -> SettingsChoice:
        camera, voice = self.camera, self.voice
        return SettingsChoice(
            language=language, stt_engine=self.app.settings.stt_engine,
            camera_index=camera.device_combo.currentData() if camera is not None else None,
            speak_all=bool(voice and voice.speak_all), muted=bool(voice and voice.speaker and voice.speaker.muted),
            store_audio=bool(voice and voice.store_dir is not None), microphone=voice.microphone if voice else "")

    def apply_settings(self, choice: SettingsChoice, before: SettingsChoice) -> None:
        voice = self.voice
        if voice is not None:
            voice.speak_all = choice.speak_all
            if voice.mic is not None and voice.mic.mute.isChecked() != choice.muted:
                voice.mic.mute.setChecked(choice.muted)
            voice.store_dir = self.app.settings.data_dir / "voice" if choice.store_audio else None
            if choice.microphone != before.microphone:
                voice.set_microphone(choice.microphone)
            if choice.stt_engine != before.stt_engine:
                from desktop_app.ui.voice.bridge import default_transcriber

                self.progress.loading("speech", True)
                voice.set_transcriber(default_transcriber(replace(self.app.settings, stt_engine=choice.stt_engine)))
            elif choice.store_audio != before.store_audio and voice.mic is not None:
                voice.mic.store_dir = voice.store_dir
        if self.vision is not None and choice.camera_index is not None:
            combo = self.vision.camera.device_combo
            combo.setCurrentIndex(max(combo.findData(choice.camera_index), 0))


def _observes(handler: object) -> TypeGuard[AssistantChatHandler]:
    """The camera needs a handler that takes observations (the assistant's does; a plain one may not)."""
    return hasattr(handler, "observe")


def _import_media() -> None:
    for name in MEDIA_MODULES:
        importlib.import_module(name)
