"""Ownership checks that hold across processes and kiosks (issue 20, defect 1): every failed check is
counted in the store, locks with backoff, and never tells a real order number from an unknown one."""

from __future__ import annotations

import json
import multiprocessing
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop_app.app import build_app
from desktop_app.core.clock import FixedClock
from desktop_app.service.access_guard import (
    DEFAULT_RULES,
    AccessGuard,
    Attempt,
    LockRule,
    OwnershipNotProven,
    ScopeKind,
    TooManyAttempts,
)
from desktop_app.service.orders import MAX_FAILED_ATTEMPTS, OrderService
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Order
from tests.service_helpers import order_where, wrong_last4

#: So many that nothing locks: for counting exactly under concurrency.
NEVER_LOCK = dict.fromkeys(ScopeKind, LockRule(10**6, timedelta(days=1), timedelta(minutes=1),
                                               timedelta(minutes=1), timedelta(days=1)))


def _unique_tail_order(app, code):
    """One of the customer's orders whose last four digits no other order ends in, and the phone."""
    with app.db.session() as s:
        customer = s.scalar(select(Customer).where(Customer.code == code))
        numbers = s.scalars(select(Order.order_number)).all()
        for order in s.scalars(select(Order).where(Order.customer_id == customer.id).order_by(Order.id)):
            if sum(n.endswith(order.order_number[-4:]) for n in numbers) == 1:
                return order.order_number, customer.phone[-4:]
    raise AssertionError(f"{code} has no order with a unique tail")


def _unknown_number(app, like):
    with app.db.session() as s:
        numbers = set(s.scalars(select(Order.order_number)).all())
    return next(c for c in (f"{d}{like[1:]}" for d in "987654321") if c not in numbers)


def _service(app, clock, device="kiosk-under-test"):
    """The app's order service on a clock the test moves."""
    return OrderService(app.db, clock, device_id=device)


