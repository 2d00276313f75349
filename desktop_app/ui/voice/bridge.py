"""Voice in the window: microphone → transcript → a guide command or an assistant turn → spoken reply.

The microphone widget owns capture, end-pointing and transcription (all off the GUI thread);
this bridge decides where a transcript goes. A short player command ("next step", "下一步")
moves the open 3D guide; anything else is a spoken turn, fused with whatever the camera saw.
Replies to spoken turns are read aloud sentence by sentence (the first sentence starts playing
while the rest is still being synthesised), unless muted; pressing the mic silences them.

The speech model is loaded once per window and kept: the microphone widget is rebuilt on a
language switch or a retry, never the model. A model that fails to load (missing or damaged
file) leaves a clear message and a Retry button; typing and the camera keep working.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from desktop_app.fusion.hypothesis import Modality
from desktop_app.ui.chat.panel import ChatPanel
from desktop_app.ui.chat.rows import spoken
from desktop_app.ui.common.labels import tr

if TYPE_CHECKING:
    from desktop_app.ui.guide.tabs import GuideTabs
    from desktop_app.ui.voice.microphone import MicrophoneWidget
    from desktop_app.voice.transcriber import Transcriber

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def sentences(text: str) -> list[str]:
    """Split a reply where a speaker would pause, so the first sentence can play at once."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class SharedModel:
    """Loads the transcriber once (on whichever worker asks first); a failure is not cached."""

    def __init__(self, factory: Callable[[], Transcriber]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._model: Transcriber | None = None
        self.error: BaseException | None = None

    def __call__(self) -> Transcriber:
        with self._lock:
            if self._model is None:
                try:
                    from desktop_app.voice.transcriber import warm_up

                    model = self._factory()
                    warm_up(model)  # the first question must not pay the engine's first-call costs
                    self._model = model
                    self.error = None
                except BaseException as exc:
                    self.error = exc
                    raise
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None


class VoiceBridge(QObject):
    activity = Signal()  # the customer is talking: the kiosk's idle timer starts over
    speaking = Signal(str)  # a sentence handed to the speaker
    model_failed = Signal(str)
    model_ready = Signal()

    def __init__(self, chat: ChatPanel, guides: GuideTabs, transcriber: Callable[[], Transcriber], *,
                 ui_language: str, source: Any = None, speaker: Any = None, store_dir: Path | None = None,
                 microphone: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.microphone = microphone  # the input device (Settings.microphone) when no source is given
        self.chat = chat
        self.guides = guides
        self.model = SharedModel(transcriber)
        self.ui_language = ui_language
        self.source = source
        self.store_dir = store_dir
        self.speak_all = False
        if speaker is None:
            from desktop_app.voice.tts import Speaker

            speaker = Speaker()
        self.speaker = speaker
        self.panel = QFrame()
        self.panel.setObjectName("voiceBar")
        self._column = QVBoxLayout(self.panel)
        self._column.setContentsMargins(12, 6, 12, 8)
        row = QHBoxLayout()
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("retryVoiceButton")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()
        row.addStretch(1)
        row.addWidget(self.retry_button)
        self._column.addLayout(row)
        self.mic: MicrophoneWidget | None = None
        self._closed = False
        self._transcribing = False
        chat.exchangeReceived.connect(self._on_exchange)
        self.model_failed.connect(self._on_model_failed)
        self._retranslate()

    def start(self) -> None:
        """Build the microphone (its model starts loading); connect to the load signals first."""
        if self.mic is None and not self._closed:
            self._build_mic()

    # -- the microphone widget ---------------------------------------------------------------

    def _build_mic(self) -> None:
        from desktop_app.ui.voice.microphone import MicrophoneWidget

        muted = self.mic.mute.isChecked() if self.mic is not None else False
        mic = MicrophoneWidget(self._load, source=self.source, speaker=self.speaker, language=None,
                               ui_language=self.ui_language, store_dir=self.store_dir, device=self.microphone)
        mic.setObjectName("microphone")
        mic.transcribed.connect(self._on_transcript)
        mic.listening_changed.connect(self._listening_changed)
        mic.error.connect(self._heard_nothing)
        mic.status.setObjectName("micStatus")
        if muted:
            mic.mute.setChecked(True)
        self._column.insertWidget(0, mic)
        self.mic = mic

    def _load(self) -> Transcriber:
        """Runs on the microphone's worker thread; the signals reach the GUI thread queued."""
        from desktop_app.core.errors import AppError

        try:
            model = self.model()
        except Exception as exc:
            if not self._closed:
                text = exc.localized(self.ui_language) if isinstance(exc, AppError) else str(exc)
                log.warning("speech model failed to load: %s", type(exc).__name__)
                self.model_failed.emit(text)
            raise
        if not self._closed:
            self.model_ready.emit()
        return model

    def set_source(self, source: Any) -> None:
        """Swap the audio source (a device chosen in settings, or a recording for support)."""
        self.source = source
        if self.mic is not None:
            self.mic.stop_listening()
            self.mic.source = source

    def set_microphone(self, device: str) -> None:
        """Use another input device (an id from the settings dialog) from the next utterance on."""
        self.microphone = device
        if self.mic is not None and hasattr(self.mic.source, "device"):
            self.mic.stop_listening()
            self.mic.source.device = device

    def set_language(self, language: str) -> None:
        """Rebuild the microphone widget in ``language`` (cheap: the model is shared) when idle."""
        if language == self.ui_language:
            return
        self.ui_language = language
        self._retranslate()
        if self.mic is not None and not self.mic.listening:
            self._replace_mic()

    def set_transcriber(self, transcriber: Callable[[], Transcriber]) -> None:
        """Switch engines: a new model loads on the rebuilt microphone's worker."""
        self.model = SharedModel(transcriber)
        self.retry_button.hide()
        self._replace_mic()

    def retry(self) -> None:
        """Load the speech model again (after the file was restored) without restarting the app."""
        self.retry_button.hide()
        self._replace_mic()

    def _replace_mic(self) -> None:
        old = self.mic
        self.mic = None
        if old is not None:
            old.shutdown()
            self._column.removeWidget(old)
            old.hide()
            old.deleteLater()
        self._build_mic()

    # -- transcripts and replies -------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """The customer is speaking (push-to-talk) or their words are being transcribed."""
        mic = self.mic
        if mic is None:
            return False
        return self._transcribing or (mic.listening and not mic.hands_free.isChecked())

    def _listening_changed(self, on: bool) -> None:
        self.activity.emit()
        if not on:
            self._transcribing = True  # cleared by the transcript or the "heard nothing" message

    def _heard_nothing(self, _message: str) -> None:
        self._transcribing = False

    def _on_transcript(self, transcript: Any) -> None:
        self._transcribing = False
        self.activity.emit()
        text = transcript.text
        if self.guides.handle_command(text):
            self.chat.add_user_text(spoken(text))
            return
        self.chat.submit_voice(transcript)

    def _on_model_failed(self, _message: str) -> None:
        if self.mic is not None:
            self.mic.talk_button.setEnabled(False)
            self.mic.hands_free.setEnabled(False)
        self.retry_button.show()

    def _on_exchange(self, exchange: Any) -> None:
        if Modality.VOICE in exchange.fused.modalities or self.speak_all:
            self.speak(exchange.reply.speech, exchange.reply.language)

    def speak(self, text: str, language: str) -> None:
        if self.speaker is None or self.speaker.muted:
            return
        for sentence in sentences(text):
            self.speaker.say(sentence, language)
            self.speaking.emit(sentence)

    def stop_speaking(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()

    def reset(self) -> None:
        """The session ended: silence, stop listening, forget the last transcript on screen."""
        self.stop_speaking()
        if self.mic is not None:
            self.mic.set_hands_free(False)
            self.mic.stop_listening()
            self.mic.status.setText("")
            self.mic.live_text.setText("")  # the last customer's words, live or final, leave the screen

    def _retranslate(self) -> None:
        self.retry_button.setText(tr(self.ui_language, "Retry voice", "重试语音"))

    def shutdown(self) -> None:
        self._closed = True
        if self.mic is not None:
            self.mic.shutdown()
        if self.speaker is not None:
            self.speaker.shutdown()


def default_transcriber(settings: Any) -> Callable[[], Transcriber]:
    """The configured engine over the app's cache (the bundled model, assembled on first use)."""

    def load() -> Transcriber:
        from desktop_app.voice.engines import create_transcriber
        from desktop_app.voice.settings import VoiceSettings

        return create_transcriber(settings=settings, voice=VoiceSettings.from_settings(settings))

    return load
