"""The microphone path end to end, with a recording standing in for the device.

``FileAudioSource`` (tests/file_audio_source.py) delivers chunks through the same callback a live ``QAudioSource`` uses, so
these tests run the real end-pointer, level meter, worker threads and transcriber.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from file_audio_source import FileAudioSource
from voice_audio import clip_named, engine, error_rate

from desktop_app.voice.capture import level_dbfs, meter_fraction
from desktop_app.voice.transcriber import Transcript
from desktop_app.voice.vad import Endpointer, EndReason, EnergyDetector, Mode, SileroDetector, Utterance


def _collect(source: FileAudioSource, endpointer: Endpointer) -> list[Utterance]:
    utterances: list[Utterance] = []
    errors: list[str] = []
    source.start(lambda c: utterances.extend(endpointer.feed(c)), errors.append)
    assert source.finished.wait(30)
    source.stop()
    assert not errors
    return utterances


@pytest.mark.parametrize("detector", [SileroDetector, EnergyDetector])
def test_file_source_through_end_pointing_gives_one_utterance(detector: type) -> None:
    clip = clip_named("LDC93S1")
    endpointer = Endpointer(detector(), Mode.HANDS_FREE)
    offered = _collect(FileAudioSource(clip.path, speed=20.0), endpointer)
    utterances = [u for u in offered if not u.tentative]
    assert len(utterances) == 1
    u = utterances[0]
    assert u.ended_by is EndReason.SILENCE
    # The early offer (transcription may start on it) holds exactly the audio the turn ends with.
    tentative = [t for t in offered if t.tentative]
    assert len(tentative) == 1 and tentative[0].same_audio(u)
    np.testing.assert_array_equal(tentative[0].samples, u.samples)
    assert 1.5 < u.speech_seconds < 3.2
    assert 1.8 < len(u.samples) / 16_000 < 4.0  # the speech plus a little padding, not the trailing room noise


def test_push_to_talk_release_and_silence_without_speech() -> None:
    endpointer = Endpointer(SileroDetector(), Mode.PUSH_TO_TALK)
    assert endpointer.feed(np.zeros(16_000, np.float32)) == []  # not armed: ignored
    endpointer.press()
    rng = np.random.default_rng(1)
    assert endpointer.feed(rng.normal(0, 1e-3, 16_000).astype(np.float32)) == []
    assert endpointer.release() is None  # only room noise: nothing to transcribe


def test_push_to_talk_release_returns_the_speech() -> None:
    clip = clip_named("zh01")
    from desktop_app.voice.audio import load_audio

    samples = load_audio(clip.path).samples
    endpointer = Endpointer(SileroDetector(), Mode.PUSH_TO_TALK)
    endpointer.press()
    offered = [u for start in range(0, len(samples), 1024) for u in endpointer.feed(samples[start:start + 1024])]
    # While the button is held nothing ends the turn: at most an early (tentative) offer at a pause.
    assert all(u.tentative for u in offered), [u.ended_by for u in offered]
    assert endpointer.armed
    u = endpointer.release()
    assert u is not None and u.ended_by is EndReason.RELEASE and not u.tentative
    text = engine("faster-whisper").transcribe(u.samples).text
    e, n = error_rate(clip.reference, text, "zh")
    assert e / n <= 0.25


def test_a_tentative_end_is_dropped_when_speech_resumes() -> None:
    """A breath mid-sentence: the early offer must not stand for the whole utterance."""
    from desktop_app.voice.audio import load_audio

    speech = load_audio(clip_named("LDC93S1").path).samples
    voiced = np.flatnonzero(np.abs(speech) > 0.02)
    speech = speech[voiced[0]:voiced[-1] + 1]
    rng = np.random.default_rng(3)
    pause = rng.normal(0, 3e-4, 7200).astype(np.float32)  # 450 ms: past the early offer, short of the end
    stream = np.concatenate([pause, speech, pause, speech, rng.normal(0, 3e-4, 16_000).astype(np.float32)])
    endpointer = Endpointer(SileroDetector(), Mode.HANDS_FREE)
    offered = [u for start in range(0, len(stream), 1024) for u in endpointer.feed(stream[start:start + 1024])]
    finals = [u for u in offered if not u.tentative]
    assert len(finals) == 1 and finals[0].speech_seconds > 3.0  # both halves, one turn
    first_offer = next(u for u in offered if u.tentative)
    assert not first_offer.same_audio(finals[0])
    assert len(first_offer.samples) < len(finals[0].samples)


def test_level_meter_mapping() -> None:
    assert level_dbfs(np.zeros(100, np.float32)) == -90.0
    assert meter_fraction(level_dbfs(np.full(100, 0.5, np.float32))) == pytest.approx(0.9, abs=0.01)
    assert meter_fraction(-120.0) == 0.0


def test_file_source_reports_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"")
    errors: list[str] = []
    done = threading.Event()
    source = FileAudioSource(bad)
    def on_error(message: str) -> None:
        errors.append(message)
        done.set()

    source.start(lambda c: None, on_error)
    assert done.wait(5)
    source.stop()
    assert "0 bytes" in errors[0]


# -- the Qt widget -------------------------------------------------------------------------


@pytest.fixture
def widget_factory(qtbot: Any) -> Iterator[Callable[..., Any]]:
    from desktop_app.ui.voice.microphone import MicrophoneWidget

    made: list[MicrophoneWidget] = []
    before = {t.name for t in threading.enumerate()}

    def make(**kwargs: Any) -> MicrophoneWidget:
        w = MicrophoneWidget(lambda: engine("faster-whisper"), ui_language="en", **kwargs)
        qtbot.addWidget(w)
        made.append(w)
        w.show()
        return w

    yield make
    for w in made:
        w.shutdown()
    leftover = {t.name for t in threading.enumerate() if t.is_alive()} - before
    assert not {n for n in leftover if n.startswith(("voice-", "file-audio"))}, leftover


def test_widget_transcribes_a_recording_played_as_the_microphone(qtbot: Any, widget_factory: Callable[..., Any]) -> None:
    from PySide6.QtCore import Qt

    from desktop_app.voice.audio import load_audio

    clip = clip_named("LDC93S1")
    direct = engine("faster-whisper").transcribe(load_audio(clip.path)).text
    source = FileAudioSource(clip.path, speed=3.0)
    widget = widget_factory(source=source)
    qtbot.waitUntil(lambda: "Ready" in widget.status.text(), timeout=60_000)
    levels: list[float] = []
    widget.level_changed.connect(levels.append)
    with qtbot.waitSignal(widget.transcribed, timeout=90_000) as blocker:
        qtbot.mouseClick(widget.talk_button, Qt.MouseButton.LeftButton)
    transcript = blocker.args[0]
    assert transcript.language == "en"
    assert transcript.text.lower().startswith("she had")
    e, n = error_rate(direct, transcript.text, "en")  # the mic path hears what the file path hears
    assert e / n <= 0.2, (direct, transcript.text)
    assert max(levels) > 0.3  # the meter moved with the speech
    assert transcript.text in widget.status.text()
    assert not widget.listening  # click-to-toggle ended at the pause after speech


def test_widget_starts_transcribing_at_the_tentative_end_and_keeps_that_result(qtbot: Any) -> None:
    """The pause that ends a turn is not waited out: the transcription started in the pause is the one
    delivered (partials read while the customer spoke come before it and are only shown)."""
    from PySide6.QtCore import Qt

    from desktop_app.ui.voice.microphone import MicrophoneWidget

    class Counting:  # the real engine, keeping the audio it is given and what it answered
        def __init__(self) -> None:
            self.inner = engine("faster-whisper")
            self.engine = self.inner.engine
            self.calls: list[int] = []
            self.results: list[Transcript] = []

        def transcribe(self, audio: Any, *, language: str | None = None) -> Transcript:
            self.calls.append(len(audio.samples))
            result = self.inner.transcribe(audio, language=language)
            self.results.append(result)
            return result

    counting = Counting()
    clip = clip_named("LDC93S1")
    widget = MicrophoneWidget(counting, source=FileAudioSource(clip.path, speed=1.0), ui_language="en")
    qtbot.addWidget(widget)
    try:
        qtbot.waitUntil(lambda: "Ready" in widget.status.text(), timeout=60_000)
        with qtbot.waitSignal(widget.transcribed, timeout=90_000) as blocker:
            qtbot.mouseClick(widget.talk_button, Qt.MouseButton.LeftButton)
        assert blocker.args[0].text.lower().startswith("she had")
        # The turn was decided when its result was delivered: the delivered result was read at the
        # pause (the live turn's pause reading or the tentative one) from the whole sentence, and
        # nothing was read after it: no second pass over the final utterance.
        qtbot.wait(300)
        assert blocker.args[0] is counting.results[-1]
        assert 1.8 < counting.calls[-1] / 16_000 < 4.0
    finally:
        widget.shutdown()


def test_widget_hands_free_and_mute(qtbot: Any, widget_factory: Callable[..., Any], tmp_path: Path) -> None:
    from desktop_app.voice.tts import Speaker

    speaker = Speaker()
    try:
        clip = clip_named("zh06")
        widget = widget_factory(source=FileAudioSource(clip.path, speed=3.0), speaker=speaker, store_dir=tmp_path)
        qtbot.waitUntil(lambda: "Ready" in widget.status.text(), timeout=60_000)
        with qtbot.waitSignal(widget.transcribed, timeout=90_000) as blocker:
            widget.hands_free.setChecked(True)
        assert blocker.args[0].language == "zh"
        assert widget.listening  # hands-free keeps listening after an utterance
        assert list(tmp_path.glob("voice-*.wav"))  # stored only because store_dir (opt-in) was given
        widget.mute.setChecked(True)
        assert speaker.muted
        widget.hands_free.setChecked(False)
        assert not widget.listening
    finally:
        speaker.shutdown()


def test_widget_reports_a_missing_microphone_and_keeps_working(qtbot: Any, widget_factory: Callable[..., Any]) -> None:
    class NoDevice:
        name = "microphone"
        active = False

        def start(self, on_chunk: Callable[[np.ndarray], None], on_error: Callable[[str], None]) -> None:
            on_error("No microphone was found. You can still type your question.")

        def stop(self) -> None:
            pass

    widget = widget_factory(source=NoDevice())
    with qtbot.waitSignal(widget.error, timeout=5_000) as blocker:
        widget.start_listening()
    assert "No microphone" in blocker.args[0]
    assert "type" in widget.status.text()
    assert not widget.listening


def test_qt_microphone_source_without_a_device_gives_a_clear_message(qtbot: Any) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    from desktop_app.ui.voice.mic_source import QtMicrophoneSource

    if not QMediaDevices.defaultAudioInput().isNull():
        pytest.skip("this machine has a microphone; the no-device message cannot be observed")
    errors: list[str] = []
    source = QtMicrophoneSource()
    source.start(lambda c: None, errors.append)
    assert errors and "No microphone" in errors[0] and not source.active


def test_a_machine_without_an_input_device_gets_a_disabled_mic_with_the_reason(
        qtbot: Any, widget_factory: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The system lists no input (the boundary this machine lacks, so it is the one patched): the mic
    never says "Ready", its controls are disabled and say why; with a device the same widget is live."""
    from desktop_app.ui.voice.mic_source import QtMicrophoneSource

    monkeypatch.setattr(QtMicrophoneSource, "has_device", lambda self: False)
    widget = widget_factory(source=QtMicrophoneSource())
    assert not widget.talk_button.isEnabled() and not widget.hands_free.isEnabled()
    assert "microphone" in widget.status.text() and "microphone" in widget.talk_button.toolTip()
    qtbot.wait(200)
    assert "Ready" not in widget.status.text()
    # Nothing is heard live without a device, so no twin model is made for partials (110-150 MB).
    assert widget._partial_reader.result(timeout=120) is engine("faster-whisper")
    monkeypatch.setattr(QtMicrophoneSource, "has_device", lambda self: True)
    live = widget_factory(source=QtMicrophoneSource())
    assert live.talk_button.isEnabled() and not live.no_device
    assert live._partial_reader.result(timeout=120) is engine("faster-whisper").partial_reader()
