"""Task success of the scenario suite per capability, then overall.

    .venv/bin/python -m benchmarks.scenarios [FILE.yaml ...] [--failures]

Each conversation plays on a fresh copy of the seeded demo store (see ``tools/scenarios.py``).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from benchmarks._table import print_table
from tools.scenarios import Suite, load, success_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--failures", action="store_true", help="list each failed conversation and why")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    conversations = load(args.files or None)
    started = time.perf_counter()
    suite = Suite()
    try:
        verdicts = list(suite.run(conversations))
    finally:
        suite.close()
    rows = success_table(verdicts)
    print_table(["capability", "passed", "total", "task success %"], [(c, p, t, f"{r:.1f}") for c, p, t, r in rows])
    if args.failures:
        for v in verdicts:
            if not v.passed:
                print(f"\nFAIL {v.conversation.id} ({v.conversation.source})")
                for f in v.failures:
                    print(f"  {f}")
                for n, reply in enumerate(v.replies, start=1):
                    print(f"  reply {n}: [{reply.intent}/{reply.outcome.value}/{','.join(a.value for a in reply.actions)}] {reply.text[:200]}")
    passed = sum(v.passed for v in verdicts)
    print(f"\nconversations: {len(verdicts)}, {sum(len(v.conversation.turns) for v in verdicts)} turns, "
          f"{time.perf_counter() - started:.0f} s")
    print(f"overall task success: {100.0 * passed / max(1, len(verdicts)):.1f} %")


if __name__ == "__main__":
    main()
