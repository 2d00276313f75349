"""The assistant's turn pipeline: producers → late fusion → dialogue manager → reply.

Typed text is one producer; voice and vision hand in their own hypotheses for the same turn, so
this is the single door every modality goes through before the service logic acts.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop_app.dialogue.state import SessionState
from desktop_app.dialogue.turn import Exchange, Stage, StageTime, turn_from_fused
from desktop_app.fusion.fuse import FusedQuery, fuse
from desktop_app.fusion.hypothesis import TURN_WINDOW_S, Hypothesis, Modality, TextPayload, VoicePayload
from desktop_app.fusion.producers import hypothesis_from_nlu
from desktop_app.nlu.types import NluResult

if TYPE_CHECKING:  # a typed question needs neither the voice stack nor, to import this, the dialogue rules
    from desktop_app.dialogue.manager import DialogueManager
    from desktop_app.nlu.understand import Understander
    from desktop_app.voice.transcriber import Transcript

TEXT_RELIABILITY = 0.95


class Assistant:
    def __init__(self, understander: Understander, dialogue: DialogueManager, *, window_s: float = TURN_WINDOW_S) -> None:
        self.understander = understander
        self.dialogue = dialogue
        self.window_s = window_s

    def new_session(self, *, language: str = "zh", customer_code: str | None = None) -> SessionState:
        return self.dialogue.new_session(language=language, customer_code=customer_code)

    def text_hypothesis(self, text: str, *, language_hint: str | None = None,
                        at: float | None = None) -> tuple[Hypothesis, NluResult]:
        result = self.understander.understand(text, language_hint=language_hint)
        hypothesis = hypothesis_from_nlu(result, modality=Modality.TEXT, reliability=TEXT_RELIABILITY,
                                         produced_at=time.monotonic() if at is None else at,
                                         payload=TextPayload(result.text, result.language))
        return hypothesis, result

    def ask(self, st: SessionState, text: str, *, extra: Sequence[Hypothesis] = ()) -> Exchange:
        """A typed (or transcribed-as-text) question, fused with whatever else arrived this turn."""
        started = time.perf_counter()
        hypothesis, result = self.text_hypothesis(text, language_hint=st.language)
        understood = StageTime(Stage.UNDERSTAND, time.perf_counter() - started)
        return self.respond(st, [hypothesis, *self._take_pending(st), *extra], nlu=result, timings=(understood,))

    def ask_voice(self, st: SessionState, transcript: Transcript, *, extra: Sequence[Hypothesis] = ()) -> Exchange:
        """A spoken question (already transcribed), fused with whatever else arrived this turn."""
        _count_from_end_of_speech(st, transcript.seconds, time.monotonic())
        from desktop_app.fusion.voice_producer import VoiceProducer

        started = time.perf_counter()
        producer = VoiceProducer(self.understander)
        result = producer.understand(transcript)
        timings = (StageTime(Stage.TRANSCRIBE, transcript.seconds),
                   StageTime(Stage.UNDERSTAND, time.perf_counter() - started))
        return self.respond(st, [producer.produce_with(transcript, result), *self._take_pending(st), *extra],
                            nlu=result, timings=timings)

    def _take_pending(self, st: SessionState) -> list[Hypothesis]:
        held = self.pending(st)
        st.observations.clear()
        return held

    def observe(self, st: SessionState, hypothesis: Hypothesis) -> None:
        """Hold a non-verbal input (parts seen, a QR code) for the turn it belongs to.

        The next typed or spoken question within the window is fused with it; if none comes,
        :meth:`settle` answers the observation on its own.
        """
        st.observations.append(hypothesis)

    def pending(self, st: SessionState, now: float | None = None) -> list[Hypothesis]:
        now = time.monotonic() if now is None else now
        st.observations[:] = [h for h in st.observations if now - h.produced_at <= self.window_s]
        return list(st.observations)

    def settle(self, st: SessionState, now: float | None = None) -> Exchange | None:
        """Answer observations whose window passed with no words to go with them."""
        now = time.monotonic() if now is None else now
        ripe = [h for h in st.observations if now - h.produced_at >= self.window_s]
        if not ripe:
            return None
        st.observations.clear()
        return self.respond(st, ripe)

    def respond(self, st: SessionState, hypotheses: Sequence[Hypothesis], *, nlu: NluResult | None = None,
                timings: tuple[StageTime, ...] = ()) -> Exchange:
        started = time.perf_counter()
        fused = fuse(hypotheses, window_s=self.window_s)
        words, language = _words(fused, nlu, st.language)
        turn = turn_from_fused(fused, text=words, language=language, nlu=nlu)
        fused_at = time.perf_counter()
        reply = self.dialogue.handle(st, turn)
        timings += (StageTime(Stage.FUSE, fused_at - started), StageTime(Stage.RESPOND, time.perf_counter() - fused_at))
        return Exchange(fused=fused, turn=turn, reply=reply, timings=timings)


def _count_from_end_of_speech(st: SessionState, transcribing_s: float, now: float) -> None:
    """Stop the turn's clock while Whisper works.

    On a busy machine transcription alone can outlast the window; parts shown just before the
    customer stopped speaking, or while the words were being recognised, belong to that sentence.
    So observations move forward by the transcription time (never past ``now``).
    """
    if transcribing_s > 0:
        st.observations[:] = [replace(h, produced_at=min(now, h.produced_at + transcribing_s))
                              for h in st.observations]


def _words(fused: FusedQuery, nlu: NluResult | None, fallback: str) -> tuple[str, str]:
    """The customer's words this turn: typed text first, else the transcript."""
    if nlu is not None:
        return nlu.text, nlu.language
    for h in fused.hypotheses:
        if isinstance(h.payload, TextPayload):
            return h.payload.text, h.payload.language
        if isinstance(h.payload, VoicePayload):
            return h.payload.transcript, h.payload.language or fallback
    return "", fallback
