"""Configuration is checked at start: a bad ``DESKTOP_APP_*`` value stops the start with one line
naming the variable, before anything is created, written or deleted; a misspelt name is reported.
Also here: retention counts real days, and logs are private and redacted."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.core.clock import FixedClock
from desktop_app.core.config import load_settings, unknown_variables
from desktop_app.core.errors import ConfigError, InvalidInput
from desktop_app.core.logsetup import configure_logging, record_crash
from desktop_app.core.redact import KNOWN_NAMES, redact
from desktop_app.service.privacy import PrivacyService
from desktop_app.store.schema import Conversation

P = "DESKTOP_APP_"


@pytest.mark.parametrize("name, value, words", [
    ("RETENTION_DAYS", "-1", "from 1 to 3650"),
    ("RETENTION_DAYS", "0", "from 1 to 3650"),
    ("RETENTION_DAYS", "100000", "from 1 to 3650"),
    ("RETENTION_DAYS", "soon", "whole number"),
    ("RETENTION_DAYS", "9" * 5000, "whole number"),
    ("LOG_LEVEL", "VERBOSE", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("DEMO_TODAY", "yesterday", "ISO date"),
    ("DEMO_TODAY", "2026-02-30", "ISO date"),
    ("DEMO_TODAY", "1066-10-14", "year"),
    ("LANGUAGE", "fr", "zh, en"),
    ("STT_ENGINE", "whisper.cpp", "faster-whisper, openai-whisper"),
    ("STT_THREADS", "0", "from 1 to 64"),
    ("STT_BEAM_SIZE", "1e9", "whole number"),
    ("STT_WINDOW_S", "nan", "from 5 to 30"),
    ("STT_WINDOW_S", "inf", "from 5 to 30"),
    ("IDLE_TIMEOUT_S", "-5", "from 10 to 86400"),
    ("DEMO_SEED", "-3", "from 0"),
    ("KIOSK", "maybe", "boolean"),
    ("DB_URL", "mysql://shop@db/x", "sqlite:/// or postgresql://"),
    ("DB_URL", "not a url", "sqlite:/// or postgresql://"),
    ("DEMO_CUSTOMER", "C001; DROP TABLE", "customer code"),
    ("OPERATOR_PIN", "12", "4 to 64"),
    ("LANGUAGE", "\udcff\udcfe", "not valid UTF-8"),
])
def test_bad_value_is_one_bilingual_line_naming_the_variable(name, value, words):
    with pytest.raises(ConfigError) as caught:
        load_settings(env={P + name: value})
    err = caught.value
    assert err.message.startswith(P + name + ": ") and words in err.message
    assert err.message_zh.startswith(P + name + "：") and err.message_zh != err.message
    assert "\n" not in err.message and len(err.message) < 300


def test_paths_that_cannot_work_are_refused(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = {
        "DATA_DIR": (str(a_file), "is a file"),
        "CACHE_DIR": (str(a_file / "cache"), "is a file"),
        "KEY_FILE": (str(tmp_path), "is a directory"),
        "POLICY_FILE": (str(tmp_path / "missing.toml"), "no file"),
        "WHISPER_PT": (str(tmp_path / "small.pt"), "no file"),
        "ASSETS_DIR": (str(tmp_path / "none"), "no directory"),
    }
    for name, (value, words) in cases.items():
        with pytest.raises(ConfigError, match=f"{P}{name}: .*{words}"):
            load_settings(env={P + name: value})


def test_good_values_are_read_and_normalised(tmp_path):
    s = load_settings(env={P + "LOG_LEVEL": "debug", P + "LANGUAGE": "EN", P + "DEMO_TODAY": "2026-03-01",
                           P + "RETENTION_DAYS": "1", P + "STT_WINDOW_S": "30", P + "DATA_DIR": str(tmp_path / "new"),
                           P + "KEY_FILE": str(tmp_path / "k" / "store.key"), P + "DB_URL": "postgresql+psycopg://a@b/c"})
    assert (s.log_level, s.language, s.demo_today, s.retention_days, s.stt_window_s) == ("DEBUG", "en", "2026-03-01", 1, 30.0)
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_misspelt_names_are_warned_about_with_the_closest_setting():
    warnings = unknown_variables({P + "KEYFILE": "/k", P + "RETENTION": "3", P + "ZZZ": "1", P + "PG_BIN": "/x",
                                  P + "DATA_DIR": "/d"})
    assert warnings == [
        f"{P}KEYFILE is not a setting of this app and is ignored; did you mean {P}KEY_FILE?",
        f"{P}RETENTION is not a setting of this app and is ignored; did you mean {P}RETENTION_DAYS?",
        f"{P}ZZZ is not a setting of this app and is ignored",
    ]


def _conversations(app) -> int:
    with app.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Conversation)) or 0)


def _chat(app, n: int = 2) -> None:
    """Conversations held just now by the store's (demo) clock."""
    for i in range(n):
        conversation_id, _ = app.conversations.start(channel="kiosk", language="en")
        app.conversations.add(conversation_id, "customer", f"question {i}")


