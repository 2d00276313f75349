"""The first start cannot brick the store: killed at any moment it leaves no store or a complete one,
concurrent first starts wait for one another and share one key, and the files are private.

Each kill round runs the real start (``python -m desktop_app … handoff queue``) in a subprocess on
an empty data directory and kills it with SIGKILL after a delay spread over the whole start (a
start takes about a second: imports, key, schema, demo seed, publish), then checks the directory
as a crash would leave it and again after a normal start.
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
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from desktop_app.app import build_app
from desktop_app.core.config import Settings, load_settings
from desktop_app.core.crypto import key_fingerprint
from desktop_app.store.schema import SCHEMA_VERSION, Base

KILL_ROUNDS = 20
PG_KILL_ROUNDS = 4
CONCURRENT = 6
REPO = Path(__file__).resolve().parents[1]


def _env(root: Path, db_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_APP_")}
    env.update(DESKTOP_APP_DATA_DIR=str(root / "data"), DESKTOP_APP_CACHE_DIR=str(root / "cache"))
    if db_url:
        env["DESKTOP_APP_DB_URL"] = db_url
    return env


def _start(root: Path, db_url: str = "") -> subprocess.Popen[str]:
    """The real start, as a user runs it: one command that opens the store."""
    return subprocess.Popen([sys.executable, "-m", "desktop_app", "--lang", "en", "handoff", "queue", "--json"],
                            cwd=REPO, env=_env(root, db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _settings_for(root: Path, url: str) -> Settings:
    return load_settings(env={}, data_dir=root / "data", cache_dir=root / "cache", db_url=url)


def _facts(url: str) -> dict[str, Any]:
    """What a complete store holds, read without the app (no migration, no repair)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            meta = dict(conn.execute(text("SELECT key, value FROM schema_meta")).all())
            return {"version": meta.get("schema_version"), "fingerprint": meta.get("key_fingerprint"),
                    "products": conn.execute(text("SELECT count(*) FROM products")).scalar(),
                    "orders": conn.execute(text("SELECT count(*) FROM orders")).scalar(),
                    "customers": conn.execute(text("SELECT count(*) FROM customers")).scalar()}
    finally:
        engine.dispose()


def _integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def _key_fp(root: Path) -> str:
    return key_fingerprint((root / "data" / "secrets" / "conversation.key").read_bytes().strip())


def _assert_complete(root: Path, url: str, expected: dict[str, Any]) -> None:
    facts = _facts(url)
    assert facts["version"] == str(SCHEMA_VERSION)
    assert {k: facts[k] for k in ("products", "orders", "customers")} == expected
    assert facts["fingerprint"] == _key_fp(root)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[float, dict[str, Any]]:
    """One uninterrupted first start: how long it takes and what a complete store holds."""
    root = tmp_path_factory.mktemp("reference")
    began = time.monotonic()
    proc = _start(root)
    _, err = proc.communicate(timeout=120)
    took = time.monotonic() - began
    assert proc.returncode == 0, err
    path = root / "data" / "store.sqlite3"
    facts = _facts(f"sqlite:///{path}")
    assert facts["products"] and facts["orders"] and facts["customers"]
    return took, {k: facts[k] for k in ("products", "orders", "customers")}


def test_kill_during_the_first_start_leaves_no_store_or_a_complete_one(tmp_path, reference):
    took, expected = reference
    rng = random.Random(20)
    for i in range(KILL_ROUNDS):
        root = tmp_path / f"r{i}"
        delay = took * (0.3 + 0.75 * (i + rng.random()) / KILL_ROUNDS)  # spread from key creation to the end
        proc = _start(root)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        path = root / "data" / "store.sqlite3"
        if path.exists():
            assert _integrity(path) == "ok", f"round {i}"
            _assert_complete(root, f"sqlite:///{path}", expected)
        app = build_app(_settings_for(root, ""))  # the next, normal start
        app.close()
        assert _integrity(path) == "ok"
        _assert_complete(root, f"sqlite:///{path}", expected)
        assert not list(path.parent.glob("store.sqlite3.building-*")), "a killed start's temporary store was left"
        assert sorted(f.name for f in (root / "data" / "secrets").iterdir()) == ["conversation.key"]


def test_kill_during_a_postgresql_first_start_leaves_nothing_or_everything(tmp_path, pg_server, reference):
    took, expected = reference
    rng = random.Random(5)
    for i in range(PG_KILL_ROUNDS):
        root = tmp_path / f"pg{i}"
        url = pg_server.url(pg_server.create_database())
        proc = _start(root, url)
        time.sleep(took * (0.3 + 0.8 * (i + rng.random()) / PG_KILL_ROUNDS))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
        engine.dispose()
        if tables:
            _assert_complete(root, url, expected)
        app = build_app(_settings_for(root, url))
        app.close()
        _assert_complete(root, url, expected)


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_concurrent_first_starts_wait_for_one_another(tmp_path, request, reference, backend_name):
    _, expected = reference
    url = ""
    if backend_name == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.url(server.create_database())
    procs = [_start(tmp_path, url) for _ in range(CONCURRENT)]
    results = [p.communicate(timeout=120) for p in procs]
    errors = "".join(err for _, err in results)
    assert [p.returncode for p in procs] == [0] * CONCURRENT, errors
    assert "Traceback" not in errors
    assert sorted(p.name for p in (tmp_path / "data" / "secrets").iterdir()) == ["conversation.key"]
    store_url = url or f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}"
    _assert_complete(tmp_path, store_url, expected)
    app = build_app(_settings_for(tmp_path, url))
    try:
        with app.db.session() as s:
            from desktop_app.store.schema import Customer

            people = s.query(Customer).all()
            secrets = [v for c in people for v in (c.name, c.phone, c.phone[-4:]) if v]
    finally:
        app.close()
    assert people and not [v for v in secrets if v in errors]


def test_store_key_and_folders_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        app = build_app(_settings_for(tmp_path, ""))
        data = tmp_path / "data"
        with app.db.session() as s:
            s.execute(text("SELECT count(*) FROM products"))
            for f in data.glob("store.sqlite3*"):
                assert f.stat().st_mode & 0o777 == 0o600, f.name
        app.close()
        assert data.stat().st_mode & 0o777 == 0o700
        assert (data / "secrets").stat().st_mode & 0o777 == 0o700
        assert (data / "secrets" / "conversation.key").stat().st_mode & 0o777 == 0o600
        for path, loose in ((data, 0o755), (data / "secrets", 0o755), (data / "store.sqlite3", 0o644),
                            (data / "secrets" / "conversation.key", 0o644)):
            path.chmod(loose)
        build_app(_settings_for(tmp_path, "")).close()  # an existing store's files are tightened at start
        for path, mode in ((data, 0o700), (data / "secrets", 0o700), (data / "store.sqlite3", 0o600),
                           (data / "secrets" / "conversation.key", 0o600)):
            assert path.stat().st_mode & 0o777 == mode, path.name
    finally:
        os.umask(old)


def test_a_store_an_older_version_left_half_created_is_rebuilt(tmp_path, reference):
    _, expected = reference
    path = tmp_path / "data" / "store.sqlite3"
    path.parent.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)  # tables, but no schema version and no rows: "not made by this app" before
    engine.dispose()
    build_app(_settings_for(tmp_path, "")).close()
    _assert_complete(tmp_path, f"sqlite:///{path}", expected)
