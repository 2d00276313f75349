"""Decode and check audio once, into what both Whisper engines take: 16 kHz mono float32.

Both engines would decode files themselves (PyAV in faster-whisper, an ffmpeg subprocess in
openai-whisper) and fail in different ways; decoding here gives one set of clear messages.
WAV goes through the stdlib ``wave`` (exact truncation check against the header); anything else
through PyAV. Checks run on the native-rate signal, because resampling smooths the flat tops
that betray clipping.

Policy for bad input (every case is an :class:`AudioError` with a message fit for the user):
0-byte, empty (a valid container holding no samples), truncated, non-audio, silent (the loudest
30 ms frame is below -50 dBFS), and heavily clipped (at least 1% of samples sit flat on the
rails: the words are distorted and a kiosk user should step back, so we ask rather than guess).
Mild clipping below that is transcribed and reported in ``AudioClip.clipped_fraction``.

Bounds come before work: a spoken question is at most ``MAX_SECONDS`` (60 s; the microphone
stops an utterance at 20 s). A longer file is refused from its header (WAV frame count, the
container's or stream's duration) before any sample is decoded, and a file whose header does not
say is decoded only until it passes the limit: ten minutes of noise once took four CPU-minutes
to refuse.
"""

from __future__ import annotations

import logging
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

from desktop_app.core.errors import InvalidInput

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
SILENCE_DBFS = -50.0
CLIPPED_FRACTION_LIMIT = 0.01
MIN_SECONDS = 0.1
#: The longest spoken question accepted, in seconds.
MAX_SECONDS = 60
_FRAME = 480  # 30 ms at 16 kHz


class AudioError(InvalidInput):
    """Audio we cannot or should not transcribe; ``kind`` names the case for callers and tests."""

    code = "audio"

    def __init__(self, kind: str, message: str, message_zh: str) -> None:
        super().__init__(message, message_zh=message_zh)
        self.kind = kind


@dataclass(frozen=True)
class AudioClip:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    source: str = "microphone"
    clipped_fraction: float = 0.0
    peak_dbfs: float = -120.0

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _err(kind: str, name: str, en: str, zh: str) -> AudioError:
    return AudioError(kind, f"{name}: {en}", f"{name}：{zh}")


def clipped_fraction(x: np.ndarray) -> float:
    """Share of samples that sit on a flat top at (nearly) full scale: the signature of clipping."""
    if len(x) < 2:
        return 0.0
    ax = np.abs(x)
    flat = (ax[1:] >= 0.98) & (np.abs(np.diff(x)) < 1e-4)
    return float(flat.sum()) / len(x)


def frame_rms_dbfs(x: np.ndarray, frame: int = _FRAME) -> np.ndarray:
    n = len(x) // frame
    if n == 0:
        return np.array([20 * np.log10(max(float(np.sqrt(np.mean(x**2))) if len(x) else 0.0, 1e-6))])
    frames = x[: n * frame].reshape(n, frame).astype(np.float64)
    return np.asarray(20 * np.log10(np.maximum(np.sqrt(np.mean(frames**2, axis=1)), 1e-6)), dtype=np.float64)


