"""Which Whisper engine to build, from the settings: the one place that knows both engines.

It sits above ``transcriber`` (the interface and shared rules) and the two engine modules, so
neither engine's import reaches back into the other or into this choice.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.config import load_settings
from desktop_app.core.errors import ConfigError
from desktop_app.voice.settings import ENGINES, load_voice_settings
from desktop_app.voice.transcriber import DecodeOptions, Transcriber


def create_transcriber(engine: str | None = None, settings: Any = None, *, voice: Any = None) -> Transcriber:
    """Build the configured engine; loads the model (seconds), so call it off the GUI thread.

    ``settings`` is the app's :class:`~desktop_app.core.config.Settings` (for ``cache_dir``);
    ``voice`` a :class:`~desktop_app.voice.settings.VoiceSettings` (read from the environment when absent).
    """
    settings = settings or load_settings()
    voice = voice or load_voice_settings()
    engine = engine or voice.stt_engine
    options = DecodeOptions(beam_size=voice.stt_beam_size, encoder_window_s=voice.stt_window_s)
    if engine == "faster-whisper":
        from desktop_app.voice.engine_faster import FasterWhisperTranscriber
        from desktop_app.voice.model_files import ensure_ct2_model

        return FasterWhisperTranscriber(ensure_ct2_model(settings.cache_dir), threads=voice.stt_threads,
                                        options=options)
    if engine == "openai-whisper":
        from desktop_app.voice.engine_openai import OpenAIWhisperTranscriber, user_checkpoint

        if voice.whisper_pt is not None:
            checkpoint = user_checkpoint(voice.whisper_pt)
        else:
            from desktop_app.voice.convert_ct2 import ensure_openai_checkpoint

            checkpoint = ensure_openai_checkpoint(settings.cache_dir)
        return OpenAIWhisperTranscriber(checkpoint, threads=voice.stt_threads, options=options)
    raise ConfigError(f"Unknown speech engine {engine!r}; choose one of: {', '.join(ENGINES)}.")
