"""Intent models built by ``nlu retrain``, kept as numbered files beside the classifier cache.

Each version is one pickle, ``<cache dir>/nlu/versions/<version>.pkl``, written atomically; its
sha256 is recorded in the store (``nlu_model_versions``), not beside the file, so a damaged or
swapped file is refused before it is unpickled: the digest comes from somewhere other than the file.
The version ``"base"`` has no file here: it is the model trained from the packaged training files,
cached and checked by ``classifier.load_or_train``.

The running app asks ``load_deployed`` for the version the store says is deployed. A missing or
damaged file never stops the app: it logs why and answers with the base model instead.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
import re
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.core.files import atomic_write
from desktop_app.nlu.classifier import IntentClassifier

log = logging.getLogger(__name__)

BASE = "base"
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


class ModelVersionError(AppError):
    """A model version's file is missing, damaged or not an intent model."""


def versions_dir(cache_dir: Path) -> Path:
    """Where the versions live: ``versions/`` inside the classifier cache (``<cache dir>/nlu``)."""
    return Path(cache_dir) / "nlu" / "versions"


def _file(directory: Path, version: str) -> Path:
    if not _NAME.match(version) or version.startswith("."):
        raise ModelVersionError(f"Bad model version name {version!r}.", message_zh=f"模型版本名无效：{version!r}。")
    return directory / f"{version}.pkl"


def model_digest(model: IntentClassifier) -> str:
    """The sha256 of the model as it is stored (the base model is recorded with this too)."""
    return hashlib.sha256(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def save_version(model: IntentClassifier, directory: Path, version: str) -> str:
    """Write the model as ``version`` and return the sha256 of what was written."""
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write(_file(directory, version), blob)
    return hashlib.sha256(blob).hexdigest()


def load_version(directory: Path, version: str, sha256: str) -> IntentClassifier:
    """The model saved as ``version``, only if its bytes still hash to ``sha256``."""
    path = _file(directory, version)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ModelVersionError(f"The file of model {version} is missing ({path}).",
                                message_zh=f"模型 {version} 的文件不存在（{path}）。") from exc
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise ModelVersionError(f"The file of model {version} failed its checksum; it is not used.",
                                message_zh=f"模型 {version} 的文件校验失败，不予使用。")
    try:
        model = pickle.load(io.BytesIO(blob))
    except Exception as exc:  # an incompatible pickle (a library changed since it was saved)
        raise ModelVersionError(f"Model {version} cannot be loaded by this version of the app.",
                                message_zh=f"当前版本的程序无法加载模型 {version}。") from exc
    if not isinstance(model, IntentClassifier):
        raise ModelVersionError(f"Model {version} is not an intent model.", message_zh=f"模型 {version} 不是意图模型。")
    return model


def load_deployed(cache_dir: Path, version: str | None, sha256: str | None) -> IntentClassifier | None:
    """The deployed version's model for the running app, or None for the base model (none deployed,
    ``base`` deployed, or the deployed file unusable: then logged, and the base model answers)."""
    if version is None or sha256 is None or version == BASE:
        return None
    try:
        return load_version(versions_dir(cache_dir), version, sha256)
    except ModelVersionError as exc:
        log.warning("deployed intent model not used, the base model answers instead: %s", exc.message)
        return None