def resample(x: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    if rate == target:
        return x.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    g = gcd(rate, target)
    return np.asarray(resample_poly(x, target // g, rate // g), dtype=np.float32)


def check_samples(x: np.ndarray, rate: int, name: str = "microphone") -> AudioClip:
    """Validate a mono float signal at ``rate`` and return it at 16 kHz; raises :class:`AudioError`."""
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if len(x) == 0:
        raise _err("empty", name, "the recording is empty (no audio samples).", "录音为空（没有音频数据）。")
    if not np.all(np.isfinite(x)):
        raise _err("not_audio", name, "the audio contains invalid sample values.", "音频包含无效的采样值。")
    seconds = len(x) / rate
    if seconds < MIN_SECONDS:
        raise _err("empty", name, f"the recording is too short ({seconds * 1000:.0f} ms) to hold any speech.",
                   f"录音太短（{seconds * 1000:.0f} 毫秒），没有可识别的语音。")
    if seconds > MAX_SECONDS:
        raise too_long(name, seconds)
    clipped = clipped_fraction(x)
    if clipped >= CLIPPED_FRACTION_LIMIT:
        raise _err("clipped", name, f"the recording is heavily clipped ({clipped:.0%} of samples are cut off at full "
                   "scale), so the words are distorted. Move back from the microphone or lower the input volume "
                   "and try again.", f"录音严重削波失真（{clipped:.0%} 的采样被截顶）。请离麦克风远一点或调低输入音量后重试。")
    y = resample(x, rate)
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    loudest = float(np.max(frame_rms_dbfs(y)))
    if loudest < SILENCE_DBFS:
        raise _err("silent", name, f"the recording is silent (loudest moment {loudest:.0f} dBFS); no speech to "
                   "transcribe. Check that the microphone is on and not muted.",
                   f"录音是静音（最大音量 {loudest:.0f} dBFS），没有可识别的语音。请检查麦克风是否开启。")
    if clipped > 0:
        log.info("audio %s has mild clipping (%.2f%% of samples)", name, clipped * 100)
    return AudioClip(y, source=name, clipped_fraction=clipped, peak_dbfs=20 * float(np.log10(max(peak, 1e-6))))


def too_long(name: str, seconds: float | None) -> AudioError:
    """The refusal for audio past the query limit (``seconds`` None: more than the limit, length unknown)."""
    if seconds is None:
        en, zh = f"more than {MAX_SECONDS} seconds", f"超过 {MAX_SECONDS} 秒"
    elif seconds >= 120:
        en, zh = f"{seconds / 60:.0f} minutes", f"{seconds / 60:.0f} 分钟"
    else:
        en, zh = f"{seconds:.0f} seconds", f"{seconds:.0f} 秒"
    return _err("too_long", name, f"the recording is {en} long; a spoken question can be at most {MAX_SECONDS} "
                "seconds. Please ask in a shorter recording, or type your question.",
                f"录音时长{zh}，语音提问最长 {MAX_SECONDS} 秒。请录一段更短的提问，或直接输入问题。")


def _read_wav(path: Path, name: str) -> tuple[np.ndarray, int] | None:
    """PCM WAV via ``wave``; ``None`` for WAV flavours it does not read (float, extensible).

    The header's frame count is checked against the limit before any audio is read; a streamed
    header (no count) is read only up to one frame past the limit.
    """
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate, declared = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            frame_bytes = channels * width
            streamed_header = declared in (0, 0xFFFFFFFF // max(frame_bytes, 1))
            limit = MAX_SECONDS * rate
            if rate > 0 and not streamed_header and declared > limit:
                raise too_long(name, declared / rate)
            data = w.readframes(limit + 1 if streamed_header else declared)
            if rate > 0 and len(data) // max(frame_bytes, 1) > limit:
                raise too_long(name, None)
    except (wave.Error, EOFError) as exc:
        if "unknown format" in str(exc):
            return None
        raise _err("truncated", name, "the WAV file is truncated or damaged and cannot be read.",
                   "WAV 文件被截断或已损坏，无法读取。") from None
    got = len(data) // frame_bytes if frame_bytes else 0
    if declared and got < declared and not streamed_header:
        raise _err("truncated", name, f"the WAV file is truncated: its header promises {declared / rate:.2f} s "
                   f"but only {got / rate:.2f} s of audio is present.",
                   f"WAV 文件被截断：文件头声明 {declared / rate:.2f} 秒，实际只有 {got / rate:.2f} 秒。")
    raw = data[: got * frame_bytes]
    if width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        x = (((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8) >> 8).astype(np.float32) / 8388608.0
    elif width == 4:
        x = np.frombuffer(raw, "<i4").astype(np.float32) / 2147483648.0
    else:
        raise _err("not_audio", name, f"unsupported WAV sample width ({width} bytes).", "不支持的 WAV 采样位宽。")
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    return x, rate


def _header_seconds(container: object, stream: object) -> float | None:
    """The duration the container or stream header declares, without decoding; None if neither says."""
    duration = getattr(stream, "duration", None)
    time_base = getattr(stream, "time_base", None)
    if duration and time_base:
        return float(duration * time_base)
    whole = getattr(container, "duration", None)  # in AV_TIME_BASE units (microseconds)
    return float(whole) / 1_000_000 if whole else None


def _read_av(path: Path, name: str) -> tuple[np.ndarray, int]:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise _err("not_audio", name, "the file has no audio track.", "文件中没有音轨。")
            stream = streams[0]
            rate = stream.rate or stream.codec_context.sample_rate
            header_seconds = _header_seconds(container, stream)
            if header_seconds is not None and header_seconds > MAX_SECONDS + 0.5:
                raise too_long(name, header_seconds)  # before decoding a single frame
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            chunks: list[np.ndarray] = []
            limit, decoded = MAX_SECONDS * rate, 0
            try:
                for frame in container.decode(stream):
                    for out in resampler.resample(frame):
                        chunks.append(out.to_ndarray().reshape(-1))
                        decoded += len(chunks[-1])
                    if decoded > limit:  # the header did not say how long: stop at the limit
                        raise too_long(name, None)
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1))
            except av.FFmpegError:
                # The header parsed but the data broke off: a cut or damaged file.
                got = sum(len(c) for c in chunks) / rate
                raise _err("truncated", name, f"the audio file is truncated or damaged; decoding stopped after "
                           f"{got:.2f} s.", f"音频文件被截断或已损坏，解码在 {got:.2f} 秒处中断。") from None
            declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
    except AudioError:
        raise
    except (av.error.InvalidDataError, av.error.EOFError, av.error.PatchWelcomeError, UnicodeDecodeError):
        raise _err("not_audio", name, "this is not an audio file we can read (unknown or damaged format).",
                   "这不是可读取的音频文件（格式未知或已损坏）。") from None
    except av.FFmpegError as exc:
        raise _err("truncated", name, f"the audio file is damaged and cannot be decoded ({exc.strerror or 'decode error'}).",
                   "音频文件已损坏，无法解码。") from None
    x = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if declared and len(x) and len(x) / rate < 0.9 * declared - 0.05:
        raise _err("truncated", name, f"the audio file is truncated: it should last {declared:.2f} s but only "
                   f"{len(x) / rate:.2f} s could be decoded.", f"音频文件被截断：应有 {declared:.2f} 秒，只解码出 {len(x) / rate:.2f} 秒。")
    return x, int(rate)


def load_audio(path: str | Path) -> AudioClip:
    """Read any audio file ffmpeg knows into a checked 16 kHz mono clip."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise _err("missing", name, "file not found.", "找不到文件。")
    if path.is_dir():
        raise _err("not_audio", name, "is a folder, not an audio file.", "这是文件夹，不是音频文件。")
    if path.stat().st_size == 0:
        raise _err("zero_bytes", name, "the file is 0 bytes long (nothing was recorded or the copy failed).",
                   "文件大小为 0 字节（没有录到内容或复制失败）。")
    with path.open("rb") as fh:
        head = fh.read(12)
    decoded = _read_wav(path, name) if head[:4] == b"RIFF" and head[8:12] == b"WAVE" else None
    if decoded is None:
        decoded = _read_av(path, name)
    return check_samples(decoded[0], decoded[1], name)
