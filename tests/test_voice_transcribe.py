"""Both engines on the real recordings in ../shared/data/speech: accuracy, agreement, Simplified.

Error rates are over each language's clips together (total edits / total reference words or
characters), the usual way WER is reported; per-clip numbers are printed for the record.
Only punctuation and letter case are normalised away.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from voice_audio import (
    ENGINES,
    Clip,
    clip_named,
    edit_distance,
    engine,
    error_rate,
    has_traditional,
    speech_clips,
    units,
)

from desktop_app.voice.audio import load_audio
from desktop_app.voice.transcriber import Transcript

LIMIT = 0.15
pytestmark = pytest.mark.slow


@functools.cache
def _run(engine_name: str, path: str, language: str | None) -> Transcript:
    return engine(engine_name).transcribe(load_audio(path), language=language)


def results(engine_name: str) -> list[tuple[Clip, Transcript]]:
    return [(clip, _run(engine_name, str(clip.path), None)) for clip in speech_clips()]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_error_rate_within_limit(engine_name: str, language: str) -> None:
    edits = total = 0
    report = []
    for clip, transcript in results(engine_name):
        if clip.language != language:
            continue
        e, n = error_rate(clip.reference, transcript.text, language)
        edits, total = edits + e, total + n
        report.append(f"{clip.path.name}: {e}/{n} = {e / n:.1%}  {transcript.text!r}")
    if not total:
        pytest.skip(f"no {language} clips in the speech data")
    print(f"\n{engine_name} {language}: {edits}/{total} = {edits / total:.1%}\n  " + "\n  ".join(report))
    assert edits / total <= LIMIT, "\n".join(report)


@pytest.mark.parametrize("engine_name", ENGINES)
def test_language_detected_and_mandarin_is_simplified(engine_name: str) -> None:
    for clip, transcript in results(engine_name):
        assert transcript.language == clip.language, clip.path.name
        assert transcript.engine == engine_name
        assert 0.3 < transcript.confidence <= 1.0
        assert transcript.duration == pytest.approx(load_audio(clip.path).duration, abs=0.01)
        assert transcript.seconds > 0
        assert transcript.tone is not None and 0.0 <= transcript.tone.arousal <= 1.0
        if clip.language == "zh":
            assert not has_traditional(transcript.text), transcript.text


def test_engines_agree() -> None:
    """Same weights through two runtimes: same language everywhere, near-identical words.

    faster-whisper runs int8 and openai-whisper float32, so a clip on a knife edge for the base
    model may tip differently; across all clips the engines must differ in at most 10% of units.
    """
    fw, oa = results("faster-whisper"), results("openai-whisper")
    diffs = total = identical = 0
    for (clip, a), (_, b) in zip(fw, oa):
        assert a.language == b.language, clip.path.name
        ua, ub = units(a.text, clip.language), units(b.text, clip.language)
        diffs += edit_distance(ua, ub)
        total += max(len(ua), 1)
        identical += ua == ub
    print(f"\nengines identical on {identical}/{len(fw)} clips; {diffs}/{total} units differ")
    assert identical >= len(fw) // 2
    assert diffs / total <= 0.10


@pytest.mark.parametrize("engine_name", ENGINES)
def test_fixed_language_is_honoured(engine_name: str) -> None:
    zh = [c for c in speech_clips() if c.language == "zh"]
    if not zh:
        pytest.skip("no Mandarin clip")
    transcript = _run(engine_name, str(zh[0].path), "zh")
    assert transcript.language == "zh" and transcript.language_probability == 1.0
    e, n = error_rate(zh[0].reference, transcript.text, "zh")
    assert e / n <= 0.25


def test_a_decoder_that_repeats_itself_is_stopped(tmp_path: Path) -> None:
    """espeak-ng's Mandarin voice reads this as tone digits; Whisper base then loops on "me4,me4,…"
    for hundreds of tokens (20 s on two cores) unless the query's token budget stops it."""
    import subprocess

    from desktop_app.voice.transcriber import DecodeOptions

    wav = tmp_path / "zh.wav"
    subprocess.run(["espeak-ng", "-v", "cmn", "-s", "160", "-w", str(wav), "谢谢你这么快回答"], check=True)
    clip = load_audio(wav)
    transcript = engine("faster-whisper").transcribe(clip, language="zh")
    assert sum(s.n_tokens for s in transcript.segments) <= DecodeOptions.token_budget(clip.duration)


def test_a_transcription_does_not_depend_on_the_ones_before_it() -> None:
    """One shared transcriber serves every test and every turn: no prompt, previous text, window or
    option may carry over from one transcription to the next (each is read exactly as it is alone)."""
    transcriber = engine("faster-whisper")
    target = load_audio(clip_named("LDC93S1").path)
    alone = transcriber.transcribe(target)
    for other in ("zh01", "jfk"):  # Mandarin, then 11 s of English: another language, another window
        transcriber.transcribe(load_audio(clip_named(other).path))
    after = transcriber.transcribe(target)
    assert (after.text, after.language, after.segments, after.confidence, after.language_probability) == (
        alone.text, alone.language, alone.segments, alone.confidence, alone.language_probability)


def test_warming_up_reads_nothing_into_the_next_reading() -> None:
    """The microphone warms the engine before the first question (``warm_up``): every pass runs on
    silence, and the question read afterwards is read exactly as by a model that was never warmed."""
    from desktop_app.voice.transcriber import Warmable, warm_up

    transcriber = engine("faster-whisper")
    assert isinstance(transcriber, Warmable)
    target = load_audio(clip_named("zh01").path)
    before = transcriber.transcribe(target)
    warm_up(transcriber)
    after = transcriber.transcribe(target)
    assert (after.text, after.language, after.segments, after.confidence) == (
        before.text, before.language, before.segments, before.confidence)
