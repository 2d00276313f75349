"""The intent and emotion classifiers: TF-IDF (char n-grams for both scripts + jieba/English words) and
multilingual sentence embeddings (``embedding.py``) side by side → calibrated linear SVM.

The lexical block knows the shop's own words (退款, PHN-QL-E3, 木有); the embedding block knows
paraphrase ("when will my article arrive" is near "where is my parcel") and the other language.
The separately written dev files (``DEV_FILES``) measure them and are never trained on.

Both are trained from the project's bilingual TSV files on first use and cached in the user cache dir
under a key of the data files' sha256, the scikit-learn version, ``MODEL_VERSION`` and any other
choice the caller names (``load_or_fit``'s salt), so editing the data or upgrading sklearn retrains. The cached pickle is only loaded after its sha256 matches the digest
written beside it, so a truncated or swapped file is retrained rather than unpickled.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from desktop_app.core.files import atomic_write
from desktop_app.nlu.embedding import DIMENSIONS, shared_encoder
from desktop_app.nlu.lexical import LexicalBlock

if TYPE_CHECKING:  # sklearn fits models; a cached model runs without importing it (about a second)
    from sklearn.pipeline import Pipeline
from desktop_app.nlu.tokenize import word_ngrams
from desktop_app.nlu.types import EmotionLabel, Intent

log = logging.getLogger(__name__)

#: Bump when features or model change in a way the data hash cannot see.
MODEL_VERSION = "5"
TRAIN_FILES = ("intents_en.tsv", "intents_zh.tsv")
#: Written in a separate pass (different sources imitated); never trained on.
DEV_FILES = ("dev_en.tsv", "dev_zh.tsv")
EMOTION_FILES = ("emotion_en.tsv", "emotion_zh.tsv")
#: How much the embedding block weighs against the TF-IDF blocks (each row of each block has unit norm).
EMBEDDING_WEIGHT = 1.0


@dataclass(frozen=True)
class Example:
    intent: Intent
    text: str
    language: str
    #: Extra annotation columns, "" when absent.
    extra: tuple[str, ...] = ()


def _data_dir() -> Path:
    return Path(str(resources.files("desktop_app.nlu") / "data"))


def load_examples(files: Sequence[str] = TRAIN_FILES, data_dir: Path | None = None) -> list[Example]:
    """Read ``intent<TAB>text[<TAB>extra...]`` lines; '#' lines and blanks are comments."""
    base = data_dir or _data_dir()
    out: list[Example] = []
    for name in files:
        language = "zh" if "_zh" in name else "en"
        for lineno, line in enumerate((base / name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2 or cols[0] == "intent":
                continue
            try:
                intent = Intent(cols[0].strip())
            except ValueError as exc:
                raise ValueError(f"{name}:{lineno}: unknown intent {cols[0]!r}") from exc
            out.append(Example(intent, cols[1].strip(), language, tuple(c.strip() for c in cols[2:])))
    return out


def load_emotion_examples(files: Sequence[str] = EMOTION_FILES,
                          data_dir: Path | None = None) -> list[tuple[EmotionLabel, str]]:
    """Read ``emotion<TAB>text`` lines of the emotion training files."""
    base = data_dir or _data_dir()
    out: list[tuple[EmotionLabel, str]] = []
    for name in files:
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith("#") or len(cols) < 2 or cols[0] == "emotion":
                continue
            out.append((EmotionLabel(cols[0].strip()), cols[1].strip()))
    return out


_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Lower-case and replace digit runs by shape markers: the values are entities, not intent."""
    def shape(m: re.Match[str]) -> str:
        n = len(m.group(0))
        return " 0000000000 " if n >= 12 else (" 0000 " if n == 4 else " 00 ")

    return _DIGITS.sub(shape, text.lower())


