"""Bad audio gives one clear error each, through the library, both engines and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import voice_audio as va
from voice_audio import clip_named, engine

from desktop_app.core.errors import AppError
from desktop_app.voice.audio import AudioError, load_audio

CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "zero_bytes": (lambda tmp: va.make_zero_bytes(tmp), "0 bytes"),
    "empty": (lambda tmp: va.make_empty_wav(tmp), "empty"),
    "silent": (lambda tmp: va.make_silent_wav(tmp), "silent"),
    "truncated": (lambda tmp: va.make_truncated_wav(tmp, clip_named("zh01").path), "truncated"),
    "truncated_header": (lambda tmp: va.make_truncated_header(tmp), "truncated"),
    "not_audio": (lambda tmp: va.make_non_audio(tmp), "not an audio file"),
    "clipped": (lambda tmp: va.make_clipped_wav(tmp, clip_named("zh06").path), "clipped"),
}
KINDS = {"truncated_header": "truncated"}
#: The real ``desktop-app`` entry point, with the voice commands registered if they are not yet.
_CLI = ("import sys, desktop_app.cli as c\n"
        "if 'desktop_app.cli.voice' not in c.COMMAND_MODULES: c.COMMAND_MODULES += ('desktop_app.cli.voice',)\n"
        "sys.exit(c.main(sys.argv[1:]))")


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gives_a_clear_error(case: str, tmp_path: Path) -> None:
    make, phrase = CASES[case]
    path = make(tmp_path)
    with pytest.raises(AudioError) as info:
        load_audio(path)
    err = info.value
    assert isinstance(err, AppError)
    assert err.kind == KINDS.get(case, case)
    assert phrase in str(err) and path.name in str(err)
    assert err.localized("zh") != str(err)  # a Mandarin message too


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="folder"):
        load_audio(tmp_path)


def test_truncated_flac_is_caught(tmp_path: Path) -> None:
    jfk = clip_named("jfk").path
    cut = tmp_path / "cut.flac"
    cut.write_bytes(jfk.read_bytes()[: jfk.stat().st_size // 2])
    with pytest.raises(AudioError, match="truncated"):
        load_audio(cut)


def test_mild_clipping_is_transcribed_and_reported(tmp_path: Path) -> None:
    x, rate = va.read_wav(clip_named("zh06").path)
    peak = np.max(np.abs(x))
    path = va.write_wav(tmp_path / "hot.wav", np.clip(x / peak * 1.15, -1, 1), rate)  # a few peaks cut
    clip = load_audio(path)
    assert 0 < clip.clipped_fraction < 0.01


@pytest.mark.parametrize("engine_name", va.ENGINES)
def test_noise_without_speech_is_no_speech_not_a_hallucination(engine_name: str) -> None:
    rng = np.random.default_rng(3)
    hum = (0.02 * np.sin(2 * np.pi * 50 * np.arange(48_000) / 16_000) + rng.normal(0, 0.01, 48_000)).astype(np.float32)
    with pytest.raises(AudioError) as info:
        engine(engine_name).transcribe(hum)
    assert info.value.kind == "no_speech"


@pytest.mark.slow
def test_cli_reports_each_bad_file_and_keeps_going(tmp_path: Path) -> None:
    good = clip_named("zh01").path
    bad = [va.make_zero_bytes(tmp_path), va.make_non_audio(tmp_path), va.make_silent_wav(tmp_path)]
    cmd = [sys.executable, "-c", _CLI, "transcribe", "--json", str(bad[0]), str(good), str(bad[1]), str(bad[2])]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == [bad[0].name, good.name, bad[1].name, bad[2].name]
    assert lines[1]["language"] == "zh" and lines[1]["engine"] == "faster-whisper" and lines[1]["text"]
    assert {"text", "language", "confidence", "engine", "seconds"} <= set(lines[1])
    assert [line.get("kind") for line in (lines[0], lines[2], lines[3])] == ["zero_bytes", "not_audio", "silent"]
    assert len(result.stderr.strip().splitlines()) == 3
    assert "Traceback" not in result.stderr
