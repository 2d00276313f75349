"""The command line under hostile input: whatever the arguments, environment or files, a run ends
with at most one line on stderr, never a traceback, a non-zero exit when it fails, and a store
unchanged by a failure (a refused command changes nothing).

Property-based (hypothesis) over every real sub-command, plus one regression test per input the
issue reported as giving a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import MetaData, select

from desktop_app.cli import build_parser
from desktop_app.core.config import Settings

ASSETS = Path(__file__).resolve().parents[1] / "assets"
GUIDE = ASSETS / "models3d" / "FUR-STOOL-01"
#: Rows a failure is meant to write: a failed ownership check is counted (the lockout's memory).
WRITTEN_ON_FAILURE = frozenset({"access_attempts"})
#: Commands that never write, whether they succeed or not.
READ_ONLY = frozenset({("orders", "show"), ("refunds",), ("coupons",), ("shipping-fee",), ("size",), ("product",),
                       ("search",), ("recommend",), ("returns", "check"), ("handoff", "queue"), ("privacy", "export"),
                       ("merchant", "report"), ("policy", "check"), ("policy", "show"), ("agent", "list"),
                       ("guide", "render"), ("transcribe",), ("detect",), ("scan",), ("db", "status")})
HYPOTHESIS = settings(max_examples=25, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                             HealthCheck.data_too_large])

Run = Callable[..., tuple[int, str, str]]


def _leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Every runnable command path with its option strings (``--phone-last4`` …)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield prefix, [o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help")]
        return
    for action in subs:
        for name, child in action.choices.items():
            yield from _leaves(child, (*prefix, name))


COMMANDS = sorted(_leaves(build_parser()))


def store_digest(settings: Settings) -> str:
    """A hash of every row of every table (in primary-key order), so any write shows."""
    from sqlalchemy import create_engine

    engine = create_engine(settings.resolved_db_url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        digest = hashlib.sha256()
        with engine.connect() as conn:
            for table in sorted(meta.sorted_tables, key=lambda t: t.name):
                if table.name in WRITTEN_ON_FAILURE:
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(select(table).order_by(*order)):
                    digest.update(repr((table.name, tuple(row))).encode("utf-8", "backslashreplace"))
        return digest.hexdigest()
    finally:
        engine.dispose()


@pytest.fixture
def run(cli: Run, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``cli`` that also returns usage errors (argparse's SystemExit) as a result; files a command
    writes with a relative ``--out`` land in a scratch directory."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def call(*argv: str) -> tuple[int, str, str]:
        try:
            return cli(*argv)
        except SystemExit as exc:
            out, err = capsys.readouterr()
            return int(exc.code or 0), out, err

    return call


def assert_well_behaved(code: int, err: str, settings: Settings, before: str, *, must_not_write: bool = False) -> None:
    """No traceback; a failure is one line and changes nothing; a read-only command changes nothing."""
    assert "Traceback" not in err and "Exception ignored" not in err, err
    if code != 0:
        assert len([line for line in err.splitlines() if line.strip()]) <= 1, err
    if code != 0 or must_not_write:
        assert store_digest(settings) == before, f"the store changed (exit {code}): {err}"


# -- properties ------------------------------------------------------------------------------------

#: Any text, lone surrogates included; never an absolute path (a command given ``--out /x`` would write there).
_PLAIN = st.text(st.characters(blacklist_categories=()), max_size=30).map(lambda t: t.lstrip("/~"))
_NUMBERS = st.sampled_from(["-1", "0", "9" * 5000, "1e309", "-1e309", "nan", "inf", "2147483648", "-0", "1_0", "0x10",
                            "4.2", "C001", "2517", "0000", "１２３４", "'; DROP TABLE orders; --", "%s%s%n",
                            "..", "-", "--", "\x00", "\udcff\udcfe", "a" * 3000])


@st.composite
def hostile_argv(draw: st.DrawFn) -> tuple[tuple[str, ...], list[str]]:
    """A real command path, then up to five of: its own options, any text, awkward numbers."""
    path, options = draw(st.sampled_from(COMMANDS))
    tokens = draw(st.lists(st.one_of(_PLAIN, _NUMBERS, st.sampled_from(options or ["--json"])), max_size=5))
    return path, [*draw(st.sampled_from([[], ["--lang", "zh"], ["--lang", "en"]])), *path, *tokens]


@given(command=hostile_argv())
@HYPOTHESIS
def test_hostile_arguments(run: Run, app_settings: Settings, command: tuple[tuple[str, ...], list[str]]) -> None:
    path, argv = command
    before = store_digest(app_settings)
    code, _, err = run(*argv)
    assert_well_behaved(code, err, app_settings, before, must_not_write=path in READ_ONLY)


_SETTING_NAMES = [f.name for f in fields(Settings)]
_PATH_SETTINGS = {"data_dir", "cache_dir", "assets_dir", "key_file", "whisper_pt", "policy_file"}


@st.composite
def hostile_env(draw: st.DrawFn, scratch: Path) -> tuple[str, str]:
    name = draw(st.sampled_from(_SETTING_NAMES + ["db_url"] * 3))
    if name in _PATH_SETTINGS:
        value = draw(st.sampled_from([str(scratch / "a-file"), str(scratch), str(scratch / "a-file" / "below"),
                                      str(scratch / "missing" / "x"), "/dev/null", "/proc/self/mem"]))
    elif name == "db_url":
        value = draw(st.sampled_from([f"sqlite:///{scratch / 'a-file'}", f"sqlite:///{scratch}", "sqlite:////nope/x/y.db",
                                      "postgresql://u:p@127.0.0.1:1/x", "postgresql+nodriver://x/y", "sqlite+pysqlcipher://",
                                      "notaurl", "mysql://x/y"]))
    else:
        value = draw(st.one_of(_PLAIN, _NUMBERS).filter(_settable))
    return "DESKTOP_APP_" + name.upper(), value


def _settable(value: str) -> bool:
    """What an environment can hold: no NUL, and only the surrogates that stand for raw bytes."""
    try:
        value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return value.strip() != "" and "\x00" not in value


@given(data=st.data())
@HYPOTHESIS
def test_hostile_environment(run: Run, app_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             data: st.DataObject) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    (scratch / "a-file").write_bytes(b"SQLite format 3\x00 but not really")
    key, value = data.draw(hostile_env(scratch))
    before = store_digest(app_settings)
    with monkeypatch.context() as m:
        m.setenv(key, value)
        code, _, err = run("--lang", "en", "product", "PHN-QL-E3")
    assert_well_behaved(code, err, app_settings, before)


def _mutate(raw: bytes, data: st.DataObject) -> bytes:
    how = data.draw(st.sampled_from(["truncate", "flip", "insert", "header"]))
    if how == "truncate":
        return raw[: data.draw(st.integers(0, max(0, len(raw) - 1)))]
    if how == "insert":
        at = data.draw(st.integers(0, len(raw)))
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=64)) + raw[at:]
    limit = min(len(raw), 300) if how == "header" else len(raw)
    out = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8))):
        out[data.draw(st.integers(0, max(0, limit - 1)))] = data.draw(st.integers(0, 255))
    return bytes(out)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=8)


def _json_paths(obj: object, at: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    yield at
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        yield from _json_paths(value, (*at, key))


def _hostile_guide(target: Path, data: st.DataObject) -> None:
    shutil.copytree(GUIDE, target)
    raw = json.loads((GUIDE / "guide.json").read_text(encoding="utf-8"))
    kind = data.draw(st.sampled_from(["value", "bytes", "mesh"]))
    if kind == "value":
        path = data.draw(st.sampled_from(list(_json_paths(raw))[1:]))
        holder = raw
        for key in path[:-1]:
            holder = holder[key]  # type: ignore[index]
        holder[path[-1]] = data.draw(_JSON)  # type: ignore[index]
        (target / "guide.json").write_text(json.dumps(raw), encoding="utf-8")
    elif kind == "bytes":
        (target / "guide.json").write_bytes(_mutate((GUIDE / "guide.json").read_bytes(), data))
    else:
        mesh = data.draw(st.sampled_from(sorted((target / "meshes").glob("*.ply"))))
        mesh.write_bytes(_mutate(mesh.read_bytes(), data))


@given(data=st.data())
@HYPOTHESIS
def test_hostile_files(run: Run, app_settings: Settings, tmp_path: Path, data: st.DataObject) -> None:
    case = tmp_path / f"case{len(list(tmp_path.glob('case*')))}"
    case.mkdir()
    what = data.draw(st.sampled_from(["guide", "image", "image", "audio", "batch"]))
    if what == "guide":
        _hostile_guide(case / "guide", data)
        argv = ["guide", "render", str(case / "guide"), "--step", "1", "--out", str(case / "out.png")]
    elif what == "image":
        png = data.draw(st.sampled_from(sorted((GUIDE / "qr").glob("*.png"))))
        (case / "photo.png").write_bytes(_mutate(png.read_bytes(), data))
        argv = [data.draw(st.sampled_from(["detect", "scan"])), str(case / "photo.png")]
    elif what == "audio":  # only broken headers: a well-formed recording would run the recogniser
        (case / "q.wav").write_bytes(data.draw(st.sampled_from([b"", b"RIFF", b"RIFF\xff\xff\xff\x7fWAVEfmt "]))
                                     + data.draw(st.binary(max_size=40)))
        argv = [*data.draw(st.sampled_from([["transcribe"], ["ask", "--audio"]])), str(case / "q.wav")]
    else:
        (case / "lines.txt").write_bytes(data.draw(st.binary(min_size=1, max_size=200)))
        argv = ["ask", "--batch", str(case / "lines.txt")]
    before = store_digest(app_settings)
    code, _, err = run(*argv)
    assert_well_behaved(code, err, app_settings, before, must_not_write=argv[0] != "ask")


# -- the reproductions from the issue --------------------------------------------------------------


def _guide_with(tmp_path: Path, change: Callable[[dict[str, object]], object]) -> Path:
    target = tmp_path / "guide"
    shutil.copytree(GUIDE, target)
    raw = json.loads((GUIDE / "guide.json").read_text(encoding="utf-8"))
    change(raw)
    (target / "guide.json").write_text(json.dumps(raw), encoding="utf-8")
    return target


def test_invalid_utf8_question_is_one_line_and_leaves_no_conversation(run: Run, app_settings: Settings) -> None:
    before = store_digest(app_settings)
    code, out, err = run("ask", "\udcff\udcfe")  # what Python makes of the bytes ff fe in argv
    assert code == 1 and out == "" and err.count("\n") == 1 and "not valid UTF-8" in err
    code, _, err = run("ask", "  \x01 ")
    assert code == 1 and "empty" in err
    assert store_digest(app_settings) == before


@pytest.mark.parametrize("change, words", [
    (lambda g: g.update(parts=5), "expected a list"),
    (lambda g: g.update(steps={"a": 1}), "expected a list"),
    (lambda g: g["parts"][0].update(kind=["panel"]), "expected a short non-empty string"),
    (lambda g: g["parts"][0].update(scale=[10**400, 1, 1]), "expected 3 numbers"),
    (lambda g: g["steps"][0].update(tools=7), "expected a list"),
    (lambda g: g["steps"][0].update(fasteners=[{"kind": {}, "count": 1}]), "bad fastener entry"),
    (lambda g: g["parts"][0].update(mesh="meshes/a\x00.ply"), "mesh must be"),
])
def test_guide_with_wrong_types(run: Run, tmp_path: Path, change: Callable[[dict[str, object]], object],
                                words: str) -> None:
    guide = _guide_with(tmp_path, change)
    code, _, err = run("guide", "render", str(guide), "--step", "1", "--out", str(tmp_path / "x.png"))
    assert code == 1 and err.count("\n") == 1 and words in err and "Traceback" not in err


@given(data=st.data())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_any_damage_to_a_guide_is_a_guide_error(data: st.DataObject) -> None:
    """Straight at the parser (no process, so many more cases): a value anywhere replaced by any JSON."""
    from desktop_app.core.guide_format import GuideError, guide_from_dict

    raw = json.loads((GUIDE / "guide.json").read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_json_paths(raw))[1:]))
        holder = raw
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = data.draw(_JSON | st.sampled_from([10**400, float("nan"), [[1]], "a\x00b", {"en": 1}]))
    try:
        guide_from_dict(raw)
    except GuideError as exc:
        assert "\n" not in exc.message and len(exc.message) < 400


def test_qr_payload_that_breaks_the_url_parser() -> None:
    from desktop_app.core.guide_code import parse_payload
    from desktop_app.core.guide_format import GuideError

    with pytest.raises(GuideError):
        parse_payload("asmguide://[v1?product=X&step=1")


def test_guide_nested_too_deeply(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "deep"
    target.mkdir()
    (target / "guide.json").write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run("guide", "render", str(target), "--step", "1", "--out", str(tmp_path / "x.png"))
    assert code == 1 and err.count("\n") == 1 and "nested too deeply" in err


def test_ply_claiming_two_billion_vertices_is_refused_before_reading(run: Run, tmp_path: Path) -> None:
    guide = _guide_with(tmp_path, lambda g: None)
    mesh = sorted((guide / "meshes").glob("*.ply"))[0]
    mesh.write_bytes(b"ply\nformat binary_little_endian 1.0\nelement vertex 50000000\nproperty double x\n"
                     b"property double y\nproperty double z\nelement face 1\nproperty list uchar uint vertex_indices\n"
                     b"end_header\n" + b"\0" * 64)
    code, _, err = run("guide", "render", str(guide), "--step", "1", "--out", str(tmp_path / "x.png"))
    assert code == 1 and err.count("\n") == 1 and "damaged PLY mesh" in err
    mesh.write_bytes(mesh.read_bytes().replace(b"50000000", b"2147483648"))
    code, _, err = run("guide", "render", str(guide), "--step", "1", "--out", str(tmp_path / "x.png"))
    assert code == 1 and "over 2000000" in err


@pytest.mark.parametrize("out", ["/proc/no/such/dir/export.json", "."])
def test_bad_out_path(run: Run, out: str) -> None:
    code, stdout, err = run("privacy", "export", "C001", "--out", out)
    assert code == 1 and err.count("\n") == 1 and err.startswith("desktop-app: cannot use ") and "Traceback" not in err


def test_out_file_is_checked_before_any_work(tmp_path: Path) -> None:
    from desktop_app.cli.output import check_out_file
    from desktop_app.core.errors import InvalidInput

    (tmp_path / "a-file").write_text("x")
    assert check_out_file(tmp_path / "new" / "step.PNG", (".png",)) == tmp_path / "new" / "step.PNG"
    for bad, words in ((tmp_path / "step.xyz", "must end in .png"), (tmp_path / "dir.png", "is a directory"),
                       (tmp_path / "a-file" / "step.png", "is a file")):
        (tmp_path / "dir.png").mkdir(exist_ok=True)
        with pytest.raises(InvalidInput, match=words):
            check_out_file(bad, (".png",))


def test_key_path_that_is_a_directory(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKTOP_APP_KEY_FILE", str(tmp_path))
    code, _, err = run("product", "PHN-QL-E3")
    assert code == 1 and err == f"desktop-app: DESKTOP_APP_KEY_FILE: {tmp_path} is a directory, not a key file.\n"


@pytest.mark.parametrize("name, value", [("LOG_LEVEL", "VERBOSE"), ("DATA_DIR", "{file}"), ("DEMO_TODAY", "next week"),
                                         ("RETENTION_DAYS", "-1")])
def test_bad_settings_are_one_line(run: Run, app_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   name: str, value: str) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("DESKTOP_APP_" + name, value.format(file=tmp_path / "file"))
    before = store_digest(app_settings)
    code, _, err = run("product", "PHN-QL-E3")
    assert code == 1 and err.count("\n") == 1 and f"DESKTOP_APP_{name}" in err
    assert store_digest(app_settings) == before


@pytest.mark.parametrize("url, words", [("sqlite:///{file}", "the database cannot be used: file is not a database"),
                                        ("postgresql://u:p@127.0.0.1:1/x", "127.0.0.1")])
def test_database_errors_are_one_line(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str,
                                      words: str) -> None:
    (tmp_path / "not-a-db").write_bytes(b"hello, I am a text file, not a database\n" * 100)
    monkeypatch.setenv("DESKTOP_APP_DB_URL", url.format(file=tmp_path / "not-a-db"))
    code, _, err = run("product", "PHN-QL-E3")
    assert code == 1 and err.count("\n") == 1 and words in err and "Traceback" not in err
    assert "u:p@" not in err  # a password never reaches the screen


def test_unexpected_error_goes_to_the_log_redacted_and_one_line_to_the_user(
        run: Run, app_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.cli import store_commands

    def broken(args: argparse.Namespace, settings: Settings) -> int:
        raise KeyError("customer phone 13812345678")

    monkeypatch.setattr(store_commands, "cmd_product", broken)
    code, out, err = run("product", "PHN-QL-E3")
    log_file = app_settings.data_dir / "logs" / "desktop-app.log"
    assert code == 1 and out == ""
    assert err == f"desktop-app: unexpected error (KeyError) (details: {log_file})\n"
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError" in text and "13812345678" not in text and "[PHONE]" in text


def test_broken_pipe_in_process_is_quiet(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.cli import store_commands

    def reader_went_away(args: argparse.Namespace, settings: Settings) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(store_commands, "cmd_product", reader_went_away)
    code, _, err = run("product", "PHN-QL-E3")
    assert code == 141 and err == ""


def test_output_piped_to_head_exits_quietly(app_settings: Settings) -> None:
    """The real thing, in a process of its own: the reader (``| head``) is gone before the first write."""
    env = {**os.environ, "DESKTOP_APP_DATA_DIR": str(app_settings.data_dir),
           "DESKTOP_APP_CACHE_DIR": str(app_settings.cache_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--lang", "en", "search", "--text", "phone"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141 and err.decode() == ""


def test_usage_errors_are_one_line(run: Run) -> None:
    code, _, err = run("orders", "show")
    assert code == 2 and err.count("\n") == 1 and "(see desktop-app orders show --help)" in err
    code, _, err = run("no-such-command")
    assert code == 2 and err.count("\n") == 1


def test_window_shows_one_line_and_logs_the_redacted_traceback(qtbot, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from desktop_app.ui.shell import crash

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app.core.logsetup import configure_logging

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # restored after the test
    configure_logging("INFO", tmp_path / "logs")  # as ``main`` does before opening the window
    hook = crash.install_crash_hooks("en", tmp_path / "logs")
    assert sys.excepthook is hook
    try:
        raise ValueError("slot failed for 13812345678")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
    log_text = (tmp_path / "logs" / "desktop-app.log").read_text(encoding="utf-8")
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1  # one box; the worker thread's failure is logged, it shows no widget
    shown = boxes[0].text()
    boxes[0].close()
    assert shown.startswith("Unexpected error (ValueError)") and "\n" not in shown and "Traceback" not in shown
    assert log_text.count("Traceback") == 2 and "ZeroDivisionError" in log_text and "13812345678" not in log_text
