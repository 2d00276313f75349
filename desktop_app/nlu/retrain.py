"""A candidate intent model from the base training data plus the examples people reviewed, and the rule
that decides whether it may replace the model in use.

``desktop-app nlu retrain`` (``cli/nlu_commands.py``) runs these: ``build_candidate`` fits the same
pipeline as the base model (``classifier.fit``) on the packaged training files plus the accepted
review items; ``scoring.score`` measures it and the model in use on the held-out dev sets; ``judge``
refuses it when macro-F1 drops. The dev sets stay held out: a reviewed sentence that is also a dev
sentence is left out of training (a reviewer may well accept a sentence someone once typed into a
benchmark), so the comparison keeps measuring what the models never saw.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop_app.nlu.classifier import DEV_FILES, TRAIN_FILES, Example, IntentClassifier, fit, load_examples, normalise
from desktop_app.nlu.scoring import Scorecard
from desktop_app.nlu.types import Intent

log = logging.getLogger(__name__)

#: The candidate may not score lower than the model in use on both dev sets together (any drop refuses),
#: compared at the precision macro-F1 is recorded and printed with (``DIGITS`` decimals): a difference
#: below that is no dev sentence changing sides, and a refusal must be able to say by how much.
MAX_OVERALL_DROP = 0.0
DIGITS = 4
#: Nor sacrifice one language for the other: a language's macro-F1 may drop by at most this much
#: (about one dev sentence in a hundred changing sides; less is within the dev set's own noise).
MAX_LANGUAGE_DROP = 0.01


class Reviewed(Protocol):
    """An accepted review item (``service.nlu_review.ReviewedExample``; this layer may not import it)."""

    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def intent(self) -> str: ...


@dataclass(frozen=True)
class Candidate:
    model: IntentClassifier
    base_examples: int
    reviewed_examples: int
    #: Reviewed sentences left out because they are dev sentences, or name an intent this model lacks.
    left_out: int


@dataclass(frozen=True)
class Verdict:
    deploy: bool
    #: Candidate minus model in use, both dev sets together (negative: a drop).
    change: float
    #: Why it was refused, in both languages (empty when it may deploy).
    reasons_en: tuple[str, ...]
    reasons_zh: tuple[str, ...]


def dev_examples(data_dir: Path | None = None) -> list[Example]:
    """The held-out dev sets (never trained on)."""
    return load_examples(DEV_FILES, data_dir)


def usable_reviewed(reviewed: Sequence[Reviewed], dev: Sequence[Example]) -> tuple[list[Example], int]:
    """The reviewed items as training examples, minus dev sentences and unknown intents; and how many were left out."""
    held_out = {normalise(e.text).strip() for e in dev}
    kept: list[Example] = []
    for r in reviewed:
        try:
            intent = Intent(r.intent)
        except ValueError:
            continue
        if normalise(r.text).strip() not in held_out and r.text.strip():
            kept.append(Example(intent, r.text.strip(), r.language))
    return kept, len(reviewed) - len(kept)


def build_candidate(reviewed: Sequence[Reviewed], data_dir: Path | None = None) -> Candidate:
    """Fit a candidate on the base training files (from ``data_dir``, default the packaged ones) plus
    the reviewed examples. Deterministic for the same data: the folds are seeded by data order."""
    base = load_examples(TRAIN_FILES, data_dir)
    extra, left_out = usable_reviewed(reviewed, dev_examples(data_dir))
    if left_out:
        log.info("%d reviewed examples left out of training (dev sentences or unknown intents)", left_out)
    return Candidate(fit([*base, *extra]), len(base), len(extra), left_out)


def judge(candidate: Scorecard, in_use: Scorecard) -> Verdict:
    """May the candidate replace the model in use? Not when its macro-F1 drops (see the limits above)."""
    change = round(round(candidate.macro_f1, DIGITS) - round(in_use.macro_f1, DIGITS), DIGITS)
    en: list[str] = []
    zh: list[str] = []
    if change < -MAX_OVERALL_DROP:
        en.append(f"macro-F1 would drop by {-change:.4f} ({in_use.macro_f1:.4f} → {candidate.macro_f1:.4f})")
        zh.append(f"macro-F1 将下降 {-change:.4f}（{in_use.macro_f1:.4f} → {candidate.macro_f1:.4f}）")
    for mine in candidate.languages:
        theirs = in_use.language(mine.language)
        drop = round(round(theirs.macro_f1, DIGITS) - round(mine.macro_f1, DIGITS), DIGITS) if theirs else 0.0
        if theirs is not None and drop > MAX_LANGUAGE_DROP:
            en.append(f"{mine.language} macro-F1 would drop by {drop:.4f}")
            zh.append(f"{mine.language} 的 macro-F1 将下降 {drop:.4f}")
    return Verdict(not en, change, tuple(en), tuple(zh))
