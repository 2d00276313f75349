"""The system's microphone as an ``AudioSource``: Qt Multimedia capture, the device chosen by id or name.

Kept apart from the widget: this is the device boundary (the one piece a machine without a sound
card cannot exercise), the widget is end-pointing, transcription and controls.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Slot

from desktop_app.voice.audio import SAMPLE_RATE
from desktop_app.voice.capture import ChunkCallback, ErrorCallback

log = logging.getLogger(__name__)

NO_MICROPHONE = "No microphone was found. You can still type your question."
MICROPHONE_FAILED = "The microphone could not be opened (access denied or in use). You can still type."


def device_id(device: Any) -> str:
    return bytes(device.id().data()).decode("utf-8", "replace")


def pick_input(inputs: list[Any], default: Any, wanted: str) -> Any:
    """The input whose id equals ``wanted``, else the first whose name contains it, else the default.

    A chosen microphone that has been unplugged falls back to the default rather than failing.
    """
    if wanted:
        for device in inputs:
            if device_id(device) == wanted:
                return device
        for device in inputs:
            if wanted.casefold() in device.description().casefold():
                return device
        log.info("the chosen microphone is not connected; using the default input")
    return default


class QtMicrophoneSource(QObject):
    """The chosen input (else the default) through Qt Multimedia, as 16 kHz mono float32 chunks."""

    name = "microphone"

    def __init__(self, device: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device  # an id or part of a name (Settings.microphone); "" = the system default
        self._source: Any = None
        self._io: Any = None
        self._on_chunk: ChunkCallback | None = None
        self._on_error: ErrorCallback | None = None
        self._rate = SAMPLE_RATE
        self._channels = 1
        self._float = False

    @property
    def active(self) -> bool:
        return self._source is not None

    def has_device(self) -> bool:
        """Whether the system lists an input device this source would open (no device: the mic
        control says so up front instead of offering a button that can only fail)."""
        from PySide6.QtMultimedia import QMediaDevices

        device = pick_input(QMediaDevices.audioInputs(), QMediaDevices.defaultAudioInput(), self.device)
        return not device.isNull()

    def start(self, on_chunk: ChunkCallback, on_error: ErrorCallback) -> None:
        from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices

        if self._source is not None:
            return
        device = pick_input(QMediaDevices.audioInputs(), QMediaDevices.defaultAudioInput(), self.device)
        if device.isNull():
            on_error(NO_MICROPHONE)
            return
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            fmt = device.preferredFormat()  # converted to 16 kHz mono per chunk below
        self._rate, self._channels = fmt.sampleRate(), max(1, fmt.channelCount())
        self._float = fmt.sampleFormat() == QAudioFormat.SampleFormat.Float
        self._on_chunk, self._on_error = on_chunk, on_error
        self._source = QAudioSource(device, fmt, self)
        self._source.stateChanged.connect(self._state_changed)
        self._io = self._source.start()
        if self._io is None:
            self.stop()
            on_error(MICROPHONE_FAILED)
            return
        self._io.readyRead.connect(self._read)

    @Slot()
    def _read(self) -> None:
        if self._io is None or self._on_chunk is None:
            return
        raw = bytes(self._io.readAll().data())
        if not raw:
            return
        x = np.frombuffer(raw, np.float32 if self._float else "<i2").astype(np.float32)
        if not self._float:
            x /= 32768.0
        if self._channels > 1:
            x = x[: len(x) // self._channels * self._channels].reshape(-1, self._channels).mean(axis=1)
        if self._rate != SAMPLE_RATE:
            from desktop_app.voice.audio import resample

            x = resample(x, self._rate)
        self._on_chunk(x)

    @Slot(object)
    def _state_changed(self, state: Any) -> None:
        from PySide6.QtMultimedia import QAudio

        if self._source is not None and self._source.error() != QAudio.Error.NoError and self._on_error:
            log.warning("microphone error: %s", self._source.error())
            on_error = self._on_error
            self.stop()
            on_error(MICROPHONE_FAILED)

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
            self._source.deleteLater()
        self._source = self._io = None
