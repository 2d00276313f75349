"""Microphone input: Qt capture, push-to-talk / hands-free, a level meter, transcription off the GUI thread.

``QtMicrophoneSource`` and the tests' ``FileAudioSource`` share one chunk-callback interface,
so the widget cannot tell a recording from a live microphone. Chunks go to one pipeline thread
(level meter + end-pointing); each finished utterance is transcribed on a second, single worker
so a long transcription never stalls the meter, and live partials run on a third, at idle
priority with the engine's twin model, so a reading never waits for one (docs/voice.md). A
tentative end of speech (see ``voice.vad``) starts transcription early; the result is kept only if
the final end confirms the same audio, which takes the end-pointing wait out of the reply latency.
Results reach the GUI thread through queued signals; no thread here touches a widget. They are
exceptions to the task runner (see :mod:`desktop_app.ui.common.tasks`): the pipeline is a
streaming loop, and both workers are fed by the pipeline thread itself, not by the GUI thread.
No audio is written anywhere unless ``store_dir`` is given (the user's opt-in).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import wave
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import numpy as np
from PySide6.QtCore import QElapsedTimer, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.errors import AppError
from desktop_app.ui.voice.mic_source import MICROPHONE_FAILED, NO_MICROPHONE, QtMicrophoneSource
from desktop_app.voice.audio import SAMPLE_RATE, check_samples
from desktop_app.voice.capture import AudioSource, level_dbfs, meter_fraction
from desktop_app.voice.completeness import Completeness, is_complete_utterance, warm as warm_completeness
from desktop_app.voice.live import LiveTurn, PartialTranscript
from desktop_app.voice.priority import lower_thread_priority
from desktop_app.voice.transcriber import Transcriber, Transcript, partial_reader, transcribe_partial
from desktop_app.voice.vad import Endpointer, Mode, SpeechDetector, Utterance, default_detector

log = logging.getLogger(__name__)

HOLD_MS = 350  # a press longer than this is press-and-hold; shorter is a click that toggles
_STOP: tuple[str, Any] = ("stop", None)  # ends the pipeline loop (compared by identity)

TEXT = {
    "en": {"talk": "🎤 Hold or click to talk", "listening": "Listening… speak now", "hands_free": "Hands-free",
           "mute": "Mute replies", "loading": "Loading speech model…", "ready": "Ready: hold the mic button to talk",
           "stop": "● Listening… click to stop", "heard": "Heard so far:",
           "transcribing": "Recognising…", "nothing": "I didn't hear anything. Please try again.",
           "no_mic": NO_MICROPHONE,
           "mic_failed": MICROPHONE_FAILED,
           "hands_free_on": "Hands-free: listening for speech"},
    "zh": {"talk": "🎤 按住或点击说话", "listening": "正在听…请说话", "hands_free": "免提", "mute": "静音回复",
           "loading": "正在加载语音模型…", "ready": "就绪：按住麦克风按钮说话",
           "stop": "● 正在听…点击结束", "heard": "已听到：", "transcribing": "正在识别…",
           "nothing": "没有听到声音，请再试一次。", "no_mic": "未找到麦克风，您仍可以直接输入问题。",
           "mic_failed": "无法打开麦克风（权限被拒绝或被占用），您仍可以直接输入。", "hands_free_on": "免提：正在聆听"},
}


def _loader(transcriber: Transcriber | Callable[[], Transcriber]) -> Callable[[], Transcriber]:
    """What loads the model on the transcription worker: the given loader, or the given model itself."""
    if callable(transcriber) and not hasattr(transcriber, "transcribe"):
        return transcriber
    model = cast("Transcriber", transcriber)  # not a loader: the model itself (Transcriber is not runtime-checkable)
    return lambda: model


class MicrophoneWidget(QWidget):
    """Mic button (press-and-hold or click-to-toggle), hands-free switch, level meter, mute, status."""

    transcribed = Signal(object)  # Transcript
    partial = Signal(object)  # PartialTranscript: the words so far, while the customer speaks
    error = Signal(str)
    level_changed = Signal(float)  # 0..1
    listening_changed = Signal(bool)
    _result = Signal(object, object)  # (Transcript | None, message | None), from worker threads
    _status_from_worker = Signal(str)
    _source_error = Signal(str)
    _utterance_ended = Signal()

    def __init__(self, transcriber: Transcriber | Callable[[], Transcriber], *, source: AudioSource | None = None,
                 speaker: Any = None, language: str | None = None, ui_language: str = "zh",
                 detector: SpeechDetector | None = None, store_dir: Path | None = None, device: str = "",
                 complete: Completeness | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._t = TEXT["zh" if ui_language == "zh" else "en"]
        self.language = language
        self.speaker = speaker
        self.store_dir = store_dir
        self.source: AudioSource = source if source is not None else QtMicrophoneSource(device, parent=self)
        self._endpointer = Endpointer(detector or default_detector(), Mode.PUSH_TO_TALK)
        self._chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stt = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-stt")
        self._transcriber_future: Future[Transcriber] = self._stt.submit(_loader(transcriber))
        if complete is None:
            self._stt.submit(warm_completeness)  # the tagger's dictionary, before the first pause
        #: Live partials run beside the readings, at idle priority, on the engine's twin model
        #: (``partial_reader``), so a pause reading never waits for a partial still running.
        self._partials = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-partials")
        self._pipeline = threading.Thread(target=self._pipeline_loop, name="voice-pipeline", daemon=True)
        #: Partials and the end of each turn; touched only on the pipeline thread.
        self._live = LiveTurn(self._endpointer, self._stt, self._recognise, post=self._post,
                              on_partial=self.partial.emit, on_turn=self._on_turn,
                              recognise_partial=self._recognise_partial, complete=complete or is_complete_utterance,
                              partial_executor=self._partials)
        self._listening = False
        self._press_timer = QElapsedTimer()
        self._closed = False
        self._build()
        has_device = getattr(self.source, "has_device", None)
        #: No input device at all: the control is disabled with the reason, never "ready".
        self.no_device = callable(has_device) and not has_device()
        if self.no_device:
            self._show_no_device()
        #: Without an input device nothing is heard live: no twin (it would hold 110-150 MB for nothing).
        self._partial_reader: Future[Transcriber] = self._partials.submit(
            self._transcriber_future.result if self.no_device else self._load_partial_reader)
        self._result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        self._status_from_worker.connect(self.status.setText, Qt.ConnectionType.QueuedConnection)
        self._source_error.connect(self._on_source_error, Qt.ConnectionType.QueuedConnection)
        self._utterance_ended.connect(self._on_utterance_ended, Qt.ConnectionType.QueuedConnection)
        self.partial.connect(self._on_partial, Qt.ConnectionType.QueuedConnection)
        self.listening_changed.connect(self._show_listening)
        self.level_changed.connect(lambda f: self.level.setValue(round(f * 100)))
        self._pipeline.start()
        # "Ready" once partials can be read too: the twin is made right after the model, and a
        # first turn while it loads would share the machine with it.
        self._partial_reader.add_done_callback(self._model_loaded)

    def _build(self) -> None:
        self.talk_button = QPushButton(self._t["talk"])
        self.talk_button.setObjectName("micButton")
        self.talk_button.pressed.connect(self._pressed)
        self.talk_button.released.connect(self._released)
        self.hands_free = QCheckBox(self._t["hands_free"])
        self.hands_free.toggled.connect(self.set_hands_free)
        self.mute = QCheckBox(self._t["mute"])
        self.mute.setEnabled(self.speaker is not None)
        self.mute.toggled.connect(self._mute_toggled)
        self.level = QProgressBar()
        self.level.setObjectName("micLevel")
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setFixedHeight(12)
        self.level.setToolTip(self._t["listening"])
        self.status = QLabel(self._t["loading"])
        self.status.setWordWrap(True)
        #: The live transcript: what the customer has said so far, while they speak. Its line is
        #: reserved from the start so the window does not jump when words appear.
        self.live_text = QLabel("")
        self.live_text.setObjectName("livePartial")
        self.live_text.setWordWrap(True)
        self.live_text.setMinimumHeight(self.live_text.fontMetrics().lineSpacing() + 4)
        row = QHBoxLayout()
        row.addWidget(self.talk_button, 1)
        row.addWidget(self.hands_free)
        row.addWidget(self.mute)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.level)
        layout.addWidget(self.live_text)
        layout.addWidget(self.status)

    # -- GUI thread ------------------------------------------------------------------------

    @property
    def listening(self) -> bool:
        return self._listening

    def _model_loaded(self, future: Future[Transcriber]) -> None:
        exc = future.exception()
        if exc is not None:
            message = exc.localized("zh" if self._t is TEXT["zh"] else "en") if isinstance(exc, AppError) else str(exc)
            self._result.emit(None, message)
        elif not self._closed and not self.no_device:
            self._status_from_worker.emit(self._t["ready"])

    def _show_no_device(self) -> None:
        for control in (self.talk_button, self.hands_free):
            control.setEnabled(False)
            control.setToolTip(self._t["no_mic"])
        self.status.setText(self._t["no_mic"])

    def _pressed(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()  # the shopper wants to talk: stop the assistant at once
        self._press_timer.start()
        if self._listening and not self.hands_free.isChecked():
            self.stop_listening()  # second click of click-to-toggle
            self._press_timer.invalidate()
            return
        self.start_listening()

    def _released(self) -> None:
        if self._press_timer.isValid() and self._press_timer.elapsed() >= HOLD_MS and not self.hands_free.isChecked():
            self.stop_listening()  # press-and-hold ended
        self._press_timer.invalidate()

    def start_listening(self) -> None:
        if self._listening or self._closed:
            return
        self._listening = True
        self._chunks.put(("press", None))
        self.status.setText(self._t["hands_free_on"] if self.hands_free.isChecked() else self._t["listening"])
        self.source.start(self._chunks_put, self._source_error.emit)
        self.listening_changed.emit(True)

    def stop_listening(self) -> None:
        """End the utterance now (button released); what was heard is transcribed."""
        if not self._listening:
            return
        self._listening = False
        self.source.stop()
        self._chunks.put(("release", None))
        self.level.setValue(0)
        self.listening_changed.emit(False)

    def set_hands_free(self, on: bool) -> None:
        if self.hands_free.isChecked() != on:
            self.hands_free.setChecked(on)  # re-enters through toggled
            return
        self._chunks.put(("mode", Mode.HANDS_FREE if on else Mode.PUSH_TO_TALK))
        if on:
            self.start_listening()
        else:
            self.stop_listening()

    def _mute_toggled(self, on: bool) -> None:
        if self.speaker is not None:
            self.speaker.muted = on

    @Slot(str)
    def _on_source_error(self, message: str) -> None:
        self._listening = False
        self.source.stop()
        self.hands_free.blockSignals(True)
        self.hands_free.setChecked(False)
        self.hands_free.blockSignals(False)
        self._chunks.put(("mode", Mode.PUSH_TO_TALK))
        self.status.setText(self._t["no_mic"] if message == NO_MICROPHONE else message)
        self.error.emit(message)
        self.listening_changed.emit(False)

    @Slot()
    def _on_utterance_ended(self) -> None:
        if self._listening and not self.hands_free.isChecked():
            self._listening = False  # push-to-talk ended by the pause after speech
            self.source.stop()
            self.level.setValue(0)
            self.listening_changed.emit(False)

    @Slot(bool)
    def _show_listening(self, on: bool) -> None:
        """Listening is unmistakable: the button turns red and says how to stop; the meter is live."""
        hands_free = "● " + self._t["hands_free_on"]
        self.talk_button.setText((hands_free if self.hands_free.isChecked() else self._t["stop"]) if on
                                 else self._t["talk"])
        self.talk_button.setProperty("listening", on)
        self.talk_button.setStyleSheet("background-color: #c62828; color: white; font-weight: bold;" if on else "")
        if on:
            self.live_text.setText("")

    @Slot(object)
    def _on_partial(self, partial: PartialTranscript) -> None:
        if self._closed:
            return
        self.live_text.setText(f"{self._t['heard']} “{partial.text}”" + ("" if partial.complete else " …"))

    @Slot(object, object)
    def _on_result(self, transcript: Any, message: Any) -> None:
        if self._closed:
            return
        self.live_text.setText("")
        if transcript is not None:
            self.status.setText(f"“{transcript.text}”")
            self.transcribed.emit(transcript)
        elif message:
            self.status.setText(str(message))
            self.error.emit(str(message))

    # -- pipeline thread ---------------------------------------------------------------------

    def _chunks_put(self, chunk: np.ndarray) -> None:
        self._chunks.put(("chunk", chunk))

    def _pipeline_loop(self) -> None:
        last_level = 0.0
        while True:
            item = self._chunks.get()
            if item is _STOP:
                return
            kind, payload = item
            try:
                if kind == "chunk":
                    now = time.monotonic()
                    if now - last_level > 0.05:
                        last_level = now
                        self.level_changed.emit(meter_fraction(level_dbfs(payload)))
                    self._live.feed(payload)
                elif kind == "call":
                    payload()  # a transcription finished: the live turn handles it on this thread
                elif kind == "press":
                    self._live.press()
                elif kind == "release":
                    if self._live.release() is None and self._endpointer.mode is Mode.PUSH_TO_TALK:
                        self._result.emit(None, self._t["nothing"])
                elif kind == "mode":
                    self._live.set_mode(payload)
            except Exception:
                log.exception("voice pipeline failed on a %s event", kind)

    def _post(self, fn: Callable[[], None]) -> None:
        self._chunks.put(("call", fn))

    def _on_turn(self, utterance: Utterance, future: Future[Transcript]) -> None:
        """A turn ended (pipeline thread): say so, keep the audio if opted in, deliver its transcript."""
        self._utterance_ended.emit()
        if not future.done():
            self._status_from_worker.emit(self._t["transcribing"])
        if self.store_dir is not None:
            try:
                self._store(utterance)
            except OSError:
                log.warning("could not keep the recording (opt-in storage)")
        future.add_done_callback(self._deliver)

    def _recognise(self, samples: np.ndarray) -> Transcript:
        transcriber = self._transcriber_future.result()
        clip = check_samples(samples, SAMPLE_RATE, "microphone")
        return transcriber.transcribe(clip, language=self.language)

    @property
    def ready(self) -> bool:
        """The model and the partials' reader are loaded (or failed): a turn now has the machine."""
        return self._partial_reader.done()

    def _load_partial_reader(self) -> Transcriber:
        """On the partials worker: idle priority first, so the twin's compute threads inherit it."""
        lower_thread_priority()
        model = self._transcriber_future.result()  # the model's own failure is the voice's failure
        try:
            return partial_reader(model)
        except Exception as exc:  # no memory for a second instance: partials share the model, as before
            log.warning("no second speech model for live partials (%s); sharing the first", type(exc).__name__)
            return model

    def _recognise_partial(self, samples: np.ndarray) -> Transcript:
        clip = check_samples(samples, SAMPLE_RATE, "microphone")
        return transcribe_partial(self._partial_reader.result(), clip, language=self.language)

    def _deliver(self, future: Future[Transcript]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            self._result.emit(future.result(), None)
        elif isinstance(exc, AppError):
            self._result.emit(None, exc.localized("zh" if self._t is TEXT["zh"] else "en"))
        else:
            log.error("transcription failed", exc_info=exc)
            self._result.emit(None, "Speech recognition failed; please type your question.")

    def _store(self, utterance: Utterance) -> None:
        assert self.store_dir is not None
        self.store_dir.mkdir(parents=True, exist_ok=True)
        path = self.store_dir / time.strftime("voice-%Y%m%d-%H%M%S.wav")
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes((np.clip(utterance.samples, -1, 1) * 32767).astype("<i2").tobytes())

    # -- teardown ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop capture and both worker threads; waits for an in-flight transcription to finish."""
        if self._closed:
            return
        self._closed = True
        self.source.stop()
        self._chunks.put(_STOP)
        self._pipeline.join(timeout=5.0)
        self._stt.shutdown(wait=True, cancel_futures=True)
        self._partials.shutdown(wait=True, cancel_futures=True)

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
