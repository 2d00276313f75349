"""A lost or wrong key never silently orphans data, and kiosks of a chain share one key.

Runs on SQLite and on PostgreSQL (a chain's shared store). Every refusal is checked to have
written nothing: the store's rows are compared before and after, and no key file appears.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from desktop_app.cli import main
from desktop_app.core.config import Settings
from desktop_app.core.crypto import key_fingerprint
from desktop_app.core.keyfile import next_key_path

Run = Callable[..., tuple[int, str, str]]
CUSTOMERS = ("C001", "C005", "C012")


def _snapshot(settings: Settings) -> dict[str, list[str]]:
    """Every row of every table, as text: equal snapshots mean nothing was written."""
    engine = create_engine(settings.resolved_db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {name: sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"')))
                    for name in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


@pytest.fixture
def run_as(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``run_as(settings, *argv)``: ``desktop-app --lang en …`` as the kiosk configured by ``settings``."""

    def run(settings: Settings, *argv: str) -> tuple[int, str, str]:
        monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(settings.cache_dir))
        monkeypatch.setenv("DESKTOP_APP_DB_URL", settings.resolved_db_url)
        code = main(["--lang", "en", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _refused(result: tuple[int, str, str], *phrases: str) -> None:
    code, _, err = result
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for phrase in phrases:
        assert phrase in err, err


def _export(run_as: Run, settings: Settings, code: str = "C005") -> dict[str, object]:
    status, out, err = run_as(settings, "privacy", "export", code)
    assert status == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_a_deleted_key_is_refused_nothing_is_written_and_a_restore_brings_the_data_back(app_settings, run_as,
                                                                                       tmp_path):
    backup = tmp_path / "key.backup"
    assert run_as(app_settings, "privacy", "key", "backup", "--out", str(backup))[0] == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    before_export = _export(run_as, app_settings)
    key_path = app_settings.resolved_key_file
    key_path.unlink()
    before = _snapshot(app_settings)
    _refused(run_as(app_settings, "privacy", "export", "C005"), str(key_path), "is missing",
             "privacy key restore")
    _refused(run_as(app_settings, "orders", "show", "0000000000000000", "--customer", "C005"), "is missing")
    assert not key_path.exists(), "a new key was made for a store with data"
    assert _snapshot(app_settings) == before

    status, out, _ = run_as(app_settings, "privacy", "key", "restore", str(backup))
    assert status == 0 and key_fingerprint(backup.read_bytes()) in out
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert _export(run_as, app_settings) == before_export


def test_a_wrong_key_is_refused_and_is_not_accepted_by_restore(app_settings, run_as, tmp_path):
    key_path = app_settings.resolved_key_file
    right = key_path.read_bytes()
    stranger = tmp_path / "stranger.key"
    stranger.write_bytes(Fernet.generate_key())
    before = _snapshot(app_settings)
    _refused(run_as(app_settings, "privacy", "key", "restore", str(stranger)), "does not belong")
    assert key_path.read_bytes() == right
    key_path.write_bytes(stranger.read_bytes())
    _refused(run_as(app_settings, "privacy", "export", "C005"), "does not belong", key_fingerprint(right))
    assert key_path.read_bytes() == stranger.read_bytes(), "the refused start touched the key file"
    assert _snapshot(app_settings) == before


def test_backup_rotate_restore_round_trip(app_settings, run_as, tmp_path):
    code, _, err = run_as(app_settings, "complaint", "--topic", "damaged", "--text", "box crushed", "--customer",
                          "C005")
    assert code == 0, err
    exports = {c: _export(run_as, app_settings, c) for c in CUSTOMERS}
    old_backup, new_backup = tmp_path / "old.key", tmp_path / "new.key"
    assert run_as(app_settings, "privacy", "key", "backup", "--out", str(old_backup))[0] == 0

    status, out, err = run_as(app_settings, "privacy", "key", "rotate", "--json")
    assert status == 0, err
    rotated = json.loads(out)
    assert rotated["rewritten"] > 0 and rotated["fingerprint"] != key_fingerprint(old_backup.read_bytes())
    assert not next_key_path(app_settings.resolved_key_file).exists()
    assert {c: _export(run_as, app_settings, c) for c in CUSTOMERS} == exports  # everything still decrypts

    assert run_as(app_settings, "privacy", "key", "backup", "--out", str(new_backup))[0] == 0
    assert run_as(app_settings, "privacy", "key", "fingerprint", str(new_backup))[1].strip() == rotated["fingerprint"]
    _refused(run_as(app_settings, "privacy", "key", "restore", str(old_backup)), "does not belong")
    app_settings.resolved_key_file.write_bytes(old_backup.read_bytes())
    _refused(run_as(app_settings, "privacy", "export", "C005"), "does not belong")  # the old key is refused
    assert run_as(app_settings, "privacy", "key", "restore", str(new_backup))[0] == 0
    assert _export(run_as, app_settings) == exports["C005"]
    status, out, _ = run_as(app_settings, "privacy", "key", "fingerprint", "--json")
    assert status == 0 and json.loads(out)["store"] == rotated["fingerprint"]


def test_a_rotation_killed_after_its_commit_is_finished_by_the_next_start(app_settings, run_as, monkeypatch):
    exports = _export(run_as, app_settings)
    key_path = app_settings.resolved_key_file

    def killed(_source: Path, _target: Path) -> None:
        raise KeyboardInterrupt  # stands in for the kill between the commit and the rename

    monkeypatch.setattr("desktop_app.store.keys.move_key", killed)
    assert run_as(app_settings, "privacy", "key", "rotate")[0] == 130
    monkeypatch.undo()
    pending = next_key_path(key_path)
    assert pending.exists() and key_fingerprint(pending.read_bytes()) != key_fingerprint(key_path.read_bytes())
    new = pending.read_bytes()
    assert _export(run_as, app_settings) == exports
    assert key_path.read_bytes() == new and not pending.exists()


def test_a_rotation_killed_before_its_commit_leaves_the_old_key(app_settings, run_as):
    exports = _export(run_as, app_settings)
    key_path = app_settings.resolved_key_file
    old = key_path.read_bytes()
    next_key_path(key_path).write_bytes(Fernet.generate_key())  # written, then killed before the commit
    assert _export(run_as, app_settings) == exports
    assert key_path.read_bytes() == old and not next_key_path(key_path).exists()


def test_two_kiosks_share_one_store_and_one_key(app_settings, run_as, tmp_path):
    """The chain set-up of docs/security.md: back up on the first kiosk, restore on each other."""
    second = replace(app_settings, data_dir=tmp_path / "kiosk2" / "data", cache_dir=tmp_path / "kiosk2" / "cache",
                     db_url=app_settings.resolved_db_url)
    before = _snapshot(app_settings)
    _refused(run_as(second, "privacy", "export", "C005"), "is missing", "privacy key restore")
    assert not second.resolved_key_file.exists() and _snapshot(app_settings) == before

    backup = tmp_path / "chain.key"
    assert run_as(app_settings, "privacy", "key", "backup", "--out", str(backup))[0] == 0
    _refused(run_as(app_settings, "privacy", "key", "backup", "--out", str(backup)), "already exists")
    assert run_as(second, "privacy", "key", "restore", str(backup))[0] == 0
    assert _export(run_as, second) == _export(run_as, app_settings)
    assert stat.S_IMODE(second.resolved_key_file.parent.stat().st_mode) == 0o700

    third = replace(second, data_dir=tmp_path / "kiosk3" / "data")
    third.resolved_key_file.parent.mkdir(parents=True)
    third.resolved_key_file.write_bytes(Fernet.generate_key())  # a kiosk set up with its own key
    _refused(run_as(third, "privacy", "export", "C005"), "does not belong")
    assert _snapshot(app_settings) == before


def test_a_store_from_before_fingerprints_adopts_only_a_key_that_opens_it(app_settings, run_as, tmp_path):
    key_path = app_settings.resolved_key_file
    right = key_path.read_bytes()
    engine = create_engine(app_settings.resolved_db_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM schema_meta WHERE key = 'key_fingerprint'"))
    key_path.write_bytes(Fernet.generate_key())
    _refused(run_as(app_settings, "privacy", "export", "C005"), "does not belong")
    key_path.unlink()
    _refused(run_as(app_settings, "privacy", "export", "C005"), "is missing")
    assert not key_path.exists()
    key_path.write_bytes(right)
    _export(run_as, app_settings)
    with engine.connect() as conn:
        recorded = conn.execute(text("SELECT value FROM schema_meta WHERE key = 'key_fingerprint'")).scalar()
    engine.dispose()
    assert recorded == key_fingerprint(right)


@pytest.mark.parametrize("problem", ["directory", "not a key"])
def test_a_bad_key_path_is_one_line(app_settings, run_as, monkeypatch, tmp_path, problem):
    bad = tmp_path / "bad-key"
    if problem == "directory":
        bad.mkdir()
    else:
        bad.write_text("not a key\n")
    monkeypatch.setenv("DESKTOP_APP_KEY_FILE", str(bad))
    before = _snapshot(app_settings)
    _refused(run_as(app_settings, "privacy", "export", "C005"), str(bad))
    assert _snapshot(app_settings) == before


def test_shared_directories_are_never_chmodded(tmp_path):
    """A data or key path inside /tmp (sticky, shared) must not change /tmp's mode; a directory given
    where a key file belongs is never made 0600 (it once turned /tmp into drw------- for everyone)."""
    import stat as stat_module

    from desktop_app.core.keyfile import secure_dir, tighten_file

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    secure_dir(shared)
    assert stat_module.S_IMODE(shared.stat().st_mode) == 0o1777
    folder = tmp_path / "not-a-key"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    tighten_file(folder)
    assert stat_module.S_IMODE(folder.stat().st_mode) == 0o755
    own = tmp_path / "own"
    secure_dir(own)
    assert stat_module.S_IMODE(own.stat().st_mode) == 0o700
