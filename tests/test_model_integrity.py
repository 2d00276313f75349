"""Every model file is checked before use, and a stamp cannot be fooled by a kept timestamp.

The damage is always done the way issue 20 found it used: bytes overwritten in the middle,
size unchanged, and the modification time put back with ``os.utime``. Only copies in tmp
directories are damaged; the real cache and site-packages are only read.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core import checksums
from desktop_app.core.checksums import StampBook, mismatch, sha256_file
from desktop_app.voice import model_files
from desktop_app.voice.audio import AudioError, check_samples
from desktop_app.voice.model_files import CACHE_SHA256, ModelError, ModelSources, ensure_ct2_model, package_sources
from desktop_app.voice.transcriber import Segment, Transcript, build_transcript, is_degenerate

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT.parent / "shared" / "data" / "speech" / "en" / "en04_LDC93S1.wav"


def damage_keeping_times(path: Path, at: int | None = None) -> None:
    """Overwrite up to 64 bytes in place, then put the access and modification times back."""
    st = path.stat()
    at = st.st_size // 2 if at is None else at
    with path.open("r+b") as fh:
        fh.seek(at)
        fh.write(b"!" * min(64, st.st_size - at))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


@pytest.fixture
def trusting_stamps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Trust stamps of files written a moment ago (the racy window guards coarse clocks; ext4 has ns)."""
    monkeypatch.setattr(checksums, "RACY_WINDOW_NS", 0)
    checksums.forget_checks()
    yield
    checksums.forget_checks()