class SentenceEmbedding:
    """The shared sentence encoder as a feature block; holds no model, so it pickles as nothing."""

    def fit(self, texts: Sequence[str], y: object = None) -> SentenceEmbedding:
        return self

    def fit_transform(self, texts: Sequence[str], y: object = None) -> NDArray[np.float32]:
        return self.transform(texts)

    def get_params(self, deep: bool = True) -> dict[str, object]:
        return {}

    def set_params(self, **params: object) -> SentenceEmbedding:
        return self

    def transform(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return shared_encoder().encode([normalise(t) for t in texts]) * np.float32(EMBEDDING_WEIGHT)


def build_pipeline() -> Pipeline:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), preprocessor=normalise,
                                  sublinear_tf=True, min_df=1, max_features=80000)),
        ("words", TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=1)),
        ("meaning", SentenceEmbedding()),
    ])
    svm = LinearSVC(C=0.5, class_weight="balanced", max_iter=5000, random_state=0)
    return Pipeline([("features", features), ("clf", CalibratedClassifierCV(svm, method="sigmoid", cv=3))])


L = TypeVar("L", Intent, EmotionLabel, str)


class LinearTextModel(Generic[L]):
    """The fitted features plus the calibrated SVMs flattened into numpy arrays.

    sklearn's ``CalibratedClassifierCV.predict_proba`` validates inputs once per class and fold
    (~20 ms for one sentence); the same arithmetic on stacked arrays takes well under a
    millisecond, which keeps understanding inside the chat's latency budget.
    """

    def __init__(self, pipeline: Pipeline, label: Callable[[str], L]) -> None:
        # The feature blocks in column order: TF-IDF blocks copied out of sklearn (nlu/lexical.py) and
        # the sentence embedding, each with the column where it starts.
        self._lexical: list[tuple[int, LexicalBlock]] = []
        self._embedding: tuple[int, SentenceEmbedding] | None = None
        offset = 0
        for _name, transformer in pipeline.named_steps["features"].transformer_list:
            if isinstance(transformer, SentenceEmbedding):
                self._embedding = (offset, transformer)
                offset += DIMENSIONS
            else:
                block = LexicalBlock.from_tfidf(transformer)
                self._lexical.append((offset, block))
                offset += block.size
        calibrated = pipeline.named_steps["clf"]
        self._classes: list[L] = [label(c) for c in calibrated.classes_]
        folds = calibrated.calibrated_classifiers_
        # (folds, features, classes), float32 and contiguous: half the cached model, and the product with a
        # float32 sparse row needs no conversion or copy of the weights per call.
        coef = np.stack([f.estimator.coef_ for f in folds]).transpose(0, 2, 1)
        self._coef: NDArray[np.float32] = np.ascontiguousarray(coef, dtype=np.float32)
        self._intercept: NDArray[np.float64] = np.stack([f.estimator.intercept_ for f in folds])  # (folds, classes)
        self._a: NDArray[np.float64] = np.array([[c.a_ for c in f.calibrators] for f in folds])
        self._b: NDArray[np.float64] = np.array([[c.b_ for c in f.calibrators] for f in folds])

    @property
    def classes(self) -> list[L]:
        return list(self._classes)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        texts = list(texts)
        rows = [self._sparse_row(t) for t in texts]
        dense = None
        if self._embedding is not None:
            start, embedding = self._embedding
            dense = (start, embedding.transform(texts).astype(np.float32))
        out: NDArray[np.float64] = np.zeros((len(texts), len(self._classes)))
        folds = len(self._coef)  # the first axis: one calibrated SVM per cross-validation fold
        for k in range(folds):
            weights = self._coef[k]
            raw = np.stack([values @ weights[columns] for columns, values in rows]) if rows else \
                np.zeros((0, len(self._classes)), dtype=np.float32)
            if dense is not None:
                start, vectors = dense
                raw = raw + vectors @ weights[start:start + vectors.shape[1]]
            decision = np.asarray(raw, dtype=np.float64) + self._intercept[k]
            proba = 1.0 / (1.0 + np.exp(self._a[k] * decision + self._b[k]))
            total = proba.sum(axis=1, keepdims=True)
            out += np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total != 0)
        return out / folds

    def _sparse_row(self, text: str) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The text's non-zero TF-IDF columns across the lexical blocks, and their values."""
        columns, values = [], []
        for start, block in self._lexical:
            cols, vals = block.transform(text)
            columns.append(cols + start)
            values.append(vals)
        return np.concatenate(columns), np.concatenate(values).astype(np.float32)

    def predict(self, texts: Sequence[str]) -> list[tuple[tuple[L, float], ...]]:
        """One distribution per text, most likely first."""
        if not texts:
            return []
        probs = self.predict_proba(texts)
        out = []
        for row in probs:
            pairs = sorted(zip(self._classes, (float(p) for p in row)), key=lambda p: -p[1])
            out.append(tuple((i, round(p, 4)) for i, p in pairs))
        return out


