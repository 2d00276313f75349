"""Spoken replies: synthesis to file, the round trip through speech recognition, stop and mute."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from voice_audio import engine, error_rate

from desktop_app.voice.audio import load_audio
from desktop_app.voice.tts import Speaker, pick_voice


@pytest.fixture(scope="module")
def speaker() -> Iterator[Speaker]:
    s = Speaker()
    yield s
    s.shutdown()


QUESTIONS = [
    ("Where is my order? It has not arrived yet.", "order_status"),
    ("I want to return these shoes and get a refund.", "return_request"),
]


@pytest.mark.parametrize("question,intent", QUESTIONS)
def test_spoken_question_round_trip(speaker: Speaker, tmp_path: Path, question: str, intent: str) -> None:
    wav = speaker.synthesize_to_file(question, "en", tmp_path / "question.wav")
    clip = load_audio(wav)
    assert clip.duration > 1.0
    transcript = engine("faster-whisper").transcribe(clip)
    assert transcript.language == "en"
    # espeak-ng's robotic voice costs Whisper a word or two ("has not arrived" → "does not arrive");
    # what must survive the round trip is the meaning.
    edits, n = error_rate(question, transcript.text, "en")
    assert edits / n <= 0.3, transcript.text
    from desktop_app.nlu.understand import Understander

    result = Understander().understand(transcript.text)
    assert result.intent.value == intent, (transcript.text, result.intent)


def test_voices_exist_for_both_languages() -> None:
    import pyttsx3

    voices = list(pyttsx3.init().getProperty("voices"))
    zh, en = pick_voice(voices, "zh"), pick_voice(voices, "en")
    assert zh and "cmn" in zh
    assert en and "en" in en


def test_mandarin_synthesis_produces_audio(speaker: Speaker, tmp_path: Path) -> None:
    wav = speaker.synthesize_to_file("您的订单已经发货了。", "zh", tmp_path / "reply.wav")
    assert load_audio(wav).duration > 1.0


def test_say_stop_and_mute_never_block_or_raise(speaker: Speaker, tmp_path: Path) -> None:
    """No sound card here: playback fails soft. stop() returns at once and mute drops replies."""
    start = time.monotonic()
    speaker.say("This is a long reply that the shopper is about to interrupt by pressing the microphone.", "en")
    speaker.stop()
    assert time.monotonic() - start < 0.5
    assert not speaker.speaking
    speaker.muted = True
    speaker.say("muted", "en")
    assert not speaker.speaking
    speaker.muted = False
    assert speaker.synthesize_to_file("still works", "en", tmp_path / "after.wav").stat().st_size > 44
