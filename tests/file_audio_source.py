"""A recording played as if it were the microphone: the test stand-in for the audio device.

This machine (and CI) has no sound card, so tests feed WAVs through the same chunk callback the
Qt microphone (``desktop_app.ui.voice.mic_source.QtMicrophoneSource``) uses: chunk callback →
level meter → end-pointer → transcriber, exactly the path a live microphone takes. It
implements :class:`desktop_app.voice.capture.AudioSource`.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

from desktop_app.core.errors import AppError
from desktop_app.voice.audio import SAMPLE_RATE, load_audio
from desktop_app.voice.capture import ChunkCallback, ErrorCallback

log = logging.getLogger(__name__)


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

        def room(seconds: float) -> np.ndarray:
            return rng.normal(0, 3e-4, int(SAMPLE_RATE * seconds)).astype(np.float32)

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
