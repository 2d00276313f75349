"""Model assembly, checksum refusal, and the CTranslate2 → openai-whisper converter."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.config import load_settings
from desktop_app.core.errors import AppError
from desktop_app.voice.convert_ct2 import ensure_openai_checkpoint, read_ct2_model, to_openai_checkpoint
from desktop_app.voice.model_files import (
    MODEL_SHA256,
    MODEL_SIZE,
    ModelError,
    ModelSources,
    ensure_ct2_model,
    package_sources,
    sha256_file,
)
from desktop_app.voice.settings import load_voice_settings


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return ensure_ct2_model(load_settings().cache_dir)


def test_assembled_model_matches_the_pinned_digest(model_dir: Path) -> None:
    model_bin = model_dir / "model.bin"
    assert model_bin.stat().st_size == MODEL_SIZE
    assert sha256_file(model_bin) == MODEL_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (model_dir / name).is_file()


def test_assembly_into_a_fresh_cache_and_stamp_reuse(tmp_path: Path) -> None:
    directory = ensure_ct2_model(tmp_path)
    model_bin = directory / "model.bin"
    assert sha256_file(model_bin) == MODEL_SHA256
    mtime = model_bin.stat().st_mtime_ns
    assert ensure_ct2_model(tmp_path) == directory
    assert model_bin.stat().st_mtime_ns == mtime  # verified by stamp, not rebuilt


def test_a_damaged_cached_model_is_refused_and_rebuilt(tmp_path: Path) -> None:
    directory = ensure_ct2_model(tmp_path)
    model_bin = directory / "model.bin"
    with model_bin.open("r+b") as fh:  # flip bytes in the middle; size unchanged
        fh.seek(MODEL_SIZE // 2)
        fh.write(b"\x00" * 64)
    ensure_ct2_model(tmp_path)
    assert sha256_file(model_bin) == MODEL_SHA256


def test_damaged_packages_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    sources = package_sources()
    bad_parts = []
    for part in sources.parts:
        copy = tmp_path / part.name
        shutil.copyfile(part, copy)
        bad_parts.append(copy)
    with bad_parts[1].open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"corrupt!")
    with pytest.raises(ModelError, match="checksum") as info:
        ensure_ct2_model(tmp_path / "cache", ModelSources(tuple(bad_parts), sources.companion_dir))
    assert isinstance(info.value, AppError)
    assert not (tmp_path / "cache" / "whisper-base-ct2" / "model.bin").exists()


def test_missing_part_is_refused(tmp_path: Path) -> None:
    sources = package_sources()
    with pytest.raises(ModelError, match="missing"):
        ensure_ct2_model(tmp_path, ModelSources((sources.parts[0], tmp_path / "nope"), sources.companion_dir))


def test_converter_maps_every_tensor(model_dir: Path) -> None:
    import torch
    import whisper

    ct2 = read_ct2_model(model_dir / "model.bin")
    checkpoint = to_openai_checkpoint(ct2)
    dims = whisper.model.ModelDimensions(**checkpoint["dims"])
    assert (dims.n_audio_layer, dims.n_text_layer, dims.n_audio_state, dims.n_vocab) == (6, 6, 512, 51865)
    reference = whisper.model.Whisper(dims).state_dict()
    state = checkpoint["model_state_dict"]
    assert set(state) == set(reference)
    for name, tensor in reference.items():
        assert tuple(state[name].shape) == tuple(tensor.shape), name
    # Fused Q|K|V splits back: the three rows of the fused matrix are query, key, value.
    fused = ct2.get("encoder/layer_0/self_attention/linear_0/weight").astype(np.float32)
    np.testing.assert_array_equal(state["encoder.blocks.0.attn.key.weight"], fused[512:1024])
    assert "encoder.blocks.0.attn.key.bias" not in state
    assert torch.is_tensor(torch.from_numpy(state["decoder.ln.weight"]))


def test_converted_checkpoint_computes_what_ctranslate2_computes(model_dir: Path) -> None:
    """Same weights, same maths: the openai-whisper encoder matches CTranslate2's in float32."""
    import ctranslate2
    import torch
    import whisper
    from faster_whisper.feature_extractor import FeatureExtractor

    pt = ensure_openai_checkpoint(load_settings().cache_dir)
    torch.set_num_threads(2)
    model = whisper.load_model(str(pt), device="cpu")
    rng = np.random.default_rng(7)
    audio = (0.1 * np.sin(np.linspace(0, 2000, 16_000 * 3)) + rng.normal(0, 0.01, 16_000 * 3)).astype(np.float32)
    features = FeatureExtractor()(audio)[:, :3000]
    features = np.pad(features, ((0, 0), (0, 3000 - features.shape[1])))
    ct2 = ctranslate2.models.Whisper(str(model_dir), device="cpu", compute_type="float32", intra_threads=2)
    expected = np.array(ct2.encode(ctranslate2.StorageView.from_array(features[None].astype(np.float32))))
    with torch.inference_mode():
        got = model.encoder(torch.from_numpy(features[None].astype(np.float32))).numpy()
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 0.05 * np.max(np.abs(expected))
    assert np.corrcoef(got.ravel(), expected.ravel())[0, 1] > 0.999


