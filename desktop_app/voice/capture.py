"""The audio-source protocol: anything that pushes 16 kHz mono float32 chunks to a callback.

The Qt microphone (``desktop_app.ui.voice.mic_source.QtMicrophoneSource``) implements it; so does
the tests' file-backed stand-in (tests/file_audio_source.py), which is how a recorded WAV
exercises exactly the path a live microphone does on machines without a sound card: chunk
callback → level meter → end-pointer → transcriber. Also the level-meter helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

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