class IntentClassifier(LinearTextModel[Intent]):
    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__(pipeline, Intent)


class EmotionModel(LinearTextModel[EmotionLabel]):
    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__(pipeline, EmotionLabel)


def data_digest(data_dir: Path | None = None, files: Sequence[str] = TRAIN_FILES, salt: str = "") -> str:
    """Key of a cached model: its data files, the sklearn version, MODEL_VERSION and ``salt`` (other choices)."""
    h = hashlib.sha256(salt.encode())
    base = data_dir or _data_dir()
    for name in files:
        h.update(name.encode())
        h.update((base / name).read_bytes())
    h.update(f"sklearn={version('scikit-learn')};model={MODEL_VERSION}".encode())
    return h.hexdigest()


def fit(examples: Sequence[Example]) -> IntentClassifier:
    """Fit a classifier on ``examples`` (deterministic: the SVMs and their folds are seeded by data order)."""
    started = time.perf_counter()
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.intent.value for e in examples])
    log.info("intent classifier trained on %d examples in %.1fs", len(examples), time.perf_counter() - started)
    return IntentClassifier(pipeline)


def train(data_dir: Path | None = None) -> IntentClassifier:
    """Fit on the training files only (never the dev split)."""
    return fit(load_examples(TRAIN_FILES, data_dir))


def default_cache_dir() -> Path:
    from desktop_app.core.config import load_settings

    return Path(load_settings().cache_dir) / "nlu"


M = TypeVar("M", bound=LinearTextModel[Any])


def _load_cached(model: Path, digest_file: Path, kind: type[M]) -> M | None:
    # A stamp (size, mtime, ctime, inode: core.checksums) spares hashing the 40 MB model on every start.
    from desktop_app.core.checksums import StampBook, mismatch

    try:
        expected = digest_file.read_text(encoding="ascii").strip()
    except OSError:
        return None
    stamps = StampBook(model.parent / "stamps.json")
    problem = mismatch(model, expected, stamps=stamps)
    if problem is not None:
        if problem != "missing":
            log.warning("cached %s failed its checksum (%s); retraining", model.name, problem)
        return None
    try:
        stamps.save()
        blob = model.read_bytes()
    except OSError:
        return None
    try:
        loaded = pickle.load(io.BytesIO(blob))
        return loaded if isinstance(loaded, kind) else None
    except Exception:  # an incompatible pickle (library change) is a cache miss, not a failure
        log.warning("cached %s could not be loaded; retraining", model.name, exc_info=True)
        return None


def load_or_fit(name: str, files: Sequence[str], kind: type[M], make: Callable[[Path | None], M],
                cache_dir: Path | None, data_dir: Path | None, salt: str = "") -> M:
    """The cached model when its data key and checksum match, else a fresh one (and cache it)."""
    key = data_digest(data_dir, files, salt)[:24]
    directory = cache_dir or default_cache_dir()
    model, digest_file = directory / f"{name}-{key}.pkl", directory / f"{name}-{key}.sha256"
    cached = _load_cached(model, digest_file, kind)
    if cached is not None:
        return cached
    fitted = make(data_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        blob = pickle.dumps(fitted, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(model, blob)
        atomic_write(digest_file, hashlib.sha256(blob).hexdigest().encode("ascii"))
        for stale in directory.glob(f"{name}-*"):  # models of older data or code are never read again
            if stale not in (model, digest_file) and stale.suffix in (".pkl", ".sha256"):
                stale.unlink(missing_ok=True)
    except OSError:
        log.warning("could not cache the %s model; it will retrain next start", name, exc_info=True)
    return fitted


def load_or_train(cache_dir: Path | None = None, data_dir: Path | None = None) -> IntentClassifier:
    return load_or_fit("intent", TRAIN_FILES, IntentClassifier, train, cache_dir, data_dir)


_lock = threading.Lock()
_shared: IntentClassifier | None = None


def shared_classifier() -> IntentClassifier:
    """Process-wide intent classifier, trained or loaded once on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = load_or_train()
        return _shared
