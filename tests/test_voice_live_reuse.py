"""The live turn's bookkeeping, with a scripted recogniser: which transcription becomes the turn's.

A pause reading (taken 64 ms into a pause) holds all the speech when none follows it. If it is
not a complete sentence, the turn still ends at the 600 ms pause, and that reading must be the
turn's transcript: transcribing the same speech again (the tentative utterance) would only add
a second decode after the 600 ms, which made such turns slower than without the live turn
(docs/voice.md). These tests count the transcriptions; the speech detector is a loudness gate so
the frames that are speech are exactly the ones the test wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import numpy as np
import pytest

from desktop_app.voice.audio import AudioError
from desktop_app.voice.live import LiveTurn, PartialTranscript
from desktop_app.voice.transcriber import Transcript
from desktop_app.voice.vad import FRAME, Endpointer, EndReason, Mode, Utterance

RATE = 16_000


class LoudnessGate:
    """A speech detector for scripted audio: a frame is speech when it is loud."""

    name = "gate"

    def __call__(self, frame: np.ndarray) -> float:
        return 1.0 if float(np.sqrt(np.mean(frame ** 2))) > 0.01 else 0.0

    def reset(self) -> None:
        pass


class SyncExecutor(Executor):
    """Runs each transcription at once (an infinitely fast worker)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


class HeldExecutor(Executor):
    """Keeps every transcription queued until ``run_all`` (a worker busy with something else)."""

    def __init__(self) -> None:
        self.queued: list[tuple[Future[Any], Callable[[], Any]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.queued.append((future, lambda: fn(*args, **kwargs)))
        return future

    def run_all(self) -> None:
        queued, self.queued = self.queued, []
        for future, call in queued:
            if future.set_running_or_notify_cancel():
                future.set_result(call())


def speech(seconds: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def quiet(seconds: float) -> np.ndarray:
    return np.random.default_rng(0).normal(0, 1e-4, int(RATE * seconds)).astype(np.float32)


class Scripted:
    """A recogniser that answers every full transcription with a new transcript and keeps them all."""

    def __init__(self, text: str = "I want to return the", fail: bool = False) -> None:
        self.text = text
        self.fail = fail
        self.read: list[tuple[float, Transcript]] = []  # (audio seconds, transcript)

    def __call__(self, audio: np.ndarray) -> Transcript:
        seconds = len(audio) / RATE
        if self.fail:
            self.fail = False
            raise AudioError("unclear", "scripted failure", "脚本失败")
        transcript = Transcript(self.text, "en", 0.9, (), seconds, "scripted", 0.0)
        self.read.append((seconds, transcript))
        return transcript


def live_turn(recognise: Scripted, executor: Executor, *, mode: Mode = Mode.HANDS_FREE,
              complete: Callable[[str, str], bool] = lambda text, language: False,
              ) -> tuple[LiveTurn, list[tuple[Utterance, Future[Transcript]]], list[PartialTranscript],
                         list[Callable[[], None]]]:
    turns: list[tuple[Utterance, Future[Transcript]]] = []
    shown: list[PartialTranscript] = []
    posted: list[Callable[[], None]] = []
    turn = LiveTurn(Endpointer(LoudnessGate(), mode), executor, recognise, post=posted.append,
                    on_partial=shown.append, on_turn=lambda u, f: turns.append((u, f)),
                    recognise_partial=lambda audio: pytest.fail("no partials in these tests"),
                    partial_every_s=1e9, complete=complete)
    return turn, turns, shown, posted


def feed(turn: LiveTurn, samples: np.ndarray, posted: list[Callable[[], None]]) -> None:
    """64 ms chunks, as a capture buffer delivers them, running each completion as the pipeline would."""
    for start in range(0, len(samples), 2 * FRAME):
        turn.feed(samples[start:start + 2 * FRAME])
        while posted:
            posted.pop(0)()


def test_an_unfinished_pause_reading_is_the_turns_transcript_at_the_long_pause() -> None:
    recognise = Scripted("I want to return the")
    turn, turns, shown, posted = live_turn(recognise, SyncExecutor())
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(1.0)]), posted)
    assert len(turns) == 1
    utterance, future = turns[0]
    assert utterance.ended_by is EndReason.SILENCE  # not complete: the 600 ms pause ended it
    assert [p.at_pause and not p.complete for p in shown] == [True]
    # One transcription: the pause reading, delivered as it was; the tentative utterance was not read again.
    assert len(recognise.read) == 1
    assert future.result() is recognise.read[0][1]


def test_a_pause_reading_is_not_the_turns_once_speech_resumed() -> None:
    recognise = Scripted()
    turn, turns, shown, posted = live_turn(recognise, SyncExecutor())
    feed(turn, np.concatenate([quiet(0.3), speech(1.0), quiet(0.3), speech(0.6), quiet(1.0)]), posted)
    assert len(turns) == 1
    assert len(shown) == 2  # a reading at each pause
    heard = len(turns[0][0].samples) / RATE
    transcript = turns[0][1].result()
    # The turn's transcript holds the words after the first pause too: it is the second reading.
    assert transcript is recognise.read[-1][1] and recognise.read[-1][0] > 1.0 + 0.3 + 0.5
    assert len(recognise.read) == 2 and heard > 1.9


def test_when_the_pause_reading_fails_the_tentative_utterance_is_transcribed() -> None:
    recognise = Scripted(fail=True)
    turn, turns, shown, posted = live_turn(recognise, SyncExecutor())
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(1.0)]), posted)
    assert not shown  # the pause reading gave no text
    assert len(turns) == 1 and len(recognise.read) == 1
    utterance, future = turns[0]
    assert future.result() is recognise.read[0][1]
    assert recognise.read[0][0] == pytest.approx(len(utterance.samples) / RATE)  # the tentative audio


