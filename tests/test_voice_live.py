"""The live turn: partial transcripts while the customer speaks, an early end when the words are complete.

Recordings are the real ones in ../shared/data/speech (and one espeak-ng question), fed through the
real end-pointer (Silero) and faster-whisper. For the end-of-turn logic the transcriptions run
synchronously (``SyncExecutor``): every pause reading is ready the moment it is asked for, as on an
infinitely fast machine, which is the hardest case for a customer who pauses mid-sentence: only the
completeness of the words can then keep the turn open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from file_audio_source import FileAudioSource
from voice_audio import clip_named, engine, error_rate

from desktop_app.voice.audio import load_audio
from desktop_app.voice.completeness import is_complete_utterance
from desktop_app.voice.live import LiveTurn, PartialTranscript
from desktop_app.voice.transcriber import Transcript, transcribe_partial
from desktop_app.voice.vad import FRAME, Endpointer, EndReason, Mode, SileroDetector, Utterance


class SyncExecutor(Executor):
    """Runs each transcription at once on the caller's thread (an infinitely fast worker)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # the live turn reads it from the future, as from a real worker
            future.set_exception(exc)
        return future


def _room(seconds: float, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 3e-4, int(16_000 * seconds)).astype(np.float32)


def run_turns(samples: np.ndarray, *, live: bool = True, partials: bool = False,
              language: str | None = None) -> tuple[list[tuple[Utterance, Transcript]], list[PartialTranscript], int]:
    """Feed ``samples`` (between room noise) through a hands-free live turn in 64 ms chunks.

    Returns the turns with their transcripts, the partials, and how many samples of the pause
    after the last voiced sample were fed before the last turn ended.
    """
    whisper = engine("faster-whisper")
    pending: list[Callable[[], None]] = []
    turns: list[tuple[Utterance, Future[Transcript]]] = []
    shown: list[PartialTranscript] = []
    turn = LiveTurn(Endpointer(SileroDetector(), Mode.HANDS_FREE), SyncExecutor(),
                    lambda audio: whisper.transcribe(audio, language=language), post=pending.append,
                    recognise_partial=lambda audio: transcribe_partial(whisper, audio, language=language),
                    on_partial=shown.append, on_turn=lambda u, f: turns.append((u, f)), live=live,
                    partial_every_s=0.5 if partials else 1e9)
    stream = np.concatenate([_room(0.3), samples, _room(1.5, seed=1)])
    voiced = np.flatnonzero(np.abs(samples) > 0.02)
    speech_end = int(16_000 * 0.3) + int(voiced[-1])
    ended_after = -1
    for start in range(0, len(stream), 2 * FRAME):
        count = len(turns)
        turn.feed(stream[start:start + 2 * FRAME])
        while pending:
            pending.pop(0)()
        if len(turns) > count:
            ended_after = start + 2 * FRAME - speech_end
    return [(u, f.result()) for u, f in turns], shown, ended_after


def splice_pauses(samples: np.ndarray, at_seconds: list[float], pause_s: float = 0.5) -> np.ndarray:
    """Insert ``pause_s`` of room noise at the quietest 10 ms within 30 ms of each time, in order.

    The times are word ends (faster-whisper's word timestamps, checked against the energy): a
    pause placed later would keep the first consonant of the next word, which Whisper then
    completes into a word of its own.
    """
    cuts = []
    for t in at_seconds:
        lo, hi = int((t - 0.03) * 16_000), int((t + 0.03) * 16_000)
        energy = [float(np.sum(samples[i:i + 160] ** 2)) for i in range(lo, hi, 160)]
        cuts.append(lo + 160 * int(np.argmin(energy)) + 80)
    parts, last = [], 0
    for i, cut in enumerate(cuts):
        parts += [samples[last:cut], _room(pause_s, seed=10 + i)]
        last = cut
    return np.concatenate([*parts, samples[last:]])


# -- the completeness rule -------------------------------------------------------------------


@pytest.mark.parametrize("text, language, complete", [
    ("Where is my order?", "en", True),
    ("I want a refund.", "en", True),
    ("Do you have waterproof phones", "en", True),
    ("yes", "en", True),
    ("She had your", "en", False),
    ("She had a dark suit in.", "en", False),  # Whisper ends every reading with a full stop
    ("I want to return the", "en", False),
    ("My parcel is late and", "en", False),
    ("And so my fellow Americans,", "en", False),
    ("Where", "en", False),
    ("有货吗", "zh", True),
    ("我的订单到哪了", "zh", True),
    ("我要退货", "zh", True),
    ("质量很好", "zh", True),
    ("甚至出现交易几乎停滞的情况", "zh", True),
    ("甚至出现交易几乎停滞的", "zh", False),
    ("广州市房地产", "zh", False),  # a noun phrase: its predicate is still to come
    ("甚至出现交易几乎", "zh", False),  # ends on an adverb
    ("我想买一个", "zh", False),
    ("如果我现在下单，", "zh", False),
    ("", "zh", False),
])
def test_the_completeness_rule(text: str, language: str, complete: bool) -> None:
    assert is_complete_utterance(text, language) is complete


# -- the end of a turn on real recordings ---------------------------------------------------