def test_chat_guessing_locks_before_the_right_digits(cli, app, tmp_path):
    number, right = _unique_tail_order(app, "C002")
    question = f"我的订单{number[-4:]}什么时候到？手机尾号{{}}\n"
    control = tmp_path / "one.txt"
    control.write_text(question.format(right), encoding="utf-8")
    code, out, _ = cli("--lang", "zh", "ask", "--batch", str(control), "--session", "--json")
    assert code == 0 and "order_shown" in json.loads(out)["reply"]["actions"]  # the right digits alone open it
    wrong = [f"{g:04d}" for g in range(10_000) if f"{g:04d}" != right][:20]
    batch = tmp_path / "bf.txt"
    batch.write_text("".join(question.format(g) for g in (*wrong, right)), encoding="utf-8")
    code, out, _ = cli("--lang", "zh", "ask", "--batch", str(batch), "--session", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 21
    assert not any("order_shown" in r["reply"]["actions"] for r in rows)
    assert not any(c["type"] == "OrderView" for r in rows for c in r["reply"]["cards"])
    assert number not in out
    assert "验证失败次数过多" in rows[-1]["reply"]["text"]


def test_cli_runs_share_the_count(cli, app):
    """Seven wrong runs then the right digits, each run a new app (what a new process is): locked."""
    order, customer = order_where(app, lambda o, now: o.status == "in_transit")
    right = customer.phone[-4:]
    codes = [cli("orders", "show", order.order_number, "--phone-last4", f"000{i}")[0]
             for i in range(1, 8) if f"000{i}" != right]
    code, out, err = cli("orders", "show", order.order_number, "--phone-last4", right)
    assert set(codes) == {1} and code == 1 and out == ""
    assert "Too many" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unknown_orders_and_wrong_digits_answer_alike(cli, app, lang):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    tails = {n[-4:] for n in (o.order_number for o in _all_orders(app))}
    empty_tail = next(f"{n:04d}" for n in range(10_000) if f"{n:04d}" not in tails)
    answers = {
        cli("--lang", lang, "orders", "show", ref, "--phone-last4", digits)
        for ref, digits in ((order.order_number, wrong_last4(customer.phone)),
                            (_unknown_number(app, order.order_number), customer.phone[-4:]),
                            (order.order_number[-4:], wrong_last4(customer.phone)),
                            (empty_tail, customer.phone[-4:]))
    }
    assert len(answers) == 1
    code, out, err = answers.pop()
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1


def _all_orders(app):
    with app.db.session() as s:
        return s.scalars(select(Order)).all()


def test_lockouts_read_alike_for_real_and_unknown_numbers(app):
    order, customer = order_where(app, lambda o, now: o.status == "shipped")
    unknown = _unknown_number(app, order.order_number)
    answers = []
    for ref in (order.order_number, unknown):
        orders = _service(app, FixedClock(app.clock.now()), device=f"kiosk-{ref}")
        for _ in range(MAX_FAILED_ATTEMPTS):
            with pytest.raises(OwnershipNotProven):
                orders.lookup(ref, phone_last4=wrong_last4(customer.phone))
        with pytest.raises(TooManyAttempts) as locked:
            orders.lookup(ref, phone_last4=customer.phone[-4:])
        answers.append((type(locked.value), locked.value.code, locked.value.message, locked.value.message_zh))
    assert answers[0] == answers[1]


def test_a_locked_order_reads_like_an_unknown_one(app):
    """Guesses through the order's tail lock the order itself; its full number then gets the same
    answer an unknown number gets, even with the right digits, until the lockout ends."""
    number, right = _unique_tail_order(app, "C003")
    clock = FixedClock(app.clock.now())
    attacker = _service(app, clock, device="kiosk-1")
    for g in (f"{n:04d}" for n in range(MAX_FAILED_ATTEMPTS + 1) if f"{n:04d}" != right):
        with pytest.raises((OwnershipNotProven, TooManyAttempts)):
            attacker.lookup(number[-4:], phone_last4=g)
    owner = _service(app, clock, device="kiosk-2")
    with pytest.raises(OwnershipNotProven) as real:
        owner.lookup(number, phone_last4=right)
    with pytest.raises(OwnershipNotProven) as unknown:
        owner.lookup(_unknown_number(app, number), phone_last4=right)
    assert real.value.message == unknown.value.message
    clock.at += DEFAULT_RULES[ScopeKind.ORDER].lockout + timedelta(seconds=1)
    assert owner.lookup(number, phone_last4=right).order_number == number


def test_lockout_expires_and_doubles_on_repeat(app):
    order, customer = order_where(app, lambda o, now: o.status == "paid")
    clock = FixedClock(app.clock.now())
    orders = _service(app, clock)
    wrong, right = wrong_last4(customer.phone), customer.phone[-4:]
    for lockout in (timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=60)):
        for _ in range(MAX_FAILED_ATTEMPTS):
            with pytest.raises(OwnershipNotProven):
                orders.lookup(order.order_number, phone_last4=wrong)
        clock.at += lockout - timedelta(minutes=1)
        with pytest.raises(TooManyAttempts):
            orders.lookup(order.order_number, phone_last4=right)
        clock.at += timedelta(minutes=2)
    assert orders.lookup(order.order_number, phone_last4=right).order_number == order.order_number


def test_failures_outside_the_window_start_a_new_count(app):
    order, customer = order_where(app, lambda o, now: o.status == "paid")
    clock = FixedClock(app.clock.now())
    orders = _service(app, clock)
    for _ in range(2):
        for _ in range(MAX_FAILED_ATTEMPTS - 1):
            with pytest.raises(OwnershipNotProven):
                orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
        clock.at += DEFAULT_RULES[ScopeKind.ORDER].window + timedelta(minutes=1)
    assert orders.lookup(order.order_number, phone_last4=customer.phone[-4:]).order_number == order.order_number


def test_own_order_does_not_reset_the_session_count(app):
    target, target_owner = order_where(app, lambda o, now: o.status == "delivered")
    mine, me = order_where(app, lambda o, now: o.customer_id != target.customer_id)
    orders = _service(app, FixedClock(app.clock.now()))
    for n in range(MAX_FAILED_ATTEMPTS):
        if n == 2:
            orders.lookup(mine.order_number, phone_last4=me.phone[-4:], session_key="chat-1")
        ref = target.order_number if n % 2 else target.order_number[-5:]  # two refs: the session counts both
        with pytest.raises(OwnershipNotProven):
            orders.lookup(ref, phone_last4=wrong_last4(target_owner.phone), session_key="chat-1")
    with pytest.raises(TooManyAttempts):
        orders.lookup(mine.order_number, phone_last4=me.phone[-4:], session_key="chat-1")
    assert orders.lookup(mine.order_number, phone_last4=me.phone[-4:], session_key="chat-2")


