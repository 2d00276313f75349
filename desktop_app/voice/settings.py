"""Voice settings, read from ``DESKTOP_APP_*`` like :mod:`desktop_app.core.config`.

Kept beside the voice package until the lead folds these fields into ``Settings``; the names
and coercion rules are the same, so the environment variables will not change when it moves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from desktop_app.core.config import ENV_PREFIX, _coerce
from desktop_app.core.errors import ConfigError

ENGINES = ("faster-whisper", "openai-whisper")


@dataclass(frozen=True)
class VoiceSettings:
    #: Speech-to-text engine; the default won on latency and memory at equal accuracy (DEVELOPERS.md).
    stt_engine: str = "faster-whisper"
    #: A user's own openai-whisper checkpoint (e.g. ~/.cache/whisper/small.pt); empty: the bundled model.
    whisper_pt: Path | None = None
    #: Keep recordings of voice queries on disk; off unless the user opts in.
    store_audio: bool = False
    #: Beam width for decoding; 1 is greedy.
    stt_beam_size: int = 5
    #: CPU threads for either engine.
    stt_threads: int = 2


def load_voice_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> VoiceSettings:
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(VoiceSettings):
        key = ENV_PREFIX + f.name.upper()
        if key in env and env[key] != "":
            try:
                values[f.name] = _coerce(env[key], f.type)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from exc
    settings = replace(VoiceSettings(), **values)
    settings = replace(settings, **overrides) if overrides else settings
    if settings.stt_engine not in ENGINES:
        raise ConfigError(f"{ENV_PREFIX}STT_ENGINE: expected one of {', '.join(ENGINES)}, got {settings.stt_engine!r}")
    if settings.stt_beam_size < 1 or settings.stt_threads < 1:
        raise ConfigError(f"{ENV_PREFIX}STT_BEAM_SIZE and {ENV_PREFIX}STT_THREADS must be at least 1")
    return settings