@pytest.fixture
def hash_count(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    calls: list[Path] = []
    real = checksums.sha256_file

    def counting(path: Path) -> str:
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(checksums, "sha256_file", counting)
    return lambda: len(calls)


# --- the stamp ---------------------------------------------------------------------------------

def test_a_stamp_skips_hashing_until_the_file_changes_even_with_its_times_put_back(
        tmp_path: Path, trusting_stamps: None, hash_count: Callable[[], int]) -> None:
    model = tmp_path / "weights.bin"
    model.write_bytes(os.urandom(4096))
    good = sha256_file(model)
    book_path = tmp_path / ".verified.json"

    book = StampBook(book_path)
    assert mismatch(model, good, stamps=book) is None
    book.save()
    assert hash_count() == 1
    checksums.forget_checks()  # a new process: only the stamp file remains
    assert mismatch(model, good, stamps=StampBook(book_path)) is None
    assert hash_count() == 1  # vouched for by the stamp

    damage_keeping_times(model)
    checksums.forget_checks()
    reason = mismatch(model, good, stamps=StampBook(book_path))
    assert reason is not None and reason.startswith("sha256")
    assert hash_count() == 2  # ctime moved: the stamp no longer vouches


def test_a_replaced_file_with_the_same_times_is_hashed_again(tmp_path: Path, trusting_stamps: None) -> None:
    model = tmp_path / "weights.bin"
    model.write_bytes(b"a" * 1000)
    good = sha256_file(model)
    book = StampBook(tmp_path / "stamps.json")
    assert mismatch(model, good, stamps=book) is None
    forged = tmp_path / "forged.bin"
    forged.write_bytes(b"b" * 1000)
    st = model.stat()
    os.utime(forged, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(forged, model)  # new inode, same size and mtime
    assert mismatch(model, good, stamps=book) is not None


def test_a_freshly_written_file_is_not_trusted_from_its_stamp(tmp_path: Path, hash_count: Callable[[], int]) -> None:
    """Within the racy window after a change (coarse clocks), the file is hashed every time."""
    checksums.forget_checks()
    model = tmp_path / "weights.bin"
    model.write_bytes(b"x" * 1000)
    good = sha256_file(model)
    book = StampBook(tmp_path / "stamps.json")
    assert mismatch(model, good, stamps=book) is None
    assert mismatch(model, good, stamps=book) is None
    assert hash_count() == 2


def test_missing_file_and_garbled_stamp_file(tmp_path: Path) -> None:
    (tmp_path / "stamps.json").write_text("{not json", encoding="utf-8")
    book = StampBook(tmp_path / "stamps.json")
    assert mismatch(tmp_path / "nope.bin", "0" * 64, stamps=book) == "missing"


# --- the speech model (CTranslate2 files in the cache, and the packages they come from) -----------

def _damaged_part2(tmp_path: Path) -> ModelSources:
    sources = package_sources()
    bad = tmp_path / "pkg" / sources.parts[1].name
    bad.parent.mkdir()
    shutil.copyfile(sources.parts[1], bad)
    damage_keeping_times(bad, at=1000)
    return ModelSources((sources.parts[0], bad), sources.companion_dir)


def test_a_damaged_cached_model_bin_with_kept_times_is_refused_not_used(tmp_path: Path, trusting_stamps: None) -> None:
    cache = tmp_path / "cache"
    directory = ensure_ct2_model(cache)
    ensure_ct2_model(cache)  # hashed and stamped: the next start trusts the stamp
    stamps = json.loads((directory / model_files.STAMP_FILE).read_text(encoding="utf-8"))
    assert any(name.endswith("model.bin") for name in stamps)
    damage_keeping_times(directory / "model.bin")
    with pytest.raises(ModelError, match=r"model\.bin\.part2 is damaged") as info:
        ensure_ct2_model(cache, _damaged_part2(tmp_path))  # the packages cannot rebuild it either
    assert "\n" not in str(info.value) and "语音模型文件" in info.value.message_zh
    assert not (directory / "model.bin").exists()  # nothing damaged is left to load next time


def test_a_damaged_cached_model_is_rebuilt_from_intact_packages(tmp_path: Path, trusting_stamps: None) -> None:
    directory = ensure_ct2_model(tmp_path)
    ensure_ct2_model(tmp_path)
    damage_keeping_times(directory / "model.bin")
    ensure_ct2_model(tmp_path)
    assert sha256_file(directory / "model.bin") == model_files.MODEL_SHA256


@pytest.mark.parametrize("name", ["config.json", "tokenizer.json", "vocabulary.txt"])
def test_damaged_tokenizer_and_config_files_are_refused(tmp_path: Path, trusting_stamps: None, name: str) -> None:
    sources = package_sources()
    companions = tmp_path / "companions"
    shutil.copytree(sources.companion_dir, companions, ignore=shutil.ignore_patterns("model.bin*"))
    directory = tmp_path / "cache" / model_files.MODEL_DIRNAME
    shutil.copytree(companions, directory)  # as a first start left them (model.bin is not needed here)
    damage_keeping_times(directory / name, at=10)  # the cached copy ...
    damage_keeping_times(companions / name, at=10)  # ... and the package's
    with pytest.raises(ModelError, match=rf"{name} is damaged"):
        ensure_ct2_model(tmp_path / "cache", ModelSources(sources.parts, companions))
    assert not (directory / name).exists()
    # and every cached file has a pinned digest: nothing faster-whisper reads goes unchecked
    assert set(CACHE_SHA256) == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``desktop-app`` in this process, on a private data and cache directory."""
    from desktop_app.cli import main

    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(tmp_path / "cache"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.skipif(not SPEECH.is_file(), reason="../shared/data/speech is absent")
def test_cli_transcribe_refuses_a_damaged_model_in_one_line(tmp_path: Path, trusting_stamps: None,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            run_cli: Callable[..., tuple[int, str, str]]) -> None:
    directory = ensure_ct2_model(tmp_path / "cache")
    ensure_ct2_model(tmp_path / "cache")
    damage_keeping_times(directory / "model.bin")
    bad_sources = _damaged_part2(tmp_path)
    monkeypatch.setattr(model_files, "package_sources", lambda: bad_sources)
    code, out, err = run_cli("transcribe", str(SPEECH))
    assert code != 0
    assert out == ""  # no transcript, no "!!!!" at confidence 1.0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and "pip install --force-reinstall" in lines[0], err


@pytest.mark.skipif(not SPEECH.is_file(), reason="../shared/data/speech is absent")
def test_cli_transcribe_after_damage_with_kept_times_hears_the_words(tmp_path: Path, trusting_stamps: None,
                                                                    run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """The issue's reproduction: the damaged cache file is not used; the packages rebuild it."""
    directory = ensure_ct2_model(tmp_path / "cache")
    ensure_ct2_model(tmp_path / "cache")
    damage_keeping_times(directory / "model.bin")
    code, out, err = run_cli("transcribe", "--json", "--language", "en", str(SPEECH))
    assert code == 0, err
    line = json.loads(out)
    assert "dark suit" in line["text"].lower() and "!!" not in line["text"]


def test_a_damaged_converted_checkpoint_is_converted_again_not_loaded(tmp_path: Path, trusting_stamps: None) -> None:
    from desktop_app.core.config import load_settings
    from desktop_app.voice.convert_ct2 import CHECKPOINT_DIRNAME, CHECKPOINT_NAME, ensure_openai_checkpoint

    converted = load_settings().cache_dir / CHECKPOINT_DIRNAME / CHECKPOINT_NAME
    if converted.is_file():  # one conversion less: start from the app's own (read, never touched)
        target = tmp_path / CHECKPOINT_DIRNAME / CHECKPOINT_NAME
        target.parent.mkdir()
        shutil.copyfile(converted, target)
        (target.parent / "base.pt.source").write_text(json.dumps(
            {"source_sha256": model_files.MODEL_SHA256, "size": target.stat().st_size, "sha256": sha256_file(target)}))
    target = ensure_openai_checkpoint(tmp_path)
    record = json.loads((tmp_path / CHECKPOINT_DIRNAME / "base.pt.source").read_text(encoding="utf-8"))
    assert record["sha256"] == sha256_file(target)
    ensure_openai_checkpoint(tmp_path)  # stamped
    damage_keeping_times(target)
    damaged_digest = sha256_file(target)
    assert ensure_openai_checkpoint(tmp_path) == target
    assert sha256_file(target) != damaged_digest  # a new conversion replaced it
    record = json.loads((tmp_path / CHECKPOINT_DIRNAME / "base.pt.source").read_text(encoding="utf-8"))
    assert record["sha256"] == sha256_file(target)


def test_a_checkpoint_record_without_its_digest_is_not_trusted(tmp_path: Path) -> None:
    """Records written before checkpoints carried a digest (size only) force one fresh conversion."""
    from desktop_app.voice.convert_ct2 import CHECKPOINT_DIRNAME, _recorded_digest

    record = tmp_path / CHECKPOINT_DIRNAME / "base.pt.source"
    record.parent.mkdir()
    record.write_text(json.dumps({"source_sha256": model_files.MODEL_SHA256, "size": 5}), encoding="utf-8")
    assert _recorded_digest(record) is None
    record.write_text(json.dumps({"source_sha256": "0" * 64, "size": 5, "sha256": "a" * 64}), encoding="utf-8")
    assert _recorded_digest(record) is None


# --- the parts detector ------------------------------------------------------------------------

@pytest.fixture
def detector_copy(tmp_path: Path) -> Path:
    from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR

    if not (DEFAULT_WEIGHTS_DIR / "parts.onnx").is_file():
        pytest.skip("no committed detector weights")
    out = tmp_path / "assets" / "detector"
    shutil.copytree(DEFAULT_WEIGHTS_DIR, out)
    checksums.forget_checks()
    return out


def test_the_committed_weights_match_their_manifest() -> None:
    from desktop_app.vision.detector import DEFAULT_WEIGHTS_DIR
    from desktop_app.vision.weights_check import MANIFEST, check_weights

    listed = checksums.read_manifest(DEFAULT_WEIGHTS_DIR / MANIFEST)
    assert set(listed) >= {"parts.onnx", "parts.pt", "classes.txt"}
    for name in listed:
        check_weights(DEFAULT_WEIGHTS_DIR / name)


@pytest.mark.parametrize(("backend", "name"), [("onnx", "parts.onnx"), ("torch", "parts.pt"), ("onnx", "classes.txt"),
                                             ("onnx", "floors.json")])
def test_damaged_detector_files_are_refused(detector_copy: Path, backend: str, name: str) -> None:
    from desktop_app.vision.detector import PartDetector
    from desktop_app.vision.errors import ModelDamaged

    damage_keeping_times(detector_copy / name, at=40)
    detector = PartDetector(detector_copy, backend=backend)
    with pytest.raises(ModelDamaged, match=rf"{name} is damaged") as info:
        detector.detect(np.zeros((64, 64, 3), np.uint8))
    assert "\n" not in str(info.value)


def test_weights_without_a_manifest_are_refused(detector_copy: Path) -> None:
    from desktop_app.vision.detector import PartDetector
    from desktop_app.vision.errors import ModelDamaged

    (detector_copy / "SHA256SUMS").unlink()
    with pytest.raises(ModelDamaged, match="manifest"):
        PartDetector(detector_copy, backend="onnx").detect(np.zeros((64, 64, 3), np.uint8))


def test_cli_detect_refuses_damaged_weights_in_one_line(detector_copy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        run_cli: Callable[..., tuple[int, str, str]]) -> None:
    from PIL import Image

    shutil.copytree(ROOT / "assets" / "policy", detector_copy.parent / "policy")
    damage_keeping_times(detector_copy / "parts.onnx")
    monkeypatch.setenv("DESKTOP_APP_ASSETS_DIR", str(detector_copy.parent))
    photo = tmp_path / "photo.png"
    Image.new("RGB", (128, 96), (200, 180, 150)).save(photo)
    code, out, err = run_cli("detect", "--json", str(photo))
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "parts.onnx is damaged" in lines[0], err


# --- degenerate transcripts --------------------------------------------------------------------

def _transcript(text: str, language: str = "en") -> Transcript:
    t = np.arange(16_000, dtype=np.float32) / 16_000
    clip = check_samples(0.3 * np.sin(2 * np.pi * 220 * t), 16_000, "test.wav")
    return build_transcript(clip, [Segment(0.0, 1.0, text, 0.0, 0.01, 20)], language=language,
                            language_probability=1.0, engine="test", seconds=0.1)


@pytest.mark.parametrize("text", ["!!!!!!!!!!!!!!!!", " . . . ? ", "the the the the the", "谢谢谢谢谢谢谢谢",
                                  "ha ha ha ha ha ha", "1 1 1 1 1 1 1 1 1 1 1 1 1 1"])
def test_punctuation_or_repeats_at_confidence_one_are_not_passed_on(text: str) -> None:
    assert is_degenerate(text)
    with pytest.raises(AudioError, match="didn't catch that") as info:
        _transcript(text, "zh" if "谢" in text else "en")
    assert info.value.kind == "unclear"


@pytest.mark.parametrize("text", ["Where is my order?", "1111", "no no", "好", "谢谢", "我的订单2517什么时候到？"])
def test_ordinary_short_answers_still_pass(text: str) -> None:
    assert not is_degenerate(text)
    assert _transcript(text, "zh" if any(ord(c) > 0x2E80 for c in text) else "en").confidence == 1.0