def test_cli_refuses_bad_configuration_before_touching_the_store(cli, app, monkeypatch):
    _chat(app)
    before = _conversations(app)
    for name, value in (("RETENTION_DAYS", "-1"), ("LOG_LEVEL", "VERBOSE"), ("DEMO_TODAY", "someday")):
        with monkeypatch.context() as m:
            m.setenv(P + name, value)
            code, out, err = cli("product", "PHN-QL-E3")
        assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith(f"desktop-app: {P}{name}: ")
    assert _conversations(app) == before


def test_cli_warns_about_a_misspelt_variable_and_carries_on(cli, monkeypatch):
    monkeypatch.setenv(P + "KEYFILE", "/somewhere/store.key")
    code, out, err = cli("--lang", "en", "product", "PHN-QL-E3")
    assert code == 0 and "Qinglan" in out
    assert [line for line in err.splitlines() if line] and all("did you mean DESKTOP_APP_KEY_FILE?" in line
                                                               for line in err.splitlines() if line)


def test_bad_demo_today_creates_no_store(cli, monkeypatch, tmp_path):
    fresh = tmp_path / "fresh"
    monkeypatch.setenv(P + "DATA_DIR", str(fresh))
    monkeypatch.setenv(P + "DEMO_TODAY", "31/12/2026")
    code, _, err = cli("product", "PHN-QL-E3")
    assert code == 1 and "ISO date" in err and not fresh.exists()


# -- retention -------------------------------------------------------------------------------------


def test_retention_refuses_a_period_below_one_day_and_deletes_nothing(app):
    _chat(app)
    before = _conversations(app)
    for days in (-1, 0, 100_000):
        with pytest.raises(InvalidInput, match="1 to 3650 days"):
            app.privacy.purge_conversations(days)
    assert _conversations(app) == before > 0


def test_retention_counts_real_days_not_the_demo_clock(app):
    """The demo clock restarts at the same moment every start: measured against it alone, a
    conversation never ages. Given the real time, the purge sees how old it really is."""
    _chat(app)
    store_now = app.clock.now()
    privacy = PrivacyService(app.db, FixedClock(store_now), app.db.keys.cipher)
    assert privacy.purge_conversations(90) == 0  # by the demo clock everything is recent
    later = store_now + timedelta(days=400)
    removed = privacy.purge_conversations(90, now=later)
    assert removed > 0 and _conversations(app) == 0
    # a real clock behind the store's never makes the purge less thorough than before
    assert privacy.purge_conversations(90, now=store_now - timedelta(days=4000)) == 0


def test_start_up_purge_uses_the_system_clock(settings_factory, monkeypatch):
    from desktop_app import app as app_module

    settings = settings_factory()
    opened = app_module.build_app(settings)
    try:
        _chat(opened)
        assert _conversations(opened) > 0
        far_future = opened.clock.now() + timedelta(days=settings.retention_days + 30)
    finally:
        opened.close()
    monkeypatch.setattr(app_module, "SystemClock", lambda: FixedClock(far_future))
    reopened = app_module.build_app(settings)
    try:
        assert _conversations(reopened) == 0
    finally:
        reopened.close()


# -- logs ------------------------------------------------------------------------------------------


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    for h in handlers:
        if h not in root.handlers:
            root.addHandler(h)
    root.setLevel(level)


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_log_files_are_private_whatever_the_umask(tmp_path, restore_logging, umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    old = os.umask(umask)
    try:
        path = configure_logging("INFO", shared / "data" / "logs")
        assert path is not None
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(path))
        logging.getLogger("desktop_app.test").warning("first")
        handler.doRollover()  # type: ignore[attr-defined]
        logging.getLogger("desktop_app.test").warning("second")
    finally:
        os.umask(old)
    assert stat.S_IMODE((shared / "data" / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE((shared / "data").stat().st_mode) == 0o700  # made here, so made private
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # an existing parent is left alone
    files = sorted((shared / "data" / "logs").iterdir())
    assert len(files) == 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_exception_text_is_redacted_before_it_is_written(tmp_path, restore_logging):
    KNOWN_NAMES.add(["欧阳测试"])
    path = configure_logging("INFO", tmp_path / "logs")
    assert path is not None
    secret = ("customer 欧阳测试 phone 13812345678 lives at 北京市朝阳区建国路88号 "
              "[parameters: ('欧阳测试', 'my sofa arrived broken')]")
    try:
        raise RuntimeError(secret)
    except RuntimeError:
        logging.getLogger("desktop_app.test").exception("order failed")
    try:
        raise ValueError(secret)
    except ValueError as exc:
        assert record_crash(exc) == path
    text = path.read_text(encoding="utf-8")
    assert text.count("Traceback") == 2 and "RuntimeError" in text and "ValueError" in text
    for leaked in ("欧阳测试", "13812345678", "建国路", "sofa arrived"):
        assert leaked not in text
    assert "[PHONE]" in text and "[NAME]" in text and "[parameters: redacted]" in text


def test_redact_keeps_ordinary_text():
    assert redact("unexpected error (KeyError) at line 123") == "unexpected error (KeyError) at line 123"