@pytest.mark.parametrize("clip_name, gaps", [
    ("LDC93S1", [0.74, 1.40]),  # "She had your | dark suit in | greasy wash water all year."
    ("zh01", [0.94, 2.40]),  # "甚至 | 出现交易几乎 | 停滞的情况"
])
def test_pauses_of_500_ms_inside_a_sentence_do_not_end_the_turn(clip_name: str, gaps: list[float]) -> None:
    clip = clip_named(clip_name)
    spliced = splice_pauses(load_audio(clip.path).samples, gaps)
    before, _, _ = run_turns(spliced, live=False, language=clip.language)
    assert len(before) == 1, [t.text for _, t in before]  # the 600 ms rule keeps these pauses in the turn
    turns, shown, _ = run_turns(spliced, language=clip.language)
    # The pauses were heard and read (each pause reading is shown), and judged unfinished.
    unfinished = [p for p in shown if p.at_pause and not p.complete]
    assert len(unfinished) >= len(gaps), [p.text for p in shown]
    assert len(turns) == 1, [t.text for _, t in turns]
    utterance, transcript = turns[0]
    edits, n = error_rate(clip.reference, transcript.text, clip.language)
    assert edits / n <= 0.3, transcript.text  # the whole sentence, not the words before a pause
    assert utterance.speech_seconds > 0.8 * len(load_audio(clip.path).samples) / 16_000 - 0.5


@pytest.mark.parametrize("clip_name", ["LDC93S1", "zh06", "espeak"])
def test_a_complete_sentence_ends_the_turn_at_a_short_pause_with_the_same_words(
        clip_name: str, speech: Callable[..., Path]) -> None:
    path = speech("Where is my order?") if clip_name == "espeak" else clip_named(clip_name).path
    samples = load_audio(path).samples
    before, _, waited_before = run_turns(samples, live=False)
    after, shown, waited_after = run_turns(samples)
    assert len(before) == len(after) == 1
    assert before[0][0].ended_by is EndReason.SILENCE
    assert after[0][0].ended_by is EndReason.COMPLETE
    assert shown and shown[-1].complete and shown[-1].text == after[0][1].text  # the pause reading is the turn's
    # Ended at the short pause: at least a third of a second of the customer's silence sooner.
    assert waited_after <= waited_before - 5_000, (waited_before, waited_after)
    assert waited_after < 16_000 * 0.4
    text_before, text_after = before[0][1].text, after[0][1].text
    reference = "Where is my order?" if clip_name == "espeak" else clip_named(clip_name).reference
    language = after[0][1].language
    assert error_rate(reference, text_after, language)[0] <= error_rate(reference, text_before, language)[0] + 1, (
        text_before, text_after)


def test_partials_follow_the_words_while_the_customer_speaks() -> None:
    clip = clip_named("LDC93S1")
    turns, shown, _ = run_turns(load_audio(clip.path).samples, partials=True, language="en")
    during = [p for p in shown if not p.at_pause]
    assert len(during) >= 2, [p.text for p in shown]
    assert all(not p.complete for p in during)  # a reading taken mid-speech never ends the turn
    assert [p.audio_seconds for p in during] == sorted(p.audio_seconds for p in during)
    assert during[0].text.lower().startswith("she")
    assert len(turns) == 1 and turns[0][1].text.lower().startswith("she had")


# -- the microphone widget: live words on screen, listening unmistakable ----------------------


def test_the_widget_shows_the_words_so_far_before_the_turn_and_clears_them_after(qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    from desktop_app.ui.voice.microphone import MicrophoneWidget

    clip = clip_named("LDC93S1")
    widget = MicrophoneWidget(lambda: engine("faster-whisper"), source=FileAudioSource(clip.path, speed=1.0),
                              ui_language="en", language="en")
    qtbot.addWidget(widget)
    order: list[str] = []
    lock = threading.Lock()

    def note(kind: str) -> Callable[[Any], None]:
        def add(_payload: Any) -> None:
            with lock:
                order.append(kind)
        return add

    finals: list[Transcript] = []
    widget.partial.connect(note("partial"))
    widget.transcribed.connect(note("final"))
    widget.transcribed.connect(finals.append)
    seen_live: list[str] = []
    try:
        qtbot.waitUntil(lambda: "Ready" in widget.status.text(), timeout=60_000)
        qtbot.mouseClick(widget.talk_button, Qt.MouseButton.LeftButton)
        assert widget.listening and widget.talk_button.property("listening") is True
        assert "Listening" in widget.talk_button.text()
        qtbot.waitUntil(lambda: "“" in widget.live_text.text(), timeout=30_000)
        seen_live.append(widget.live_text.text())
        qtbot.waitUntil(lambda: bool(finals), timeout=60_000)
        assert finals[0].text.lower().startswith("she had")
        assert seen_live[0].startswith("Heard so far:") and "she" in seen_live[0].lower()
        assert order.index("partial") < order.index("final")
        assert widget.live_text.text() == ""  # the turn's words now stand in the status line
        assert finals[0].text in widget.status.text()
        qtbot.waitUntil(lambda: not widget.listening, timeout=5_000)
        assert widget.talk_button.property("listening") is False and "Listening" not in widget.talk_button.text()
    finally:
        widget.shutdown()
