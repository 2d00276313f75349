"""Service latency (p50/p95 over 1,000 calls) and the app's cold start to first window.

Run: .venv/bin/python benchmarks/service.py [--calls 1000]
Uses a fresh seeded store in a temporary directory; the machine is shared, so read medians.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._table import print_table, summary_row, time_calls
from desktop_app.app import build_app
from desktop_app.core.config import load_settings
from desktop_app.service.types import AttributeFilter, SearchQuery, SortOrder
from desktop_app.store.schema import Customer, Order

COLD_START = textwrap.dedent(
    """
    import time, sys
    t0 = time.perf_counter()
    from PySide6.QtCore import QTimer
    from desktop_app.core.config import load_settings
    from desktop_app.ui.shell.main import create_window
    qapp, window = create_window(load_settings())
    def shown():
        print(f"{(time.perf_counter() - t0) * 1000:.1f}")
        window.close()
        qapp.quit()
    QTimer.singleShot(0, shown)
    qapp.exec()
    """
)


def cold_start_ms(data_dir: Path, runs: int) -> list[float]:
    env = dict(os.environ, DESKTOP_APP_DATA_DIR=str(data_dir), DESKTOP_APP_CACHE_DIR=str(data_dir / "cache"))
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    out = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", COLD_START], env=env, capture_output=True, text=True,
                                timeout=120, cwd=Path(__file__).resolve().parents[1])
        if result.returncode != 0:
            raise SystemExit(f"cold start failed: {result.stderr.strip().splitlines()[-1:]}")
        out.append(float(result.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        app = build_app(load_settings(env={}, data_dir=data_dir, cache_dir=data_dir / "cache"))
        with app.db.session() as s:
            pairs = [(o.order_number, customer.phone[-4:])
                     for o in s.query(Order).filter(Order.customer_id.isnot(None)).all()
                     if (customer := s.get(Customer, o.customer_id)) is not None]
            codes = [c.code for c in s.query(Customer).all()]
        queries = [
            SearchQuery(category="phone", min_price_fen=50_000, max_price_fen=80_000,
                        attributes=(AttributeFilter("fast_charging", "true"), AttributeFilter("waterproof", "true"))),
            SearchQuery(text="帐篷", sort=SortOrder.RATING),
            SearchQuery(category="apparel", attributes=(AttributeFilter("colour", "blue"),), page=2, page_size=5),
            SearchQuery(attributes=(AttributeFilter("battery_mah", min_value=5000),), sort=SortOrder.PRICE_ASC),
        ]
        rows = [
            summary_row("order lookup (+timeline)",
                        time_calls(lambda i: app.orders.lookup(pairs[i % len(pairs)][0],
                                                               phone_last4=pairs[i % len(pairs)][1]), args.calls)),
            summary_row("multi-condition search", time_calls(lambda i: app.catalog.search(queries[i % len(queries)]),
                                                             args.calls)),
            summary_row("recommendation (top 5)",
                        time_calls(lambda i: app.recommendations.for_customer(codes[i % len(codes)]), args.calls)),
        ]
        app.close()
        rows.append(summary_row("cold start → first window", cold_start_ms(data_dir, args.cold_runs)))
    print_table(["operation", "n", "p50 ms", "p95 ms", "max ms"], rows)


if __name__ == "__main__":
    main()
