"""The intent classifier: TF-IDF (char n-grams for both scripts + jieba/English words) → calibrated linear SVM.

Trained from the project's bilingual TSV files on first use and cached in the user cache dir
under a key of the data files' sha256 and the scikit-learn version, so editing the data or
upgrading sklearn retrains. The cached pickle is only loaded after its sha256 matches the digest
written beside it, so a truncated or swapped file is retrained rather than unpickled.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import sklearn
from numpy.typing import NDArray
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from desktop_app.nlu.tokenize import word_ngrams
from desktop_app.nlu.types import Intent

log = logging.getLogger(__name__)

#: Bump when features or model change in a way the data hash cannot see.
MODEL_VERSION = "2"
TRAIN_FILES = ("intents_en.tsv", "intents_zh.tsv")
TEST_FILES = ("test_en.tsv", "test_zh.tsv")


@dataclass(frozen=True)
class Example:
    intent: Intent
    text: str
    language: str
    #: Extra annotation columns of the test split (order_ref, price_min, price_max), "" when absent.
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


_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Lower-case and replace digit runs by shape markers: the values are entities, not intent."""
    def shape(m: re.Match[str]) -> str:
        n = len(m.group(0))
        return " 0000000000 " if n >= 12 else (" 0000 " if n == 4 else " 00 ")

    return _DIGITS.sub(shape, text.lower())


def build_pipeline() -> Pipeline:
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), preprocessor=normalise,
                                  sublinear_tf=True, min_df=1, max_features=60000)),
        ("words", TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=1)),
    ])
    svm = LinearSVC(C=0.5, class_weight="balanced", max_iter=5000)
    return Pipeline([("features", features), ("clf", CalibratedClassifierCV(svm, method="sigmoid", cv=3))])


class IntentClassifier:
    """The fitted features plus the calibrated SVMs flattened into numpy arrays.

    sklearn's ``CalibratedClassifierCV.predict_proba`` validates inputs once per class and fold
    (~20 ms for one sentence); the same arithmetic on stacked arrays takes well under a
    millisecond, which keeps understanding inside the chat's latency budget.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self._features = pipeline.named_steps["features"]
        calibrated: CalibratedClassifierCV = pipeline.named_steps["clf"]
        self._classes = [Intent(c) for c in calibrated.classes_]
        folds = calibrated.calibrated_classifiers_
        self._coef: NDArray[np.float64] = np.stack([f.estimator.coef_ for f in folds])  # (folds, classes, features)
        self._intercept: NDArray[np.float64] = np.stack([f.estimator.intercept_ for f in folds])  # (folds, classes)
        self._a: NDArray[np.float64] = np.array([[c.a_ for c in f.calibrators] for f in folds])
        self._b: NDArray[np.float64] = np.array([[c.b_ for c in f.calibrators] for f in folds])

    @property
    def classes(self) -> list[Intent]:
        return list(self._classes)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        x = self._features.transform(list(texts))
        out: NDArray[np.float64] = np.zeros((x.shape[0], len(self._classes)))
        folds = len(self._coef)  # the first axis: one calibrated SVM per cross-validation fold
        for k in range(folds):
            decision = np.asarray(x @ self._coef[k].T) + self._intercept[k]
            proba = 1.0 / (1.0 + np.exp(self._a[k] * decision + self._b[k]))
            total = proba.sum(axis=1, keepdims=True)
            out += np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total != 0)
        return out / folds

    def predict(self, texts: Sequence[str]) -> list[tuple[tuple[Intent, float], ...]]:
        """One distribution per text, most likely first."""
        if not texts:
            return []
        probs = self.predict_proba(texts)
        out = []
        for row in probs:
            pairs = sorted(zip(self._classes, (float(p) for p in row)), key=lambda p: -p[1])
            out.append(tuple((i, round(p, 4)) for i, p in pairs))
        return out


def data_digest(data_dir: Path | None = None) -> str:
    h = hashlib.sha256()
    base = data_dir or _data_dir()
    for name in TRAIN_FILES:
        h.update(name.encode())
        h.update((base / name).read_bytes())
    h.update(f"sklearn={sklearn.__version__};model={MODEL_VERSION}".encode())
    return h.hexdigest()


def train(data_dir: Path | None = None) -> IntentClassifier:
    """Fit on the training files only (never the test split)."""
    examples = load_examples(TRAIN_FILES, data_dir)
    started = time.perf_counter()
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.intent.value for e in examples])
    log.info("intent classifier trained on %d examples in %.1fs", len(examples), time.perf_counter() - started)
    return IntentClassifier(pipeline)


def _default_cache_dir() -> Path:
    from desktop_app.core.config import load_settings

    return Path(load_settings().cache_dir) / "nlu"


def _load_cached(model: Path, digest_file: Path) -> IntentClassifier | None:
    try:
        blob = model.read_bytes()
        expected = digest_file.read_text(encoding="ascii").strip()
    except OSError:
        return None
    if hashlib.sha256(blob).hexdigest() != expected:
        log.warning("cached intent model failed its checksum; retraining")
        return None
    try:
        classifier = pickle.load(io.BytesIO(blob))
        if not isinstance(classifier, IntentClassifier):
            return None
        return classifier
    except Exception:  # an incompatible pickle (library change) is a cache miss, not a failure
        log.warning("cached intent model could not be loaded; retraining", exc_info=True)
        return None


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_lock = threading.Lock()
_shared: IntentClassifier | None = None


def load_or_train(cache_dir: Path | None = None, data_dir: Path | None = None) -> IntentClassifier:
    """The cached model when its data key and checksum match, else a fresh one (and cache it)."""
    key = data_digest(data_dir)[:24]
    directory = cache_dir or _default_cache_dir()
    model, digest_file = directory / f"intent-{key}.pkl", directory / f"intent-{key}.sha256"
    cached = _load_cached(model, digest_file)
    if cached is not None:
        return cached
    classifier = train(data_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        blob = pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)
        _atomic_write(model, blob)
        _atomic_write(digest_file, hashlib.sha256(blob).hexdigest().encode("ascii"))
    except OSError:
        log.warning("could not cache the intent model; it will retrain next start", exc_info=True)
    return classifier


def shared_classifier() -> IntentClassifier:
    """Process-wide classifier, trained or loaded once on first use."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = load_or_train()
    return _shared
