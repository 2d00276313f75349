"""One ``Transcriber`` interface over two Whisper engines, and the rules both share.

Both engines decode the same checked 16 kHz array with the same options, pick between Mandarin
and English alone (one detection pass on the encoder output they reuse for decoding), and
finish through :func:`build_transcript`, so text normalisation, confidence and the no-speech
rule cannot drift apart between them.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from desktop_app.voice.audio import AudioClip, AudioError, check_samples, load_audio
from desktop_app.voice.tone import Tone, analyze_tone

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")
#: Whisper's own no-speech rule: a window is empty when both hold.
NO_SPEECH_PROB = 0.6
LOW_LOGPROB = -1.0
#: Audio up to one Whisper window is a query: one pass, no temperature fallback (see DEVELOPERS.md).
WINDOW_SECONDS = 30.0
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


#: Speech must leave at least this much silence in a shortened encoder window.
ENCODER_TAIL_SECONDS = 1.0
#: A query stays well under this many tokens per second of audio (fast Mandarin ≈ 10); a decoder
#: that runs past it is repeating itself, so it is stopped there.
MAX_TOKENS_PER_SECOND = 16
MIN_TOKEN_BUDGET = 10


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 5
    #: Temperatures for one-window queries; (0.0,) keeps short answers deterministic and fast.
    query_temperatures: tuple[float, ...] = (0.0,)
    #: Encoder window for short queries in seconds (faster-whisper only); 30 = Whisper's full window.
    #: The encoder's cost grows with the window, not the speech: 10 s transcribed 3x faster than
    #: 30 s at the same accuracy (benchmarks/stt_window.py; DEVELOPERS.md, "Encoder window").
    encoder_window_s: float = 10.0

    def encoder_frames(self, duration_s: float) -> int:
        """Mel frames (100 per second) the encoder sees for ``duration_s`` of audio."""
        window = self.encoder_window_s
        if window >= WINDOW_SECONDS or duration_s + ENCODER_TAIL_SECONDS > window:
            return int(WINDOW_SECONDS * 100)
        return int(window * 100)

    @staticmethod
    def token_budget(duration_s: float) -> int:
        return int(MIN_TOKEN_BUDGET + MAX_TOKENS_PER_SECOND * duration_s)


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    n_tokens: int


@dataclass(frozen=True)
class Transcript:
    text: str  # Simplified characters for Mandarin
    language: str  # "zh" or "en"
    confidence: float  # 0..1: exp of the token-weighted mean log-probability
    segments: tuple[Segment, ...]
    duration: float  # seconds of audio
    engine: str
    seconds: float  # wall time spent transcribing
    language_probability: float = 1.0
    tone: Tone | None = None
    clipped_fraction: float = 0.0


class Transcriber(Protocol):
    engine: str

    def transcribe(self, audio: AudioClip | np.ndarray, *, language: str | None = None) -> Transcript:
        """``language`` fixes "zh" or "en" (the UI language); ``None`` detects between the two."""
        ...


@runtime_checkable
class PartialTranscriber(Protocol):
    """An engine that also offers a cheaper reading for live partial transcripts (faster-whisper)."""

    def transcribe_partial(self, audio: AudioClip | np.ndarray, *, language: str | None = None) -> Transcript: ...


def transcribe_partial(transcriber: Transcriber, audio: AudioClip | np.ndarray, *,
                       language: str | None = None) -> Transcript:
    """The engine's cheaper partial reading where it has one, else its ordinary one."""
    if isinstance(transcriber, PartialTranscriber):
        return transcriber.transcribe_partial(audio, language=language)
    return transcriber.transcribe(audio, language=language)


@runtime_checkable
class Warmable(Protocol):
    """An engine that can run each of its passes once, cheaply, before the first real reading."""

    def warm(self) -> None: ...


def warm_up(transcriber: Transcriber) -> None:
    """Run the engine's passes once, so a customer's first question is not its first call.

    An engine's first reading after loading pays one-time costs: the e2e question read 0.35 s
    the first time and 0.28 s the second, on two cores (one measurement; docs/voice.md). The microphone's worker runs this before the model is
    announced ready, so the customer's first words never wait on it. Engines without a cheap
    way to do so (openai-whisper) are left as they are.
    """
    if isinstance(transcriber, Warmable):
        transcriber.warm()


@runtime_checkable
class TwinForPartials(Protocol):
    """An engine that can make a second instance of its model to read partials beside it."""

    def partial_reader(self) -> Transcriber: ...


