"""The speech model's workers: warmed before use, and partials read by a twin at idle priority.

A customer's first question used to be the engine's first call, and paid its one-time costs on
top of the reading (``SharedModel``, ``warm_up``; the real engine's warm-up is checked against
real recordings in test_voice_transcribe.py; here, the order of things with an engine that records
what it was asked). Live partials run on a second instance of the model, made on a thread at idle
priority so its compute threads inherit it (``partial_reader``, ``lower_thread_priority``).
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from voice_audio import clip_named

from desktop_app.ui.voice.bridge import SharedModel
from desktop_app.voice.audio import load_audio
from desktop_app.voice.priority import IDLE_NICE, lower_thread_priority
from desktop_app.voice.transcriber import partial_reader, transcribe_partial

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def thread_nice() -> dict[int, int]:
    """Each thread of this process and its nice value (field 19 of /proc/self/task/TID/stat)."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/stat") as f:
            out[int(tid)] = int(f.read().rsplit(")", 1)[1].split()[16])
    return out


class RecordingEngine:
    engine = "recording"

    def __init__(self, events: list[tuple[str, bool]], shared: list[SharedModel]) -> None:
        self.events = events
        self.shared = shared

    def warm(self) -> None:
        self.events.append(("warm", self.shared[0].loaded))

    def transcribe(self, audio: Any, *, language: str | None = None) -> Any:
        raise AssertionError("warming must not read anything")


def test_the_model_is_warmed_once_before_it_is_announced_loaded() -> None:
    events: list[tuple[str, bool]] = []
    shared: list[SharedModel] = []
    model = SharedModel(lambda: RecordingEngine(events, shared))
    shared.append(model)
    first = model()
    assert events == [("warm", False)]  # warmed while not yet loaded: no turn is sent to a cold model
    assert model.loaded and model() is first
    assert events == [("warm", False)]  # once per model, not per microphone


def test_an_engine_without_a_warm_up_is_loaded_as_it_is() -> None:
    class Plain:
        engine = "plain"

        def transcribe(self, audio: Any, *, language: str | None = None) -> Any:
            raise AssertionError("nothing is read on loading")

    model = SharedModel(Plain)
    assert isinstance(model(), Plain) and model.loaded


@linux_only
def test_idle_priority_is_this_threads_alone_and_passes_to_the_threads_it_starts() -> None:
    seen: dict[str, int] = {}

    def worker() -> None:
        assert lower_thread_priority()
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        child = threading.Thread(target=lambda: seen.setdefault(
            "child", os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        child.start()
        child.join()

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"worker": IDLE_NICE, "child": IDLE_NICE}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller is untouched


@pytest.mark.slow
@linux_only
def test_partials_are_read_by_a_twin_whose_compute_threads_run_at_idle_priority() -> None:
    """The microphone's partials worker lowers its priority and asks for the engine's twin there:
    a second model instance (so it reads beside the first), made once, reading the same words, and
    every thread it added runs at idle priority."""
    from desktop_app.core.config import load_settings
    from desktop_app.voice.engine_faster import FasterWhisperTranscriber
    from desktop_app.voice.model_files import ensure_ct2_model

    fresh = FasterWhisperTranscriber(ensure_ct2_model(load_settings().cache_dir))  # its twin is not made yet
    clip = load_audio(clip_named("LDC93S1").path)
    before = set(thread_nice())

    def make() -> Any:
        lower_thread_priority()
        twin = partial_reader(fresh)
        transcribe_partial(twin, clip)  # its compute threads exist once it has read something
        return twin

    with ThreadPoolExecutor(1) as partials:
        twin = partials.submit(make).result()
        added = {tid: nice for tid, nice in thread_nice().items() if tid not in before}
    assert twin is not fresh and partial_reader(fresh) is twin
    assert transcribe_partial(twin, clip).text == transcribe_partial(fresh, clip).text
    assert added and set(added.values()) == {IDLE_NICE}


def test_without_memory_for_a_twin_partials_share_the_model_and_the_mic_is_still_ready(qtbot: Any) -> None:
    """Making the second instance fails (out of memory, the boundary here): the microphone logs it,
    reads partials with the one model, as before the twin, and says it is ready."""
    from file_audio_source import FileAudioSource

    from desktop_app.ui.voice.microphone import MicrophoneWidget

    class NoRoomForATwin:
        engine = "no-room"

        def partial_reader(self) -> Any:
            raise MemoryError("no room for a second model")

        def transcribe(self, audio: Any, *, language: str | None = None) -> Any:
            raise AssertionError("nothing is said in this test")

    model = NoRoomForATwin()
    widget = MicrophoneWidget(lambda: model, ui_language="en",
                              source=FileAudioSource(clip_named("LDC93S1").path))
    qtbot.addWidget(widget)
    try:
        qtbot.waitUntil(lambda: widget.ready, timeout=10_000)
        assert widget._partial_reader.result() is model
        qtbot.waitUntil(lambda: widget.status.text().startswith("Ready"), timeout=10_000)
    finally:
        widget.shutdown()
