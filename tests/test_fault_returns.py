"""kill -9 during return filing never files twice, loses a filed case or leaves a half-written row.

Each round runs ``desktop-app returns file …`` in a subprocess on a copy of the demo store and
kills it with SIGKILL at a delay spread over the command's run (start, ownership check,
eligibility, insert, commit), then checks the store and files the same request again to
completion. Items are reused on a second pass, so a kill also lands on "already filed" runs.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from desktop_app.app import build_app
from desktop_app.core.config import Settings
from desktop_app.service.types import ReturnKind, ReturnReason
from desktop_app.store.schema import Customer, Order, OrderItem

ROUNDS = 20
ITEMS = 10
REPO = Path(__file__).resolve().parents[1]
QUALITY_RETURN = dict(kind=ReturnKind.RETURN, reason=ReturnReason.QUALITY)


def _returnable_items(settings: Settings) -> list[tuple[str, str, int]]:
    """(order number, customer code, item id) of items a quality return is open for, none filed yet."""
    app = build_app(settings)
    found: list[tuple[str, str, int]] = []
    try:
        with app.db.session() as s:
            rows = s.execute(select(Order.order_number, Order.customer_id, OrderItem.id)
                             .join(OrderItem, OrderItem.order_id == Order.id)
                             .where(Order.status == "delivered").order_by(OrderItem.id)).all()
            codes = {row.id: row.code for row in s.execute(select(Customer.id, Customer.code))}
        for number, customer_id, item_id in rows:
            code = codes[customer_id]
            if app.returns.requests_for(number, customer_code=code):
                continue
            if app.returns.check(number, item_id=item_id, customer_code=code, **QUALITY_RETURN).eligible:
                found.append((number, code, item_id))
            if len(found) == ITEMS:
                break
    finally:
        app.close()
    assert len(found) == ITEMS, found
    return found


def _returns_command(action: str, number: str, code: str, item_id: int) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "--lang", "en", "returns", action, number, "--customer", code,
            "--item", str(item_id), "--kind", "return", "--reason", "quality"]


def _check_store(path: Path) -> dict[int, int]:
    """Integrity, foreign keys, complete rows; returns cases per item."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        half = con.execute("SELECT count(*) FROM return_requests WHERE kind IS NULL OR reason_code IS NULL "
                           "OR status IS NULL OR created_at IS NULL OR order_item_id NOT IN "
                           "(SELECT id FROM order_items)").fetchone()[0]
        assert half == 0, "a half-written return request"
        return dict(con.execute("SELECT order_item_id, count(*) FROM return_requests GROUP BY order_item_id"))
    finally:
        con.close()


def test_kill_during_return_filing_never_files_twice_or_loses_a_case(settings_factory):
    settings = settings_factory()
    items = _returnable_items(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_APP_")}
    env.update(DESKTOP_APP_DATA_DIR=str(settings.data_dir), DESKTOP_APP_CACHE_DIR=str(settings.cache_dir))
    path = settings.data_dir / "store.sqlite3"
    before = _check_store(path)

    began = time.monotonic()  # how long one filing takes, uninterrupted (a read-only check of the same item)
    number, code, item_id = items[0]
    check = subprocess.run(_returns_command("check", number, code, item_id), cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    took = time.monotonic() - began
    assert check.returncode == 0, check.stderr

    rng = random.Random(19)
    filed: set[int] = set()
    for i in range(ROUNDS):
        number, code, item_id = items[i % ITEMS]
        proc = subprocess.Popen(_returns_command("file", number, code, item_id), cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(took * (0.3 + 0.9 * (i + rng.random()) / ROUNDS))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert "Traceback" not in err
        cases = _check_store(path)
        assert all(n == 1 for item, n in cases.items() if item not in before), cases
        app = build_app(settings)  # the same request again, to completion: answered from the one case
        try:
            view = app.returns.file(number, item_id=item_id, customer_code=code, **QUALITY_RETURN)
        finally:
            app.close()
        assert view.created == (cases.get(item_id, 0) == 0)
        assert item_id not in filed or not view.created, "a filed case was lost"
        filed.add(item_id)
    cases = _check_store(path)
    assert {item: n for item, n in cases.items() if item not in before} == dict.fromkeys(filed, 1)
