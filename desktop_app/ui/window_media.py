"""The window's media and modes: microphone, speaker, camera, load progress, kiosk and laptop.

Mixed into :class:`~desktop_app.ui.main_window.MainWindow`. The window appears first; the
microphone and camera modules are imported on a worker and their widgets built when that is
done, and the models they need load on their own threads, with the status bar saying what is
still loading. Nothing here blocks the GUI thread on a model, a device or the store.

Kiosk: an attract screen between visitors, large touch targets, an idle timeout that ends the
session and wipes it, settings behind the operator PIN and no file dialogs. Laptop: a signed-in
member (their history drives recommendations), the debug panel and the settings dialog.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar

from desktop_app.ui import tr

if TYPE_CHECKING:
    from desktop_app.ui.kiosk import AttractScreen, IdleWatcher
    from desktop_app.ui.vision_bridge import VisionBridge
    from desktop_app.ui.voice_bridge import VoiceBridge

log = logging.getLogger(__name__)

#: Imported on a worker before the media widgets are built (OpenCV alone takes most of a second).
MEDIA_MODULES = ("desktop_app.ui.microphone", "desktop_app.voice.tts", "desktop_app.ui.camera_view",
                 "desktop_app.fusion.vision_producer", "desktop_app.ui.voice_bridge", "desktop_app.ui.vision_bridge")
LOADING_LABELS = {"assistant": ("assistant", "智能客服"), "media": ("microphone and camera", "麦克风和摄像头"),
                  "speech": ("speech model", "语音模型")}


@dataclass(frozen=True)
class MediaOptions:
    """What the window's media use; tests and benchmarks hand in recordings and a shared model."""

    enabled: bool = False
    transcriber: Any = None  # a Transcriber, or a callable that loads one; default: the configured engine
    audio_source: Any = None  # an AudioSource (FileAudioSource stands in for the device); default: the microphone
    speaker: Any = None  # a voice.tts.Speaker; default: a new one
    camera_source: Any = None  # callable(index) -> FrameSource; default: the webcam
    cameras: Any = None  # list[CameraInfo]; default: the devices the system lists
    analyzer: Any = None  # a vision FrameAnalyzer; default: built on first use
    prewarm_guides: bool = False  # keep a 3D renderer warm so the first guide opens at once
    idle_timeout_s: float | None = None  # kiosk; default DESKTOP_APP_IDLE_TIMEOUT_S or 90 s
    start_on_attract: bool = False  # kiosk: open on the attract screen (the app does; a bare window is ready)


