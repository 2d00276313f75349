"""A reply's cards never repeat a sentence its bubble already says.

The bubble is the answer the customer reads first and the one the speaker reads aloud, so the
dialogue puts the whole answer there ("Eligible: … until 11-23. For a no-reason return you pay the
return shipping."). Many results also describe themselves (a return decision's explanation, a
price check's verdict, a repair ticket's next step), and the card under the bubble used to say
the same sentences a second time. A card line is therefore trimmed here, at render time, of every
sentence the bubble carries; a line left empty is hidden. Only prose lines are trimmed: titles,
names, prices, badges and the logistics timeline are the card's record and stay whole.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QWidget

#: Card lines that carry sentences (the rest are names, figures and badges).
PROSE_LINES = frozenset({"cardNote", "decisionText", "factLine", "description", "deliveryText", "queuePosition",
                         "returnStatus", "emptyText"})
#: A sentence ends at 。！？!? or at a full stop followed by a space or the end ("¥299.00" is one number).
_SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*|(?<=\.)(?:\s+|$)|\n+")
#: "Next: …", "下一步：…": a short label before the sentence the bubble says without it.
_LEAD = re.compile(r"^[^：:。.!?！？]{1,14}[：:]\s*")
_TRAIL = "。！？.!?；;，, "
#: A card line this long that the bubble says inside a longer sentence is a repeat too
#: ("身高体重都在L码范围内" under "建议您选 L 码：身高体重都在L码范围内。").
CONTAINED_MIN_CHARS = 10


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, each with its closing mark."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _plain(sentence: str) -> str:
    return " ".join(sentence.split()).strip(_TRAIL)


def repeats(line: str, said: list[str]) -> bool:
    """Whether ``line`` (one sentence) says what one of the ``said`` sentences (plain) already says."""
    plain = _plain(line)
    if not plain:
        return False
    unlabelled = _plain(_LEAD.sub("", plain, count=1))
    if plain in said or unlabelled in said:
        return True
    return len(plain) >= CONTAINED_MIN_CHARS and any(plain in s for s in said)


def trim_repeats(card: QWidget, bubble: str) -> int:
    """Drop from ``card``'s prose lines every sentence ``bubble`` says; the number of lines changed."""
    said = [_plain(s) for s in sentences(bubble)]
    if not said:
        return 0
    changed = 0
    for label in card.findChildren(QLabel):
        if label.objectName() not in PROSE_LINES or not label.text():
            continue
        parts = sentences(label.text())
        kept = [s for s in parts if not repeats(s, said)]
        if len(kept) == len(parts):
            continue
        changed += 1
        if kept:
            joiner = "" if re.search(r"[\u4e00-\u9fff]", label.text()) else " "
            label.setText(joiner.join(kept))
        else:
            label.setText("")
            label.hide()
    return changed
