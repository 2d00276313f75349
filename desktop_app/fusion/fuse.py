"""Weighted late fusion of one turn's hypotheses into a single query for the dialogue manager.

Intents: a logarithmic opinion pool, p(i) ∝ Π_h p_h(i)^(w_h / max w), with w_h = reliability ×
confidence. Agreeing producers sharpen each other (the product), a strong producer dominates a
weak one (a small exponent flattens the weak one), and a lone producer comes out unchanged.
Entities: per slot, equal values reinforce (noisy-OR), a partial order number merges into the full
one it ends, and different values of a single-valued slot resolve by weighted confidence, with the
loser recorded so the dialogue can confirm ("你说的是4582还是7731？").
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from desktop_app.fusion.hypothesis import TURN_WINDOW_S, Hypothesis, Modality
from desktop_app.nlu.types import Emotion, EmotionLabel, Intent

DEFAULT_THRESHOLD = 0.45
#: Slots that may hold several values at once ("tent and sleeping bag"); the rest keep one.
MULTI_VALUED = frozenset({"product", "category", "attribute", "part", "detection", "brand"})
_EPS = 1e-4


@dataclass(frozen=True)
class FusedEntity:
    kind: str
    value: Hashable
    confidence: float
    sources: tuple[Modality, ...]
    key: str = ""
    partial: bool = False


@dataclass(frozen=True)
class EntityConflict:
    kind: str
    key: str
    kept_from: tuple[Modality, ...]
    kept_confidence: float
    dropped: Hashable
    dropped_from: tuple[Modality, ...]
    dropped_confidence: float


@dataclass(frozen=True)
class FusedQuery:
    intents: tuple[tuple[Intent, float], ...]
    intent: Intent
    confidence: float
    is_confident: bool
    #: The modality whose evidence decided the intent (None when nobody spoke about intent).
    intent_source: Modality | None
    entities: tuple[FusedEntity, ...]
    conflicts: tuple[EntityConflict, ...]
    emotion: Emotion
    modalities: tuple[Modality, ...]
    hypotheses: tuple[Hypothesis, ...]
    #: Hypotheses older than the window, left out of this turn.
    dropped: tuple[Hypothesis, ...]
    explanation: str

    def entity(self, kind: str, key: str = "") -> FusedEntity | None:
        found = [e for e in self.entities if e.kind == kind and e.key == key]
        return max(found, key=lambda e: e.confidence) if found else None


def _pool_intents(hyps: list[Hypothesis]) -> tuple[tuple[Intent, float], ...]:
    voters = [h for h in hyps if h.intents and h.weight > 0]
    if not voters:
        return ()
    if len(voters) == 1:  # a lone producer comes out exactly as it went in
        return tuple((i, round(p, 4)) for i, p in voters[0].intents)
    top = max(h.weight for h in voters)
    logp = {i: 0.0 for i in Intent}
    for h in voters:
        exponent = h.weight / top
        dist = dict(h.intents)
        for i in logp:
            logp[i] += exponent * math.log(dist.get(i, 0.0) + _EPS)
    peak = max(logp.values())
    raw = {i: math.exp(v - peak) for i, v in logp.items()}
    total = sum(raw.values())
    return tuple(sorted(((i, round(v / total, 4)) for i, v in raw.items()), key=lambda x: -x[1]))


def _decider(hyps: list[Hypothesis], intent: Intent) -> tuple[Hypothesis | None, list[Hypothesis], list[Hypothesis]]:
    """(decider, agreeing others, disagreeing others) for the fused top intent."""
    voters = [h for h in hyps if h.intents and h.weight > 0]
    if not voters:
        return None, [], []
    decider = max(voters, key=lambda h: h.weight * dict(h.intents).get(intent, 0.0))
    agree = [h for h in voters if h is not decider and h.intents[0][0] == intent]
    disagree = [h for h in voters if h is not decider and h.intents[0][0] != intent]
    return decider, agree, disagree


@dataclass
class _Candidate:
    value: Hashable
    miss: float  # Π (1 - weighted confidence): noisy-OR complement
    sources: list[Modality]
    partial: bool

    @property
    def confidence(self) -> float:
        return 1.0 - self.miss


def _compatible_order(partial: str, full: str) -> bool:
    return isinstance(partial, str) and isinstance(full, str) and len(partial) < len(full) and full.endswith(partial)


def _fuse_entities(hyps: list[Hypothesis]) -> tuple[list[FusedEntity], list[EntityConflict]]:
    slots: dict[tuple[str, str], list[_Candidate]] = {}
    for h in hyps:
        for claim in h.entities:
            weighted = min(max(claim.confidence, 0.0), 1.0) * h.reliability
            cands = slots.setdefault(claim.slot, [])
            match = next((c for c in cands if c.value == claim.value), None)
            if match is None:
                cands.append(_Candidate(claim.value, 1.0 - weighted, [h.modality], claim.partial))
            else:
                match.miss *= 1.0 - weighted
                if h.modality not in match.sources:
                    match.sources.append(h.modality)
    fused: list[FusedEntity] = []
    conflicts: list[EntityConflict] = []
    for (kind, key), cands in slots.items():
        if kind == "order_ref":  # "4582" heard and "…4582" scanned are one order
            for part in [c for c in cands if c.partial]:
                full = next((c for c in cands if not c.partial and _compatible_order(str(part.value), str(c.value))), None)
                if full is not None:
                    full.miss *= part.miss
                    full.sources += [s for s in part.sources if s not in full.sources]
                    cands.remove(part)
        cands.sort(key=lambda c: -c.confidence)
        keep = cands if kind in MULTI_VALUED else cands[:1]
        for c in keep:
            fused.append(FusedEntity(kind, c.value, round(c.confidence, 4), tuple(c.sources), key, c.partial))
        winner = cands[0]
        for loser in cands[len(keep):]:
            conflicts.append(EntityConflict(kind, key, tuple(winner.sources), round(winner.confidence, 4), loser.value,
                                            tuple(loser.sources), round(loser.confidence, 4)))
    return fused, conflicts


def _fuse_emotion(hyps: list[Hypothesis]) -> Emotion:
    votes: dict[EmotionLabel, float] = {}
    intensity: dict[EmotionLabel, list[tuple[float, float]]] = {}
    cues: list[str] = []
    for h in hyps:
        emo = h.emotion
        if emo is None:
            continue
        votes[emo.label] = votes.get(emo.label, 0.0) + h.reliability * max(emo.intensity, 0.1)
        intensity.setdefault(emo.label, []).append((h.reliability, emo.intensity))
        cues += [f"{h.modality}:{c}" for c in emo.cues]
    label = max(votes, key=lambda k: votes[k]) if votes else EmotionLabel.NEUTRAL
    pairs = intensity.get(label, [])
    weight = sum(w for w, _ in pairs)
    level = sum(w * i for w, i in pairs) / weight if weight else 0.0
    return Emotion(label, round(level, 3), tuple(cues))


def _explain(intent: Intent, conf: float, decider: Hypothesis | None, agree: list[Hypothesis], disagree: list[Hypothesis],
             entities: list[FusedEntity], conflicts: list[EntityConflict]) -> str:
    parts: list[str] = []
    if decider is None:
        parts.append("no producer gave an intent")
    else:
        text = f"intent {intent.value} from {decider.modality} ({conf:.2f})"
        if agree:
            text += ", agreed by " + ", ".join(sorted({h.modality for h in agree}))
        if disagree:
            text += ", overriding " + ", ".join(f"{h.modality} ({h.intents[0][0].value} {h.intents[0][1]:.2f})" for h in disagree)
        parts.append(text)
    lost = {(c.kind, c.key): c for c in conflicts}
    for e in entities:
        name = e.key or e.kind
        text = f"{name} from {'+'.join(e.sources)}"
        c = lost.get((e.kind, e.key))
        if c is not None:
            text += f" over {'+'.join(c.dropped_from)} ({c.kept_confidence:.2f} vs {c.dropped_confidence:.2f})"
        parts.append(text)
    return "; ".join(parts)


def fuse(hypotheses: Iterable[Hypothesis], *, window_s: float = TURN_WINDOW_S, threshold: float = DEFAULT_THRESHOLD) -> FusedQuery:
    """Fuse one turn: hypotheses within ``window_s`` of the newest are used, older ones dropped."""
    everything = sorted(hypotheses, key=lambda h: h.produced_at)
    if everything:
        newest = everything[-1].produced_at
        used = [h for h in everything if newest - h.produced_at <= window_s]
    else:
        used = []
    dropped = tuple(h for h in everything if h not in used)
    pooled = _pool_intents(used)
    intent, conf = pooled[0] if pooled else (Intent.OUT_OF_SCOPE, 0.0)
    decider, agree, disagree = _decider(used, intent)
    entities, conflicts = _fuse_entities(used)
    return FusedQuery(
        intents=pooled,
        intent=intent,
        confidence=conf,
        is_confident=conf >= threshold,
        intent_source=decider.modality if decider else None,
        entities=tuple(entities),
        conflicts=tuple(conflicts),
        emotion=_fuse_emotion(used),
        modalities=tuple(dict.fromkeys(h.modality for h in used)),
        hypotheses=tuple(used),
        dropped=dropped,
        explanation=_explain(intent, conf, decider, agree, disagree, entities, conflicts),
    )
