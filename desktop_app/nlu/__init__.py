"""Language understanding: bilingual intents, entities and emotion for the dialogue manager.

Entry point: ``understand.Understander().understand(text) -> types.NluResult``. Import from the
modules themselves: this package's import stays light (the intent model loads scikit-learn).
"""
