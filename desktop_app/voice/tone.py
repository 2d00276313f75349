"""Speech tone as an arousal cue: how loud, how lively the pitch, how fast the words come.

The fusion core weighs what was said with how it was said; an agitated shopper speaks louder,
faster and with a wider pitch swing. These are cues on one utterance without a speaker baseline,
so ``arousal`` is a soft 0..1 score for fusion to combine, never a verdict on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from desktop_app.voice.audio import SAMPLE_RATE

_FRAME = 640  # 40 ms: two periods of a 50 Hz voice
_HOP = 320
_F0_MIN, _F0_MAX = 70.0, 400.0
_VOICING = 0.45  # normalised autocorrelation peak above which a frame counts as voiced
#: Typical conversational values (loudness of a kiosk mic at arm's length, syllable rates).
_TYPICAL_DB, _DB_SCALE = -28.0, 6.0
_TYPICAL_SEMITONES, _SEMITONE_SCALE = 2.5, 1.2
_TYPICAL_RATE = {"zh": 4.5, "en": 2.6}  # characters/s for Mandarin, words/s for English
_RATE_SCALE = {"zh": 1.2, "en": 0.7}


@dataclass(frozen=True)
class Tone:
    loudness_dbfs: float  # mean RMS of voiced frames
    pitch_hz: float  # median F0 of voiced frames; 0 when none was found
    pitch_spread_semitones: float  # standard deviation of F0 in semitones
    speaking_rate: float  # characters/s (zh) or words/s (en) over the voiced time
    voiced_seconds: float
    arousal: float  # 0 calm .. 1 agitated


def _frames(x: np.ndarray) -> np.ndarray:
    if len(x) < _FRAME:
        x = np.pad(x, (0, _FRAME - len(x)))
    n = 1 + (len(x) - _FRAME) // _HOP
    idx = np.arange(_FRAME)[None, :] + _HOP * np.arange(n)[:, None]
    return np.asarray(x[idx], dtype=np.float64)


def pitch_track(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-frame (F0 Hz, voiced mask, RMS dBFS) by normalised autocorrelation."""
    frames = _frames(np.asarray(x, dtype=np.float32))
    rms = np.sqrt(np.mean(frames**2, axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    centred = frames - frames.mean(axis=1, keepdims=True)
    centred *= np.hanning(_FRAME)[None, :]
    spec = np.fft.rfft(centred, n=2 * _FRAME, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :_FRAME]
    ac /= np.maximum(ac[:, :1], 1e-12)
    lo, hi = int(SAMPLE_RATE / _F0_MAX), int(SAMPLE_RATE / _F0_MIN)
    window = ac[:, lo:hi]
    lag = lo + np.argmax(window, axis=1)
    peak = window[np.arange(len(window)), lag - lo]
    loud_enough = db > max(float(np.max(db)) - 35.0, -55.0)
    voiced = (peak > _VOICING) & loud_enough
    return SAMPLE_RATE / lag, voiced, db


def _squash(value: float, typical: float, scale: float) -> float:
    return float(1.0 / (1.0 + np.exp(-(value - typical) / scale)))


def speech_units(text: str, language: str) -> int:
    if language == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", text)) + len(re.findall(r"[A-Za-z0-9]+", text))
    return len(re.findall(r"[\w']+", text))


def analyze_tone(samples: np.ndarray, text: str = "", language: str = "en") -> Tone:
    f0, voiced, db = pitch_track(samples)
    voiced_seconds = float(voiced.sum()) * _HOP / SAMPLE_RATE
    if not voiced.any():
        return Tone(float(np.max(db)), 0.0, 0.0, 0.0, 0.0, 0.0)
    loudness = float(20 * np.log10(np.mean(10 ** (db[voiced] / 20))))
    pitch = float(np.median(f0[voiced]))
    semis = 12 * np.log2(f0[voiced] / pitch)
    spread = float(np.std(semis)) if voiced.sum() > 2 else 0.0
    # Syllables also span unvoiced consonants and short gaps: time the whole speaking stretch.
    active = np.flatnonzero(voiced)
    span = max((active[-1] - active[0] + 1) * _HOP / SAMPLE_RATE, 0.3)
    units = speech_units(text, language)
    rate = units / span if units else 0.0
    lang = language if language in _TYPICAL_RATE else "en"
    cues = [
        (0.4, _squash(loudness, _TYPICAL_DB, _DB_SCALE)),
        (0.3, _squash(spread, _TYPICAL_SEMITONES, _SEMITONE_SCALE)),
    ]
    if units:
        cues.append((0.3, _squash(rate, _TYPICAL_RATE[lang], _RATE_SCALE[lang])))
    arousal = sum(w * v for w, v in cues) / sum(w for w, _ in cues)
    return Tone(round(loudness, 1), round(pitch, 1), round(spread, 2), round(float(rate), 2), round(voiced_seconds, 2),
                round(float(arousal), 3))
