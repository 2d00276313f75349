"""openai-whisper (PyTorch) behind the ``Transcriber`` interface.

It reads the checkpoint converted from the bundled model (same weights as faster-whisper) or a
user's own ``.pt``. A query (one 30 s window) is encoded once and the encoder output serves both
the zh/en choice and decoding, as in the faster-whisper engine; longer audio goes through
``whisper.transcribe`` with its usual seeking and temperature fallback.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.voice.audio import AudioClip
from desktop_app.voice.model_files import ModelError
from desktop_app.voice.transcriber import (
    FALLBACK_TEMPERATURES,
    LOW_LOGPROB,
    WINDOW_SECONDS,
    DecodeOptions,
    Segment,
    Transcript,
    as_clip,
    build_transcript,
    check_language,
    choose_language,
)

log = logging.getLogger(__name__)
_COMPRESSION_LIMIT = 2.4


def user_checkpoint(path: Path) -> Path:
    """A user-supplied openai-whisper ``.pt``; checked only for existence (torch.load validates)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelError(f"The openai-whisper model configured in DESKTOP_APP_WHISPER_PT was not found: {path}",
                         message_zh=f"找不到 DESKTOP_APP_WHISPER_PT 指定的 openai-whisper 模型：{path}")
    return path


class OpenAIWhisperTranscriber:
    engine = "openai-whisper"

    def __init__(self, checkpoint: Path, *, threads: int = 2, options: DecodeOptions | None = None) -> None:
        import torch
        import whisper

        # ultralytics sets OMP_NUM_THREADS=1 on import when unset; torch must be told explicitly.
        torch.set_num_threads(threads)
        try:
            self._model = whisper.load_model(str(checkpoint), device="cpu")
        except (RuntimeError, KeyError, ValueError, OSError, EOFError) as exc:
            raise ModelError(f"The openai-whisper model {Path(checkpoint).name} could not be loaded: {exc}",
                             message_zh="openai-whisper 模型无法加载。") from exc
        self._model.eval()
        self.options = options or DecodeOptions()
        self._lock = threading.Lock()

    def _decode(self, features: Any, language: str) -> Any:
        import whisper

        result = None
        for temperature in self.options.query_temperatures:
            beam = self.options.beam_size if temperature == 0 and self.options.beam_size > 1 else None
            opts = whisper.DecodingOptions(task="transcribe", language=language, temperature=temperature,
                                           beam_size=beam, best_of=5 if temperature > 0 else None,
                                           without_timestamps=True, fp16=False)
            result = whisper.decode(self._model, features, opts)[0]
            if result.compression_ratio <= _COMPRESSION_LIMIT and result.avg_logprob >= LOW_LOGPROB:
                break
        return result

    def transcribe(self, audio: AudioClip | np.ndarray, *, language: str | None = None) -> Transcript:
        import torch
        import whisper
        from whisper.audio import N_FRAMES, N_SAMPLES

        clip = as_clip(audio)
        language = check_language(language)
        model = self._model
        with self._lock, torch.inference_mode():
            start = time.perf_counter()
            if not model.is_multilingual:
                language = "en"
            mel = whisper.log_mel_spectrogram(torch.from_numpy(clip.samples), model.dims.n_mels, padding=N_SAMPLES)
            content_frames = mel.shape[-1] - N_FRAMES
            first = whisper.pad_or_trim(mel[:, : min(N_FRAMES, content_frames)], N_FRAMES)
            features = model.encoder(first[None])
            if language is None:
                _, probs = model.detect_language(features)
                language, language_probability = choose_language(probs[0])
            else:
                language_probability = 1.0
            if clip.duration <= WINDOW_SECONDS:
                r = self._decode(features, language)
                segments = [Segment(0.0, clip.duration, r.text, r.avg_logprob, r.no_speech_prob, len(r.tokens))]
            else:
                out = whisper.transcribe(model, clip.samples, language=language, fp16=False, verbose=None,
                                         beam_size=self.options.beam_size, best_of=5,
                                         temperature=FALLBACK_TEMPERATURES)
                segments = [Segment(s["start"], s["end"], s["text"], s["avg_logprob"], s["no_speech_prob"],
                                    len(s["tokens"])) for s in out["segments"]]
            seconds = time.perf_counter() - start
        return build_transcript(clip, segments, language=language, language_probability=language_probability,
                                engine=self.engine, seconds=seconds)
