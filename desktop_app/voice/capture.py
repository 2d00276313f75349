"""Headless audio sources: anything that pushes 16 kHz mono float32 chunks to a callback.

The Qt microphone (``desktop_app.ui.microphone.QtMicrophoneSource``) and :class:`FileAudioSource`
implement the same protocol, so a recorded WAV exercises exactly the path a live microphone
does: chunk callback → level meter → end-pointer → transcriber. Machines without a sound card
(CI, this build box) use the file source; it is also how a kiosk can replay a query for support.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from desktop_app.core.errors import AppError
from desktop_app.voice.audio import SAMPLE_RATE, load_audio

log = logging.getLogger(__name__)

ChunkCallback = Callable[[np.ndarray], None]
ErrorCallback = Callable[[str], None]


class AudioSource(Protocol):
    name: str

    def start(self, on_chunk: ChunkCallback, on_error: ErrorCallback) -> None:
        """Begin delivering chunks (from any thread); failures go to ``on_error`` as a clear sentence."""
        ...

    def stop(self) -> None: ...

    @property
    def active(self) -> bool: ...


def level_dbfs(chunk: np.ndarray) -> float:
    """RMS level of a chunk in dBFS, for the meter (-90 for digital silence)."""
    if len(chunk) == 0:
        return -90.0
    rms = float(np.sqrt(np.mean(np.asarray(chunk, np.float64) ** 2)))
    return max(-90.0, 20 * float(np.log10(max(rms, 1e-9))))


def meter_fraction(db: float, floor_db: float = -60.0) -> float:
    """Map dBFS to 0..1 for a level bar: -60 dB empty, 0 dB full."""
    return float(min(1.0, max(0.0, (db - floor_db) / -floor_db)))


class FileAudioSource:
    """Plays a recording as if it were the microphone: fixed-size chunks at real-time pace.

    ``speed`` > 1 plays faster (tests); ``trailing_silence`` seconds of quiet follow the clip,
    as a live microphone keeps delivering room noise after the speaker stops, so end-pointing
    sees the pause it needs.
    """

    def __init__(self, path: str | Path, *, chunk_ms: int = 64, speed: float = 1.0, trailing_silence: float = 1.5,
                 lead_silence: float = 0.3) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path.name}"
        self.chunk = int(SAMPLE_RATE * chunk_ms / 1000)
        self.speed = speed
        self.trailing_silence = trailing_silence
        self.lead_silence = lead_silence
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.finished = threading.Event()

    @property
    def active(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, on_chunk: ChunkCallback, on_error: ErrorCallback) -> None:
        if self.active:
            return
        self._stop.clear()
        self.finished.clear()
        self._thread = threading.Thread(target=self._run, args=(on_chunk, on_error), name="file-audio-source",
                                        daemon=True)
        self._thread.start()

    def _run(self, on_chunk: ChunkCallback, on_error: ErrorCallback) -> None:
        try:
            clip = load_audio(self.path)
        except AppError as exc:
            on_error(str(exc))
            self.finished.set()
            return
        rng = np.random.default_rng(0)
        room = lambda seconds: rng.normal(0, 3e-4, int(SAMPLE_RATE * seconds)).astype(np.float32)  # noqa: E731
        signal = np.concatenate([room(self.lead_silence), clip.samples, room(self.trailing_silence)])
        pace = self.chunk / SAMPLE_RATE / self.speed
        next_due = time.monotonic()
        try:
            for start in range(0, len(signal), self.chunk):
                if self._stop.is_set():
                    break
                on_chunk(signal[start:start + self.chunk])
                next_due += pace
                delay = next_due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
        except Exception:  # a consumer bug must not kill the thread silently
            log.exception("audio consumer failed")
            on_error("The audio input stopped unexpectedly.")
        finally:
            self.finished.set()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        self._thread = None
