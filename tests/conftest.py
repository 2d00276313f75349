"""Shared fixtures: isolated settings, a seeded store copied per test, and the main window.

Seeding the demo store takes seconds, so it is done once per session into a template
directory; each test gets its own copy (database and key file), so tests never share state.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: Shared fixtures (Whisper, spoken questions, rendered part photos) for every test module.
pytest_plugins = ["e2e_helpers", "vision_helpers", "pg_server"]

#: Test modules whose ``app`` runs twice: on SQLite (a laptop, a lone kiosk) and on PostgreSQL (a chain).
BOTH_BACKENDS = frozenset({
    "test_service_orders", "test_service_returns", "test_service_catalog", "test_service_recommend_handoff",
    "test_privacy", "test_order_ops", "test_refunds", "test_invoices", "test_price_protection", "test_coupons",
    "test_warranty", "test_installation", "test_restock", "test_shipping_fee", "test_sizing",
    "test_handoff_context", "test_catalog_import", "test_return_policy", "test_access_guard",
    "test_pii_at_rest", "test_keys", "test_db_upgrade", "test_agent_desk", "test_agent_console",
    "test_privacy_complete", "test_conversation_record",
    "test_desk_notify", "test_merchant_figures", "test_fairness", "test_merchant_export",
})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.module.__name__.rpartition(".")[2] in BOTH_BACKENDS and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.app import App, build_app  # noqa: E402
from desktop_app.core.config import Settings, load_settings  # noqa: E402


def _settings_in(root: Path, **overrides: Any) -> Settings:
    return load_settings(env={}, data_dir=root / "data", cache_dir=root / "cache", **overrides)


@pytest.fixture(scope="session")
def seeded_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a freshly seeded store and its key file; copy, never use directly."""
    root = tmp_path_factory.mktemp("seeded-template")
    app = build_app(_settings_in(root, demo_history=False))  # tests that need a service history seed their own
    app.close()
    return root / "data"


@pytest.fixture(scope="session")
def seeded_pg_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A seeded PostgreSQL database to clone (its name) and the data directory holding its key."""
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    root = tmp_path_factory.mktemp("seeded-pg-template")
    app = build_app(_settings_in(root, db_url=server.url(name), demo_history=False))
    app.close()
    return name, root / "data"


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" unless the module is in ``BOTH_BACKENDS``, which runs each test on "postgresql" too."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def settings_factory(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Settings]]:
    """``settings_factory(seeded=True, **overrides)`` → Settings over a private directory.

    ``seeded=True`` copies the session's seeded store (database, WAL files, key) in; ``False``
    gives an empty directory with seeding switched off. On the PostgreSQL backend the store is a
    private database cloned from the seeded template, dropped after the test.
    """
    counter = iter(range(1_000_000))
    databases: list[str] = []

    def make(seeded: bool = True, **overrides: Any) -> Settings:
        root = tmp_path / f"env{next(counter)}"
        if backend == "postgresql" and "db_url" not in overrides:
            server = request.getfixturevalue("pg_server")
            template: str | None = None
            if seeded:
                template, key_dir = request.getfixturevalue("seeded_pg_template")
                shutil.copytree(key_dir, root / "data")
            else:
                overrides.setdefault("seed_demo", False)
            databases.append(server.create_database(template))
            overrides["db_url"] = server.url(databases[-1])
        elif seeded:
            shutil.copytree(request.getfixturevalue("seeded_store_template"), root / "data")
        else:
            overrides.setdefault("seed_demo", False)
        return _settings_in(root, **overrides)

    yield make
    if databases:
        server = request.getfixturevalue("pg_server")
        for name in databases:
            server.drop_database(name)


@pytest.fixture
def app_settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture
def app(app_settings: Settings) -> Iterator[App]:
    services = build_app(app_settings)
    yield services
    services.close()


@pytest.fixture
def cli(app_settings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``cli(*argv) -> (exit code, stdout, stderr)``: ``desktop-app`` run on the same store as ``app``
    (its data directory, and its PostgreSQL database on that backend)."""
    from desktop_app.cli import main

    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(app_settings.cache_dir))
    if app_settings.db_url:
        monkeypatch.setenv("DESKTOP_APP_DB_URL", app_settings.db_url)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    """As in the app (ui/gc_guard.py): no automatic collection, so a render or worker thread never
    frees Qt or GL objects owned by another thread; each test's garbage is collected here instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()


def _python_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


@pytest.fixture
def drain_events(qtbot):  # type: ignore[no-untyped-def]
    """``drain_events()`` returns once every event already posted to the GUI thread has been handled.

    A positive sync point for "nothing was delivered" checks: a queued signal a worker emitted
    earlier is a posted event, and a marker posted now is handled after it (posted events of one
    priority are handled in order), so when the marker arrives the earlier delivery is done or
    was dropped; no fixed sleep.
    """
    from PySide6.QtCore import QObject, Qt, Signal

    class Marker(QObject):
        ping = Signal()
        pong = Signal()

    marker = Marker()
    marker.ping.connect(marker.pong, Qt.ConnectionType.QueuedConnection)

    def drain() -> None:
        with qtbot.waitSignal(marker.pong, timeout=5000):
            marker.ping.emit()

    yield drain
    marker.deleteLater()


@pytest.fixture
def make_main_window(qtbot, app: App):  # type: ignore[no-untyped-def]
    """``make_main_window(app=None, language="zh", **kwargs) -> MainWindow``, shown and exposed.

    At teardown every window is closed and deleted, then the test fails if any of them left
    a task in its runner, a busy worker, a new Python thread, or a new top-level widget.
    (Windows are not passed to ``qtbot.addWidget``: pytest-qt would close them before this
    teardown could inspect their runners.)
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication
    from shiboken6 import getCppPointer

    from desktop_app.ui.shell.main_window import MainWindow

    def alive_top_levels() -> set[int]:
        # Tool tips are one process-wide widget Qt keeps for reuse; they are not leaks.
        return {getCppPointer(w)[0] for w in QApplication.topLevelWidgets()
                if w.metaObject().className() != "QTipLabel"}

    threads_before = _python_threads()
    global_busy_before = QThreadPool.globalInstance().activeThreadCount()
    widgets_before = alive_top_levels()
    windows: list[MainWindow] = []

    def make(app: App | None = None, language: str = "zh", **kwargs: Any) -> MainWindow:
        window = MainWindow(app or request_app, language=language, **kwargs)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    request_app = app
    yield make

    problems: list[str] = []
    for window in windows:
        runner = window.runner
        window.close()
        if runner.active_count():
            problems.append(f"{runner.active_count()} task(s) still active in the window's runner")
        if runner.pool.activeThreadCount():
            problems.append(f"{runner.pool.activeThreadCount()} worker(s) still busy after close")
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    if QThreadPool.globalInstance().activeThreadCount() > global_busy_before:
        problems.append("the global thread pool is still busy")
    deadline = time.monotonic() + 2.0
    while (leaked := _python_threads() - threads_before) and time.monotonic() < deadline:
        time.sleep(0.05)
    if leaked:
        problems.append(f"threads left running: {sorted(t.name for t in leaked)}")
    left = alive_top_levels() - widgets_before
    if left:
        names = [f"{w.metaObject().className()}#{w.objectName()}" for w in QApplication.topLevelWidgets()
                 if getCppPointer(w)[0] in left]
        problems.append(f"top-level widgets left behind: {names}")
    assert not problems, "; ".join(problems)
