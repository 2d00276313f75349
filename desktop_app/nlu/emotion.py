"""Emotion from words and typing: neutral / anxious / angry / satisfied with an intensity.

Two sources of evidence. A model trained on labelled phrasings (``classifier.EmotionModel``:
the same lexical + sentence-embedding features as the intents) reads what a lexicon cannot:
sarcasm ("wow thanks for nothing", "呵呵，真是好服务啊"), implicit anger ("third time I'm
asking") and calm mentions of damage, which are not anger. A lexicon in both languages names
the cues; intensifiers ("太", "so"), exclamation runs, repeated question marks, shouting in
capitals and stretched letters scale them. Negated praise ("不满意", "not happy") is listed as its
own phrase, so longest-match handles negation. With a model, both are blended; without one (unit
tests of the cues) the lexicon decides alone.
"""

from __future__ import annotations

import math
import random
import re
import threading
from functools import lru_cache
from pathlib import Path

from desktop_app.nlu.classifier import (
    EMOTION_FILES,
    TRAIN_FILES,
    EmotionModel,
    build_pipeline,
    load_emotion_examples,
    load_examples,
    load_or_fit,
)
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent

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
    # sarcasm and implicit anger
    "呵呵": (A, 1.3), "thanks for nothing": (A, 1.6), "谢谢你全家": (A, 1.6), "真是服了": (A, 1.2), "服了": (A, 0.9),
    "third time": (A, 1.1), "3rd time": (A, 1.1), "again and again": (A, 1.0), "how many times": (A, 1.2),
    "第三次": (A, 1.1), "三遍": (A, 1.1), "多少遍": (A, 1.2), "说了多少次": (A, 1.2), "又是": (A, 0.6),
    # threats
    "12315": (A, 1.3), "消协": (A, 1.2), "工商": (A, 1.0), "曝光": (A, 1.1), "律师": (A, 1.1), "起诉": (A, 1.2),
    "chargeback": (A, 1.3), "bad review": (A, 1.1), "1 star": (A, 1.1), "one star": (A, 1.1), "1-star": (A, 1.1),
    "report you": (A, 1.2), "cancel my account": (A, 1.1), "lawyer": (A, 1.2), "sue you": (A, 1.3),
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


#: Words that say something went wrong; praise next to them is read as sarcasm.
_BAD_SITUATION = re.compile(
    r"\b(?:broken|wrong|missing|stuck|damaged|late|delayed|delay)\b|\bcopy[- ]?paste|\bas usual\b|"
    r"\b(?:broken|late|wrong|down|out of stock) again\b|\banother (?:delay|excuse|week|update)\b|"
    r"又(?:是|发错|坏|延误|没|慢|来|拖)|还是没|还没(?:到|发|收到|退)|延误|坏了|发错|没到|没收到|破了|漏了|缺了", re.I)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    words = sorted([*_LEXICON, *_NEUTRALISERS], key=len, reverse=True)
    alts = [rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in words]
    return re.compile("|".join(alts), re.I)


#: In a short turn the model has little to go on: a feeling no cue supports needs this probability.
MODEL_ALONE = 0.65


def _short(text: str) -> bool:
    """At most three words or eight characters (a follow-up like "第二个呢", "cheaper ones?", "你好")."""
    stripped = text.strip()
    return len(stripped) <= 8 or len(stripped.split()) <= 3 and not re.search(r"[\u4e00-\u9fff]", stripped)
#: How much the lexicon's verdict adds to the model's probability of the same feeling.
LEXICON_WEIGHT = 1.0


def detect_emotion(text: str, model: EmotionModel | None = None) -> Emotion:
    """Never raises; empty text is neutral with zero intensity."""
    if not text:
        return Emotion()
    cues_only = lexicon_emotion(text)
    if model is None:
        return cues_only
    probs = dict(model.predict([text])[0])
    scores = dict(probs)
    if cues_only.label != EmotionLabel.NEUTRAL:
        scores[cues_only.label] = scores.get(cues_only.label, 0.0) + LEXICON_WEIGHT * cues_only.intensity
    label = max(scores, key=lambda k: scores[k])
    if label != cues_only.label and _short(text) and probs.get(label, 0.0) < MODEL_ALONE:
        label = EmotionLabel.NEUTRAL  # a few words, no cue agrees: "第二个呢" is not anger, "你好" is not praise
    if label == EmotionLabel.NEUTRAL:
        return Emotion(EmotionLabel.NEUTRAL, 0.0, cues_only.cues)
    intensity = max(probs.get(label, 0.0), cues_only.intensity if cues_only.label == label else 0.0)
    return Emotion(label, round(min(intensity, 1.0), 3), (*cues_only.cues, f"model {label.value} {probs[label]:.2f}"))


def lexicon_emotion(text: str) -> Emotion:
    """The lexicon and typing cues alone."""
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
    if scores[S] > 0 and (scores[A] > 0 or _BAD_SITUATION.search(text)):
        # Praise about something that went wrong is sarcasm: "great, broken again", "真是谢谢你们，又发错了".
        scores[A] += scores[S]
        scores[S] = 0.0
        cues.append("sarcasm")
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


#: Requests whose training phrasings, when the lexicon finds no feeling in them, teach the emotion
#: model that asking for something (a person, an invoice, a size) is not in itself anger, and that
#: a greeting is not praise.
PLAIN_REQUEST_INTENTS = frozenset({Intent.HUMAN_AGENT, Intent.ORDER_STATUS, Intent.PRODUCT_QUESTION, Intent.INVOICE,
                                   Intent.SIZE_ADVICE, Intent.PRODUCT_SEARCH, Intent.GREETING, Intent.GOODBYE})
PLAIN_REQUESTS = 160


def plain_requests(data_dir: Path | None = None) -> list[tuple[EmotionLabel, str]]:
    """A fixed sample of calm request phrasings from the intent training files, labelled neutral."""
    calm = [(EmotionLabel.NEUTRAL, e.text) for e in load_examples(TRAIN_FILES, data_dir)
            if e.intent in PLAIN_REQUEST_INTENTS and lexicon_emotion(e.text).label == EmotionLabel.NEUTRAL]
    random.Random(0).shuffle(calm)
    return calm[:PLAIN_REQUESTS]


def train_emotion(data_dir: Path | None = None) -> EmotionModel:
    """Fit the emotion model on the emotion training files (never ``emotion_dev.tsv``) and calm requests."""
    examples = load_emotion_examples(EMOTION_FILES, data_dir) + plain_requests(data_dir)
    pipeline = build_pipeline()
    pipeline.fit([text for _, text in examples], [label.value for label, _ in examples])
    return EmotionModel(pipeline)


def load_or_train_emotion(cache_dir: Path | None = None, data_dir: Path | None = None) -> EmotionModel:
    # The calm requests are chosen with the lexicon, so a lexicon change retrains too.
    lexicon = ";".join(f"{w}={label.value}:{weight}" for w, (label, weight) in sorted(_LEXICON.items()))
    salt = f"plain={','.join(sorted(PLAIN_REQUEST_INTENTS))};n={PLAIN_REQUESTS};lexicon={lexicon}"
    return load_or_fit("emotion", EMOTION_FILES + TRAIN_FILES, EmotionModel, train_emotion, cache_dir, data_dir, salt)


_lock = threading.Lock()
_shared: EmotionModel | None = None


def shared_emotion_model() -> EmotionModel:
    """Process-wide emotion model, trained or loaded once on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = load_or_train_emotion()
        return _shared
