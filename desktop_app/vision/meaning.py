"""From detections to meaning: which guide uses these parts, which step needs them, what is missing.

Each guide step needs a multiset of detector classes (its placed parts and tools, mapped by the
same rule the training data used).  The parts in view are compared with every step as multisets
(weighted Jaccard: shared count over combined count), so "2 legs and 2 dowels" points at the
stool's first step rather than the side table's, whose legs come without dowels.  A guide QR
code in view fixes the step instead of guessing it.

Abstention: a product and step are *claimed* only on strong evidence — a guide QR code, or
several confident parts that fit one product's step clearly better than any other product's
(:data:`CLAIM_RULE`, calibrated on held-out images by ``benchmarks/vision_abstain.py``).  Anything
weaker is ``UNSURE`` (the top two products are offered, never chosen) or ``NO_PARTS``.  Each frame
is judged on its own: the step the customer is on (``current``) may refine the step of a product
the evidence already names, but never names a product by itself — that carry-over called every
later photo "step 7 of the stool", even a flower.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path

from desktop_app.core.guide_code import GuideCode
from desktop_app.core.guide_format import Guide, Text
from desktop_app.vision.classes import CLASS_NAMES_EN, CLASS_NAMES_ZH, DEFAULT_MODELS_DIR, load_guides, part_class
from desktop_app.vision.detector import PartDetection

log = logging.getLogger(__name__)


_PLURAL_EN = {"leg": "legs or stretchers"}


@dataclass(frozen=True)
class StepParts:
    product_id: str
    step: int  # 1-based
    counts: tuple[tuple[str, int], ...]  # detector class -> how many the step uses


@dataclass(frozen=True)
class GuideMatch:
    product_id: str
    name: Text
    step: int
    score: float  # 0..1, multiset overlap between the parts seen and the step's parts


@dataclass(frozen=True)
class PartNeed:
    label: str
    needed: int
    seen: int

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.seen)


class Verdict(Enum):
    """What one frame says about which product is in front of the camera."""

    CLAIMED = "claimed"  # a product and step, from a guide QR code or strong parts evidence
    UNSURE = "unsure"  # parts seen, but they do not single out one product's step
    NO_PARTS = "no_parts"  # no confident part and no guide code


@dataclass(frozen=True)
class ClaimRule:
    """How strong the parts evidence must be to name a product and step without a QR code.

    ``part_conf``: a detection below it is not a part seen at all.  ``min_parts``: how many of
    the parts seen the best step uses.  ``min_score``: multiset overlap with that step.
    ``min_margin``: how much better it fits than the next candidate (another step's parts list,
    of this product or another; with ``margin_other_product``, only another product's best step).
    ``min_mean_conf``: mean confidence of the parts seen.  ``min_posterior``: with more than 0,
    the product must also hold at least this share of :func:`product_posterior` (parts the
    detector misses taken into account).  The last two are off in :data:`CLAIM_RULE`; what they
    would change is measured by ``benchmarks/vision_abstain.py --compare`` (docs/vision.md).
    """

    part_conf: float
    min_parts: int
    min_score: float
    min_margin: float
    min_mean_conf: float
    margin_other_product: bool = False
    min_posterior: float = 0.0


#: Calibrated by ``benchmarks/vision_abstain.py --calibrate`` on its calibration split only
#: (renders of every guide step from sprite bank seed 9101 and layout seeds 11000+, QR photos
#: with seed 9101, and the calibration negatives listed in docs/vision.md); the smallest
#: thresholds with no claim on a calibration negative, each raised one grid notch as margin.
CLAIM_RULE = ClaimRule(part_conf=0.6, min_parts=3, min_score=0.6, min_margin=0.15, min_mean_conf=0.8)


@dataclass(frozen=True)
class Judgement:
    """The verdict of one frame: the claimed step, or the candidates it could not choose between."""

    verdict: Verdict
    claim: GuideMatch | None = None  # CLAIMED only
    candidates: tuple[GuideMatch, ...] = ()  # UNSURE: the two products that fit best (may be fewer)
    by_qr: bool = False  # the claim came from a guide QR code


@dataclass(frozen=True)
class VisionReading:
    """Everything one frame or photo says, ready for a reply or the fusion core."""

    detections: tuple[PartDetection, ...]
    seen: tuple[tuple[str, int], ...]
    matches: tuple[GuideMatch, ...]  # best first, one per product
    focus: GuideMatch | None  # the guide step the needs refer to
    needs: tuple[PartNeed, ...] = ()
    guide_codes: tuple[GuideCode, ...] = ()
    qr_payloads: tuple[str, ...] = field(default=())
    judgement: Judgement = Judgement(Verdict.NO_PARTS)

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    def summary(self, language: str = "en") -> str:
        zh = language == "zh"
        names = CLASS_NAMES_ZH if zh else CLASS_NAMES_EN
        if not self.seen and self.focus is None:
            return NO_PARTS_TEXT[1] if zh else NO_PARTS_TEXT[0]
        parts = []
        if self.seen:
            seen = "、".join(f"{n} 个{names[l]}" for l, n in self.seen) if zh else \
                ", ".join(f"{n} {names[l] if n == 1 else _PLURAL_EN.get(l, names[l] + 's')}" for l, n in self.seen)
            parts.append(f"我看到 {seen}。" if zh else f"I see {seen}.")
        if self.focus is None and self.judgement.verdict is Verdict.UNSURE:
            parts.append(unsure_text(self.judgement.candidates, language))
        if self.focus is not None:
            f = self.focus
            parts.append(f"这是「{f.name.zh}」（{f.product_id}）第 {f.step} 步的零件。" if zh
                         else f"These belong to step {f.step} of the {f.name.en} ({f.product_id}).")
            short = [n for n in self.needs if n.missing]
            if short:
                if zh:
                    parts.append("还缺：" + "，".join(f"{names[n.label]} 需要 {n.needed} 个，看到 {n.seen} 个" for n in short) + "。")
                else:
                    parts.append("Step needs " + "; ".join(f"{n.needed} × {names[n.label]}, I see {n.seen}" for n in short) + ".")
            elif self.needs:
                parts.append("这一步的零件都齐了。" if zh else "Everything this step needs is in view.")
        return " ".join(parts)


#: What a frame without a confident part or guide code is answered with (en, zh).
NO_PARTS_TEXT = ("I don't see furniture parts.", "画面中没有识别到家具零件。")


def candidate_label(match: GuideMatch, language: str) -> str:
    """A candidate as a chip says it: "Birch 3-tier bookshelf, step 9" / "桦木三层书架 第 9 步"."""
    return f"{match.name.zh} 第 {match.step} 步" if language == "zh" else f"{match.name.en}, step {match.step}"


def unsure_text(candidates: tuple[GuideMatch, ...], language: str) -> str:
    """"I can't tell which product these parts belong to", naming the candidates if any."""
    zh = language == "zh"
    if not candidates:
        return "我无法确定这些零件属于哪件商品。" if zh else "I can't tell which product these parts belong to."
    if zh:
        return "我无法确定这些零件属于哪件商品，可能是" + "或".join(f"「{candidate_label(c, 'zh')}」"
                                                        for c in candidates) + "。"
    return "I can't tell which product these parts belong to: maybe the " + \
        " or the ".join(candidate_label(c, "en") for c in candidates) + "."


class GuideIndex:
    """The detector-class parts list of every step of every guide."""

    def __init__(self, guides: dict[str, tuple[Guide, Path]]) -> None:
        self.guides = {sku: g for sku, (g, _d) in guides.items()}
        self.steps: list[StepParts] = []
        for sku, (guide, guide_dir) in sorted(guides.items()):
            classes = {p.id: part_class(p, guide_dir) for p in guide.parts}
            for n, step in enumerate(guide.steps, start=1):
                counter = Counter(c for i in (*step.part_ids, *step.tools) if (c := classes.get(i)))
                self.steps.append(StepParts(sku, n, tuple(sorted(counter.items()))))

    @classmethod
    def from_dir(cls, models_dir: Path = DEFAULT_MODELS_DIR) -> GuideIndex:
        return _cached_index(Path(models_dir).resolve())

    def products_using(self, label: str) -> tuple[str, ...]:
        return tuple(sorted({s.product_id for s in self.steps if any(l == label for l, _ in s.counts)}))

    def step_parts(self, product_id: str, step: int) -> StepParts | None:
        return next((s for s in self.steps if s.product_id == product_id and s.step == step), None)


@lru_cache(maxsize=4)
def _cached_index(models_dir: Path) -> GuideIndex:
    return GuideIndex(load_guides(models_dir))


def _overlap(seen: Counter[str], need: dict[str, int]) -> float:
    shared = sum(min(seen[k], v) for k, v in need.items())
    union = sum(seen.values()) + sum(need.values()) - shared
    return shared / union if union else 0.0


def interpret(detections: tuple[PartDetection, ...] | list[PartDetection], index: GuideIndex, *,
              current: GuideCode | None = None, qr_payloads: tuple[str, ...] = (),
              guide_codes: tuple[GuideCode, ...] = (), min_confidence: float = 0.4,
              rule: ClaimRule = CLAIM_RULE) -> VisionReading:
    """Read one frame: what is seen, which guides and steps it fits, and whether that is a claim.

    ``current`` is the step the customer is on (from the guide player): it picks the step only
    when this frame's own evidence already claims that product.  A guide QR code in
    ``guide_codes`` is a claim of its own (the customer is pointing at it now).
    """
    floor = max(min_confidence, rule.part_conf)
    kept = tuple(d for d in detections if d.confidence >= floor)
    seen = Counter(d.label for d in kept)
    best: dict[str, GuideMatch] = {}
    for sp in index.steps:
        score = _overlap(seen, dict(sp.counts))
        if score > 0 and (sp.product_id not in best or score > best[sp.product_id].score):
            best[sp.product_id] = GuideMatch(sp.product_id, index.guides[sp.product_id].name, sp.step, round(score, 4))
    matches = tuple(sorted(best.values(), key=lambda m: (-m.score, m.product_id)))
    judgement = judge(kept, _options(seen, index), index, tuple(c for c in guide_codes if c.product_id in index.guides),
                      rule)
    focus = judgement.claim
    if focus is not None and not judgement.by_qr and current is not None and current.product_id == focus.product_id:
        here = index.step_parts(current.product_id, current.step)
        score = _overlap(seen, dict(here.counts)) if here else 0.0
        if score > 0:  # the parts belong to the step on screen too: "what is missing" refers to it
            focus = GuideMatch(current.product_id, focus.name, current.step, round(score, 4))
    needs: tuple[PartNeed, ...] = ()
    if focus is not None:
        focus_parts = index.step_parts(focus.product_id, focus.step)
        if focus_parts is not None:
            needs = tuple(PartNeed(label, count, seen.get(label, 0)) for label, count in focus_parts.counts)
    ordered_seen = tuple(sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])))
    return VisionReading(kept, ordered_seen, matches, focus, needs, tuple(guide_codes), tuple(qr_payloads), judgement)


def _options(seen: Counter[str], index: GuideIndex) -> tuple[GuideMatch, ...]:
    """Every step the parts fit, best first; steps of one product needing the same parts count once
    (the stool's steps 1 and 3 cannot be told apart, and need not be)."""
    ranked = sorted(((round(_overlap(seen, dict(sp.counts)), 4), sp) for sp in index.steps),
                    key=lambda t: (-t[0], t[1].product_id, t[1].step))
    out: dict[tuple[str, tuple[tuple[str, int], ...]], GuideMatch] = {}
    for score, sp in ranked:
        if score > 0 and (sp.product_id, sp.counts) not in out:
            out[(sp.product_id, sp.counts)] = GuideMatch(sp.product_id, index.guides[sp.product_id].name, sp.step, score)
    return tuple(out.values())


#: Share of each class's parts the detector finds (confidence >= 0.6) in the calibration split's
#: renders of every guide step (``benchmarks/vision_abstain.py --compare`` prints them): big flat
#: boards and legs overlap and are missed most, so a photo often shows a step "less a board".
DETECTION_RATES: dict[str, float] = {
    "leg": 0.40, "dowel": 0.86, "board": 0.30, "allen_key": 0.62, "bolt": 0.81, "cam_bolt": 0.90,
    "screwdriver": 0.67, "cam_lock": 0.99, "bracket": 0.68, "screw": 0.98, "shelf_pin": 0.69,
}
#: Boxes beyond a step's needs, per part it needs (doubles, look-alikes), same split.
EXTRA_RATE = 0.048


def _log_likelihood(seen: Counter[str], need: dict[str, int], rates: dict[str, float], extra: float) -> float:
    """log P(these boxes | the step's parts): each part found with its class's rate, extras rare."""
    total = 0.0
    for label in set(seen) | set(need):
        n, k = need.get(label, 0), seen.get(label, 0)
        rate = min(0.98, max(0.05, rates.get(label, 0.7)))
        found = min(n, k)
        total += (math.log(math.comb(n, found)) + found * math.log(rate) + (n - found) * math.log(1 - rate)
                  + (k - found) * math.log(extra))
    return total


def product_posterior(seen: Counter[str], index: GuideIndex, rates: dict[str, float] | None = None,
                      extra: float = EXTRA_RATE) -> dict[str, float]:
    """P(product | the boxes), every product alike a priori, each of its distinct steps alike.

    The overlap score takes the boxes at face value; this asks which product could have produced
    them given what the detector misses: three boards are the chair's step 2 exactly, but also
    the TV unit's step 9 (four boards) with one missed, and boards are missed most.
    """
    rates = DETECTION_RATES if rates is None else rates
    per: dict[str, list[float]] = {}
    done: set[tuple[str, tuple[tuple[str, int], ...]]] = set()
    for sp in index.steps:
        if (sp.product_id, sp.counts) not in done:
            done.add((sp.product_id, sp.counts))
            per.setdefault(sp.product_id, []).append(_log_likelihood(seen, dict(sp.counts), rates, extra))
    if not per:
        return {}
    top = max(v for lls in per.values() for v in lls)
    mass = {p: sum(math.exp(v - top) for v in lls) / len(lls) for p, lls in per.items()}
    total = sum(mass.values())
    return {p: m / total for p, m in mass.items()}


def judge(kept: tuple[PartDetection, ...], matches: tuple[GuideMatch, ...], index: GuideIndex,
          guide_codes: tuple[GuideCode, ...], rule: ClaimRule = CLAIM_RULE) -> Judgement:
    """CLAIMED, UNSURE or NO_PARTS for one frame's confident parts and guide codes.

    ``matches``: every step the parts fit, best first, one per distinct parts list; the best must
    fit clearly better than the next, whether that is another product or another step.
    """
    if guide_codes:
        code = guide_codes[0]
        here = index.step_parts(code.product_id, code.step)
        score = _overlap(Counter(d.label for d in kept), dict(here.counts)) if here else 0.0
        return Judgement(Verdict.CLAIMED, GuideMatch(code.product_id, index.guides[code.product_id].name, code.step,
                                                     round(score, 4)), by_qr=True)
    if not kept:
        return Judgement(Verdict.NO_PARTS)
    top = matches[0] if matches else None
    if top is not None:
        rivals = [m for m in matches[1:] if not rule.margin_other_product or m.product_id != top.product_id]
        if strong(kept, top, rivals[0].score if rivals else 0.0, index, rule):
            return Judgement(Verdict.CLAIMED, top)
    return Judgement(Verdict.UNSURE, candidates=matches[:2])


def strong(kept: tuple[PartDetection, ...], top: GuideMatch, runner_up: float, index: GuideIndex,
           rule: ClaimRule = CLAIM_RULE) -> bool:
    """Whether the parts seen single out ``top``'s step (see :class:`ClaimRule`)."""
    step = index.step_parts(top.product_id, top.step)
    if step is None:
        return False
    seen = Counter(d.label for d in kept)
    used = sum(min(seen[label], count) for label, count in step.counts)
    mean_conf = sum(d.confidence for d in kept) / len(kept)
    if not (used >= rule.min_parts and top.score >= rule.min_score and top.score - runner_up >= rule.min_margin
            and mean_conf >= rule.min_mean_conf):
        return False
    return rule.min_posterior <= 0 or product_posterior(seen, index).get(top.product_id, 0.0) >= rule.min_posterior
