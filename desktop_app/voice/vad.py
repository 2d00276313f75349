"""Voice-activity end-pointing on a live 16 kHz stream: when did the shopper stop talking?

Chunks of any size arrive from the microphone (or a file standing in for it) and are cut into
32 ms frames. Silero VAD (shipped inside faster-whisper, run here frame by frame with its
recurrent state kept) scores each frame; an energy detector stands in when it cannot load.
The end-pointer is a small headless state machine so the UI and tests drive the same logic:

* push-to-talk: armed while the button is held (or toggled on); ``release()`` ends the utterance,
  and trailing silence after speech ends it early so a click-to-toggle user need not click again;
* hands-free: always listening; each stretch of speech followed by silence is one utterance.

A pause only counts as the end after ``min_silence_ms`` (a shopper breathing mid-sentence must
not be cut off), but waiting that long before transcribing costs the whole wait in reply latency.
So after ``early_silence_ms`` the end-pointer also offers a *tentative* utterance, holding exactly
the audio the final one will hold if no speech follows: the caller may start transcribing it and
keep the result when the final utterance confirms it (same audio), or drop it when speech resumes.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from desktop_app.voice.audio import SAMPLE_RATE

log = logging.getLogger(__name__)

FRAME = 512  # 32 ms, Silero's frame at 16 kHz
_CONTEXT = 64


class SpeechDetector(Protocol):
    name: str

    def __call__(self, frame: np.ndarray) -> float:
        """Probability (0..1) that this 512-sample frame holds speech."""
        ...

    def reset(self) -> None: ...


class SileroDetector:
    """Streams faster-whisper's bundled Silero model, keeping its LSTM state between frames."""

    name = "silero"

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(_CONTEXT, np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        x = np.concatenate([self._context, frame.astype(np.float32)])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-_CONTEXT:].astype(np.float32)
        return float(np.asarray(out).reshape(-1)[0])


class EnergyDetector:
    """Fallback: loudness above a tracked noise floor. Cruder (a door slam counts as speech)."""

    name = "energy"

    def __init__(self, margin_db: float = 12.0) -> None:
        self.margin_db = margin_db
        self.reset()

    def reset(self) -> None:
        self._floor = -60.0

    def __call__(self, frame: np.ndarray) -> float:
        db = 20 * np.log10(max(float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))), 1e-6))
        # The floor follows quiet frames quickly and loud ones slowly, so speech does not raise it.
        rate = 0.2 if db < self._floor else 0.005
        self._floor += rate * (db - self._floor)
        return float(np.clip((db - self._floor - self.margin_db / 2) / self.margin_db + 0.5, 0.0, 1.0))


def default_detector() -> SpeechDetector:
    try:
        return SileroDetector()
    except Exception as exc:  # onnxruntime missing or the model unreadable: degrade, do not fail
        log.warning("Silero VAD unavailable (%s); using the energy detector", type(exc).__name__)
        return EnergyDetector()


class Mode(enum.Enum):
    PUSH_TO_TALK = "push_to_talk"
    HANDS_FREE = "hands_free"


class EndReason(enum.StrEnum):
    """What ended an utterance."""

    SILENCE = "silence"  # the pause after speech (also a tentative utterance's reason)
    RELEASE = "release"  # push-to-talk released (or toggled off)
    MAX_LENGTH = "max_length"  # the utterance reached ``EndpointConfig.max_seconds``
    #: A short pause after words the live transcript read as a whole sentence (``voice.live``).
    COMPLETE = "complete"


@dataclass(frozen=True)
class Utterance:
    samples: np.ndarray  # 16 kHz mono float32, with a little padding around the speech
    speech_seconds: float
    ended_by: EndReason
    #: time.monotonic() when the chunk holding the last speech frame arrived: the latency origin.
    speech_end_time: float
    #: Offered early, before the pause is long enough to end the turn (see the module docstring).
    tentative: bool = False

    def same_audio(self, other: Utterance) -> bool:
        """The final utterance confirms this tentative one: no speech came in between."""
        return self.speech_end_time == other.speech_end_time and len(self.samples) == len(other.samples)


@dataclass
class EndpointConfig:
    threshold: float = 0.5
    min_speech_ms: int = 200
    min_silence_ms: int = 600
    #: When a tentative utterance is offered; at least ``post_roll_ms`` so it holds the final audio.
    early_silence_ms: int = 224
    #: Silence after which the live turn transcribes everything heard so far (``voice.live``).
    pause_check_ms: int = 64
    #: The shortest pause that ends a turn whose live transcript is a complete sentence.
    complete_silence_ms: int = 224
    pre_roll_ms: int = 300
    post_roll_ms: int = 200
    max_seconds: float = 20.0


