"""The sklearn-free TF-IDF blocks compute exactly what the fitted sklearn vectorizers compute.

A cached model runs without importing scikit-learn (about a second of every cold start); this is
the guarantee that it still sees the same features and gives the same probabilities.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from desktop_app.nlu.classifier import IntentClassifier, build_pipeline, load_examples
from desktop_app.nlu.lexical import LexicalBlock

TEXTS = ["我的订单2611什么时候到？？", "where's my parcel, it's been a week", "PHN-QL-E3 有货吗",
         "这个tent防水吗", "  spaces   and\ttabs ", "", "🙂👍", "退款退款退款", "a", "Can I return the blue one?"]


@pytest.fixture(scope="module")
def fitted():  # type: ignore[no-untyped-def]
    examples = load_examples()[::12]  # a small, varied slice is enough to compare arithmetic
    pipeline = build_pipeline()
    pipeline.fit([e.text for e in examples], [e.intent.value for e in examples])
    return pipeline


def test_each_block_matches_sklearns_transform(fitted):
    for name, vectorizer in fitted.named_steps["features"].transformer_list:
        if name == "meaning":
            continue
        block = LexicalBlock.from_tfidf(vectorizer)
        expected = vectorizer.transform(TEXTS).toarray()
        for row, text in zip(expected, TEXTS, strict=True):
            mine = np.zeros_like(row)
            columns, values = block.transform(text)
            mine[columns] = values
            np.testing.assert_allclose(mine, row, atol=1e-9, err_msg=f"{name}: {text!r}")


def test_the_model_gives_sklearns_probabilities(fitted):
    model = IntentClassifier(fitted)
    reference = fitted.predict_proba(TEXTS)  # sklearn's own calibrated ensemble
    np.testing.assert_allclose(model.predict_proba(TEXTS), reference, atol=1e-4)


def test_a_cached_model_answers_without_importing_sklearn(tmp_path, fitted):
    import pickle

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(IntentClassifier(fitted)))
    code = ("import pickle, sys; m = pickle.loads(open(sys.argv[1], 'rb').read()); m.predict(['退货']); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
