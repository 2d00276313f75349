"""From detections to meaning: which guide uses these parts, which step needs them, what is missing.

Each guide step needs a multiset of detector classes (its placed parts and tools, mapped by the
same rule the training data used).  The parts in view are compared with every step as multisets
(weighted Jaccard: shared count over combined count), so "2 legs and 2 dowels" points at the
stool's first step rather than the side table's, whose legs come without dowels.  A guide QR
code in view, or the step the customer is already on, fixes the step instead of guessing it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
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

    def summary(self, language: str = "en") -> str:
        zh = language == "zh"
        names = CLASS_NAMES_ZH if zh else CLASS_NAMES_EN
        if not self.seen and self.focus is None:
            return "画面中没有识别到家具零件。" if zh else "I can't see any furniture parts."
        parts = []
        if self.seen:
            seen = "、".join(f"{n} 个{names[l]}" for l, n in self.seen) if zh else \
                ", ".join(f"{n} {names[l] if n == 1 else _PLURAL_EN.get(l, names[l] + 's')}" for l, n in self.seen)
            parts.append(f"我看到 {seen}。" if zh else f"I see {seen}.")
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
              guide_codes: tuple[GuideCode, ...] = (), min_confidence: float = 0.4) -> VisionReading:
    """Read a frame: what is seen, which guides and steps it fits, what the focus step lacks.

    ``current`` is the step the customer is on (from the guide player); a guide QR code in
    ``guide_codes`` takes precedence, since the customer is pointing at it now.
    """
    kept = tuple(d for d in detections if d.confidence >= min_confidence)
    seen = Counter(d.label for d in kept)
    best: dict[str, GuideMatch] = {}
    for sp in index.steps:
        score = _overlap(seen, dict(sp.counts))
        if score > 0 and (sp.product_id not in best or score > best[sp.product_id].score):
            best[sp.product_id] = GuideMatch(sp.product_id, index.guides[sp.product_id].name, sp.step, round(score, 4))
    matches = tuple(sorted(best.values(), key=lambda m: (-m.score, m.product_id)))
    anchor = guide_codes[0] if guide_codes else current
    focus: GuideMatch | None = matches[0] if matches else None
    if anchor is not None and anchor.product_id in index.guides:
        anchor_parts = index.step_parts(anchor.product_id, anchor.step)
        score = _overlap(seen, dict(anchor_parts.counts)) if anchor_parts else 0.0
        focus = GuideMatch(anchor.product_id, index.guides[anchor.product_id].name, anchor.step, round(score, 4))
    needs: tuple[PartNeed, ...] = ()
    if focus is not None:
        focus_parts = index.step_parts(focus.product_id, focus.step)
        if focus_parts is not None:
            needs = tuple(PartNeed(label, count, seen.get(label, 0)) for label, count in focus_parts.counts)
    ordered_seen = tuple(sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])))
    return VisionReading(kept, ordered_seen, matches, focus, needs, tuple(guide_codes), tuple(qr_payloads))
