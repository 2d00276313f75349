"""``desktop-app ask`` starts light: one question imports only what answering it needs, and jieba's
dictionary is read entry by entry from a checked table instead of whole, with the same words.

No timings here (the machine is shared); ``benchmarks/e2e.py`` and docs/performance.md time it.
What can regress silently is an import put back at module level, so that is what is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import COMMAND_MODULES, QUICK_COMMANDS, build_parser, modules_for
from desktop_app.core.checksums import forget_checks
from desktop_app.nlu import tokenize
from desktop_app.nlu.stored_table import StoredTable, write_table

ROOT = Path(__file__).resolve().parents[1]

#: Modules a typed question never needs: other commands and their services, the demo seeder, the
#: voice, vision, 3D and window stacks, and the training library. Each one cost a cold start time.
NOT_FOR_ASKING = (
    "desktop_app.cli.store_commands", "desktop_app.cli.merchant", "desktop_app.cli.billing_commands",
    "desktop_app.cli.guide", "desktop_app.cli.vision", "desktop_app.cli.voice", "desktop_app.store.demo.seed",
    "desktop_app.fusion.voice_producer", "desktop_app.voice", "desktop_app.vision", "desktop_app.ar",
    "desktop_app.ui", "PySide6", "sklearn", "faster_whisper", "cv2", "onnxruntime",
)

PROBE = """
import json, sys
from desktop_app.cli import main
code = main(["ask", "--json", sys.argv[1]])
from desktop_app.nlu.tokenize import tokenizer
print(json.dumps({"code": code, "modules": sorted(sys.modules), "jieba_table": type(tokenizer().FREQ).__name__}))
"""


def _warm_user_cache() -> None:
    """The trained models in the user's cache dir, as the subprocess will find them (a no-op once there)."""
    from desktop_app.nlu.classifier import load_or_train
    from desktop_app.nlu.emotion import load_or_train_emotion

    load_or_train()
    load_or_train_emotion()


