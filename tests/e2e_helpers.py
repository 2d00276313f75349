"""Shared pieces for the end-to-end window scenarios (import the fixtures into a test module).

Inputs are real or rendered: speech is synthesised by the project's own ``Speaker`` (espeak-ng,
each clip in a fresh process: see :func:`synthesize_clip`) or taken from the recorded clips in
../shared/data/speech; photos are rendered from the project's part meshes; QR codes are the PNGs
shipped with each guide. They enter through the real code paths: a ``FileAudioSource``
(tests/file_audio_source.py) stands in for the microphone device, the camera view's file-backed
frame source or its photo drop for the camera. Replies are "played" by a real ``Speaker`` whose
player copies each WAV aside, so a test can check what was said aloud.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from file_audio_source import FileAudioSource
from voice_audio import engine

ROOT = Path(__file__).resolve().parents[1]
MODELS3D = ROOT / "assets" / "models3d"
DETECTOR_DIR = ROOT / "assets" / "detector"
#: Generous: the scenarios run real Whisper on 2 shared cores.
TURN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def whisper(speech: Callable[..., Path]) -> Any:
    """The faster-whisper model, loaded once for the whole test session.

    One transcription runs here: it starts tqdm's process-wide monitor thread, which would
    otherwise appear during the first window's test and count as a thread that window leaked.
    """
    from desktop_app.voice.audio import load_audio

    model = engine("faster-whisper")
    model.transcribe(load_audio(speech("Hello.")), language="en")
    return model


#: Runs in a child process: the project's Speaker synthesises argv[1] (argv[2] language) into argv[3].
_SYNTHESIZE = """
import sys
from desktop_app.voice.tts import Speaker
speaker = Speaker()
try:
    speaker.synthesize_to_file(sys.argv[1], sys.argv[2], sys.argv[3])
finally:
    speaker.shutdown()
"""


def synthesize_clip(text: str, language: str, target: Path) -> Path:
    """``text`` spoken by the project's ``Speaker`` into ``target``, in a process of its own.

    espeak-ng keeps state from one synthesis to the next inside a process (its wave generator's
    pitch-flutter phase, gain control and echo buffer are C statics), so the same words come out
    as different audio depending on everything any Speaker in the test run said before them;
    Whisper heard one such rendering of "1915" as "1500-15" (DEVELOPERS.md, "Solved: a
    misheard number"). A fresh process starts espeak-ng from its initial state, so a clip
    depends on its text alone, whichever tests ran first.
    """
    command = [sys.executable, "-c", _SYNTHESIZE, text, language, str(target)]
    for _ in range(2):  # espeak now and then writes an empty file on a loaded machine
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
        if result.returncode == 0:
            return target
    raise RuntimeError(f"could not synthesise {text!r}: {result.stderr.strip()[-500:]}")


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``speech(text, language="en") -> Path``: a WAV synthesised by the project's Speaker (cached)."""
    folder = tmp_path_factory.mktemp("speech")
    made: dict[tuple[str, str], Path] = {}

    def make(text: str, language: str = "en") -> Path:
        key = (text, language)
        if key not in made:
            made[key] = synthesize_clip(text, language, folder / f"utt{len(made):02d}.wav")
        return made[key]

    return make


def recording_speaker(folder: Path) -> Any:
    """A real Speaker whose "player" copies each synthesised reply into ``folder``.

    The copy is renamed into place, so a ``*.wav`` in ``folder`` is always a whole reply.
    """
    from desktop_app.voice.tts import Speaker

    folder.mkdir(parents=True, exist_ok=True)
    assert shutil.which("sh")
    return Speaker(player=("sh", "-c", 'cp "$1" "$0/.partial" && mv "$0/.partial" "$0/${1##*/}"', str(folder)))


def exchanges(window: Any) -> list[Any]:
    from desktop_app.dialogue.turn import Exchange

    return [item for role, item in window.chat.entries() if role == "assistant" and isinstance(item, Exchange)]


def media_window(qtbot: Any, make_main_window: Callable[..., Any], whisper: Any, first_wav: Path,
                 played: Path, **kwargs: Any) -> Any:
    """A window with microphone (fed by recordings), speaker and camera, the model ready."""
    kwargs.setdefault("cameras", [])
    window = make_main_window(media=True, transcriber=whisper, audio_source=FileAudioSource(first_wav, speed=2.0),
                              speaker=recording_speaker(played), **kwargs)
    qtbot.waitUntil(lambda: window.voice is not None and window.voice.model.loaded and not window.warming,
                    timeout=TURN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.voice.mic.talk_button.isEnabled(), timeout=5000)
    return window


def say(qtbot: Any, window: Any, wav: Path, *, speed: float = 2.0) -> Any:
    """Play ``wav`` into the microphone (click to talk; the pause after speech ends it); the new turn."""
    from PySide6.QtCore import Qt

    before = len(exchanges(window))
    window.voice.set_source(FileAudioSource(wav, speed=speed))
    with qtbot.waitSignal(window.voice.mic.transcribed, timeout=TURN_TIMEOUT_MS):
        qtbot.mouseClick(window.voice.mic.talk_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.chat.busy, timeout=TURN_TIMEOUT_MS)
    found = exchanges(window)
    return found[-1] if len(found) > before else None


def played_text(folder: Path, whisper: Any, sentences: int, wait_s: float = 60.0) -> str:
    """What the speaker said aloud: the ``sentences`` reply WAVs it played, transcribed again, in order.

    ``sentences``: how many the window handed to its speaker (its ``speaking`` signal); this waits
    until that many have been played (copied whole into ``folder``).
    """
    import time

    from desktop_app.voice.audio import load_audio

    deadline = time.monotonic() + wait_s
    while len(list(folder.glob("*.wav"))) < sentences:
        assert time.monotonic() < deadline, f"{len(list(folder.glob('*.wav')))} of {sentences} sentences played"
        time.sleep(0.05)
    files = sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
    return " ".join(whisper.transcribe(load_audio(p), language="en").text for p in files)


def needs_detector() -> None:
    if not any(DETECTOR_DIR.glob("parts.*")):
        pytest.skip(f"the parts detector weights are not in {DETECTOR_DIR} (tools/train_detector.py makes them)")
