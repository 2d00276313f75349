"""Shared pieces for the end-to-end window scenarios (import the fixtures into a test module).

Inputs are real or rendered: speech is synthesised by the project's own ``Speaker`` (espeak-ng)
or taken from the recorded clips in ../shared/data/speech; photos are rendered from the
project's part meshes; QR codes are the PNGs shipped with each guide. They enter through the
real code paths: a ``FileAudioSource`` stands in for the microphone device, the camera view's
file-backed frame source or its photo drop for the camera. Replies are "played" by a real
``Speaker`` whose player copies each WAV aside, so a test can check what was said aloud.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
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


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Path]]:
    """``speech(text, language="en") -> Path``: a WAV synthesised by the project's Speaker (cached)."""
    from desktop_app.voice.tts import Speaker, SpeechError

    folder = tmp_path_factory.mktemp("speech")
    speaker = Speaker()
    made: dict[tuple[str, str], Path] = {}

    def make(text: str, language: str = "en") -> Path:
        key = (text, language)
        if key not in made:
            target = folder / f"utt{len(made):02d}.wav"
            try:
                made[key] = speaker.synthesize_to_file(text, language, target)
            except SpeechError:  # espeak now and then writes an empty file on a loaded machine
                made[key] = speaker.synthesize_to_file(text, language, target)
        return made[key]

    yield make
    speaker.shutdown()


def recording_speaker(folder: Path) -> Any:
    """A real Speaker whose "player" copies each synthesised reply into ``folder``."""
    from desktop_app.voice.tts import Speaker

    folder.mkdir(parents=True, exist_ok=True)
    assert shutil.which("sh")
    return Speaker(player=("sh", "-c", 'cp "$1" "$0"/', str(folder)))


def exchanges(window: Any) -> list[Any]:
    from desktop_app.ui.cards import is_exchange

    return [item for role, item in window.chat.entries() if role == "assistant" and is_exchange(item)]


def media_window(qtbot: Any, make_main_window: Callable[..., Any], whisper: Any, first_wav: Path,
                 played: Path, **kwargs: Any) -> Any:
    """A window with microphone (fed by recordings), speaker and camera, the model ready."""
    from desktop_app.voice.capture import FileAudioSource

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

    from desktop_app.voice.capture import FileAudioSource

    before = len(exchanges(window))
    window.voice.set_source(FileAudioSource(wav, speed=speed))
    with qtbot.waitSignal(window.voice.mic.transcribed, timeout=TURN_TIMEOUT_MS):
        qtbot.mouseClick(window.voice.mic.talk_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.chat.busy, timeout=TURN_TIMEOUT_MS)
    found = exchanges(window)
    return found[-1] if len(found) > before else None


def played_text(folder: Path, whisper: Any, wait_s: float = 30.0) -> str:
    """What the speaker said aloud: every reply WAV it played, transcribed again, in order."""
    import time

    from desktop_app.voice.audio import load_audio

    deadline = time.monotonic() + wait_s
    while not list(folder.glob("*.wav")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the last sentence may still be copied
    files = sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
    return " ".join(whisper.transcribe(load_audio(p), language="en").text for p in files)


def needs_detector() -> None:
    if not any(DETECTOR_DIR.glob("parts.*")):
        pytest.skip(f"the parts detector weights are not in {DETECTOR_DIR} (tools/train_detector.py makes them)")
