"""What a complaint is about, in either language: a light classifier over the intent model's features.

A keyword rule put about half of a sample of complaints under the wrong topic ("the table arrived
with a crack" is damage, not quality; "钱" is not always a refund). The same feature blocks as the
intent model (TF-IDF characters and words + the multilingual sentence embedding, ``classifier.
build_pipeline``) feed a calibrated linear SVM trained on complaint sentences written for this
project (``data/complaints_{en,zh}.tsv``). A separately written dev set in another style
(``data/complaints_dev_{en,zh}.tsv``, slang, typos, sarcasm, mixed zh/en) measures it and is never
trained on (``benchmarks/complaints.py``).

The topic names are the values of ``service.types.ComplaintTopic`` (this layer may not import the
service layer; a test keeps the two lists equal). A complaint the model is unsure about is
``other``. The fitted model is cached like the intent model: under the user cache dir, keyed by
the data files' sha256 and the library versions, checked against its own digest before loading.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.nlu.classifier import LinearTextModel, _data_dir, build_pipeline, load_or_fit

if TYPE_CHECKING:  # sklearn only fits; the cached model runs without it
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

TRAIN_FILES = ("complaints_en.tsv", "complaints_zh.tsv")
#: Written in a separate pass and another style; never trained on.
DEV_FILES = ("complaints_dev_en.tsv", "complaints_dev_zh.tsv")
#: The topics the model knows (``ComplaintTopic`` values other than ``other``).
TOPICS = ("delivery_delay", "damaged", "wrong_item", "product_quality", "refund", "service_attitude", "assembly",
          "pricing")
OTHER = "other"
#: Below this probability the complaint is filed as ``other`` rather than under a guessed topic.
MIN_CONFIDENCE = 0.3
#: Bump when the features or the model change in a way the data hash cannot see.
MODEL_VERSION = "complaints-2"


@dataclass(frozen=True)
class LabelledComplaint:
    topic: str
    text: str
    language: str


@dataclass(frozen=True)
class TopicGuess:
    topic: str
    confidence: float


def load_complaints(files: Sequence[str] = TRAIN_FILES, data_dir: Path | None = None) -> list[LabelledComplaint]:
    """Read ``topic<TAB>text`` lines; '#' lines, blanks and the header are skipped."""
    base = data_dir or _data_dir()
    out: list[LabelledComplaint] = []
    for name in files:
        language = "zh" if "_zh" in name else "en"
        for lineno, line in enumerate((base / name).read_text(encoding="utf-8").splitlines(), 1):
            cols = line.split("\t")
            if line.startswith("#") or len(cols) < 2 or cols[0] == "topic":
                continue
            topic = cols[0].strip()
            if topic not in TOPICS:
                raise ValueError(f"{name}:{lineno}: unknown complaint topic {topic!r}")
            out.append(LabelledComplaint(topic, cols[1].strip(), language))
    return out


class ComplaintTopicModel(LinearTextModel[str]):
    """The fitted model (the intent model's sklearn-free form); ``classify`` gives the likeliest topic,
    or ``other`` when unsure."""

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__(pipeline, str)

    @property
    def topics(self) -> list[str]:
        return self.classes

    def classify(self, texts: Sequence[str]) -> list[TopicGuess]:
        if not texts:
            return []
        out = []
        classes = self.classes
        for row in self.predict_proba(list(texts)):
            best = int(row.argmax())
            confidence = float(row[best])
            out.append(TopicGuess(classes[best] if confidence >= MIN_CONFIDENCE else OTHER, round(confidence, 4)))
        return out


def fit(examples: Sequence[LabelledComplaint]) -> ComplaintTopicModel:
    started = time.perf_counter()
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.topic for e in examples])
    log.info("complaint topic model trained on %d examples in %.1fs", len(examples), time.perf_counter() - started)
    return ComplaintTopicModel(pipeline)


def train(data_dir: Path | None = None) -> ComplaintTopicModel:
    """Fit on the training files only (never the dev set)."""
    return fit(load_complaints(TRAIN_FILES, data_dir))


def load_or_train(cache_dir: Path | None = None, data_dir: Path | None = None) -> ComplaintTopicModel:
    """The cached model when its data key and checksum match, else a fresh one (cached for next time)."""
    return load_or_fit("complaints", TRAIN_FILES, ComplaintTopicModel, train, cache_dir, data_dir, salt=MODEL_VERSION)


@dataclass(frozen=True)
class TopicScore:
    topic: str
    precision: float
    recall: float
    f1: float
    support: int


def topic_scores(gold: Sequence[str], predicted: Sequence[str]) -> list[TopicScore]:
    """Precision, recall and F1 per topic (a guess of ``other`` is a miss for every topic)."""
    out = []
    for topic in TOPICS:
        tp = sum(g == topic and p == topic for g, p in zip(gold, predicted))
        guessed = sum(p == topic for p in predicted)
        support = sum(g == topic for g in gold)
        precision = tp / guessed if guessed else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(TopicScore(topic, precision, recall, f1, support))
    return out


def macro_f1(scores: Sequence[TopicScore]) -> float:
    present = [s.f1 for s in scores if s.support]
    return sum(present) / len(present) if present else 0.0


_lock = threading.Lock()
_shared: ComplaintTopicModel | None = None


def shared_topic_model() -> ComplaintTopicModel:
    """Process-wide complaint topic model, trained or loaded once on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = load_or_train()
        return _shared


def classify_complaint(text: str) -> TopicGuess:
    """The topic of one complaint (``other`` when the model is unsure)."""
    return shared_topic_model().classify([text])[0]
