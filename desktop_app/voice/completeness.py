"""Is what the customer said so far a whole question or request, so the turn can end at a short pause?

Hands-free, the end of a turn is a pause; waiting out a long one (600 ms) makes every reply late,
cutting at a short one (~200 ms) cuts off a customer who pauses mid-sentence to think. The live
transcript decides between them: at a short pause the turn ends only if the words so far read as
finished. The NLU cannot be imported here (voice and nlu are peers), so this is a small,
documented rule per language, and a caller above both may pass its own predicate instead
(``LiveTurn(complete=...)``).

The rule looks at the *end* of the text, where an unfinished sentence shows:

* **Both languages**: a trailing comma, enumeration comma, colon, semicolon, dash or ellipsis
  means more is coming. A trailing full stop proves nothing: Whisper ends whatever audio it was
  given with one, finished or not.
* **English**: the last word must not be one that needs a continuation: a conjunction ("and",
  "because"), a preposition ("in", "to", "for"), an article or possessive ("the", "my", "your"),
  an auxiliary or modal ("is", "can", "would"), a subject pronoun ("I", "we"), "want"/"need",
  "not", or a filler ("um", "uh"). At least two words, or one of a few one-word turns
  ("yes", "no", "thanks"). A verb with its object ("where is my order", "I want a refund")
  passes; "I want to return the" does not.
* **Mandarin**: a sentence-final particle (吗 呢 吧 啊 呀 嘛 了 …) or ？/！ ends a sentence of at
  least two characters. Otherwise at least four characters holding a predicate (a verb or an
  adjective by jieba's part-of-speech tags: "广州市房地产" is a noun phrase still waiting for one,
  "我要退货" and "质量很好" are sentences), not ending on an adverb ("几乎", by its tag), a
  preposition, conjunction, numeral or measure word (by their tags), a structural particle (的 地), a
  conjunction (和 跟 与 或者 还是 但是 因为 所以 如果 然后 而且 …), a preposition or coverb
  (在 把 被 给 对 从 向 往 比 让), a modal or wanting verb (要 想 能 会 可以 需要), 是, a pronoun
  or demonstrative (我 你 这个 那个), a numeral prefix (第 一 几), or a filler (嗯 呃 那个).

What it cannot know: a prefix that is itself a sentence ("I want to return my phone" followed,
after a pause, by "because the screen cracked") ends the turn at the pause; the rest arrives as
the next turn. docs/voice.md gives the measured effect on the test recordings.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Any

#: ``complete(text, language) -> bool``: the predicate a caller may supply instead of this rule.
Completeness = Callable[[str, str], bool]

_OPEN_PUNCTUATION = tuple(",，、:：;；-—–…")
_ELLIPSIS = ("...", "..")

_EN_CONTINUATION = frozenset("""
and or but because so if than that which who whose whom when while although though unless until since nor
to of in on at for with from by about into onto over under after before between through without within
toward towards via per like
the a an my your his our their its
is are was were am be been being can could would should will shall may might must do does did have has had
i we they he she
want wants wanted wanna gonna need needs trying going
not um uh er erm hmm uhm
""".split())
_EN_ONE_WORD_TURNS = frozenset("yes no ok okay yeah yep nope sure thanks hello hi bye stop help".split())

_ZH_FINAL_PARTICLES = tuple("吗呢吧啊呀嘛了哦啦么") + ("没有",)
_ZH_CONTINUATION = (
    "的话", "的", "地", "和", "跟", "与", "及", "或", "或者", "还是", "但是", "但", "可是", "而且", "并且", "因为",
    "所以", "如果", "然后", "就是", "就", "才", "还有", "在", "把", "被", "给", "对", "从", "向", "往", "比", "让",
    "要", "想", "想要", "需要", "能", "能不能", "可以", "会", "是", "我", "你", "他", "她", "我们", "这", "那",
    "这个", "那个", "个", "第", "一", "几", "请", "请问", "帮我", "麻烦", "嗯", "呃", "额",
)
_ZH_MIN_CHARS = 4


def _content(text: str) -> str:
    """Letters and digits only (NFKC), for counting Mandarin characters."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")


def is_complete_utterance(text: str, language: str) -> bool:
    """True when ``text`` reads as a finished question, request or statement (see the module docstring)."""
    stripped = unicodedata.normalize("NFKC", text).strip().rstrip("\"'”’)]} ")
    if not stripped:
        return False
    if stripped.endswith(_OPEN_PUNCTUATION) or stripped.endswith(_ELLIPSIS):
        return False
    if language == "zh":
        return _zh_complete(stripped)
    return _en_complete(stripped)


def _en_complete(text: str) -> bool:
    words = re.findall(r"[a-z0-9']+", text.lower())
    if not words:
        return False
    if len(words) == 1:
        return words[0] in _EN_ONE_WORD_TURNS
    return words[-1] not in _EN_CONTINUATION


def _zh_complete(text: str) -> bool:
    asked = text.endswith(("?", "!"))
    content = _content(text)
    if not content:
        return False
    if asked or content.endswith(_ZH_FINAL_PARTICLES):
        return len(content) >= 2
    if content.endswith(_ZH_CONTINUATION) or len(content) < _ZH_MIN_CHARS:
        return False
    return has_predicate(content)


#: jieba tags a Mandarin sentence cannot end on: adverb (几乎 已经 很), preposition, conjunction,
#: numeral, measure word, and the structural particles 的 地 得 (tag uj/uv/ud; 了 is ul and ends one).
_ZH_OPEN_TAGS = ("d", "p", "c", "m", "q", "uj", "uv", "ud")


def has_predicate(text: str) -> bool:
    """Whether a Mandarin text holds a verb or an adjective (jieba's tags v… and a…) and does not
    end on a word that needs one after it (``_ZH_OPEN_TAGS``)."""
    words = _pos_tagger().lcut(text)
    if not words or words[-1].flag.startswith(_ZH_OPEN_TAGS):
        return False
    return any(w.flag[:1] in ("v", "a") for w in words)


@functools.cache
def _pos_tagger() -> Any:
    """jieba's part-of-speech tagger; its dictionary loads once (about a second: see ``warm``)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def warm() -> None:
    """Load the tagger's dictionary now (on a worker, with the speech model), not at the first pause."""
    has_predicate("加载")