def partial_reader(transcriber: Transcriber) -> Transcriber:
    """What reads live partials: the engine's twin where it has one, else the engine itself."""
    if isinstance(transcriber, TwinForPartials):
        return transcriber.partial_reader()
    return transcriber


def as_clip(audio: AudioClip | np.ndarray) -> AudioClip:
    return audio if isinstance(audio, AudioClip) else check_samples(np.asarray(audio, np.float32), 16_000)


def transcribe_file(transcriber: Transcriber, path: str | Path, *, language: str | None = None) -> Transcript:
    return transcriber.transcribe(load_audio(path), language=language)


def check_language(language: str | None) -> str | None:
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES} or None, got {language!r}")
    return language


def choose_language(probabilities: dict[str, float]) -> tuple[str, float]:
    """Mandarin or English only: a Cantonese or Japanese guess must not derail a kiosk query."""
    zh, en = probabilities.get("zh", 0.0), probabilities.get("en", 0.0)
    total = zh + en
    if total <= 0:
        return "zh", 0.5
    return ("zh", zh / total) if zh >= en else ("en", en / total)


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text)) if text else text


def confidence_of(segments: tuple[Segment, ...]) -> float:
    weights = [max(s.n_tokens, 1) for s in segments]
    if not segments:
        return 0.0
    mean = sum(s.avg_logprob * w for s, w in zip(segments, weights)) / sum(weights)
    return float(min(1.0, max(0.0, math.exp(mean))))


def is_no_speech(no_speech_prob: float, avg_logprob: float) -> bool:
    return no_speech_prob > NO_SPEECH_PROB and avg_logprob < LOW_LOGPROB


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def spoken_digits(text: str) -> str:
    """Digits as a customer says them: Whisper writes a spoken "eight four one two" as "8,412",
    which reads as a number, not the order-number tail or phone digits the customer meant."""
    return _THOUSANDS.sub("", text)


#: A unit of one to six characters said at least four times over and nothing else: "!!!!" decoded
#: from a damaged model, "谢谢谢谢谢谢谢谢", "the the the the".
_REPEATED = re.compile(r"(.{1,6}?)\1{3,}")
#: "1111" can be the last four digits of a phone; only a longer run of one digit group is a stuck decoder.
_DIGIT_RUN_MIN = 12


def is_degenerate(text: str) -> bool:
    """True for text no customer says: only punctuation or symbols, or one unit repeated (see ``_REPEATED``).

    Whisper reports such output with full confidence (a damaged model gave "!!!!…" at 1.0), so
    the confidence cannot catch it; it is treated as not having heard anything.
    """
    content = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if unicodedata.category(ch)[0] in "LN")
    if not content:
        return True
    m = _REPEATED.fullmatch(content)
    if m is None:
        return False
    return not m[1].isdigit() or len(content) >= _DIGIT_RUN_MIN


def build_transcript(
    clip: AudioClip,
    segments: Sequence[Segment],
    *,
    language: str,
    language_probability: float,
    engine: str,
    seconds: float,
) -> Transcript:
    """Normalise text, score confidence, refuse an empty or degenerate result, attach the tone cue."""
    kept = tuple(s for s in segments if s.text.strip() and not is_no_speech(s.no_speech_prob, s.avg_logprob))
    if language == "zh":
        text = "".join(s.text.strip() for s in kept)
        text = to_simplified(text)
        kept = tuple(Segment(s.start, s.end, to_simplified(s.text.strip()), s.avg_logprob, s.no_speech_prob, s.n_tokens)
                     for s in kept)
    else:
        text = " ".join(s.text.strip() for s in kept)
    text = spoken_digits(text)
    if not text.strip():
        raise AudioError("no_speech", f"{clip.source}: no speech was recognised in the recording. Please speak "
                         "clearly, closer to the microphone, or type your question.",
                         f"{clip.source}：没有识别到语音。请靠近麦克风清楚地说，或直接输入问题。")
    if is_degenerate(text):
        log.info("%s: the recognised text was only punctuation or repeats (%d segments); dropped",
                    engine, len(kept))
        raise AudioError("unclear", f"{clip.source}: sorry, I didn't catch that. Please say it again, or type your "
                         "question.", f"{clip.source}：抱歉，没有听清。请再说一遍，或直接输入问题。")
    return Transcript(
        text=text,
        language=language,
        confidence=round(confidence_of(kept), 4),
        segments=kept,
        duration=round(clip.duration, 3),
        engine=engine,
        seconds=round(seconds, 3),
        language_probability=round(language_probability, 4),
        tone=analyze_tone(clip.samples, text, language),
        clipped_fraction=clip.clipped_fraction,
    )