def test_the_device_count_catches_guesses_spread_over_orders(app):
    """A CLI loop has no session and may try a different number each run: the machine's count stops it."""
    orders = _service(app, FixedClock(app.clock.now()), device="one-machine")
    numbers = [o.order_number for o in _all_orders(app)]
    order, customer = order_where(app, lambda o, now: True)
    for number in numbers[:DEFAULT_RULES[ScopeKind.DEVICE].max_failures]:
        with pytest.raises(OwnershipNotProven):
            orders.lookup(number, phone_last4=wrong_last4(customer.phone) if number == order.order_number else "0000")
    with pytest.raises(TooManyAttempts):
        orders.lookup(order.order_number, phone_last4=customer.phone[-4:])


def test_a_second_kiosk_sees_the_lockout(app_settings, app, monkeypatch):
    order, customer = order_where(app, lambda o, now: o.status == "in_transit")
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(OwnershipNotProven):
            app.orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
    monkeypatch.setattr("desktop_app.app.device_identity", lambda: "second-kiosk")
    second = build_app(app_settings)
    try:
        with pytest.raises(TooManyAttempts):
            second.orders.lookup(order.order_number, phone_last4=customer.phone[-4:])
    finally:
        second.close()


def test_parallel_guesses_are_bounded_by_the_limit(app):
    """Ten threads guess one order at once: exactly five checks are answered, the rest are locked out."""
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    orders = _service(app, FixedClock(app.clock.now()))
    start, results = threading.Barrier(10), []

    def guess() -> None:
        start.wait()
        try:
            orders.lookup(order.order_number, phone_last4=wrong_last4(customer.phone))
        except (OwnershipNotProven, TooManyAttempts) as exc:
            results.append(type(exc))

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(OwnershipNotProven) == MAX_FAILED_ATTEMPTS
    assert results.count(TooManyAttempts) == 10 - MAX_FAILED_ATTEMPTS
    assert AccessGuard(app.db, app.clock, device_id="x").failures(f"order:{order.id}") == MAX_FAILED_ATTEMPTS


def _fail_in_process(url: str, at: str, n: int, go) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    db = Database(url)
    guard = AccessGuard(db, FixedClock(datetime.fromisoformat(at)), device_id="shared", rules=NEVER_LOCK)
    go.wait()
    for i in range(n):
        guard.settle(Attempt(ref_key=f"p{i}"), verified=False)
    db.dispose()


def test_concurrent_failures_are_all_counted(app_settings, app):
    """Threads and processes failing at once on one store: not one increment is lost."""
    at = app.clock.now()
    guard = AccessGuard(app.db, FixedClock(at), device_id="shared", rules=NEVER_LOCK)
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    procs = [ctx.Process(target=_fail_in_process, args=(app.db.url, at.isoformat(), 10, go)) for _ in range(2)]
    for p in procs:
        p.start()
    threads = [threading.Thread(target=lambda: [guard.settle(Attempt(ref_key="t"), verified=False)
                                                for _ in range(10)]) for _ in range(4)]
    go.set()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert guard.failures("device:shared") == 2 * 10 + 4 * 10
    assert guard.failures("ref:t") == 40 and guard.failures("ref:p0") == 2


def test_signed_in_customer_is_not_counted(app):
    order, customer = order_where(app, lambda o, now: o.status == "delivered")
    orders = _service(app, FixedClock(app.clock.now()), device="laptop")
    for _ in range(MAX_FAILED_ATTEMPTS * 2):
        assert orders.lookup(order.order_number[-4:], customer_code=customer.code).order_number == order.order_number
    assert AccessGuard(app.db, app.clock, device_id="laptop").failures("device:laptop") == 0