def test_voice_settings_read_the_environment(tmp_path: Path) -> None:
    from desktop_app.core.errors import ConfigError

    defaults = load_voice_settings(env={})
    assert defaults.stt_engine == "faster-whisper" and defaults.store_audio is False and defaults.whisper_pt is None
    (tmp_path / "small.pt").write_bytes(b"")  # the path must name a file; what is in it is checked on load
    s = load_voice_settings(env={"DESKTOP_APP_STT_ENGINE": "openai-whisper", "DESKTOP_APP_STORE_AUDIO": "yes",
                                 "DESKTOP_APP_WHISPER_PT": str(tmp_path / "small.pt")})
    assert (s.stt_engine, s.store_audio, s.whisper_pt) == ("openai-whisper", True, tmp_path / "small.pt")
    with pytest.raises(ConfigError):
        load_voice_settings(env={"DESKTOP_APP_STT_ENGINE": "vosk"})
    assert defaults.stt_window_s == 10.0
    assert load_voice_settings(env={"DESKTOP_APP_STT_WINDOW_S": "30"}).stt_window_s == 30.0
    with pytest.raises(ConfigError):
        load_voice_settings(env={"DESKTOP_APP_STT_WINDOW_S": "2"})


def test_short_queries_get_a_short_encoder_window_and_a_token_budget() -> None:
    from desktop_app.voice.transcriber import DecodeOptions

    short = DecodeOptions(encoder_window_s=10.0)
    assert short.encoder_frames(3.0) == 1000  # a spoken question: a third of the encoder's work
    assert short.encoder_frames(9.0) == 1000  # still 1 s of silence after the words
    assert short.encoder_frames(9.5) == 3000  # otherwise Whisper's full 30 s window
    assert short.encoder_frames(25.0) == 3000
    assert DecodeOptions(encoder_window_s=30.0).encoder_frames(3.0) == 3000
    assert DecodeOptions.token_budget(4.0) == 74  # fast Mandarin needs ~10 tokens per second


def test_a_missing_user_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    """Refused when the settings are read (before anything loads); a file removed later is the
    engine's one-line error."""
    from desktop_app.core.errors import ConfigError
    from desktop_app.voice.engines import create_transcriber
    from desktop_app.voice.settings import VoiceSettings

    with pytest.raises(ConfigError, match="DESKTOP_APP_WHISPER_PT"):
        load_voice_settings(env={"DESKTOP_APP_WHISPER_PT": str(tmp_path / "base.pt")})
    voice = VoiceSettings(whisper_pt=tmp_path / "base.pt")
    with pytest.raises(ModelError, match="DESKTOP_APP_WHISPER_PT"):
        create_transcriber("openai-whisper", load_settings(), voice=voice)


def test_a_users_own_openai_checkpoint_is_used(tmp_path: Path) -> None:
    """A user's .pt (here a copy of ours under another name) is loaded instead of the bundled one."""
    from desktop_app.voice.engines import create_transcriber

    own = tmp_path / "my-base.pt"
    shutil.copyfile(ensure_openai_checkpoint(load_settings().cache_dir), own)
    voice = load_voice_settings(env={"DESKTOP_APP_WHISPER_PT": str(own)})
    transcriber = create_transcriber("openai-whisper", load_settings(), voice=voice)
    assert transcriber.engine == "openai-whisper"
