"""Language understanding: bilingual intents, entities and emotion for the dialogue manager.

Entry point: ``Understander().understand(text) -> NluResult``.
"""

from desktop_app.nlu.brands import BrandLexicon
from desktop_app.nlu.lexicon import ProductEntry, ProductLexicon
from desktop_app.nlu.types import Emotion, EmotionLabel, Entity, EntityKind, Intent, NluResult, PriceRange
from desktop_app.nlu.understand import Understander, UnderstandingConfig

__all__ = [
    "BrandLexicon", "Emotion", "EmotionLabel", "Entity", "EntityKind", "Intent", "NluResult", "PriceRange",
    "ProductEntry", "ProductLexicon", "Understander", "UnderstandingConfig",
]