def test_releasing_the_button_after_a_pause_keeps_the_pause_reading() -> None:
    recognise = Scripted("where is my order")
    turn, turns, _, posted = live_turn(recognise, SyncExecutor(), mode=Mode.PUSH_TO_TALK)
    turn.press()
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(0.15)]), posted)  # a pause, shorter than 224 ms
    assert not turns
    assert turn.release() is not None
    assert len(turns) == 1 and turns[0][0].ended_by is EndReason.RELEASE
    assert len(recognise.read) == 1 and turns[0][1].result() is recognise.read[0][1]


def test_releasing_the_button_mid_word_transcribes_again() -> None:
    recognise = Scripted()
    turn, turns, _, posted = live_turn(recognise, SyncExecutor(), mode=Mode.PUSH_TO_TALK)
    turn.press()
    feed(turn, np.concatenate([quiet(0.3), speech(0.8), quiet(0.15), speech(0.4)]), posted)
    assert turn.release() is not None
    assert len(recognise.read) == 2  # the reading at the pause missed the last words
    assert turns[0][1].result() is recognise.read[1][1] and recognise.read[1][0] > 1.3


def test_a_queued_pause_reading_is_dropped_when_speech_resumes() -> None:
    recognise = Scripted()
    executor = HeldExecutor()
    turn, turns, _, posted = live_turn(recognise, executor)
    feed(turn, np.concatenate([quiet(0.3), speech(1.0), quiet(0.13)]), posted)
    assert len(executor.queued) == 1  # the pause reading waits for the (busy) worker
    stale = executor.queued[0][0]
    feed(turn, speech(0.2), posted)
    assert stale.cancelled()  # it could no longer cover the turn: the worker will not spend 0.4 s on it
    feed(turn, quiet(0.13), posted)
    executor.run_all()
    while posted:
        posted.pop(0)()
    assert len(recognise.read) == 1 and recognise.read[0][0] > 1.4  # only the reading at the second pause


def test_a_complete_pause_reading_still_ends_the_turn_early() -> None:
    recognise = Scripted("Where is my order?")
    turn, turns, shown, posted = live_turn(recognise, SyncExecutor(), complete=lambda text, language: True)
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(1.0)]), posted)
    assert len(turns) == 1 and turns[0][0].ended_by is EndReason.COMPLETE
    assert len(recognise.read) == 1 and turns[0][1].result() is recognise.read[0][1]
    assert shown[-1].complete


# -- partials beside the readings (the microphone's second worker) ----------------------------


def partial_turn(recognise: Scripted, partials: Executor, *, shared: bool = False,
                 ) -> tuple[LiveTurn, list[tuple[Utterance, Future[Transcript]]], list[PartialTranscript],
                            list[Callable[[], None]], Scripted]:
    """A live turn whose partials run on ``partials`` (``shared``: on the readings' worker, as before)."""
    turns: list[tuple[Utterance, Future[Transcript]]] = []
    shown: list[PartialTranscript] = []
    posted: list[Callable[[], None]] = []
    partial = Scripted("Where is my")
    turn = LiveTurn(Endpointer(LoudnessGate(), Mode.HANDS_FREE), partials if shared else SyncExecutor(), recognise,
                    post=posted.append, on_partial=shown.append, on_turn=lambda u, f: turns.append((u, f)),
                    recognise_partial=partial, partial_every_s=0.5, complete=lambda text, language: True,
                    partial_executor=None if shared else partials)
    return turn, turns, shown, posted, partial


def test_a_pause_reading_does_not_wait_for_a_partial_still_running() -> None:
    """The customer stops while a partial is being read: the pause reading starts at once beside it
    and ends the turn; on one shared worker it waited for the partial (up to 0.3 s, docs/voice.md)."""
    recognise = Scripted("Where is my order?")
    partials = HeldExecutor()  # a partial that is still running when the customer stops
    turn, turns, shown, posted, partial = partial_turn(recognise, partials)
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(0.4)]), posted)
    assert len(partials.queued) == 1 and not partial.read  # the partial was asked for and is not done
    assert len(turns) == 1 and turns[0][0].ended_by is EndReason.COMPLETE
    assert turns[0][1].result() is recognise.read[0][1]
    assert [p.text for p in shown] == ["Where is my order?"]


def test_on_one_shared_worker_the_pause_reading_waits_behind_the_partial() -> None:
    """Without a second worker the old rule holds: the reading queues behind the partial."""
    recognise = Scripted("Where is my order?")
    worker = HeldExecutor()
    turn, turns, shown, posted, partial = partial_turn(recognise, worker, shared=True)
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(0.4)]), posted)
    assert not turns and not recognise.read  # both wait on the one busy worker
    worker.run_all()
    while posted:
        posted.pop(0)()
    assert len(partial.read) == 1 and len(recognise.read) == 1


def test_a_partial_that_finishes_after_the_pause_reading_is_not_shown() -> None:
    """Side by side, an older partial can finish last; the voice bar keeps the newer words."""
    recognise = Scripted("I want to return the")
    partials = HeldExecutor()
    turn, turns, shown, posted, partial = partial_turn(recognise, partials)
    turn.complete = lambda text, language: False  # the turn stays open until the 600 ms pause
    feed(turn, np.concatenate([quiet(0.3), speech(1.2), quiet(0.3)]), posted)
    assert [p.text for p in shown] == ["I want to return the"]
    partials.run_all()  # the partial, started before the pause, comes back now
    while posted:
        posted.pop(0)()
    assert len(partial.read) == 1 and [p.text for p in shown] == ["I want to return the"]