class WindowMedia:
    """Mixin: expects ``app``, ``kiosk``, ``language``, ``runner``, ``chat``, ``side``, ``guide_tabs``..."""

    voice: VoiceBridge | None
    vision: VisionBridge | None
    attract: AttractScreen | None
    idle: IdleWatcher | None

    def setup_media(self, options: MediaOptions) -> None:
        self.media_options = options
        self.voice = self.vision = None
        self.attract = self.idle = None
        self._loading: set[str] = set()
        self._media_closed = False
        self._progress = QProgressBar()
        self._progress.setRange(0, 0)  # busy: model loads report no fraction
        self._progress.setObjectName("loadProgress")
        self._progress_label = QLabel()
        self._progress_label.setObjectName("loadLabel")
        self.statusBar().addPermanentWidget(self._progress_label)  # type: ignore[attr-defined]
        self.statusBar().addPermanentWidget(self._progress)  # type: ignore[attr-defined]
        self._show_loading()
        if self.kiosk:  # type: ignore[attr-defined]
            self._setup_kiosk(options)
        if options.enabled:
            self.loading("media", True)
            self.runner.submit(_import_media, on_done=lambda _r: self._build_media(),  # type: ignore[attr-defined]
                               on_error=self._media_failed)

    # -- load progress -----------------------------------------------------------------------

    def loading(self, name: str, on: bool) -> None:
        if on:
            self._loading.add(name)
        else:
            self._loading.discard(name)
        self._show_loading()

    def _show_loading(self) -> None:
        if not hasattr(self, "_progress"):
            return
        names = [tr(self.language, *LOADING_LABELS[n]) for n in sorted(self._loading)]  # type: ignore[attr-defined]
        self._progress.setVisible(bool(names))
        self._progress_label.setVisible(bool(names))
        self._progress_label.setText(tr(self.language, "Loading: ", "正在加载：") + ", ".join(names)  # type: ignore[attr-defined]
                                     if names else "")

    # -- building ----------------------------------------------------------------------------

    def _build_media(self) -> None:
        if self._media_closed:
            return
        from desktop_app.ui.camera_view import CameraView
        from desktop_app.ui.vision_bridge import VisionBridge
        from desktop_app.ui.voice_bridge import VoiceBridge, default_transcriber

        o = self.media_options
        transcriber = o.transcriber or default_transcriber(self.app.settings)  # type: ignore[attr-defined]
        if hasattr(transcriber, "transcribe"):
            model = transcriber
            transcriber = lambda: model  # noqa: E731
        store_dir = self.app.settings.data_dir / "voice" if self.app.settings.store_audio else None  # type: ignore[attr-defined]
        self.loading("speech", True)
        voice = VoiceBridge(self.chat, self.guide_tabs, transcriber, ui_language=self.language,  # type: ignore[attr-defined]
                            source=o.audio_source, speaker=o.speaker, store_dir=store_dir,
                            microphone=self.app.settings.microphone, parent=self)  # type: ignore[arg-type, attr-defined]
        voice.model_ready.connect(lambda: self.loading("speech", False))
        voice.model_failed.connect(self._speech_failed)
        voice.start()
        self.left_column.addWidget(voice.panel)  # type: ignore[attr-defined]
        self.voice = voice
        camera = CameraView(o.analyzer, language=self.language, source_factory=o.camera_source,  # type: ignore[attr-defined]
                            cameras=o.cameras)
        camera.setObjectName("cameraView")
        if self.kiosk:  # type: ignore[attr-defined]
            camera.photo_button.hide()  # no file dialogs on a kiosk; a photo can still be dropped
        self.add_side_panel(camera, "Camera", "摄像头", first=True)  # type: ignore[attr-defined]
        self.side.setCurrentWidget(camera)  # type: ignore[attr-defined]
        if not hasattr(self.chat.handler, "observe"):  # type: ignore[attr-defined]
            camera.status.setText(tr(self.language, "This chat cannot take camera input.", "当前会话不支持摄像头输入。"))  # type: ignore[attr-defined]
            self.loading("media", False)
            return
        self.vision = VisionBridge(camera, self.chat.handler, self.chat, self.guide_tabs, self.runner,  # type: ignore[attr-defined]
                                   lambda: self.language, hold=lambda: voice.busy, parent=self)  # type: ignore[attr-defined]
        self.chat.turn_gate = lambda: camera.photo_pending  # type: ignore[attr-defined]  # words wait for the photo
        if self.idle is not None:
            voice.activity.connect(self.idle.poke)
            self.vision.activity.connect(self.idle.poke)
        self.loading("media", False)
        if not self.warming:  # type: ignore[attr-defined]
            self.after_warm_up()

    def after_warm_up(self) -> None:
        """The assistant is ready: now prepare what the camera and the guides need, in that order."""
        if self.vision is not None:
            self.vision.prewarm()
        if self.media_options.prewarm_guides and self.app.guides:  # type: ignore[attr-defined]
            self.guide_tabs.keep_spare()  # type: ignore[attr-defined]

    def _media_failed(self, error: Any) -> None:
        self.loading("media", False)
        log.error("microphone and camera could not be set up: %s", getattr(error, "code", error))
        self.statusBar().showMessage(tr(self.language, "Voice and camera are unavailable; typing still works.",  # type: ignore[attr-defined]
                                        "语音和摄像头不可用，您仍可以打字提问。"))

    def _speech_failed(self, message: str) -> None:
        self.loading("speech", False)
        self.statusBar().showMessage(tr(self.language, "Voice input is unavailable: ", "语音输入不可用：")  # type: ignore[attr-defined]
                                     + message)

    # -- modes -------------------------------------------------------------------------------

    def _setup_kiosk(self, options: MediaOptions) -> None:
        from desktop_app.ui.kiosk import KIOSK_STYLE, AttractScreen, IdleWatcher, idle_timeout_s

        self.setStyleSheet(self.styleSheet() + KIOSK_STYLE)  # type: ignore[attr-defined]
        timeout = options.idle_timeout_s if options.idle_timeout_s is not None else idle_timeout_s()
        self.idle = IdleWatcher(timeout, busy=self._session_busy, parent=self)  # type: ignore[arg-type]
        self.idle.idle.connect(lambda: self.end_session("idle"))
        self.attract = AttractScreen(self.language)  # type: ignore[attr-defined]
        self.attract.started.connect(self.start_session)
        self.pages.addWidget(self.attract)  # type: ignore[attr-defined]
        if options.start_on_attract:
            self.pages.setCurrentWidget(self.attract)  # type: ignore[attr-defined]
        else:
            self.start_session()

    def start_session(self) -> None:
        """A visitor touched the attract screen."""
        self.pages.setCurrentWidget(self.main_page)  # type: ignore[attr-defined]
        if self.idle is not None:
            self.idle.start()

    def _session_busy(self) -> bool:
        speaking = self.voice is not None and self.voice.speaker is not None and self.voice.speaker.speaking
        return bool(self.chat.busy or speaking or (self.voice is not None and self.voice.busy)  # type: ignore[attr-defined]
                    or self.guide_tabs.loading)  # type: ignore[attr-defined]

    def end_session(self, reason: str = "idle") -> None:
        """End the visitor's session: guides recorded and closed, media reset, conversation wiped."""
        log.info("session ended (%s)", reason)
        self.new_conversation()  # type: ignore[attr-defined]
        self.chat.input.clear()  # type: ignore[attr-defined]
        if self.kiosk:  # type: ignore[attr-defined]
            self.set_language(self.app.settings.language)  # type: ignore[attr-defined]
            self._greet()  # type: ignore[attr-defined]
        if self.attract is not None:
            self.pages.setCurrentWidget(self.attract)  # type: ignore[attr-defined]
        self.sessionEnded.emit(reason)  # type: ignore[attr-defined]

    def reset_media(self) -> None:
        if self.voice is not None:
            self.voice.reset()
        if self.vision is not None:
            self.vision.reset()

    def media_language_changed(self, language: str) -> None:
        if self.voice is not None:
            self.voice.set_language(language)
        if self.attract is not None:
            self.attract.set_language(language)
        self._show_loading()

    def open_settings(self) -> None:
        """Laptop: the settings dialog. Kiosk: only after the operator PIN."""
        from desktop_app.ui.settings_dialog import SettingsChoice, SettingsDialog

        if self.kiosk:  # type: ignore[attr-defined]
            from desktop_app.ui.kiosk import ask_pin

            if not ask_pin(self, self.language):  # type: ignore[arg-type, attr-defined]
                QMessageBox.information(self, tr(self.language, "Staff only", "仅限工作人员"),  # type: ignore[arg-type, attr-defined]
                                        tr(self.language, "Please ask a member of staff.", "请联系工作人员。"))  # type: ignore[attr-defined]
                return
        camera = self.vision.camera if self.vision is not None else None
        cameras = [(camera.device_combo.itemData(i), camera.device_combo.itemText(i))
                   for i in range(camera.device_combo.count()) if camera.device_combo.itemData(i) is not None] \
            if camera is not None else []
        voice = self.voice
        current = SettingsChoice(
            language=self.language, stt_engine=self.app.settings.stt_engine,  # type: ignore[attr-defined]
            camera_index=camera.device_combo.currentData() if camera is not None else None,
            speak_all=bool(voice and voice.speak_all), muted=bool(voice and voice.speaker and voice.speaker.muted),
            store_audio=bool(voice and voice.store_dir is not None), microphone=voice.microphone if voice else "")
        dialog = SettingsDialog(current, cameras=cameras, retention_days=self.app.settings.retention_days,  # type: ignore[attr-defined]
                                on_delete_history=lambda: self.end_session("deleted"), parent=self)  # type: ignore[arg-type]
        if dialog.exec():
            self.apply_settings(dialog.choice(), current)

    def apply_settings(self, choice: Any, before: Any) -> None:
        self.set_language(choice.language)  # type: ignore[attr-defined]
        voice = self.voice
        if voice is not None:
            voice.speak_all = choice.speak_all
            if voice.mic is not None and voice.mic.mute.isChecked() != choice.muted:
                voice.mic.mute.setChecked(choice.muted)
            voice.store_dir = self.app.settings.data_dir / "voice" if choice.store_audio else None  # type: ignore[attr-defined]
            if choice.microphone != before.microphone:
                voice.set_microphone(choice.microphone)
            if choice.stt_engine != before.stt_engine:
                from dataclasses import replace

                from desktop_app.ui.voice_bridge import default_transcriber

                self.loading("speech", True)
                voice.set_transcriber(default_transcriber(replace(self.app.settings, stt_engine=choice.stt_engine)))  # type: ignore[attr-defined]
            elif choice.store_audio != before.store_audio and voice.mic is not None:
                voice.mic.store_dir = voice.store_dir
        if self.vision is not None and choice.camera_index is not None:
            combo = self.vision.camera.device_combo
            combo.setCurrentIndex(max(combo.findData(choice.camera_index), 0))

    def shutdown_media(self) -> None:
        self._media_closed = True
        if self.idle is not None:
            self.idle.stop()
        if self.voice is not None:
            self.voice.shutdown()
        if self.vision is not None:
            self.vision.shutdown()


def _import_media() -> None:
    for name in MEDIA_MODULES:
        importlib.import_module(name)
