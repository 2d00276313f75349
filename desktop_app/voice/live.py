"""A live turn: partial transcripts while the customer speaks, and an early end when they are done.

Hands-free, a turn used to end after 600 ms of silence (``EndpointConfig.min_silence_ms``), and
the reply could not start before that: end of speech → first spoken word was 0.67 s. Waiting
less cuts off a customer who pauses mid-sentence. This module lets the words decide:

* While speech goes on, everything heard so far is transcribed every ``partial_every_s``, or less
  often on a slow machine (``PARTIAL_DUTY``; never while another partial is still running, so
  partials never queue up) and handed to ``on_partial`` as a :class:`PartialTranscript`: the
  voice bar shows it live. Partials run on ``partial_executor`` where one is given (the
  microphone's: a second worker at idle priority with its own model instance), so a pause
  reading never waits for one; without it they share the transcription worker, and run only
  when it is free.
* ``pause_check_ms`` (64 ms) into a pause, everything heard so far is transcribed again. That
  transcript covers all the speech if none followed. If the completeness rule
  (:mod:`desktop_app.voice.completeness`, or a predicate the caller passes) reads it as a whole
  question or request and Whisper is sure of it (``MIN_CONFIDENCE``), the turn ends once the pause reaches ``complete_silence_ms`` (224 ms), and
  that transcript *is* the turn's: no second decode.
* Otherwise the turn ends as before, when the pause reaches 600 ms (or the button is released),
  and the pause transcript is still the turn's if it covers all the speech: it is the same engine
  call on the same speech, so transcribing the tentative utterance again would only add a second
  decode (0.4 s on two cores) after the 600 ms. The tentative utterance at 224 ms is transcribed
  only when no pause transcript covers it (the pause reading failed). A mid-sentence pause ("She
  had your … dark suit") therefore never ends the turn early.

The pause transcript starts when Silero has heard ``pause_check_ms`` of silence, which on the
test recordings is 190–260 ms after the last loud sample (Silero still hears the fading last
syllable for 100–160 ms), and one beam-5 reading of a 3–4 s query takes 0.35–0.55 s on a
shared two-core machine. So the early end fires only where that reading is done before the
600 ms pause is (a reading slower than about 0.5 s, or one held back by a partial still running,
loses that race, and the 600 ms end delivers the same transcript as soon as it is ready:
docs/voice.md, "Why the early end did not fire").

All methods run on one thread (the microphone's pipeline thread). Transcriptions run on the
caller's single-worker executor; their completions come back through ``post``, which must run
the given function on that same thread, so the end-pointer is only ever touched there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field

import numpy as np

from desktop_app.voice.completeness import Completeness, is_complete_utterance
from desktop_app.voice.transcriber import Transcript
from desktop_app.voice.vad import FRAME, Endpointer, EndReason, Mode, Utterance

log = logging.getLogger(__name__)

_FRAME_S = FRAME / 16_000
#: A pause reading less sure than this does not end a turn early. Whisper finishes audio cut
#: mid-sentence with a guess that often reads as complete ("She had your" → "She has it."), but
#: it is unsure of that guess: 0.42–0.54 on such cuts of the TIMIT sentence, against 0.67–0.93 on
#: the whole sentences of the test recordings and espeak-ng questions (docs/voice.md).
MIN_CONFIDENCE = 0.6
#: Partials leave their worker idle at least two thirds of the time (the next one starts no sooner
#: than this many times the last one's cost in audio): on a worker shared with the readings, a
#: pause reading then rarely waits on one; beside them, partials take at most a third of the
#: machine while the customer speaks.
PARTIAL_DUTY = 3.0


@dataclass(frozen=True)
class PartialTranscript:
    """What the customer has said so far: shown while they speak, never answered on its own."""

    text: str
    language: str
    audio_seconds: float
    #: Made from all the audio up to a pause (no speech came after it).
    at_pause: bool
    #: At a pause, and the completeness rule read it as a whole sentence: the turn ends on it.
    complete: bool


@dataclass
class _Job:
    generation: int
    last_speech: int  # the end-pointer's latest speech frame when the audio was taken
    at_pause: bool
    audio_seconds: float
    future: Future[Transcript] = field(default_factory=Future)


class LiveTurn:
    """Drives an :class:`Endpointer` for a microphone: partials, early ends, tentative speculation."""

    def __init__(self, endpointer: Endpointer, executor: Executor, recognise: Callable[[np.ndarray], Transcript], *,
                 post: Callable[[Callable[[], None]], None], on_partial: Callable[[PartialTranscript], None],
                 on_turn: Callable[[Utterance, Future[Transcript]], None],
                 recognise_partial: Callable[[np.ndarray], Transcript] | None = None,
                 complete: Completeness = is_complete_utterance, partial_every_s: float = 0.5,
                 first_partial_s: float = 1.0, min_confidence: float = MIN_CONFIDENCE, live: bool = True,
                 early_end: bool = True, partial_executor: Executor | None = None) -> None:
        self.endpointer = endpointer
        self.executor = executor
        #: Where partials run: beside the readings (a pause reading then starts at once, even with a
        #: partial still running), or ``None``: on ``executor``, only when it is idle.
        self.partial_executor = partial_executor
        self.recognise = recognise
        #: For partials during speech: may be cheaper (greedy), as they are only shown.
        self.recognise_partial = recognise_partial or recognise
        self.post = post
        self.on_partial = on_partial
        self.on_turn = on_turn
        self.complete = complete
        self.partial_every_s = partial_every_s
        #: No partial before this much audio: a word or two is not worth the worker's time.
        self.first_partial_s = first_partial_s
        self.min_confidence = min_confidence
        #: False: no partials and no pause transcripts (the turn ends as it did before them).
        self.live = live
        #: False: partials are still shown, but only the long pause (or a release) ends a turn.
        self.early_end = early_end
        self._jobs: list[_Job] = []
        self._partial_at = 0  # frames heard when the last partial was taken
        self._partial_cost = 0.0  # seconds the last partial took: a slow machine reads less often
        self._read_pause: tuple[int, int] | None = None  # (generation, last speech) of the last pause read
        self._ready: tuple[int, int, Transcript] | None = None  # (generation, last speech, transcript)
        #: The latest pause reading that covers all the speech so far, complete or not: the turn's
        #: transcript if the long pause (or a release) ends it with no speech since.
        self._covering: tuple[int, int, Transcript] | None = None
        self._held: tuple[int, int, Utterance] | None = None  # a tentative utterance waiting on a pause job
        self._speculation: tuple[Utterance, Future[Transcript]] | None = None
        #: (generation, seconds of audio) of the latest words shown: a partial that finishes after a
        #: longer reading of the same utterance (they run side by side) is older news, not shown.
        self._shown: tuple[int, float] = (0, 0.0)

    # -- events from the microphone --------------------------------------------------------

    def feed(self, chunk: np.ndarray) -> None:
        ep = self.endpointer
        before = (ep.generation, ep.last_speech_frame)  # a final ends this utterance, after a pause
        for utterance in ep.feed(chunk):
            if utterance.tentative:
                self._tentative(utterance)
            else:
                self._finish(utterance, covering=before)
        self._schedule()

    def press(self) -> None:
        self._drop()
        self.endpointer.press()

    def release(self) -> Utterance | None:
        """Push-to-talk released: the turn ends with what was heard (``None``: nothing was)."""
        ep = self.endpointer
        before = (ep.generation, ep.last_speech_frame)
        utterance = ep.release()
        if utterance is not None:
            self._finish(utterance, covering=before)
        else:
            self._drop()
        return utterance

    def set_mode(self, mode: Mode) -> None:
        self._drop()
        self.endpointer.set_mode(mode)

    # -- scheduling ------------------------------------------------------------------------

    def _schedule(self) -> None:
        ep, cfg = self.endpointer, self.endpointer.config
        samples = ep.snapshot() if self.live else None
        if samples is None:
            self._partial_at = 0
            return
        now = (ep.generation, ep.last_speech_frame)
        if self._covering is not None and self._covering[:2] != now:
            self._covering = None  # speech resumed: that transcript no longer covers the turn
        if self._ready is not None:
            if self._ready[:2] != now:
                self._ready = None
            elif ep.silence_ms >= cfg.complete_silence_ms:
                self._end_early(self._ready[2])
                return
        pause = ep.silence_ms
        if pause == 0:
            if self._speculation is not None:
                self._drop_speculation()  # speech resumed: the tentative end was a breath
            for job in self._jobs:
                if job.at_pause and job.last_speech != ep.last_speech_frame:
                    job.future.cancel()  # still queued behind another reading: it can no longer cover
        if pause >= cfg.pause_check_ms:
            if self._read_pause != (ep.generation, ep.last_speech_frame):  # once per pause
                self._read_pause = (ep.generation, ep.last_speech_frame)
                self._start(samples, at_pause=True)
        elif pause == 0 and self._partial_worker_free() and ep.frames_heard * _FRAME_S >= self.first_partial_s and \
                (ep.frames_heard - self._partial_at) * _FRAME_S >= max(self.partial_every_s,
                                                                       PARTIAL_DUTY * self._partial_cost):
            self._start(samples, at_pause=False)

    def _partial_worker_free(self) -> bool:
        if self.partial_executor is None:
            return not self._jobs  # one worker for all: a partial must not delay a reading
        return not any(not job.at_pause for job in self._jobs)

    def _start(self, samples: np.ndarray, *, at_pause: bool) -> None:
        ep = self.endpointer
        job = _Job(ep.generation, ep.last_speech_frame, at_pause, len(samples) / 16_000)
        if not at_pause:
            self._partial_at = ep.frames_heard
        executor = self.executor if at_pause or self.partial_executor is None else self.partial_executor
        try:
            job.future = executor.submit(self.recognise if at_pause else self.recognise_partial, samples)
        except RuntimeError:  # the executor was shut down: the microphone is closing
            return
        self._jobs.append(job)
        job.future.add_done_callback(lambda _f: self.post(lambda: self._job_done(job)))

    def _job_done(self, job: _Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        ep = self.endpointer
        current = job.generation == ep.generation
        covers = current and job.at_pause and job.last_speech == ep.last_speech_frame
        transcript: Transcript | None = None
        if not job.future.cancelled() and job.future.exception() is None:
            transcript = job.future.result()
        elif not job.future.cancelled():
            log.debug("a live transcription gave no text (%s)", type(job.future.exception()).__name__)
        if transcript is not None and not job.at_pause:
            self._partial_cost = transcript.seconds
        if transcript is not None and current:
            complete = (covers and transcript.confidence >= self.min_confidence
                        and self.complete(transcript.text, transcript.language))
            if self._shown[0] != job.generation or job.audio_seconds >= self._shown[1]:
                self._shown = (job.generation, job.audio_seconds)
                self.on_partial(PartialTranscript(transcript.text, transcript.language, job.audio_seconds,
                                                  covers, complete))
            if covers:
                self._covering = (job.generation, job.last_speech, transcript)
            if complete and self.early_end:
                self._ready = (job.generation, job.last_speech, transcript)
                self._schedule()
                return
        if job.at_pause:
            self._release_held()

    # -- ends of turns ---------------------------------------------------------------------

    def _tentative(self, utterance: Utterance) -> None:
        ep = self.endpointer
        if self._covering is not None and self._covering[:2] == (ep.generation, ep.last_speech_frame):
            return  # the pause reading already holds this speech: nothing to transcribe again
        if any(j.at_pause and j.last_speech == ep.last_speech_frame for j in self._jobs):
            self._held = (ep.generation, ep.last_speech_frame, utterance)  # the pause job may settle the turn
            return
        self._speculate(utterance)

    def _release_held(self) -> None:
        """The pause reading is over: transcribe the held tentative utterance unless it covered it."""
        held, self._held = self._held, None
        ep = self.endpointer
        now = (ep.generation, ep.last_speech_frame)
        if held is not None and held[:2] == now and (self._covering is None or self._covering[:2] != now):
            self._speculate(held[2])

    def _speculate(self, utterance: Utterance) -> None:
        """Start transcribing at a tentative end; kept only if the final end confirms the same audio."""
        self._drop_speculation()
        try:
            self._speculation = (utterance, self.executor.submit(self.recognise, utterance.samples))
        except RuntimeError:
            pass

    def _end_early(self, transcript: Transcript) -> None:
        utterance = self.endpointer.end_now(EndReason.COMPLETE)
        if utterance is None:
            return
        self._drop()
        done: Future[Transcript] = Future()
        done.set_result(transcript)
        self.on_turn(utterance, done)

    def _finish(self, utterance: Utterance, covering: tuple[int, int] | None = None) -> None:
        """The turn ended by the long pause, a release or the length limit: deliver its transcript.

        In order of preference (``covering``: the utterance and speech frame a pause reading must
        have been taken at to hold all of this speech): a finished pause reading of all the
        speech; the tentative transcription of the same audio; the pause reading still running on
        a busy machine; a new transcription.
        """
        speculation, self._speculation = self._speculation, None
        read, self._covering = self._covering, None
        self._held = None
        self._ready = None
        if read is not None and read[:2] == covering:
            if speculation is not None:
                speculation[1].cancel()
            self._cancel_jobs()
            done: Future[Transcript] = Future()
            done.set_result(read[2])
            self.on_turn(utterance, done)
            return
        pause_job = next((j for j in self._jobs if j.at_pause and covering == (j.generation, j.last_speech)
                          and not j.future.cancelled()), None)
        if pause_job is not None:
            self._jobs.remove(pause_job)
        self._cancel_jobs()
        if speculation is not None and speculation[0].same_audio(utterance) and not speculation[1].cancelled():
            self.on_turn(utterance, speculation[1])
            return
        if speculation is not None:
            speculation[1].cancel()
        if pause_job is not None:
            self.on_turn(utterance, pause_job.future)
            return
        try:
            future = self.executor.submit(self.recognise, utterance.samples)
        except RuntimeError:
            return
        self.on_turn(utterance, future)

    def _cancel_jobs(self) -> None:
        for job in self._jobs:
            job.future.cancel()  # one already running finishes; its result is then stale and ignored

    def _drop_speculation(self) -> None:
        if self._speculation is not None:
            self._speculation[1].cancel()
            self._speculation = None

    def _drop(self) -> None:
        self._drop_speculation()
        self._cancel_jobs()
        self._held = None
        self._ready = None
        self._covering = None
        self._partial_at = 0
