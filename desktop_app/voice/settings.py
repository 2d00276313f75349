"""The voice section of the app's settings, checked for the values the engines accept.

The fields live in :class:`desktop_app.core.config.Settings` (one place, ``DESKTOP_APP_*``
variables); this view keeps the voice package's signatures small and validates the engine name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from desktop_app.core.config import ENV_PREFIX, Settings, load_settings
from desktop_app.core.errors import ConfigError

ENGINES = ("faster-whisper", "openai-whisper")


@dataclass(frozen=True)
class VoiceSettings:
    stt_engine: str = "faster-whisper"
    whisper_pt: Path | None = None
    store_audio: bool = False
    stt_beam_size: int = 5
    stt_threads: int = 2
    stt_window_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> VoiceSettings:
        voice = cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})
        if voice.stt_engine not in ENGINES:
            raise ConfigError(f"{ENV_PREFIX}STT_ENGINE: expected one of {', '.join(ENGINES)}, got {voice.stt_engine!r}")
        if voice.stt_beam_size < 1 or voice.stt_threads < 1:
            raise ConfigError(f"{ENV_PREFIX}STT_BEAM_SIZE and {ENV_PREFIX}STT_THREADS must be at least 1")
        if not 5 <= voice.stt_window_s <= 30:
            raise ConfigError(f"{ENV_PREFIX}STT_WINDOW_S: seconds from 5 to 30 (30: Whisper's full window)")
        return voice


def load_voice_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> VoiceSettings:
    return VoiceSettings.from_settings(load_settings(env, **overrides))
