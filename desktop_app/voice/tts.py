"""Spoken replies: pyttsx3 (espeak-ng on Linux) on one worker thread, playback we can kill.

pyttsx3's Linux driver blocks while it shells out to ``aplay``, and its engine must stay on the
thread that created it. So one worker thread owns the engine and only *synthesises* (to a temp
WAV); playback is our own ``aplay`` subprocess, which ``stop()`` kills at once — pressing the
mic interrupts the assistant mid-sentence. Without a sound card playback fails soft: logged
once, never raised. ``synthesize_to_file`` is the same synthesis for tests and the CLI.
"""

from __future__ import annotations

import contextlib
import io
import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: espeak-ng voice preferences per language, best first.
VOICE_PREFERENCES = {"zh": ("cmn", "zh", "yue"), "en": ("en-us", "en", "en-gb")}
RATES = {"zh": 165, "en": 175}  # words per minute; espeak's 200 is brisk for a kiosk
_SHUTDOWN = object()
#: pyttsx3.init() hands every Speaker in a process the same engine, and espeak-ng's voice, rate and
#: output callback are process-wide: two Speakers synthesising at once would mix their jobs' settings,
#: text and audio. Each synthesis (and the engine's start) holds this lock.
_ENGINE_LOCK = threading.Lock()


class SpeechError(RuntimeError):
    """Synthesis failed (no TTS engine or voice); the reply is still shown as text."""


@dataclass(frozen=True)
class _Job:
    text: str
    language: str
    path: Path | None  # None: speak aloud
    done: Future[Path] | None
    generation: int


#: Tries per utterance before a synthesis counts as failed.
SYNTH_ATTEMPTS = 2


def pick_voice(voices: list[Any], language: str) -> str | None:
    """The id of the best espeak-ng voice for ``language`` (voices expose ``id`` and ``languages``)."""
    for wanted in VOICE_PREFERENCES.get(language, ("en",)):
        for voice in voices:
            langs = [lang.decode() if isinstance(lang, bytes) else str(lang) for lang in (voice.languages or [])]
            if wanted in langs or str(voice.id).rsplit("/", 1)[-1] == wanted:
                return str(voice.id)
    return None


class Speaker:
    """``say`` queues a reply; ``stop`` silences it now; ``muted`` drops replies until unmuted."""

    def __init__(self, *, player: tuple[str, ...] = ("aplay", "-q")) -> None:
        self._player = player if shutil.which(player[0]) else None
        self._queue: queue.Queue[object] = queue.Queue()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._generation = 0
        self._muted = False
        self._warned_playback = False
        self._voices: dict[str, str | None] = {}
        self._thread = threading.Thread(target=self._run, name="tts-worker", daemon=True)
        self._thread.start()

    # -- public API (any thread) -----------------------------------------------------------

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = bool(value)
        if self._muted:
            self.stop()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def say(self, text: str, language: str = "zh") -> None:
        if self._muted or not text.strip():
            return
        self._queue.put(_Job(text, language, None, None, self._generation))

    def synthesize_to_file(self, text: str, language: str, path: str | Path, timeout: float = 60.0) -> Path:
        """Synthesise ``text`` into a WAV at ``path`` (on the worker thread) and return the path."""
        done: Future[Path] = Future()
        self._queue.put(_Job(text, language, Path(path), done, self._generation))
        return done.result(timeout=timeout)

    def stop(self) -> None:
        """Stop speaking immediately and drop queued replies."""
        with self._lock:
            self._generation += 1
            process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        # Queued replies carry the old generation; the worker skips them.

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stop()
        self._queue.put(_SHUTDOWN)
        self._thread.join(timeout=timeout)

    # -- worker thread ---------------------------------------------------------------------

    def _start_engine(self) -> Any:
        import pyttsx3

        with _ENGINE_LOCK:
            engine = pyttsx3.init()
            voices = list(engine.getProperty("voices"))  # espeak-ng lists every voice it has: read once
        for language in VOICE_PREFERENCES:
            self._voices[language] = pick_voice(voices, language)
            if self._voices[language] is None:
                log.warning("no espeak-ng voice for %s; using the default voice", language)
        return engine

    def _run(self) -> None:
        # Warm at once, not at the first reply: loading espeak-ng and listing its voices would
        # otherwise be paid between the shopper's last word and the assistant's first.
        try:
            engine = self._start_engine()
        except Exception as exc:
            log.warning("speech engine unavailable: %s", type(exc).__name__)
            engine = None
        while True:
            job = self._queue.get()
            if job is _SHUTDOWN:
                break
            assert isinstance(job, _Job)
            if job.done is None and job.generation != self._generation:
                continue  # stopped before we got to it
            try:
                if engine is None:
                    engine = self._start_engine()
                target = job.path or Path(tempfile.mkstemp(prefix="reply-", suffix=".wav")[1])
                self._synthesize(engine, job.text, job.language, target)
                if job.done is not None:
                    job.done.set_result(target)
                else:
                    try:
                        self._play(target, job.generation)
                    finally:
                        target.unlink(missing_ok=True)
            except Exception as exc:
                log.warning("speech synthesis failed: %s", type(exc).__name__)
                if job.done is not None and not job.done.done():
                    job.done.set_exception(SpeechError(f"Speech synthesis failed: {exc}"))

    def _synthesize(self, engine: Any, text: str, language: str, target: Path) -> None:
        with _ENGINE_LOCK:
            if language not in self._voices:
                self._voices[language] = pick_voice(list(engine.getProperty("voices")), language)
            if self._voices[language]:
                engine.setProperty("voice", self._voices[language])
            engine.setProperty("rate", RATES.get(language, 175))
            # On a busy machine the espeak driver now and then finishes without writing the file;
            # a second try nearly always works, and a customer hears the answer rather than nothing.
            for _ in range(SYNTH_ATTEMPTS):
                # The driver prints "Audio saved to …" on stdout; keep the app's stdout clean.
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(target))
                    engine.runAndWait()
                if target.is_file() and target.stat().st_size > 44:
                    return
                log.info("speech engine wrote no audio; trying again")
        raise SpeechError("the speech engine produced no audio")

    def _play(self, wav: Path, generation: int) -> None:
        if self._player is None:
            self._warn_once("no audio player (aplay) found; replies are shown as text only")
            return
        with self._lock:
            if generation != self._generation or self._muted:
                return
            try:
                self._process = subprocess.Popen([*self._player, str(wav)], stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.PIPE)
            except OSError as exc:
                self._warn_once(f"audio playback unavailable ({exc.strerror})")
                return
            process = self._process
        _, err = process.communicate()
        with self._lock:
            self._process = None
        if process.returncode not in (0, -9) and generation == self._generation:
            detail = err.decode(errors="replace").strip().splitlines()
            self._warn_once("audio playback failed (no sound device?)" + (f": {detail[-1]}" if detail else ""))

    def _warn_once(self, message: str) -> None:
        if not self._warned_playback:
            self._warned_playback = True
            log.warning("%s", message)
