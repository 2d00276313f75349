"""Bounds before work: long audio, huge pictures and huge renders are refused from their size alone.

The assertions are about what is *not* done (no audio decoded, no pixels decoded, no renderer
created), never about timing.
"""

from __future__ import annotations

import struct
import wave
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_app.voice import audio
from desktop_app.voice.audio import MAX_SECONDS, AudioError, load_audio

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT.parent / "shared" / "data" / "speech"


def _noise_wav(path: Path, seconds: float, rate: int = 16_000) -> Path:
    rng = np.random.default_rng(1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((rng.normal(0, 3000, int(seconds * rate))).astype("<i2").tobytes())
    return path


@pytest.fixture
def no_audio_decoding(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fail the test if more than the limit's worth of WAV frames is read, or if any sample is checked."""
    reads: list[int] = []
    real = wave.Wave_read.readframes

    def readframes(self: wave.Wave_read, n: int) -> bytes:
        reads.append(n)
        return real(self, n)

    def no_check(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("samples were decoded and checked")

    monkeypatch.setattr(wave.Wave_read, "readframes", readframes)
    monkeypatch.setattr(audio, "check_samples", no_check)
    return reads


def test_ten_minutes_of_wav_are_refused_from_the_header(tmp_path: Path, no_audio_decoding: list[int]) -> None:
    long = _noise_wav(tmp_path / "ten_minutes.wav", 600)
    with pytest.raises(AudioError, match="10 minutes long; a spoken question can be at most 60 seconds") as info:
        load_audio(long)
    assert info.value.kind == "too_long"
    assert no_audio_decoding == []  # not one frame read
    assert "\n" not in str(info.value) and "60 秒" in info.value.message_zh


def test_a_wav_whose_header_hides_its_length_is_read_only_to_the_limit(tmp_path: Path,
                                                                     no_audio_decoding: list[int]) -> None:
    path = _noise_wav(tmp_path / "streamed.wav", MAX_SECONDS + 5)
    raw = bytearray(path.read_bytes())
    data_at = raw.index(b"data")
    raw[data_at + 4:data_at + 8] = struct.pack("<I", 0xFFFFFFFF)  # a recorder that never wrote the length
    path.write_bytes(bytes(raw))
    with pytest.raises(AudioError) as info:
        load_audio(path)
    assert info.value.kind == "too_long"
    assert no_audio_decoding == [MAX_SECONDS * 16_000 + 1]


class _NoDecode:
    """A PyAV container that fails the test if a frame is decoded; everything else is the real one."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __enter__(self) -> _NoDecode:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def decode(self, *_args: object, **_kwargs: object) -> None:
        raise AssertionError("audio was decoded")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_ten_minutes_of_compressed_audio_are_refused_before_decoding(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import av

    path = tmp_path / "ten_minutes.flac"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=8000, layout="mono")
        silence = np.zeros((1, 8000 * 10), np.int16)
        for i in range(60):
            frame = av.AudioFrame.from_ndarray(silence, format="s16", layout="mono")
            frame.sample_rate, frame.pts = 8000, i * silence.shape[1]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    real_open = av.open
    monkeypatch.setattr(av, "open", lambda *a, **k: _NoDecode(real_open(*a, **k)))
    with pytest.raises(AudioError, match="10 minutes long") as info:
        load_audio(path)
    assert info.value.kind == "too_long"


@pytest.mark.skipif(not (SPEECH / "en" / "en01_jfk.flac").is_file(), reason="../shared/data/speech is absent")
def test_real_queries_under_the_limit_still_load() -> None:
    clip = load_audio(SPEECH / "en" / "en01_jfk.flac")
    assert 10.9 < clip.duration < 11.1
    assert load_audio(SPEECH / "zh" / "zh01_BAC009S0764W0121.wav").duration > 4


def test_samples_past_the_limit_are_refused() -> None:
    t = np.arange((MAX_SECONDS + 1) * 16_000, dtype=np.float32)
    with pytest.raises(AudioError) as info:
        audio.check_samples(0.1 * np.sin(t / 10), 16_000)
    assert info.value.kind == "too_long"


# --- pictures ----------------------------------------------------------------------------------

def _zero_png(path: Path, width: int, height: int) -> Path:
    """A valid greyscale PNG of zeros: about 80 kB on disk for 79 megapixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer, row = zlib.compressobj(9), b"\0" * (1 + width)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The size of every picture Pillow decodes."""
    from PIL import ImageFile

    sizes: list[tuple[int, int]] = []
    real = ImageFile.ImageFile.load

    def load(self: Any) -> Any:
        sizes.append(self.size)
        return real(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_a_79_megapixel_png_is_refused_without_decoding(tmp_path: Path, decodes: list[tuple[int, int]]) -> None:
    from desktop_app.vision.errors import BadImage
    from desktop_app.vision.images import MAX_PIXELS, load_image

    big = _zero_png(tmp_path / "huge.png", 8900, 8900)
    assert big.stat().st_size < 200_000 and 8900 * 8900 > MAX_PIXELS
    with pytest.raises(BadImage, match=r"too large \(8900x8900, 79 megapixels\); the limit is 40") as info:
        load_image(big)
    assert decodes == []
    assert "\n" not in str(info.value)


def test_a_large_jpeg_is_decoded_already_shrunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                decodes: list[tuple[int, int]]) -> None:
    """Over the limit, a JPEG is decoded at 1/2, 1/4 or 1/8 by the decoder itself (limit lowered to keep it small)."""
    from PIL import Image

    from desktop_app.vision import images
    from desktop_app.vision.errors import BadImage

    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (800, 600), (120, 90, 60)).save(photo, quality=90)
    monkeypatch.setattr(images, "MAX_PIXELS", 100_000)  # 480,000 pixels: 1/4 size is the first that fits
    frame = images.load_image(photo)
    assert frame.shape == (150, 200, 3)
    assert set(decodes) == {(200, 150)}  # never decoded at 800x600
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000)  # even 1/8 (100x75) is too big: refused, nothing decoded
    decodes.clear()
    with pytest.raises(BadImage, match="too large"):
        images.load_image(photo)
    assert decodes == []


def test_ordinary_photos_still_load() -> None:
    from desktop_app.vision.images import load_image

    photos = sorted((ROOT.parent / "shared" / "data" / "photos" / "screws_in_wood" / "images").glob("*.jp*g"))
    if not photos:
        pytest.skip("../shared/data/photos is absent")
    frame = load_image(photos[0])
    assert frame.shape[0] * frame.shape[1] == 600 * 789  # full size: far under the limit


# --- renders -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("width", "height"), [(8192, 8192), (4096, 4096), (5000, 100), (10, 600)])
def test_render_sizes_past_the_cap_are_refused_before_any_gl(width: int, height: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from desktop_app.ar.renderer import OffscreenRenderer, RenderTooLarge

    real_import = builtins.__import__

    def guarded(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("open3d"):
            raise AssertionError("open3d was loaded for a refused size")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", guarded)
    with pytest.raises(RenderTooLarge, match="3840x2160"):
        OffscreenRenderer(width, height)


def test_the_cap_admits_4k_and_the_window_size() -> None:
    from desktop_app.ar.renderer import check_render_size

    check_render_size(3840, 2160)
    check_render_size(2160, 3840)
    check_render_size(800, 600)


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    from desktop_app.cli import main

    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(tmp_path / "cache"))

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize("size_args", [("--size", "8192"), ("--width", "8192", "--height", "8192")])
def test_cli_guide_render_refuses_8192_in_one_line(tmp_path: Path, size_args: tuple[str, ...],
                                                  run_cli: Callable[..., tuple[int, str, str]]) -> None:
    guide = ROOT / "assets" / "models3d"
    code, out, err = run_cli("guide", "render", str(guide), "--step", "1", "--out", str(tmp_path / "x.png"), *size_args)
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "8192x8192" in lines[0] and "4096" in lines[0], err
    assert not (tmp_path / "x.png").exists()


def test_cli_transcribe_refuses_ten_minutes_in_one_line(tmp_path: Path,
                                                        run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """One line and a failing exit; the speech model is not even assembled for a file refused on its header."""
    long = _noise_wav(tmp_path / "noise.wav", 600)
    code, out, err = run_cli("transcribe", str(long))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "at most 60 seconds" in lines[0], err
    assert not (tmp_path / "cache" / "whisper-base-ct2" / "model.bin").exists()
