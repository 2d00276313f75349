"""Helpers for voice tests: the real speech clips, error rates, shared engines, bad files.

Engines load once per test session (``engine()`` is cached at module level, so every test
module that imports it shares the same loaded model).
"""

from __future__ import annotations

import csv
import functools
import re
import struct
import unicodedata
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from desktop_app.voice.transcriber import Transcriber

SPEECH_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
ENGINES = ("faster-whisper", "openai-whisper")


@dataclass(frozen=True)
class Clip:
    path: Path
    language: str
    reference: str


def speech_clips() -> list[Clip]:
    table = SPEECH_DIR / "transcripts.tsv"
    if not table.is_file():
        pytest.skip(f"speech test data not found at {SPEECH_DIR} (../shared/data/speech)")
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    clips = [Clip(SPEECH_DIR / r["file"], "zh" if r["language"].startswith("zh") else "en", r["reference_transcript"])
             for r in rows]
    return [c for c in clips if c.path.is_file()]


def clip_named(fragment: str) -> Clip:
    for clip in speech_clips():
        if fragment in clip.path.name:
            return clip
    pytest.skip(f"speech clip *{fragment}* not found in {SPEECH_DIR}")


def units(text: str, language: str) -> list[str]:
    """Words (en) or characters (zh) with punctuation dropped and case folded, nothing else."""
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text).lower()
    if language == "zh":
        return [ch for ch in text if not ch.isspace()]
    return text.split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def error_rate(reference: str, hypothesis: str, language: str) -> tuple[int, int]:
    """(edits, reference length): WER for English, CER for Mandarin."""
    ref, hyp = units(reference, language), units(hypothesis, language)
    return edit_distance(ref, hyp), len(ref)


def has_traditional(text: str) -> bool:
    from opencc import OpenCC

    return bool(OpenCC("t2s").convert(text) != text)


@functools.cache
def engine(name: str) -> Transcriber:
    from desktop_app.core.config import load_settings
    from desktop_app.voice.engines import create_transcriber
    from desktop_app.voice.settings import load_voice_settings

    return create_transcriber(name, load_settings(), voice=load_voice_settings(env={}))


# -- bad files -------------------------------------------------------------------------------


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate, n, ch = w.getframerate(), w.getnframes(), w.getnchannels()
        x = np.frombuffer(w.readframes(n), "<i2").astype(np.float32) / 32768.0
    return (x.reshape(-1, ch).mean(axis=1) if ch > 1 else x), rate


def make_zero_bytes(tmp: Path) -> Path:
    path = tmp / "zero.wav"
    path.write_bytes(b"")
    return path


def make_empty_wav(tmp: Path) -> Path:
    return write_wav(tmp / "empty.wav", np.zeros(0, np.float32))


def make_silent_wav(tmp: Path) -> Path:
    rng = np.random.default_rng(0)
    return write_wav(tmp / "silent.wav", rng.normal(0, 1e-4, 16_000 * 2).astype(np.float32))


def make_truncated_wav(tmp: Path, source: Path) -> Path:
    """A real WAV cut off mid-data, so the header promises more audio than the file holds."""
    data = source.read_bytes()
    path = tmp / "truncated.wav"
    path.write_bytes(data[: len(data) // 3])
    return path


def make_truncated_header(tmp: Path) -> Path:
    path = tmp / "header-only.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt ")
    return path


def make_non_audio(tmp: Path) -> Path:
    path = tmp / "notes.wav"
    path.write_text("This is a shopping list, not a recording.\n" * 20, encoding="utf-8")
    return path


def make_clipped_wav(tmp: Path, source: Path, gain: float = 30.0) -> Path:
    x, rate = read_wav(source)
    return write_wav(tmp / "clipped.wav", np.clip(x * gain, -1.0, 1.0), rate)


def first_words(text: str, n: int) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower())[:n])
