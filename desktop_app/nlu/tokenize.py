"""Word tokens for both scripts: jieba for Han runs, lower-cased words for Latin.

We keep a private jieba ``Tokenizer`` (not the module-global one) so adding the catalog
vocabulary cannot disturb other users of jieba, and silence its start-up chatter once.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import jieba

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES

log = logging.getLogger(__name__)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None

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


def tokenizer() -> jieba.Tokenizer:
    """The shared, initialised jieba tokenizer (thread-safe lazy start)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            try:
                from desktop_app.core.config import load_settings

                cache = Path(load_settings().cache_dir) / "jieba"
                cache.mkdir(parents=True, exist_ok=True)
                tk.tmp_dir = str(cache)
            except OSError:  # read-only home: jieba falls back to the system temp dir
                log.debug("jieba cache dir unavailable; using the temp dir")
            tk.initialize()
            for word in _vocabulary_words():
                tk.add_word(word, freq=2000)
            _tokenizer = tk
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
