"""How good an intent model is on the held-out dev sets: precision, recall and F1 per intent, macro-F1.

``nlu retrain`` decides with these whether a candidate model may replace the one in use, so both are
scored exactly the same way: the model's most likely intent for each whole dev sentence (what the
model itself knows, without the clause rules of ``understand.py`` that sit on top of every model
alike). Macro-F1 averages the intents present in the dev set, each counting the same however many
sentences it has: a model that forgets a rare intent loses as much as one that forgets a common one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.nlu.classifier import Example, IntentClassifier

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    #: Dev sentences whose gold label this is.
    support: int


@dataclass(frozen=True)
class DevScore:
    """One language's dev set (or both together, ``language="all"``)."""

    language: str
    n: int
    accuracy: float
    macro_f1: float
    per_intent: tuple[LabelScore, ...]


@dataclass(frozen=True)
class Scorecard:
    """A model's figures: both dev sets together (``overall``, the figure that decides) and each language."""

    overall: DevScore
    languages: tuple[DevScore, ...]

    @property
    def macro_f1(self) -> float:
        return self.overall.macro_f1

    def language(self, language: str) -> DevScore | None:
        return next((d for d in self.languages if d.language == language), None)

    def to_json(self) -> str:
        """Intent names and numbers only (no dev sentence), as ``nlu_model_versions.scores`` keeps them."""
        def part(d: DevScore) -> dict[str, object]:
            return {"n": d.n, "accuracy": round(d.accuracy, 4), "macro_f1": round(d.macro_f1, 4),
                    "intents": {s.label: [round(s.precision, 4), round(s.recall, 4), round(s.f1, 4), s.support]
                                for s in d.per_intent}}

        return json.dumps({"overall": part(self.overall), **{d.language: part(d) for d in self.languages}},
                          sort_keys=True)


def label_scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[LabelScore, ...]:
    """Precision, recall and F1 of every label that is gold or predicted at least once, by name."""
    out = []
    for label in sorted(set(gold) | set(predicted)):
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        guessed = sum(p == label for p in predicted)
        support = sum(g == label for g in gold)
        precision = tp / guessed if guessed else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(LabelScore(label, precision, recall, f1, support))
    return tuple(out)


def macro_f1(scores: Sequence[LabelScore]) -> float:
    """The mean F1 of the labels with dev sentences (a label only ever predicted is not averaged in,
    but its false positives already lowered the precision it took from the others' recall)."""
    present = [s.f1 for s in scores if s.support]
    return sum(present) / len(present) if present else 0.0


def dev_score(language: str, gold: Sequence[str], predicted: Sequence[str]) -> DevScore:
    per = label_scores(gold, predicted)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return DevScore(language, len(gold), correct / len(gold) if gold else 0.0, macro_f1(per), per)


def score(model: IntentClassifier, dev: Sequence[Example]) -> Scorecard:
    """The model's scorecard on ``dev`` (read with ``classifier.load_examples(DEV_FILES)``)."""
    predicted = [dist[0][0].value for dist in model.predict([e.text for e in dev])] if dev else []
    gold = [e.intent.value for e in dev]
    languages = tuple(
        dev_score(lang, [g for g, e in zip(gold, dev, strict=True) if e.language == lang],
                  [p for p, e in zip(predicted, dev, strict=True) if e.language == lang])
        for lang in LANGUAGES if any(e.language == lang for e in dev))
    return Scorecard(dev_score("all", gold, predicted), languages)
