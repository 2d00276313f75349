"""A chain of kiosks on one PostgreSQL store: N kiosk processes run mixed assistant turns for a fixed time.

Run: .venv/bin/python benchmarks/chain.py [--kiosks 20] [--seconds 30] [--think 1.0] [--sweep 1,5,10,20]
     [--db-url postgresql+psycopg://…]

Each kiosk is its own process building the app against the one store (as a kiosk of a chain does)
and answering anonymous kiosk conversations through the real assistant (``app.assistant.ask``):
order status with the order number and the phone's last four digits, product searches, return
checks, recommendations, and now and then a complaint or a request for a person (a handoff ticket).
A conversation is three turns, then the kiosk starts a new one. Between turns a kiosk waits
``--think`` seconds (randomised 0.5–1.5×; a customer reads and types for far longer than that, so
1 s is a harsh load); ``--think 0`` runs the kiosks flat out and shows where the machine saturates.

Loading the classifier takes seconds per process, so every kiosk warms up before a barrier and
only turns after it are timed. Without ``--db-url`` a throwaway PostgreSQL server is started the
way the tests start theirs (``tests/pg_server.py``) and seeded with the demo store. The machine is
shared: N processes on few cores measure the CPU as much as the store; read the table with that.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._table import percentile, print_table

#: (weight, kind): the mix of a kiosk's turns.
MIX = ((30, "status"), (30, "search"), (15, "return"), (20, "recommend"), (5, "handoff"))
SEARCHES = ("500到800元之间的快充防水手机", "waterproof tents under 1000", "有没有洗面奶", "phones under 800 yuan",
            "一千以内的蓝牙耳机", "black running shoes")
RECOMMENDS = ("推荐一款适合跑步的耳机", "recommend a phone for my mom", "有什么适合露营的帐篷推荐吗",
              "what laptop would you suggest for a student")
HANDOFFS = ("转人工", "你们发错货了，我要投诉，找你们负责人", "can I talk to a real person please")
TURNS_PER_CONVERSATION = 3


@dataclass(frozen=True)
class KioskResult:
    kiosk: int
    latencies_ms: list[float]
    errors: dict[str, int]
    warm_s: float


def settings_for(data_dir: Path, db_url: str) -> Any:
    from desktop_app.core.config import load_settings

    return load_settings(env={}, data_dir=data_dir, cache_dir=data_dir.parent / "cache", db_url=db_url, kiosk=True)


def proven_orders(app: Any) -> list[tuple[str, str]]:
    """(order number, the phone's last four digits) of orders with a customer, as a customer would type them."""
    from sqlalchemy import select

    from desktop_app.store.schema import Customer, Order

    with app.db.session() as s:
        rows = s.execute(select(Order.order_number, Customer.phone).join(Customer, Customer.id == Order.customer_id)
                         .order_by(Order.id).limit(60)).all()
    return [(number, phone[-4:]) for number, phone in rows if phone]


def next_text(rng: random.Random, orders: list[tuple[str, str]]) -> str:
    kind = rng.choices([k for _, k in MIX], weights=[w for w, _ in MIX])[0]
    number, last4 = rng.choice(orders)
    if kind == "status":
        return rng.choice((f"订单{number}到哪了，手机尾号{last4}", f"where is order {number}? phone ends {last4}"))
    if kind == "return":
        return rng.choice((f"订单{number}能退货吗，手机尾号{last4}", f"can I return order {number}, phone ends {last4}"))
    if kind == "search":
        return rng.choice(SEARCHES)
    if kind == "recommend":
        return rng.choice(RECOMMENDS)
    return rng.choice(HANDOFFS)


def kiosk(index: int, data_dir: str, db_url: str, orders: list[tuple[str, str]], seconds: float, think: float,
          go: Any, results: Any) -> None:
    """One kiosk process: build the app, warm up, wait for the others, then turn until the time is up."""
    try:
        turns(index, data_dir, db_url, orders, seconds, think, go, results)
    except BaseException as exc:  # reported to the parent, which stops the run with the reason
        results.put(("failed", index, f"{type(exc).__name__}: {exc}"))
        raise


def turns(index: int, data_dir: str, db_url: str, orders: list[tuple[str, str]], seconds: float, think: float,
          go: Any, results: Any) -> None:
    from desktop_app.app import build_app
    from desktop_app.core.errors import AppError

    t0 = time.perf_counter()
    app = build_app(settings_for(Path(data_dir), db_url))
    rng = random.Random(index)
    assistant = app.assistant
    for text in ("你好", SEARCHES[0], f"订单{orders[0][0]}到哪了，手机尾号{orders[0][1]}"):
        assistant.ask(assistant.new_session(language="zh"), text)
    warm_s = time.perf_counter() - t0
    results.put(("ready", index, ""))
    go.wait()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    st = None
    turn = 0
    while time.monotonic() < deadline:
        if st is None or turn % TURNS_PER_CONVERSATION == 0:
            st = assistant.new_session(language=rng.choice(("zh", "en")))
        text = next_text(rng, orders)
        start = time.perf_counter()
        try:
            assistant.ask(st, text)
        except AppError as exc:  # foreseeable (the store refused, was unreachable, …): counted, not fatal
            errors[exc.code] = errors.get(exc.code, 0) + 1
        except Exception as exc:  # a bug under load: counted by kind, the kiosk goes on
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        latencies.append((time.perf_counter() - start) * 1000)
        turn += 1
        if think > 0:
            time.sleep(think * rng.uniform(0.5, 1.5))
    app.close()
    results.put(("done", index, KioskResult(index, latencies, errors, warm_s)))


def run_chain(n: int, data_dir: Path, db_url: str, orders: list[tuple[str, str]], seconds: float,
              think: float) -> list[object]:
    ctx = mp.get_context("spawn")
    go = ctx.Event()
    results = ctx.Queue()
    procs = [ctx.Process(target=kiosk, args=(i, str(data_dir), db_url, orders, seconds, think, go, results),
                         name=f"kiosk-{i}") for i in range(n)]
    for p in procs:
        p.start()
    try:
        collect(results, procs, "ready", timeout=900)  # every kiosk has loaded its classifier
        go.set()
        started = time.perf_counter()
        collected: list[KioskResult] = collect(results, procs, "done", timeout=seconds + 300)
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    latencies = [ms for r in collected for ms in r.latencies_ms]
    errors: dict[str, int] = {}
    for r in collected:
        for code, count in r.errors.items():
            errors[code] = errors.get(code, 0) + count
    warm = max(r.warm_s for r in collected)
    error_text = ", ".join(f"{c}={k}" for c, k in sorted(errors.items())) or "0"
    return [n, f"{think:g}", len(latencies), len(latencies) / wall, percentile(latencies, 50),
            percentile(latencies, 95), percentile(latencies, 99), error_text, warm]


def collect(results: Any, procs: list[Any], stage: str, timeout: float) -> list[Any]:
    """One ``stage`` message from every kiosk; stops at once when a kiosk failed or died."""
    got: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(got) < len(procs):
        if time.monotonic() > deadline:
            raise SystemExit(f"kiosks did not reach '{stage}' in {timeout:.0f} s")
        try:
            kind, index, payload = results.get(timeout=2)
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                raise SystemExit(f"a kiosk process died before '{stage}'") from None
            continue
        if kind == "failed":
            raise SystemExit(f"kiosk {index} failed: {payload}")
        if kind == stage:
            got.append(payload)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a kiosk's turns (0: flat out)")
    parser.add_argument("--sweep", default="", help="comma-separated kiosk counts, e.g. 1,5,10,20")
    parser.add_argument("--db-url", default="", help="a seeded store to use instead of a throwaway server")
    parser.add_argument("--data-dir", default="", help="with --db-url: the folder holding the store's key "
                        "(default: the app's data folder)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sweep.split(",") if x.strip()] or [args.kiosks]

    from desktop_app.app import build_app
    from desktop_app.core.config import load_settings

    server = None
    with tempfile.TemporaryDirectory(prefix="chain-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        db_url = args.db_url
        if db_url:
            data_dir = Path(args.data_dir) if args.data_dir else load_settings().data_dir
        if not db_url:
            from tests.pg_server import start_server

            server = start_server()
            db_url = server.url(server.create_database())
        try:
            app = build_app(settings_for(data_dir, db_url))  # first start: schema, key, demo data
            orders = proven_orders(app)
            app.close()
            if not orders:
                raise SystemExit("the store has no orders with a customer's phone to ask about (seed the demo store)")
            rows = [run_chain(n, data_dir, db_url, orders, args.seconds, args.think) for n in sizes]
        finally:
            if server is not None:
                from tests.pg_server import stop_server

                stop_server(server)
    print(f"chain: {args.seconds:g} s per size, think {args.think:g} s between a kiosk's turns, "
          f"{mp.cpu_count()} CPU cores, PostgreSQL {'(given)' if args.db_url else '(throwaway)'}")
    print_table(["kiosks", "think s", "turns", "turns/s", "p50 ms", "p95 ms", "p99 ms", "errors", "warm-up s"], rows)


if __name__ == "__main__":
    main()
