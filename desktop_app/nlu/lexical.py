"""The TF-IDF feature blocks of a trained text model, as plain dictionaries and numpy arrays.

scikit-learn fits the vectorizers, but importing it costs about a second, which a one-question
``desktop-app ask`` or a kiosk's first answer should not pay. A fitted ``TfidfVectorizer`` is just a
vocabulary, an idf vector and an analyzer; this module keeps those and reproduces ``transform``
exactly (sublinear tf, idf weighting, l2 norm), so the cached model loads and runs without sklearn.
The equivalence is tested against sklearn itself (tests/test_nlu_lexical.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """sklearn's ``char_wb`` analyzer: n-grams inside word boundaries padded with one space."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset:offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset:offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


class LexicalBlock:
    """One fitted TF-IDF vectorizer: ``analyze`` turns a text into terms, the rest weighs them."""

    def __init__(self, vocabulary: dict[str, int], idf: NDArray[np.float64], analyze: Callable[[str], list[str]],
                 *, sublinear_tf: bool) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.analyze = analyze
        self.sublinear_tf = sublinear_tf

    @property
    def size(self) -> int:
        return len(self.idf)

    @classmethod
    def from_tfidf(cls, vectorizer: Any) -> LexicalBlock:
        """Copy what a fitted sklearn ``TfidfVectorizer`` (char_wb or a callable analyzer) knows."""
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("only l2-normalised tf-idf blocks are supported")
        analyzer = vectorizer.analyzer
        if callable(analyzer):
            analyze = analyzer
        elif analyzer == "char_wb":
            analyze = _CharWb(vectorizer.preprocessor, *vectorizer.ngram_range)
        else:
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        vocabulary = {str(term): int(index) for term, index in vectorizer.vocabulary_.items()}
        return cls(vocabulary, np.asarray(vectorizer.idf_, dtype=np.float64), analyze,
                   sublinear_tf=bool(vectorizer.sublinear_tf))

    def transform(self, text: str) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """The text's non-zero features: (column indices, l2-normalised tf-idf values)."""
        counts = Counter(index for term in self.analyze(text) if (index := self.vocabulary.get(term)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[columns]
        norm = float(np.sqrt(np.dot(values, values)))
        return columns, (values / norm if norm > 0 else values)


class _CharWb:
    """A picklable char_wb analyzer (the preprocessor is a module-level function)."""

    def __init__(self, preprocessor: Callable[[str], str] | None, low: int, high: int) -> None:
        self.preprocessor = preprocessor
        self.low = low
        self.high = high

    def __call__(self, text: str) -> list[str]:
        prepared = self.preprocessor(text) if self.preprocessor is not None else text.lower()
        return char_wb_ngrams(prepared, self.low, self.high)
