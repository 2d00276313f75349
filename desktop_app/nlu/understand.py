"""The ``Understander`` facade: text → ``NluResult`` (intents, entities, emotion), never raising.

Multi-intent: the whole utterance gives the primary distribution; each clause (split on sentence
punctuation and connectors such as "还有", "另外", "and also") is classified too, and a clause
whose confident intent differs from the primary is reported as a secondary intent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from desktop_app.core.text import clean_text
from desktop_app.nlu.brands import BrandLexicon
from desktop_app.nlu.classifier import EmotionModel, IntentClassifier, shared_classifier
from desktop_app.nlu.emotion import detect_emotion, shared_emotion_model
from desktop_app.nlu.entities import extract_entities
from desktop_app.nlu.language import detect_language
from desktop_app.nlu.lexicon import ProductLexicon
from desktop_app.nlu.types import SOCIAL_INTENTS, Emotion, Intent, NluResult

log = logging.getLogger(__name__)

_CLAUSE_SPLIT = re.compile(
    r"[。？！?!；;\n，,]+|还有|另外|顺便|此外|再就是|然后再|"
    r"\b(?:and also|also|by the way|btw|plus|oh and|and then|another thing)\b",
    re.I,
)
_MAX_CLAUSES = 6


@dataclass(frozen=True)
class UnderstandingConfig:
    """Tuning of the understanding layer. Whether a turn is sure enough to act on is decided once,
    on the fused turn (``fusion.fuse.DEFAULT_THRESHOLD``), not here."""

    #: A clause must be at least this sure to add a secondary intent (clauses are short and noisy).
    secondary_threshold: float = 0.6


def split_clauses(text: str) -> tuple[str, ...]:
    parts = [p.strip(" ，,、:：-") for p in _CLAUSE_SPLIT.split(text)]
    return tuple(p for p in parts if len(p) >= 2)[:_MAX_CLAUSES]


class Understander:
    """Thread-safe after construction; share one per process (the classifier is loaded once)."""

    def __init__(
        self,
        *,
        lexicon: ProductLexicon | None = None,
        brands: BrandLexicon | None = None,
        classifier: IntentClassifier | None = None,
        emotion_model: EmotionModel | None = None,
        config: UnderstandingConfig | None = None,
    ) -> None:
        self._lexicon = lexicon
        self._brands = brands
        self._classifier = classifier
        self._emotion_model = emotion_model
        self.config = config or UnderstandingConfig()

    @property
    def classifier(self) -> IntentClassifier:
        if self._classifier is None:
            self._classifier = shared_classifier()
        return self._classifier

    @property
    def emotion_model(self) -> EmotionModel:
        if self._emotion_model is None:
            self._emotion_model = shared_emotion_model()
        return self._emotion_model

    def with_lexicon(self, lexicon: ProductLexicon | None, brands: BrandLexicon | None = None) -> Understander:
        """A sibling sharing the classifier, for when the catalogue changes (brands kept unless given)."""
        return Understander(lexicon=lexicon, brands=brands if brands is not None else self._brands,
                            classifier=self._classifier, emotion_model=self._emotion_model, config=self.config)

    def understand(self, text: str, *, language_hint: str | None = None) -> NluResult:
        """Analyse one utterance. Any ``str`` (empty, binary junk, 10k chars) yields a valid result."""
        try:
            return self._understand(text, language_hint)
        except Exception:  # the chat must answer something; the failure is logged without the text
            log.exception("understanding failed; returning an unsure out-of-scope result")
            return _unsure(clean_text(text if isinstance(text, str) else ""), language_hint or "zh")

    def _understand(self, raw: str, language_hint: str | None) -> NluResult:
        text = clean_text(raw if isinstance(raw, str) else "")
        default = language_hint if language_hint in ("zh", "en") else "zh"
        language = detect_language(text, default=default)
        if not text or not re.search(r"\w", text):
            return _unsure(text, language)
        clauses = split_clauses(text)
        batch = [text] + ([c for c in clauses] if len(clauses) > 1 else [])
        dists = self.classifier.predict(batch)
        whole = dists[0]
        intent, confidence = whole[0]
        sure_clauses = [dist[0] for dist in dists[1:]
                        if dist[0][1] >= self.config.secondary_threshold and dist[0][0] != Intent.OUT_OF_SCOPE]
        # "帮我查下订单…，另外推荐几款帐篷": when the whole sentence is torn between two requests and its
        # clauses are each sure of one, the surest real request leads and the others follow it.
        real_clauses = [c for c in sure_clauses if c[0] not in SOCIAL_INTENTS]
        if real_clauses and confidence < self.config.secondary_threshold:
            best = max(real_clauses, key=lambda c: c[1])
            if best[1] > confidence:
                intent, confidence = best
        secondary: list[tuple[Intent, float]] = []
        for c_intent, c_prob in sure_clauses:
            if c_intent != intent and all(c_intent != s for s, _ in secondary):
                secondary.append((c_intent, c_prob))
        # "你好，我想退货": a greeting never hides the request that comes with it.
        if intent in SOCIAL_INTENTS or intent == Intent.OUT_OF_SCOPE:
            real = [s for s in secondary if s[0] not in SOCIAL_INTENTS]
            if real:
                best = max(real, key=lambda s: s[1])
                secondary.remove(best)
                if intent != Intent.OUT_OF_SCOPE:
                    secondary.insert(0, (intent, confidence))
                intent, confidence = best
        return NluResult(
            language=language,
            text=text,
            intents=whole,
            intent=intent,
            confidence=confidence,
            secondary_intents=tuple(secondary),
            entities=extract_entities(text, self._lexicon, self._brands),
            emotion=detect_emotion(text, self.emotion_model),
            clauses=clauses,
        )


def _unsure(text: str, language: str) -> NluResult:
    dist = ((Intent.OUT_OF_SCOPE, 0.0),)
    return NluResult(language=language if language in ("zh", "en", "mixed") else "zh", text=text, intents=dist,
                     intent=Intent.OUT_OF_SCOPE, confidence=0.0, emotion=Emotion())
