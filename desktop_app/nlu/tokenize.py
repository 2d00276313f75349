"""Word tokens for both scripts: jieba for Han runs, lower-cased words for Latin.

We keep a private jieba ``Tokenizer`` (not the module-global one) so adding the catalog
vocabulary cannot disturb other users of jieba, and silence its start-up chatter once.

jieba's start-up reads its whole dictionary (about 500,000 words and prefixes) into a dict:
0.3-0.8 s of every cold start, before a one-line ``desktop-app ask`` can answer, for a question
that looks up a few dozen entries. So after the first start the dictionary lives in the cache dir
as a table (``jieba/freq.sqlite3``, ``stored_table.py``) read entry by entry. The table is derived
data, checked like every model file (``core.checksums``: its sha256 recorded when it is written,
verified before use, with a stamp); its key names the jieba version and the dictionary file it was
made from. Another key or a damaged file is ignored and the table made again from the dictionary
jieba ships. Lookups answer exactly what jieba's dict would, so the words, and the models trained
on them, are the same (tests/test_startup_ask.py).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from pathlib import Path

import jieba

from desktop_app.core.checksums import StampBook, mismatch, sha256_file
from desktop_app.core.errors import AppError
from desktop_app.core.files import atomic_write
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES
from desktop_app.nlu.stored_table import StoredTable, write_table

log = logging.getLogger(__name__)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

#: Bump when the table's file layout changes.
LAYOUT = "jieba-freq-2"

#: Service words jieba's general dictionary splits badly; they carry the intent.
_DOMAIN_WORDS = (
    "订单号", "单号", "尾号", "后四位", "退货", "换货", "退款", "退钱", "物流", "快递", "发货", "签收",
    "到货", "没到", "还没到", "人工客服", "人工", "转人工", "客服", "安装", "组装", "说明书", "螺丝",
    "包邮", "七天无理由", "运费险", "差评", "投诉", "尺码", "偏大", "偏小", "推荐", "性价比", "有货",
    "缺货", "补货", "拍错", "发错", "破损", "掉色", "起球", "在吗", "亲", "拜拜", "再见", "谢谢", "多谢",
)

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z]+(?:'[a-z]+)?|\d+|[?!？！]")


def _vocabulary_words() -> list[str]:
    words: list[str] = list(_DOMAIN_WORDS)
    for term in CATEGORIES.values():
        words.extend(term.aliases_zh)
    for spec in ATTRIBUTES.values():
        words.extend(a for a in spec.aliases_zh if len(a) >= 2)
    for values in ENUM_VALUES.values():
        for term in values.values():
            words.extend(a for a in term.aliases_zh if len(a) >= 2)
    return [w for w in words if re.search(r"[\u4e00-\u9fff]", w)]


def _dictionary_key() -> str:
    """What a stored table must have been made from: this layout, jieba's version and its dictionary file."""
    try:
        st = (Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).stat()
        made_from = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:  # not a plain file (a zipped install): the version alone names it
        made_from = "packaged"
    return f"{LAYOUT};jieba={jieba.__version__};dict={made_from}"


def _open_stored(directory: Path, key: str) -> tuple[StoredTable, int] | None:
    """The stored table and jieba's total, or None (none yet, another key, a damaged file)."""
    try:
        recorded = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(recorded, dict) or recorded.get("key") != key or not isinstance(recorded.get("sha256"), str)
            or not isinstance(recorded.get("total"), int)):
        return None
    table = directory / "freq.sqlite3"
    stamps = StampBook(directory / "stamps.json")
    problem = mismatch(table, recorded["sha256"], stamps=stamps)
    if problem is not None:
        log.warning("stored jieba dictionary: %s; making it again", problem)
        return None
    try:
        stamps.save()
        return StoredTable(table), int(recorded["total"])
    except (OSError, sqlite3.Error):
        log.warning("stored jieba dictionary unreadable; making it again", exc_info=True)
        return None


def _store(directory: Path, key: str, freq: dict[str, int], total: int) -> None:
    """Keep jieba's dictionary as a table for the next start (best effort; the table is written
    before its manifest, each by rename, so a reader sees a whole pair or none)."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        table = directory / "freq.sqlite3"
        write_table(table, freq.items())
        digest = sha256_file(table)
        manifest = json.dumps({"key": key, "sha256": digest, "total": total})
        atomic_write(directory / "manifest.json", manifest.encode("utf-8"))
        (directory / "jieba.cache").unlink(missing_ok=True)  # jieba's own copy, kept here by earlier versions
    except (OSError, sqlite3.Error):
        log.warning("could not keep jieba's dictionary for a faster start", exc_info=True)


def _cache_dir() -> Path | None:
    try:
        from desktop_app.core.config import load_settings

        return Path(load_settings().cache_dir) / "jieba"
    except (OSError, AppError):  # no usable cache dir: jieba's dict is read whole every start
        log.debug("jieba cache dir unavailable")
        return None


def _start_tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    directory, key = _cache_dir(), _dictionary_key()
    stored = _open_stored(directory, key) if directory is not None else None
    if stored is not None:
        tk.FREQ, tk.total = stored
        tk.initialized = True
    else:
        # Straight from the dictionary jieba ships (not from jieba's own unchecked cache file).
        tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
        tk.initialized = True
        if directory is not None:
            _store(directory, key, tk.FREQ, tk.total)
    for word in _vocabulary_words():
        tk.add_word(word, freq=2000)
    return tk


def tokenizer() -> jieba.Tokenizer:
    """The shared, initialised jieba tokenizer (thread-safe lazy start)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            _tokenizer = _start_tokenizer()
    return _tokenizer


def _digits(token: str) -> str:
    if len(token) >= 12:
        return "<num_long>"
    if len(token) == 4:
        return "<num4>"
    return "<num>"


def words(text: str) -> list[str]:
    """Word tokens of mixed-script text; digit runs become shape tokens (their values are entities)."""
    out: list[str] = []
    for match in _RUN.finditer(text):
        run = match.group(0)
        first = run[0]
        if first.isdigit():
            out.append(_digits(run))
        elif first.isascii() and first.isalpha():
            out.append(run.lower())
        elif first in "?？":
            out.append("?")
        elif first in "!！":
            out.append("!")
        else:
            out.extend(w for w in tokenizer().lcut(run, HMM=True) if w.strip())
    return out


def word_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams; a module-level function so a pickled classifier can find it again."""
    toks = words(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]
