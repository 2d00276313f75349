"""Complaint topics on the separately written dev set: the classifier against the old keyword rule.

Run: .venv/bin/python benchmarks/complaints.py

The model is trained from ``desktop_app/nlu/data/complaints_{en,zh}.tsv`` only. The dev files
(``complaints_dev_{en,zh}.tsv``) were written in a separate pass in another style (chat slang,
typos, sarcasm, mixed zh/en) and are never trained on. Precision, recall and F1 per topic and
language; the root cause each topic is grouped under is shown beside it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._table import print_table
from desktop_app.dialogue.complaints import keyword_topic
from desktop_app.nlu.complaint_topics import DEV_FILES, load_complaints, load_or_train, macro_f1, topic_scores
from desktop_app.service.complaint_causes import root_cause
from desktop_app.service.types import ComplaintTopic


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:  # a fresh fit, never a stale cached model
        model = load_or_train(cache_dir=Path(cache))
    fitted = time.perf_counter() - started
    dev = load_complaints(DEV_FILES)
    guesses = model.classify([d.text for d in dev])
    rule = [keyword_topic(d.text).value for d in dev]
    print(f"complaint topics: {len(dev)} dev sentences, model fitted in {fitted:.1f}s\n")
    for language in ("en", "zh", "all"):
        rows = [i for i, d in enumerate(dev) if language in ("all", d.language)]
        gold = [dev[i].topic for i in rows]
        model_scores = topic_scores(gold, [guesses[i].topic for i in rows])
        rule_scores = topic_scores(gold, [rule[i] for i in rows])
        print(f"[{language}]")
        table = [[m.topic, root_cause(ComplaintTopic(m.topic)).value, m.support, m.precision, m.recall, m.f1, r.f1]
                 for m, r in zip(model_scores, rule_scores)]
        table.append(["macro", "", len(rows), sum(s.precision for s in model_scores) / len(model_scores),
                      sum(s.recall for s in model_scores) / len(model_scores), macro_f1(model_scores),
                      macro_f1(rule_scores)])
        print_table(["topic", "root cause", "n", "precision", "recall", "F1", "rule F1"], table)
        print()


if __name__ == "__main__":
    main()
