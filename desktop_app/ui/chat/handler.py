"""What the chat box does with a turn: hand it to the assistant, one turn of a session at a time.

Plain Python (no Qt) on purpose: a handler runs on a worker thread and returns plain results
that the chat panel turns into cards. The task runner has several workers, so two quick sends
could otherwise run the dialogue manager on one session at once and interleave its slots; every
turn of a conversation therefore holds that conversation's lock.

Once a conversation is handed to a person and an agent holds it, the customer's words go to the
agent instead (``live``, set by the customer's desk link) until the agent hands back or closes.

Typed text, transcripts and camera observations all arrive here. Observations are parked in a
small list guarded by its own lock (the camera must never wait for a running turn) and handed
to the assistant at the start of the next turn, or settled alone once their window has passed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop_app.ui.chat.resolution import resolved_turn

if TYPE_CHECKING:  # the dialogue stack imports scikit-learn (seconds); the window must not wait for it
    from desktop_app.dialogue.pipeline import Assistant
    from desktop_app.dialogue.state import SessionState
    from desktop_app.dialogue.turn import Exchange
    from desktop_app.fusion.hypothesis import Hypothesis
    from desktop_app.voice.transcriber import Transcript

log = logging.getLogger(__name__)

#: The dialogue reads at most this much; a pasted essay is cut before it reaches the classifier.
MAX_TURN_CHARS = 2_000


class ChatHandler(Protocol):
    def handle(self, text: str, language: str) -> list[object]:
        """Plain results for one customer message (cards are built from them on the GUI thread)."""
        ...


class LiveRoute(Protocol):
    def forward(self, ticket_id: int, text: str) -> bool:
        """Deliver the customer's text to the agent holding the ticket; False when none holds it."""
        ...


class VoiceChatHandler(ChatHandler, Protocol):
    """A handler that also takes spoken turns (the microphone is only wired to such a handler)."""

    def handle_voice(self, transcript: Transcript, language: str) -> list[object]:
        ...


@dataclass(frozen=True)
class AssistantText:
    """A plain assistant line, kept in both languages so a language switch can re-render it."""

    text_en: str
    text_zh: str

    def text(self, language: str) -> str:
        return self.text_zh if language == "zh" else self.text_en


def mask_entity(kind: str, value: str) -> str:
    """An entity value safe to show: an order number keeps its last four digits, phone digits none."""
    if kind == "phone_last4":
        return "****"
    if kind == "order_ref":
        digits = "".join(ch for ch in value if ch.isdigit())
        return f"…{digits[-4:]}" if digits else "…"
    return value


@dataclass(frozen=True)
class EntityRow:
    """One understood entity as the session panel may show it (already masked)."""

    kind: str
    value: str
    confidence: float
    partial: bool = False


def entity_rows(exchange: Exchange, st: SessionState) -> tuple[EntityRow, ...]:
    """The turn's entities, masked; four digits that proved an order are phone digits, whatever the
    classifier called them ("1915" answering "the last four digits of your phone?")."""
    phone_digits = {d for d in st.verified.values() if d}
    rows = []
    for e in exchange.fused.entities:
        value = str(e.value)
        shown = "****" if value in phone_digits else mask_entity(e.kind, value)
        kind = f"{e.kind}:{e.key}" if e.key else e.kind
        rows.append(EntityRow(kind, shown, e.confidence, e.partial))
    return tuple(rows)


@dataclass(frozen=True)
class SessionSlots:
    """A copy of the slots after a turn, safe to read on the GUI thread; the order is masked here.

    The session state itself keeps changing on worker threads, and the full order number must
    never reach a widget that is shown to whoever stands at the screen.
    """

    language: str
    turns: int
    current_order_tail: str | None
    current_product: str | None
    verified: bool
    form_kind: str | None
    form_step: str | None
    pending_intent: str | None
    awaiting_phone: bool
    handed_off: bool
    #: The feeling the dialogue acts on: this turn's, or a recent stronger one not yet resolved.
    mood: str = "neutral"
    mood_intensity: float = 0.0
    entities: tuple[EntityRow, ...] = ()

    @classmethod
    def of(cls, st: SessionState, exchange: Exchange | None = None) -> SessionSlots:
        order = st.current_order
        return cls(
            language=st.language,
            turns=st.turns,
            current_order_tail=order[-4:] if order else None,
            current_product=st.current_product,
            verified=bool(order and order in st.verified),
            form_kind=st.form.kind.value if st.form else None,
            form_step=st.form.step if st.form else None,
            pending_intent=st.pending_intent,
            awaiting_phone=st.pending_order_ref is not None,
            handed_off=st.handed_off,
            mood=st.mood.label.value,
            mood_intensity=st.mood.intensity,
            entities=entity_rows(exchange, st) if exchange is not None else (),
        )


