"""Emotion from words and typing: neutral / anxious / angry / satisfied with an intensity.

A lexicon in both languages gives each label evidence; intensifiers ("太", "so"), exclamation
runs, repeated question marks, shouting in capitals and stretched letters scale it. Negated
praise ("不满意", "not happy") is listed as its own phrase, so longest-match handles negation.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from desktop_app.nlu.types import Emotion, EmotionLabel

A, X, S = EmotionLabel.ANGRY, EmotionLabel.ANXIOUS, EmotionLabel.SATISFIED

_LEXICON: dict[str, tuple[EmotionLabel, float]] = {
    # angry (zh)
    "太差": (A, 1.2), "差劲": (A, 1.2), "垃圾": (A, 1.4), "气死": (A, 1.5), "生气": (A, 1.0), "投诉": (A, 0.9),
    "骗子": (A, 1.5), "坑人": (A, 1.3), "忽悠": (A, 1.1), "不满意": (A, 1.0), "什么玩意": (A, 1.4), "搞什么": (A, 1.2),
    "无语": (A, 0.9), "离谱": (A, 1.2), "恶心": (A, 1.3), "烂": (A, 0.8), "差评": (A, 1.1), "过分": (A, 1.0),
    "受不了": (A, 1.1), "欺骗": (A, 1.3), "凭什么": (A, 1.1), "态度差": (A, 1.2), "退钱": (A, 0.8), "坑": (A, 0.6),
    "破玩意": (A, 1.4), "什么破": (A, 1.3), "有病": (A, 1.2), "黑店": (A, 1.5), "扯皮": (A, 1.1), "火大": (A, 1.3),
    # angry (en)
    "ridiculous": (A, 1.3), "unacceptable": (A, 1.3), "terrible": (A, 1.2), "awful": (A, 1.1), "horrible": (A, 1.2),
    "scam": (A, 1.5), "worst": (A, 1.3), "wtf": (A, 1.4), "angry": (A, 1.1), "furious": (A, 1.5), "pissed": (A, 1.4),
    "rubbish": (A, 1.2), "garbage": (A, 1.3), "useless": (A, 1.1), "disgusting": (A, 1.3), "fed up": (A, 1.3),
    "sick of": (A, 1.2), "not happy": (A, 0.9), "unhappy": (A, 0.9), "not satisfied": (A, 1.0), "disappointed": (A, 0.9),
    "complain": (A, 0.7), "complaint": (A, 0.7), "joke": (A, 0.6), "damn": (A, 1.0), "crap": (A, 1.2), "liar": (A, 1.3),
    "rip off": (A, 1.3), "rip-off": (A, 1.3), "pathetic": (A, 1.3), "annoyed": (A, 1.0), "outrageous": (A, 1.3),
    # anxious (zh)
    "着急": (X, 1.2), "急死": (X, 1.5), "急用": (X, 1.1), "急": (X, 0.7), "等好久": (X, 1.2), "等了好久": (X, 1.2),
    "怎么还没": (X, 1.0), "还没到": (X, 0.9), "还没发货": (X, 0.9), "还没收到": (X, 0.9), "担心": (X, 1.0), "快点": (X, 0.9),
    "赶紧": (X, 0.9), "尽快": (X, 0.7), "催": (X, 0.8), "到底": (X, 0.6), "啥时候": (X, 0.3), "怕": (X, 0.6), "慌": (X, 1.1),
    "等不及": (X, 1.1), "好几天": (X, 0.7), "一直没": (X, 0.8), "丢了": (X, 0.9), "不会丢": (X, 0.8), "焦虑": (X, 1.3),
    # anxious (en)
    "urgent": (X, 1.2), "urgently": (X, 1.2), "asap": (X, 1.1), "worried": (X, 1.1), "worry": (X, 0.9), "nervous": (X, 1.1),
    "anxious": (X, 1.3), "still not": (X, 0.9), "still hasn't": (X, 0.9), "still haven't": (X, 0.9), "been waiting": (X, 1.0),
    "waiting forever": (X, 1.3), "so long": (X, 0.7), "hurry": (X, 1.0), "need it by": (X, 1.0), "lost": (X, 0.6),
    "where is my": (X, 0.5), "where's my": (X, 0.5), "any update": (X, 0.6), "when will": (X, 0.3), "stuck": (X, 0.6),
    # satisfied (zh)
    "谢谢": (S, 0.8), "感谢": (S, 0.9), "多谢": (S, 0.9), "太好了": (S, 1.3), "满意": (S, 1.0), "不错": (S, 0.9),
    "棒": (S, 1.0), "好评": (S, 1.1), "喜欢": (S, 0.9), "完美": (S, 1.2), "给力": (S, 1.1), "开心": (S, 1.0), "赞": (S, 1.0),
    "好用": (S, 0.9), "辛苦了": (S, 0.8), "靠谱": (S, 1.0), "解决了": (S, 0.9), "真好": (S, 1.0),
    # satisfied (en)
    "thanks": (S, 0.8), "thank you": (S, 0.9), "thx": (S, 0.7), "great": (S, 0.9), "perfect": (S, 1.2), "awesome": (S, 1.2),
    "love": (S, 1.0), "excellent": (S, 1.2), "amazing": (S, 1.2), "happy with": (S, 1.1), "satisfied": (S, 1.0),
    "helpful": (S, 1.0), "appreciate": (S, 1.0), "wonderful": (S, 1.2), "nice": (S, 0.7), "good job": (S, 1.1), "cheers": (S, 0.7),
}
#: Phrases that contain a lexicon word but mean the opposite; matched first because they are longer.
_NEUTRALISERS = ("不急", "不着急", "不用急", "no hurry", "not urgent", "不客气", "no rush", "not bad")
_INTENSIFIERS = re.compile(r"太|非常|特别|真的|真是|超级|超|极其|简直|实在|都|究竟|so\b|very|really|extremely|totally|absolutely|such|fucking|super", re.I)
_WAITED = re.compile(r"都等|等了\S{0,4}(?:天|周|星期|个月)|好几天|一个星期了|days? (?:now|already)|for (?:days|weeks|ages)|weeks? now", re.I)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    words = sorted([*_LEXICON, *_NEUTRALISERS], key=len, reverse=True)
    alts = [rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in words]
    return re.compile("|".join(alts), re.I)


def detect_emotion(text: str) -> Emotion:
    """Never raises; empty or cue-less text is neutral with zero intensity."""
    if not text:
        return Emotion()
    scores = {A: 0.0, X: 0.0, S: 0.0}
    cues: list[str] = []
    for m in _pattern().finditer(text):
        word = m.group(0).lower()
        if word in _LEXICON:
            label, weight = _LEXICON[word]
            scores[label] += weight
            cues.append(word)
    if _WAITED.search(text):
        scores[X] += 1.0
        cues.append("long wait")
    total = sum(scores.values())
    if total == 0:
        return Emotion()
    boost = 1.0
    intens = len(_INTENSIFIERS.findall(text))
    if intens:
        boost += 0.25 * min(intens, 3)
        cues.append("intensifier")
    bangs = len(re.findall(r"[!！]", text))
    if bangs:
        boost += 0.2 * min(bangs, 4)
        cues.append("exclamation")
    if re.search(r"[?？]{2,}", text):
        boost += 0.3
        cues.append("repeated question marks")
    letters = re.findall(r"[A-Za-z]", text)
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        boost += 0.5
        cues.append("capitals")
    if re.search(r"([A-Za-z\u4e00-\u9fff])\1{2,}", text):
        boost += 0.2
        cues.append("repetition")
    label = max(scores, key=lambda k: scores[k])
    # Weak evidence (one mild word, no heat) stays neutral rather than over-reading the shopper.
    intensity = 1.0 - math.exp(-0.7 * scores[label] * boost)
    if intensity < 0.3:
        return Emotion(EmotionLabel.NEUTRAL, round(intensity, 3), tuple(cues))
    return Emotion(label, round(min(intensity, 1.0), 3), tuple(cues))