def test_one_question_imports_only_what_answering_needs(app_settings, monkeypatch):
    monkeypatch.delenv("DESKTOP_APP_CACHE_DIR", raising=False)
    _warm_user_cache()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_APP_")}
    env["DESKTOP_APP_DATA_DIR"] = str(app_settings.data_dir)
    for _ in range(2):  # the first run may make the cached tables; the second reads them, as every later start
        out = subprocess.run([sys.executable, "-c", PROBE, "我的订单到哪了"], capture_output=True, text=True,
                             env=env, cwd=ROOT, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    answer, probe = json.loads(lines[0]), json.loads(lines[-1])
    assert probe["code"] == 0 and answer["reply"]["text"]
    loaded = set(probe["modules"])
    assert not [m for m in NOT_FOR_ASKING if m in loaded or any(n.startswith(m + ".") for n in loaded)]
    assert probe["jieba_table"] == "StoredTable"  # not the whole dictionary read into a dict


#: ``desktop-app`` as the console script runs it: ``main()`` with no argv, as the program.
PROGRAM = "import sys; from desktop_app.cli import main; sys.exit(main())"


def test_a_one_shot_ask_leaves_what_a_normal_exit_leaves(app_settings, monkeypatch):
    """The program ends itself after one question (``cli.one_shot``): its answer and errors still
    arrive whole through pipes, the log file is flushed, and the store's write-ahead log is folded
    back into the store as on an ordinary exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_APP_")}
    env["DESKTOP_APP_DATA_DIR"] = str(app_settings.data_dir)
    env["DESKTOP_APP_CACHE_DIR"] = str(app_settings.cache_dir)
    data = Path(app_settings.data_dir)

    def run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", PROGRAM, *argv], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=600, input=stdin)

    asked = run("ask", "--json", "我的订单到哪了")
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert json.loads(asked.stdout)["reply"]["text"]  # block-buffered stdout reached the pipe whole
    assert not list(data.glob("*-wal"))  # the store was closed, its WAL checkpointed and removed
    assert "retention purge" in (data / "logs" / "desktop-app.log").read_text(encoding="utf-8")
    batch = run("ask", "--batch", "-", stdin="hi\n我要退货\n")
    assert batch.returncode == 0 and len(batch.stdout.strip().splitlines()) >= 2, batch.stderr[-2000:]
    empty = run("ask", "")
    assert empty.returncode == 1 and "empty" in empty.stderr and not empty.stdout


def test_main_called_by_a_caller_returns_and_keeps_collecting(cli):
    import gc

    was = gc.isenabled()  # the session may run without automatic collection (the Qt tests' guard)
    gc.enable()
    try:
        code, out, _ = cli("ask", "hi")
        assert code == 0 and out.strip()
        assert gc.isenabled()  # the one-shot pause is only for the process that is the command
    finally:
        if not was:
            gc.disable()


@pytest.mark.parametrize(("argv", "expected"), [
    (["ask", "hi"], ("desktop_app.cli.ask",)),
    (["--lang", "zh", "ask", "hi"], ("desktop_app.cli.ask",)),
    (["--lang=en", "-v", "ask", "hi"], ("desktop_app.cli.ask",)),
    (["--la", "en", "ask", "--json", "hi"], ("desktop_app.cli.ask",)),
    ([], ()),  # the window: no command parsers at all
    (["--kiosk"], ()),
    (["--lang", "ask"], ()),  # "ask" is the language here: argparse refuses it, no command involved
    (["orders", "show", "1"], COMMAND_MODULES),
    (["-h"], COMMAND_MODULES),
    (["-vh"], COMMAND_MODULES),
    (["--he"], COMMAND_MODULES),
    (["askk"], COMMAND_MODULES),  # a typo is told every choice
])
def test_only_the_asked_commands_module_is_imported(argv, expected):
    assert modules_for(argv) == expected


def test_quick_commands_are_the_ones_their_module_registers():
    full = build_parser()
    commands = next(a for a in full._actions if a.dest == "command").choices  # noqa: SLF001
    for command, module in QUICK_COMMANDS.items():
        alone = next(a for a in build_parser((module,))._actions if a.dest == "command").choices  # noqa: SLF001
        assert set(alone) == {command}
        assert alone[command].get_default("func") is commands[command].get_default("func")


def test_the_stored_table_answers_as_the_dict_does(tmp_path):
    entries = {"订单": 120, "订": 0, "退货": 35, "x": 7}
    write_table(tmp_path / "t.sqlite3", entries.items())
    table = StoredTable(tmp_path / "t.sqlite3")
    for key in [*entries, "没有", ""]:
        assert (key in table) == (key in entries)
        assert table.get(key) == entries.get(key)
        assert table.get(key, 1) == (entries.get(key) if key in entries else 1)
    assert table["订"] == 0
    with pytest.raises(KeyError):
        table["没有"]
    table["没有"] = 5  # jieba's add_word: shadows the file
    assert table["没有"] == 5 and "没有" in table
    table.close()


@pytest.fixture
def jieba_cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    directory = tmp_path / "jieba"
    monkeypatch.setattr(tokenize, "_cache_dir", lambda: directory)
    forget_checks()
    yield directory
    forget_checks()


SENTENCES = ["我的订单什么时候到", "七天无理由退货怎么申请", "帮我转人工客服", "这款冲锋衣防水吗，有没有黑色的",
             "快递一直没到，我要投诉", "广州市长隆动物园门票"]


def test_words_from_the_stored_dictionary_are_jiebas(jieba_cache):
    made = tokenize._start_tokenizer()  # jieba's dictionary read whole, as jieba does; the table kept
    assert isinstance(made.FREQ, dict) and (jieba_cache / "freq.sqlite3").exists()
    stored = tokenize._start_tokenizer()
    assert isinstance(stored.FREQ, StoredTable)
    assert stored.total == made.total
    for sentence in SENTENCES:
        assert stored.lcut(sentence, HMM=True) == made.lcut(sentence, HMM=True)


def test_a_damaged_table_with_its_times_put_back_is_made_again(jieba_cache):
    tokenize._start_tokenizer()
    table = jieba_cache / "freq.sqlite3"
    info = table.stat()
    with table.open("r+b") as fh:  # flip bytes inside the table, keep size and mtime
        fh.seek(info.st_size // 2)
        fh.write(b"\x00" * 64)
    os.utime(table, ns=(info.st_atime_ns, info.st_mtime_ns))
    forget_checks()
    assert tokenize._open_stored(jieba_cache, tokenize._dictionary_key()) is None
    assert isinstance(tokenize._start_tokenizer().FREQ, dict)  # made again from jieba's dictionary
    forget_checks()
    assert tokenize._open_stored(jieba_cache, tokenize._dictionary_key()) is not None


def test_a_table_made_from_another_dictionary_is_ignored(jieba_cache):
    tokenize._start_tokenizer()
    assert tokenize._open_stored(jieba_cache, "another-key") is None