@dataclass
class _Conversation:
    """One conversation's state and the lock its turns take; replaced whole by a reset."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    state: SessionState | None = None
    #: The window language seen at the last turn: a change means the customer switched it on purpose.
    window_language: str | None = None
    #: Orders proven through a form before the first typed turn (applied when the session starts).
    verified: dict[str, str] = field(default_factory=dict)
    current_order: str | None = None
    #: Camera and QR hypotheses not yet handed to the session (guarded by ``observed_lock``).
    observed: list[Hypothesis] = field(default_factory=list)
    observed_lock: threading.Lock = field(default_factory=threading.Lock)
    #: Observations that only refresh what the camera keeps seeing: fused with words, never answered alone.
    context_only: list[Hypothesis] = field(default_factory=list)
    #: The handoff ticket this conversation opened (the desk link polls it; an agent may hold it).
    ticket_id: int | None = None
    #: A rating was offered (or the agent path will ask for one): never offered twice.
    rating_offered: bool = False
    #: The conversation id to offer a rating for, set by the turn that resolved it, taken by the window.
    rating_due: int | None = None


class AssistantChatHandler:
    """Typed text → the assistant (understanding, fusion, dialogue) → ``[Exchange]``."""

    def __init__(self, assistant: Callable[[], Assistant], *, customer_code: str | None = None) -> None:
        self._provide = assistant
        self._assistant: Assistant | None = None
        self._build_lock = threading.Lock()
        self._guard = threading.Lock()  # protects the swap of ``_current`` only; never held for a turn
        self._current = _Conversation()
        self.customer_code = customer_code
        self.latest_slots: SessionSlots | None = None
        self.warmed = threading.Event()
        #: Where the customer's words go while an agent holds the conversation (the desk link sets it).
        self.live: LiveRoute | None = None

    @property
    def assistant(self) -> Assistant:
        """Built once even when the warm-up and the first question race for it."""
        with self._build_lock:
            if self._assistant is None:
                self._assistant = self._provide()
            return self._assistant

    @property
    def session(self) -> SessionState | None:
        """The current conversation's session (None before its first turn); mutated by worker threads."""
        return self._conversation().state

    def warm_up(self) -> None:
        """Load the classifier (seconds on a cold start) before the first question needs it."""
        try:
            self.assistant.understander.understand("你好")
        finally:
            self.warmed.set()

    @property
    def ticket_id(self) -> int | None:
        """The handoff ticket of the current conversation, if it was handed to a person."""
        return self._conversation().ticket_id

    def handle(self, text: str, language: str) -> list[object]:
        conversation = self._conversation()
        with conversation.lock:
            if self._forwarded(conversation, text[:MAX_TURN_CHARS]):
                return []  # the agent answers, through the desk link
            st = self._session(conversation, language)
            exchange: Exchange = self.assistant.ask(st, text[:MAX_TURN_CHARS])
            self._note_ticket(conversation, exchange)
            _note_resolution(conversation, st, exchange)
            self.latest_slots = SessionSlots.of(st, exchange)
        _log_turn(st, exchange)
        return [exchange]

    def handle_voice(self, transcript: Transcript, language: str) -> list[object]:
        """A spoken turn: the transcript with its confidence and tone, fused like typed text."""
        conversation = self._conversation()
        with conversation.lock:
            if self._forwarded(conversation, transcript.text[:MAX_TURN_CHARS]):
                return []
            st = self._session(conversation, language)
            exchange: Exchange = self.assistant.ask_voice(st, transcript)
            self._note_ticket(conversation, exchange)
            _note_resolution(conversation, st, exchange)
            self.latest_slots = SessionSlots.of(st, exchange)
        _log_turn(st, exchange)
        return [exchange]

    def take_rating_due(self) -> int | None:
        """The current conversation's id once, after the turn that resolved it (the window offers a
        rating); None otherwise. Never waits for a running turn."""
        conversation = self._conversation()
        due, conversation.rating_due = conversation.rating_due, None
        return due

    def rate(self, conversation_id: int, stars: int, comment: str = "") -> None:
        """Store the customer's rating (and optional comment, as their own encrypted line) for the
        conversation; the kiosk's wipe deletes both with the conversation."""
        self.assistant.dialogue.rate(conversation_id, stars, comment[:MAX_TURN_CHARS])

    def resume_assistant(self, ticket_id: int) -> None:
        """The agent handed back or closed ``ticket_id``: the assistant answers again and may hand off anew."""
        conversation = self._conversation()
        with conversation.lock:
            if conversation.ticket_id != ticket_id:
                return
            conversation.ticket_id = None
            if conversation.state is not None:
                conversation.state.handed_off = False

    def observe(self, hypothesis: Hypothesis, *, context_only: bool = False) -> None:
        """Park a camera or QR hypothesis for this turn; never waits for a running turn.

        ``context_only``: the camera still sees what it already reported; the next words are
        fused with it, but it is not answered again on its own.
        """
        conversation = self._conversation()
        with conversation.observed_lock:
            conversation.observed.append(hypothesis)
            if context_only:
                conversation.context_only = [*conversation.context_only[-8:], hypothesis]

    def has_observations(self) -> bool:
        """Whether anything waits to be settled (refresh-only observations do not count)."""
        conversation = self._conversation()
        with conversation.observed_lock:
            waiting = [*conversation.observed, *(conversation.state.observations if conversation.state else ())]
            return any(not any(h is c for c in conversation.context_only) for h in waiting)

    def settle(self, language: str, now: float | None = None) -> list[object]:
        """Answer observations whose window passed with no words; [] when none is ripe or a turn runs.

        A running turn will take the observations itself, so this never waits for its lock.
        """
        conversation = self._conversation()
        if not conversation.lock.acquire(blocking=False):
            return []
        try:
            st = self._session(conversation, language)
            now = time.monotonic() if now is None else now
            window = self.assistant.window_s
            with conversation.observed_lock:
                quiet = [h for h in conversation.context_only if now - h.produced_at >= window]
                conversation.context_only = [h for h in conversation.context_only if h not in quiet]
            st.observations[:] = [h for h in st.observations if not any(h is q for q in quiet)]
            exchange = self.assistant.settle(st, now)
            if exchange is None:
                return []
            self.latest_slots = SessionSlots.of(st, exchange)
        finally:
            conversation.lock.release()
        _log_turn(st, exchange)
        return [exchange]

    def note_verified(self, order_number: str, phone_last4: str) -> None:
        """An order proven through a form counts for the chat too ("where is it now?" then works)."""
        conversation = self._conversation()
        with conversation.lock:
            if conversation.state is None:
                conversation.verified[order_number] = phone_last4
                conversation.current_order = order_number
            else:
                conversation.state.verified[order_number] = phone_last4
                conversation.state.current_order = order_number
                self.latest_slots = SessionSlots.of(conversation.state)

    def reset(self, wipe: bool, *, timeout_s: float | None = None) -> bool:
        """End the conversation (New chat); ``wipe`` deletes its stored turns (a kiosk visitor left).

        New turns go to a fresh conversation at once; the old one ends after its running turn.
        False when ``timeout_s`` passed first (its session is then left to the retention purge).
        """
        with self._guard:
            old, self._current = self._current, _Conversation()
            self.latest_slots = None
        if not old.lock.acquire(timeout=-1 if timeout_s is None else timeout_s):
            log.warning("a turn was still running; its session was not ended")
            return False
        try:
            if old.state is not None:
                self.assistant.dialogue.end_session(old.state, wipe=wipe)
        finally:
            old.lock.release()
        return True

    # -- internals -------------------------------------------------------------------------

    def _forwarded(self, conversation: _Conversation, text: str) -> bool:
        """Called with the conversation's lock held: True when an agent took the words."""
        live, ticket_id = self.live, conversation.ticket_id
        return live is not None and ticket_id is not None and live.forward(ticket_id, text)

    @staticmethod
    def _note_ticket(conversation: _Conversation, exchange: Exchange) -> None:
        ticket = getattr(exchange.reply, "ticket", None)
        if ticket is not None:
            conversation.ticket_id = ticket.ticket_id
            conversation.rating_offered = True  # the agent who closes it asks for the rating

    def _conversation(self) -> _Conversation:
        with self._guard:
            return self._current

    def _session(self, conversation: _Conversation, language: str) -> SessionState:
        """The conversation's session, started on its first turn; called with its lock held.

        Observations parked since the last turn are handed over here, so the turn fuses them.
        """
        st = self._started(conversation, language)
        with conversation.observed_lock:
            parked, conversation.observed = conversation.observed, []
        for hypothesis in parked:
            self.assistant.observe(st, hypothesis)
        return st

    def _started(self, conversation: _Conversation, language: str) -> SessionState:
        if conversation.state is None:
            st = self.assistant.new_session(language=language, customer_code=self.customer_code)
            st.verified.update(conversation.verified)
            st.current_order = conversation.current_order
            conversation.state = st
        elif conversation.window_language not in (None, language):
            conversation.state.language = language  # digits-only answers now follow the new language
        conversation.window_language = language
        return conversation.state


def _note_resolution(conversation: _Conversation, st: SessionState, exchange: Exchange) -> None:
    """Called with the conversation's lock held: mark a rating due after the first resolving turn."""
    if not conversation.rating_offered and st.conversation_id is not None and resolved_turn(st, exchange):
        conversation.rating_offered = True
        conversation.rating_due = st.conversation_id


def _log_turn(st: SessionState, exchange: Exchange) -> None:
    log.debug("turn %d via %s: %s (%.2f) → %s", st.turns, "+".join(exchange.fused.modalities),
              exchange.reply.intent, exchange.reply.confidence, exchange.reply.outcome.value)
