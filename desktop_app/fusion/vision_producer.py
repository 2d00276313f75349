"""VisionProducer: a :class:`VisionReading` becomes hypotheses for the fusion core.

The only vision module that knows the fusion types (it is the adapter between the two).
Parts in view suggest the customer wants assembly help, with a confidence that grows with how
well the parts fit a guide step; the product and step become entity claims the dialogue manager
already understands ("product", "guide_step") only when the reading *claims* them
(``Verdict.CLAIMED``): an unsure reading names no product, so nothing downstream acts on a guess.
A guide QR code is its own, near-certain ``qr`` hypothesis: printed codes do not misread the way
detections do.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from desktop_app.fusion.hypothesis import Detection, EntityClaim, Hypothesis, Modality, VisionPayload
from desktop_app.fusion.producers import HypothesisProducer
from desktop_app.nlu.types import EntityKind, Intent
from desktop_app.vision.meaning import Verdict, VisionReading


def vision_payload(reading: VisionReading) -> VisionPayload:
    return VisionPayload(tuple(Detection(d.label, d.confidence, d.box) for d in reading.detections), reading.qr_payloads)


class VisionProducer(HypothesisProducer[VisionReading]):
    modality = Modality.VISION

    def __init__(self, *, reliability: float = 0.7, qr_reliability: float = 0.95,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.reliability = reliability
        self.qr_reliability = qr_reliability
        self._clock = clock

    def produce(self, item: VisionReading, *, at: float | None = None) -> Hypothesis:
        """The parts hypothesis (or the QR one when only a code was seen)."""
        hyps = self.produce_all(item, at=at)
        return hyps[0] if hyps else Hypothesis(Modality.VISION, self._clock() if at is None else at, reliability=self.reliability,
                                               confidence=0.0, payload=vision_payload(item))

    def produce_all(self, item: VisionReading, *, at: float | None = None) -> list[Hypothesis]:
        """One ``vision`` hypothesis if parts were seen, one ``qr`` hypothesis if a guide code was."""
        stamp = self._clock() if at is None else at
        payload = vision_payload(item)
        out: list[Hypothesis] = []
        if item.detections:
            top_conf = max(d.confidence for d in item.detections)
            fit = item.focus.score if item.focus is not None else 0.0
            help_p = min(0.95, 0.55 + 0.4 * fit)  # parts held up to the camera: most likely assembly help
            entities: list[EntityClaim] = []
            if item.focus is not None and item.verdict is Verdict.CLAIMED and not item.judgement.by_qr:
                conf = round(top_conf * (0.5 + 0.5 * fit), 4)
                entities.append(EntityClaim(EntityKind.PRODUCT.value, item.focus.product_id, conf))
                entities.append(EntityClaim(EntityKind.GUIDE_STEP.value, str(item.focus.step), round(conf * fit, 4)))
            out.append(Hypothesis.create(Modality.VISION, stamp, {Intent.ASSEMBLY_HELP: help_p, Intent.PRODUCT_QUESTION: 1 - help_p},
                                         entities=tuple(entities), reliability=self.reliability,
                                         confidence=round(top_conf * help_p, 4), payload=payload))
        if item.guide_codes:
            code = item.guide_codes[0]
            out.append(Hypothesis.create(Modality.QR, stamp, {Intent.ASSEMBLY_HELP: 1.0},
                                         entities=(EntityClaim(EntityKind.PRODUCT.value, code.product_id, 0.99),
                                                   EntityClaim(EntityKind.GUIDE_STEP.value, str(code.step), 0.99)),
                                         reliability=self.qr_reliability, confidence=0.99, payload=payload))
        return out
