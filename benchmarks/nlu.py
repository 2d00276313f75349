"""Held-out NLU benchmark: intent accuracy per language, confusion matrix, entity P/R/F1, latency.

Run: .venv/bin/python benchmarks/nlu.py   (trains from the training files only; the test split is
never seen by the classifier). Targets: intent ≥ 90% per language, entity F1 ≥ 90%, p50 < 20 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.nlu.classifier import TEST_FILES, load_examples, train
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.nlu.understand import Understander

ABBR = {i: "".join(w[0] for w in i.value.split("_")) + i.value[-2:] for i in Intent}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _price_key(lo: float | None, hi: float | None) -> tuple[float, float]:
    return (round(lo or 0.0, 1), round(hi if hi is not None else -1.0, 1))


def main() -> int:
    started = time.perf_counter()
    understander = Understander(classifier=train())
    print(f"trained in {time.perf_counter() - started:.2f}s")
    tests = load_examples(TEST_FILES)
    confusion: Counter[tuple[Intent, Intent]] = Counter()
    per_lang: dict[str, list[int]] = {}
    order = [0, 0, 0]
    price = [0, 0, 0]
    latencies: list[float] = []
    understander.understand("warm up")
    for ex in tests:
        t0 = time.perf_counter()
        result = understander.understand(ex.text)
        latencies.append((time.perf_counter() - t0) * 1000)
        confusion[(ex.intent, result.intent)] += 1
        per_lang.setdefault(ex.language, []).append(int(result.intent == ex.intent))
        extra = list(ex.extra) + ["", "", ""]
        gold_orders = {extra[0]} if extra[0] else set()
        got_orders = {e.value for e in result.entities_of(EntityKind.ORDER_REF)}
        order[0] += len(gold_orders & got_orders)
        order[1] += len(got_orders - gold_orders)
        order[2] += len(gold_orders - got_orders)
        gold_prices = set()
        if extra[1] or extra[2]:
            gold_prices = {_price_key(float(extra[1] or 0), float(extra[2]) if extra[2] else None)}
        got_prices = {_price_key(e.price.min_value, e.price.max_value) for e in result.entities_of(EntityKind.PRICE_RANGE) if e.price}
        price[0] += len(gold_prices & got_prices)
        price[1] += len(got_prices - gold_prices)
        price[2] += len(gold_prices - got_prices)
        if result.intent != ex.intent:
            print(f"  miss [{ex.language}] {ex.intent.value:>16} → {result.intent.value:<16} {result.confidence:.2f}  {ex.text}")

    print("\nIntent accuracy (held-out split)")
    print(f"{'language':<10}{'n':>5}{'accuracy':>10}")
    for lang, hits in sorted(per_lang.items()):
        print(f"{lang:<10}{len(hits):>5}{sum(hits) / len(hits):>10.1%}")

    intents = list(Intent)
    print("\nConfusion matrix (rows: gold, columns: predicted)")
    print(" " * 18 + "".join(f"{ABBR[i]:>6}" for i in intents))
    for gold in intents:
        print(f"{gold.value:<18}" + "".join(f"{confusion[(gold, p)] or '.':>6}" for p in intents))
    print("columns: " + ", ".join(f"{ABBR[i]}={i.value}" for i in intents))

    print("\nEntities (held-out split)")
    print(f"{'kind':<14}{'P':>8}{'R':>8}{'F1':>8}")
    for name, (tp, fp, fn) in (("order_ref", order), ("price_range", price)):
        p, r, f = _prf(tp, fp, fn)
        print(f"{name:<14}{p:>8.1%}{r:>8.1%}{f:>8.1%}")

    bench = [ex.text for ex in tests] * 3
    times = []
    for text in bench:
        t0 = time.perf_counter()
        understander.understand(text)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print("\nLatency of understand() (warm, ms)")
    print(f"{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}")
    print(f"{len(times):>6}{statistics.median(times):>8.2f}{times[int(len(times) * 0.95)]:>8.2f}{times[-1]:>8.2f}")
    _reply_latency([ex.text for ex in tests])
    return 0


def _reply_latency(texts: list[str]) -> None:
    """Text → reply through the whole pipeline (understanding, fusion, dialogue, services, the
    encrypted turn record) on a fresh seeded store; each utterance in a new session."""
    import tempfile

    from desktop_app.app import build_app
    from desktop_app.core.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(load_settings(env={}, data_dir=Path(tmp), cache_dir=Path(tmp) / "cache"))
        assistant = app.assistant
        assistant.ask(assistant.new_session(), "你好")  # warm: classifier, jieba, lexicon
        times = []
        for text in texts:
            st = assistant.new_session(language="zh")
            t0 = time.perf_counter()
            assistant.ask(st, text)
            times.append((time.perf_counter() - t0) * 1000)
        app.close()
    times.sort()
    print("\nLatency of text → reply (warm, ms; understanding + fusion + dialogue + store + turn record)")
    print(f"{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}")
    print(f"{len(times):>6}{statistics.median(times):>8.2f}{times[int(len(times) * 0.95)]:>8.2f}{times[-1]:>8.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