@dataclass
class Endpointer:
    detector: SpeechDetector = field(default_factory=default_detector)
    mode: Mode = Mode.PUSH_TO_TALK
    config: EndpointConfig = field(default_factory=EndpointConfig)

    def __post_init__(self) -> None:
        self.armed = self.mode is Mode.HANDS_FREE
        self._pending = np.zeros(0, np.float32)
        self._reset_utterance()

    def _reset_utterance(self) -> None:
        #: Counts utterances begun, so work started on an older one can tell it is stale.
        self.generation = getattr(self, "generation", 0) + 1
        self._frames: list[np.ndarray] = []
        self._speech_flags: list[bool] = []
        self._speech_frames = 0
        self._silence_run = 0
        self._in_speech = False
        self._speech_end_time = 0.0
        self._offered = False

    @property
    def speaking(self) -> bool:
        return self._in_speech

    @property
    def silence_ms(self) -> float:
        """How long the current pause after speech has lasted (0 while speaking or before speech)."""
        return self._silence_run * FRAME * 1000 / SAMPLE_RATE if self._speech_frames else 0.0

    @property
    def frames_heard(self) -> int:
        """Frames in the current utterance so far (pre-roll, speech and any pause)."""
        return len(self._frames)

    @property
    def last_speech_frame(self) -> int:
        """Index of the latest speech frame in the current utterance, -1 before any."""
        return len(self._frames) - 1 - self._silence_run if self._speech_frames else -1

    def snapshot(self) -> np.ndarray | None:
        """Everything heard in the current utterance so far, once it holds enough speech to be one."""
        if not self._in_speech or not self._frames:
            return None
        return np.concatenate(self._frames)

    def end_now(self, reason: EndReason) -> Utterance | None:
        """End the current utterance at once (the live transcript decided the turn is over)."""
        return self._finish(reason)

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.armed = mode is Mode.HANDS_FREE
        self._reset_utterance()
        self.detector.reset()

    def press(self) -> None:
        """Start listening (push-to-talk pressed or toggled on)."""
        self.armed = True
        self._reset_utterance()
        self.detector.reset()

    def release(self) -> Utterance | None:
        """Stop listening; returns the speech heard so far, or ``None`` if there was none."""
        if self.mode is Mode.PUSH_TO_TALK:
            self.armed = False
        return self._finish(EndReason.RELEASE)

    def feed(self, chunk: np.ndarray) -> list[Utterance]:
        if not self.armed:
            self._pending = np.zeros(0, np.float32)
            return []
        now = time.monotonic()
        data = np.concatenate([self._pending, np.asarray(chunk, np.float32).reshape(-1)])
        n = len(data) // FRAME
        self._pending = data[n * FRAME:]
        out: list[Utterance] = []
        cfg = self.config
        frame_ms = FRAME * 1000 / SAMPLE_RATE
        pre_roll = int(cfg.pre_roll_ms / frame_ms)
        for i in range(n):
            if not self.armed:
                break
            frame = data[i * FRAME:(i + 1) * FRAME]
            is_speech = self.detector(frame) >= cfg.threshold
            self._frames.append(frame)
            self._speech_flags.append(is_speech)
            if is_speech:
                self._speech_frames += 1
                self._silence_run = 0
                self._speech_end_time = now
                self._offered = False
                if self._speech_frames * frame_ms >= cfg.min_speech_ms:
                    self._in_speech = True
            else:
                self._silence_run += 1
                if not self._in_speech and self._speech_frames == 0 and len(self._frames) > pre_roll:
                    del self._frames[0], self._speech_flags[0]  # keep only the pre-roll before speech
                elif not self._in_speech and self._silence_run * frame_ms >= cfg.min_silence_ms:
                    self._reset_utterance()  # a click or a cough, not an utterance
            if self._in_speech and self._silence_run * frame_ms >= cfg.min_silence_ms:
                if (u := self._finish(EndReason.SILENCE)) is not None:
                    out.append(u)
            elif (self._in_speech and not self._offered and cfg.early_silence_ms < cfg.min_silence_ms
                  and self._silence_run * frame_ms >= max(cfg.early_silence_ms, cfg.post_roll_ms)):
                self._offered = True
                if (u := self._utterance(EndReason.SILENCE, tentative=True)) is not None:
                    out.append(u)
            elif len(self._frames) * frame_ms >= cfg.max_seconds * 1000:
                if (u := self._finish(EndReason.MAX_LENGTH)) is not None:
                    out.append(u)
        return out

    def _finish(self, reason: EndReason) -> Utterance | None:
        utterance = self._utterance(reason)
        self._reset_utterance()
        if self.mode is Mode.PUSH_TO_TALK and reason is not EndReason.RELEASE:
            self.armed = False
        return utterance

    def _utterance(self, reason: EndReason, *, tentative: bool = False) -> Utterance | None:
        frames, flags, speech = self._frames, self._speech_flags, self._speech_frames
        frame_ms = FRAME * 1000 / SAMPLE_RATE
        if speech * frame_ms < self.config.min_speech_ms or not frames:
            return None
        last = max(i for i, f in enumerate(flags) if f)
        keep = min(len(frames), last + 1 + int(self.config.post_roll_ms / frame_ms))
        return Utterance(np.concatenate(frames[:keep]), speech * frame_ms / 1000, reason, self._speech_end_time,
                         tentative)
