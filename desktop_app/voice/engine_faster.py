"""faster-whisper (CTranslate2, int8 on CPU) behind the ``Transcriber`` interface.

The encoder pass dominates a short query on two cores. Its cost follows the window it is given
(Whisper pads to 30 s), so a short query gets a short window (``DecodeOptions.encoder_frames``),
and the pass runs once: the same output feeds the zh/en language choice and the decoder
(``generate_segments`` accepts it). Only an unsure reading pays a second, full-window pass.
That needs faster-whisper's ``TranscriptionOptions`` built here; the package is pinned (1.2.1).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

from desktop_app.voice.audio import AudioClip
from desktop_app.voice.model_files import ModelError
from desktop_app.voice.transcriber import (
    FALLBACK_TEMPERATURES,
    WINDOW_SECONDS,
    DecodeOptions,
    Segment,
    Transcript,
    as_clip,
    build_transcript,
    check_language,
    choose_language,
    confidence_of,
)

log = logging.getLogger(__name__)

#: A short-window reading less sure than this is read again in the full 30 s window.
RETRY_CONFIDENCE = 0.5


class FasterWhisperTranscriber:
    engine = "faster-whisper"

    def __init__(self, model_dir: Path, *, threads: int = 2, compute_type: str = "int8",
                 options: DecodeOptions | None = None) -> None:
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type,
                                       cpu_threads=threads, num_workers=1, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"The speech model in {model_dir} could not be loaded: {exc}",
                             message_zh="语音模型无法加载。") from exc
        self.options = options or DecodeOptions()
        self._lock = threading.Lock()
        self._made_with = (model_dir, threads, compute_type)
        self._twin: FasterWhisperTranscriber | None = None
        self._twin_lock = threading.Lock()

    def partial_reader(self) -> FasterWhisperTranscriber:
        """A second instance of this model for live partials, made once, on the calling thread.

        One instance reads one thing at a time, so a partial still running when the customer
        pauses held the pause reading back by the rest of it (up to 0.3 s). The twin runs beside
        this one. CTranslate2 starts an instance's compute threads when it is made, and they take
        the priority of the thread that made it: made on a thread at idle priority
        (:func:`desktop_app.voice.priority.lower_thread_priority`), partials then mostly use the
        cores the readings leave free (they still share the caches: a reading with a partial beside
        it is about 50 ms slower, docs/voice.md). It costs a second copy of the weights (110-150 MB
        resident).
        """
        with self._twin_lock:
            if self._twin is None:
                model_dir, threads, compute_type = self._made_with
                self._twin = FasterWhisperTranscriber(model_dir, threads=threads, compute_type=compute_type,
                                                      options=self.options)
                self._twin.warm()
            return self._twin

    def _transcription_options(self, tokenizer: object, long_audio: bool, max_new_tokens: int | None = None,
                               beam_size: int | None = None) -> object:
        from faster_whisper.transcribe import TranscriptionOptions, get_suppressed_tokens

        temps = list(FALLBACK_TEMPERATURES if long_audio else self.options.query_temperatures)
        return TranscriptionOptions(
            beam_size=beam_size or self.options.beam_size, best_of=5, patience=1, length_penalty=1, repetition_penalty=1,
            no_repeat_ngram_size=0, log_prob_threshold=-1.0, no_speech_threshold=0.6,
            compression_ratio_threshold=2.4, condition_on_previous_text=True, prompt_reset_on_temperature=0.5,
            temperatures=temps, initial_prompt=None, prefix=None, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]), without_timestamps=not long_audio,
            max_initial_timestamp=1.0, word_timestamps=False, prepend_punctuations="\"'“¿([{-",
            append_punctuations="\"'.。,，!！?？:：”)]}、", multilingual=False, max_new_tokens=max_new_tokens,
            clip_timestamps="0", hallucination_silence_threshold=None, hotwords=None,
        )

    def _decode(self, features: np.ndarray, tokenizer: object, options: object, encoder_output: object) -> tuple[Segment, ...]:
        return tuple(Segment(s.start, s.end, s.text, s.avg_logprob, s.no_speech_prob, len(s.tokens))
                     for s in self._model.generate_segments(features, tokenizer, options, False, encoder_output))

    def warm(self) -> None:
        """Each pass a reading makes, once, on a second of silence: the encoder in the short window,
        the language choice, and a few tokens of the beam and of the greedy (partial) decoder.

        Not ``transcribe`` on that silence: an unsure reading there takes the second look in the
        full 30 s window and the decoder runs to its token budget (1.1-1.3 s, against 0.3 s).
        """
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import pad_or_trim

        with self._lock:
            m = self._model
            features = m.feature_extractor(np.zeros(16_000, np.float32))
            encoder_output = m.encode(pad_or_trim(features[:, :-1], self.options.encoder_frames(1.0)))
            m.model.detect_language(encoder_output)
            tokenizer = Tokenizer(m.hf_tokenizer, m.model.is_multilingual, task="transcribe", language="en")
            for beam in sorted({self.options.beam_size, 1}):
                options = self._transcription_options(tokenizer, False, 4, beam_size=beam)
                self._decode(features, tokenizer, options, encoder_output)

    def transcribe(self, audio: AudioClip | np.ndarray, *, language: str | None = None) -> Transcript:
        return self._transcribe(audio, language, partial=False)

    def transcribe_partial(self, audio: AudioClip | np.ndarray, *, language: str | None = None) -> Transcript:
        """A live partial (the words so far, shown while the customer speaks; never a turn): greedy,
        one pass in the short window, no second look, so it costs the worker as little as possible."""
        return self._transcribe(audio, language, partial=True)

    def _transcribe(self, audio: AudioClip | np.ndarray, language: str | None, *, partial: bool) -> Transcript:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import pad_or_trim

        clip = as_clip(audio)
        language = check_language(language)
        with self._lock:
            start = time.perf_counter()
            m = self._model
            features = m.feature_extractor(clip.samples)
            content_frames = features.shape[-1] - 1
            full = m.feature_extractor.nb_max_frames
            frames = self.options.encoder_frames(clip.duration)  # the full window for long audio
            content = features[:, : min(full, content_frames)]
            encoder_output = m.encode(pad_or_trim(content, frames))
            if language is None:
                probs = {tok[2:-2]: p for tok, p in m.model.detect_language(encoder_output)[0]}
                language, language_probability = choose_language(probs)
            else:
                language_probability = 1.0
            tokenizer = Tokenizer(m.hf_tokenizer, m.model.is_multilingual, task="transcribe", language=language)
            long_audio = clip.duration > WINDOW_SECONDS
            options = self._transcription_options(
                tokenizer, long_audio, None if long_audio else self.options.token_budget(clip.duration),
                beam_size=1 if partial else None)
            segments = self._decode(features, tokenizer, options, encoder_output)
            sure = confidence_of(segments)
            if frames < full and sure < RETRY_CONFIDENCE and not partial:
                # Unsure in the short window (a clipped word, a robotic voice): Whisper's own 30 s
                # window reads it again and the surer reading wins (rare: DEVELOPERS.md).
                log.debug("unsure in the %d-frame window (%.2f); reading again in the full window", frames, sure)
                again = self._decode(features, tokenizer, options, m.encode(pad_or_trim(content)))
                if confidence_of(again) > sure:
                    segments = again
            seconds = time.perf_counter() - start
        return build_transcript(clip, segments, language=language, language_probability=language_probability,
                                engine=self.engine, seconds=seconds)
