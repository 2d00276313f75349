"""Abstention benchmark: photos without our parts claim nothing; our own parts and codes are named.

    xvfb-run -a .venv/bin/python benchmarks/vision_abstain.py [--calibrate] [--compare] [--cache DIR] [--weights DIR]

A frame names a product and step only on strong evidence (``CLAIM_RULE`` in
desktop_app/vision/meaning.py); this prints, per group of images, how often it did.

Two splits that share no image:

* ``calibration`` — what ``--calibrate`` chooses the thresholds on (it prints the grid's choice;
  the chosen values are then written into ``CLAIM_RULE`` by hand):
  positives: every step of every guide, its parts laid out and rendered from the guide's own
  meshes (sprite bank seed 9101, layout seeds 11000+), and every guide QR code photographed at
  an angle (seed 9101); negatives: the odd-numbered real screw photos, the LACK table render,
  20 plain backgrounds (wood, colour fields, noise, clutter; seeds 500+), the finished bookshelf
  as its guide renders it, and a QR code that is not a guide code.
* ``report`` — the table below the line, never used to choose anything: positives as above with
  sprite bank seed 9202, layout seeds 12000+, QR seed 9202; negatives: the even-numbered real
  screw photos, the BJURSTA bench render, real photos of a person, a flower, a building and sand
  (shipped with matplotlib, scikit-learn and espeak-ng's docs), 20 plain backgrounds (seeds 600+),
  the finished stool and side table as their guides render them, and another non-guide QR code.

A claim on a positive is correct when it names the right product and a step that needs the same
parts (the stool's steps 1 and 3 need the same parts, and no photo can tell them apart).
Screw photos are negatives for *claims*: screws alone are used by two products.

``--compare`` measures other claim rules on both splits (a margin over another *product* rather
than over any other step, wider margins, and a product posterior that allows for the parts the
detector misses), lists which products the wrong claims confuse, and prints the detector's
per-class find rates on the calibration split (``DETECTION_RATES`` in meaning.py).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import pickle
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._table import print_table
from desktop_app.core.guide_code import encode_payload
from desktop_app.vision.analyze import FrameAnalyzer, Sighting
from desktop_app.vision.cv import cv2
from desktop_app.vision.detector import PartDetector
from desktop_app.vision.images import load_image
from desktop_app.vision.meaning import CLAIM_RULE, ClaimRule, GuideIndex, Verdict

log = logging.getLogger(__name__)

SHARED = ROOT.parent / "shared" / "data"
SCREWS = SHARED / "photos" / "screws_in_wood" / "images"
CLVRAI_RENDERS = SHARED / "furniture" / "clvrai" / "renders"
MODELS = ROOT / "assets" / "models3d"


def real_photos() -> dict[str, Path]:
    """Real photos without furniture parts that ship with installed packages (absent ones skipped)."""
    import matplotlib
    import sklearn.datasets

    found = {
        "person (grace_hopper.jpg)": Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg",
        "flower (flower.jpg)": Path(sklearn.datasets.__file__).parent / "images" / "flower.jpg",
        "building (china.jpg)": Path(sklearn.datasets.__file__).parent / "images" / "china.jpg",
        "sand (sand-light.jpg)": Path("/usr/share/doc/espeak-ng/docs/images/sand-light.jpg"),
    }
    return {k: v for k, v in found.items() if v.is_file()}


@dataclass(frozen=True)
class Sample:
    group: str
    positive: bool
    truth: tuple[str, int] | None  # product and step a positive shows
    sighting: Sighting
    on_codes: int = 0  # boxes the detector put on a QR code (dropped before interpreting)


@dataclass(frozen=True)
class Split:
    bank_seed: int
    layout_seed: int
    qr_seed: int
    screw_parity: int  # 1: odd-numbered photos, 0: even
    clvrai: tuple[str, ...]
    real: bool
    background_seed: int
    finished: tuple[str, ...]
    other_qr: str


SPLITS = {
    "calibration": Split(9101, 11000, 9101, 1, ("table_lack_0825",), False, 500, ("FUR-SHELF-3T",),
                         "https://example.com/warranty-card"),
    "report": Split(9202, 12000, 9202, 0, ("bench_bjursta_0210",), True, 600, ("FUR-STOOL-01", "FUR-TABLE-SIDE"),
                    "WIFI:S:shop-guest;T:WPA;P:12345678;;"),
}


def qr_photo(code: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A printed code on a table, in perspective, blurred and noisy (as tests/test_vision_qr.py)."""
    h, w = code.shape[:2]
    out_w, out_h = 640, 480
    size = rng.uniform(170, 240)
    cx, cy = rng.uniform(0.4, 0.6) * out_w, rng.uniform(0.4, 0.6) * out_h
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float) * size / 2
    dst = (square + rng.uniform(-0.12, 0.12, size=(4, 2)) * size + [cx, cy]).astype(np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    table = np.full((out_h, out_w, 3), rng.uniform(60, 160, 3), np.uint8)
    warped = cv2.warpPerspective(code, cv2.getPerspectiveTransform(src, dst), (out_w, out_h),
                                 dst=table, borderMode=cv2.BORDER_TRANSPARENT)
    warped = cv2.GaussianBlur(warped, (0, 0), rng.uniform(0.8, 1.4))
    return np.clip(warped.astype(np.float32) + rng.normal(0, 4, warped.shape), 0, 255).astype(np.uint8)


def code_image(payload: str) -> np.ndarray:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)


def _finished(sku: str) -> np.ndarray:
    """The assembled product as its guide shows it at the end of the last step (BGR)."""
    from desktop_app.ar.renderer import OffscreenRenderer
    from desktop_app.ar.scene import StepScene, load_meshes
    from desktop_app.core.guide_format import load_guide

    guide = load_guide(MODELS / sku)
    scene = StepScene(guide, load_meshes(guide, MODELS / sku))
    last = len(guide.steps) - 1
    with OffscreenRenderer(640, 480) as renderer:
        renderer.set_scene(scene)
        rgb = renderer.render(scene.frame(last, 1.0), scene.camera(last, 640, 480))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def collect(split: Split, analyzer: FrameAnalyzer) -> Iterator[Sample]:
    from tools.detector.synth.catalog import mesh_assets
    from tools.detector.synth.compose import compose
    from tools.detector.synth.sprites import build_bank
    from tools.detector.synth.textures import background

    index = analyzer.index
    bank = build_bank(mesh_assets(), 3, seed=split.bank_seed)
    for n, sp in enumerate(index.steps):
        labels = [label for label, count in sp.counts for _ in range(count)]
        if not labels:  # a step whose parts the detector has no class for (nails, hinges): nothing to show
            continue
        for k in range(2):
            rng = np.random.default_rng(split.layout_seed + 10 * n + k)
            img, _ = compose(rng, bank, 480, 480, classes=labels)
            frame = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
            yield Sample("our parts, rendered", True, (sp.product_id, sp.step), analyzer.look(frame))
    rng = np.random.default_rng(split.qr_seed)
    for sku, guide in sorted(index.guides.items()):
        for step in range(1, len(guide.steps) + 1):
            frame = qr_photo(code_image(encode_payload(sku, step)), rng)
            sighting = analyzer.look(frame)
            dropped = len(analyzer.detector.detect(frame)) - len(sighting.detections)
            yield Sample("our guide QR codes", True, (sku, step), sighting, dropped)
    if SCREWS.is_dir():
        for path in sorted(SCREWS.glob("*.jpg")):
            if int(path.stem.split("_")[0]) % 2 == split.screw_parity:
                yield Sample("real screw photos", False, None, analyzer.look(load_image(path)))
    for item in split.clvrai:
        if (CLVRAI_RENDERS / f"{item}.png").is_file():
            yield Sample("IKEA renders we don't sell", False, None, analyzer.look(load_image(CLVRAI_RENDERS / f"{item}.png")))
    if split.real:
        for path in real_photos().values():
            yield Sample("real photos (person, flower, ...)", False, None, analyzer.look(load_image(path)))
    for k in range(20):
        rng = np.random.default_rng(split.background_seed + k)
        img = (background(rng, 480, 640) * 255).astype(np.uint8)
        yield Sample("plain backgrounds", False, None, analyzer.look(cv2.cvtColor(img, cv2.COLOR_RGB2BGR)))
    for sku in split.finished:
        try:
            frame = _finished(sku)
        except Exception as exc:  # no display for Open3D: the row is left out and says so
            log.warning("finished %s not rendered: %s", sku, exc)
            continue
        yield Sample("finished products (guide render)", False, None, analyzer.look(frame))
    rng = np.random.default_rng(split.qr_seed + 1)
    yield Sample("a QR code that is not ours", False, None, analyzer.look(qr_photo(code_image(split.other_qr), rng)))


@dataclass(frozen=True)
class Outcome:
    claimed: bool
    correct: bool
    verdict: Verdict


def outcome(sample: Sample, index: GuideIndex, rule: ClaimRule) -> Outcome:
    reading = sample.sighting.interpret(index, rule=rule)
    claim = reading.judgement.claim
    if claim is None:
        return Outcome(False, False, reading.verdict)
    correct = False
    if sample.truth is not None and claim.product_id == sample.truth[0]:
        said, true = index.step_parts(claim.product_id, claim.step), index.step_parts(*sample.truth)
        correct = said is not None and true is not None and said.counts == true.counts
    return Outcome(True, correct, reading.verdict)


#: What the app did before abstention: the best match of any box of confidence >= 0.4 was the answer.
CLAIM_ANY = ClaimRule(part_conf=0.4, min_parts=1, min_score=0.0, min_margin=-1.0, min_mean_conf=0.0)
HEADERS = ["kind", "group", "claims", "wrong", "unsure", "no parts", "if any box decided"]


def table(samples: list[Sample], index: GuideIndex, rule: ClaimRule) -> list[list[object]]:
    rows: list[list[object]] = []
    groups = list(dict.fromkeys(s.group for s in samples))
    for group in groups:
        members = [s for s in samples if s.group == group]
        outs = [outcome(s, index, rule) for s in members]
        before = [outcome(s, index, CLAIM_ANY) for s in members]
        unsure = sum(o.verdict is Verdict.UNSURE for o in outs)
        none = sum(o.verdict is Verdict.NO_PARTS for o in outs)
        if members[0].positive:
            right = sum(o.correct for o in outs)
            wrong = sum(o.claimed and not o.correct for o in outs)
            rows.append(["positive", group, f"{right}/{len(outs)} correct", wrong, unsure, none,
                         f"{sum(o.correct for o in before)}/{len(outs)} correct"])
        else:
            made = sum(o.claimed for o in outs)
            rows.append(["negative", group, f"{made}/{len(outs)} claimed", "-", unsure, none,
                         f"{sum(o.claimed for o in before)}/{len(outs)} claimed"])
    return rows


#: "Several consistent parts" (issue 23): one or two parts never name a product, whatever the data says.
MIN_PARTS = (3, 4, 5)


def calibrate(samples: list[Sample], index: GuideIndex) -> ClaimRule:
    """The rule with no claim on a negative and no wrong claim, most correct claims; ties: strictest."""
    best: tuple[tuple[int, tuple[float, ...]], ClaimRule] | None = None
    grid = itertools.product((0.4, 0.45, 0.5, 0.55, 0.6), MIN_PARTS, (0.3, 0.4, 0.5, 0.6, 0.7),
                             (0.0, 0.1, 0.15, 0.2, 0.3), (0.5, 0.6, 0.7, 0.8))
    for values in grid:
        rule = ClaimRule(*values)
        outs = [(s, outcome(s, index, rule)) for s in samples]
        if any(o.claimed and not o.correct for _s, o in outs):
            continue  # a claim on a negative, or a wrong product/step on a positive
        key = (sum(o.correct for _s, o in outs), tuple(float(v) for v in values))
        if best is None or key > best[0]:
            best = (key, rule)
    if best is None:
        raise SystemExit("no rule in the grid avoids every wrong claim")
    return best[1]


def detection_rates(samples: list[Sample], index: GuideIndex, part_conf: float) -> tuple[dict[str, float], float]:
    """Share of each class's parts found in the rendered positives, and extra boxes per part needed."""
    found: Counter[str] = Counter()
    needed: Counter[str] = Counter()
    extra = 0
    for s in samples:
        if s.group != "our parts, rendered" or s.truth is None:
            continue
        step = index.step_parts(*s.truth)
        need = dict(step.counts) if step else {}
        seen = Counter(d.label for d in s.sighting.detections if d.confidence >= part_conf)
        for label, count in need.items():
            needed[label] += count
            found[label] += min(count, seen[label])
        extra += sum(max(0, n - need.get(label, 0)) for label, n in seen.items())
    return {k: round(found[k] / needed[k], 2) for k in needed}, round(extra / max(1, sum(needed.values())), 3)


def confusions(samples: list[Sample], index: GuideIndex, rule: ClaimRule) -> list[list[object]]:
    """Each wrong claim on a positive: the step shown, the step claimed, and the boxes seen."""
    rows: list[list[object]] = []
    for s in samples:
        if not s.positive or s.truth is None or s.group == "our guide QR codes":
            continue
        claim = s.sighting.interpret(index, rule=rule).judgement.claim
        if claim is not None and not outcome(s, index, rule).correct:
            seen = Counter(d.label for d in s.sighting.detections if d.confidence >= rule.part_conf)
            rows.append([f"{s.truth[0]} {s.truth[1]}", f"{claim.product_id} {claim.step}",
                         ", ".join(f"{n} {k}" for k, n in sorted(seen.items()))])
    return rows


def _claims(samples: list[Sample], index: GuideIndex, rule: ClaimRule) -> str:
    outs = [(s, outcome(s, index, rule)) for s in samples if s.group == "our parts, rendered"]
    negatives = [outcome(s, index, rule) for s in samples if not s.positive]
    right = sum(o.correct for _s, o in outs)
    wrong = sum(o.claimed and not o.correct for _s, o in outs)
    return f"{right}/{len(outs)} correct, {wrong} wrong, {sum(o.claimed for o in negatives)}/{len(negatives)} neg."


def compare(data: dict[str, list[Sample]], index: GuideIndex) -> None:
    rates, extra = detection_rates(data["calibration"], index, CLAIM_RULE.part_conf)
    print(f"detector find rates on the calibration renders: {rates}; extra boxes per part: {extra}\n")
    posts = [(t, replace(CLAIM_RULE, min_posterior=t)) for t in (0.5, 0.6, 0.7, 0.8, 0.9)]
    fewest = min(_wrong(data["calibration"], index, r) for _t, r in posts)
    chosen = next(t for t, r in posts if _wrong(data["calibration"], index, r) == fewest)
    rules = {
        "in use": CLAIM_RULE,
        "margin over another product 0.15": replace(CLAIM_RULE, margin_other_product=True),
        "margin over another product 0.2": replace(CLAIM_RULE, margin_other_product=True, min_margin=0.2),
        "margin over another product 0.3": replace(CLAIM_RULE, margin_other_product=True, min_margin=0.3),
        "margin 0.2": replace(CLAIM_RULE, min_margin=0.2),
        "margin 0.3": replace(CLAIM_RULE, min_margin=0.3),
        f"product posterior >= {chosen} (calibrated)": replace(CLAIM_RULE, min_posterior=chosen),
    }
    rows = [[name, _claims(data["calibration"], index, r), _claims(data["report"], index, r)]
            for name, r in rules.items()]
    print("rendered parts, claims by rule (negatives: claims on photos without our parts):")
    print_table(["rule", "calibration split", "report split"], rows)
    print("\nwrong claims on the report split, rule in use:")
    print_table(["parts of", "claimed as", "boxes seen"], confusions(data["report"], index, CLAIM_RULE))
    post = rules[f"product posterior >= {chosen} (calibrated)"]
    print(f"\nreport split, product posterior >= {chosen}:")
    print_table(HEADERS, table(data["report"], index, post))
    print("wrong claims left:")
    print_table(["parts of", "claimed as", "boxes seen"], confusions(data["report"], index, post))


def _wrong(samples: list[Sample], index: GuideIndex, rule: ClaimRule) -> int:
    return sum(o.claimed and not o.correct for o in (outcome(s, index, rule) for s in samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibrate", action="store_true", help="choose the thresholds on the calibration split")
    parser.add_argument("--compare", action="store_true", help="measure other claim rules on both splits")
    parser.add_argument("--cache", type=Path, help="keep the detector's findings here between runs")
    parser.add_argument("--weights", type=Path, help="other detector weights (a directory like assets/detector)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    analyzer = FrameAnalyzer(PartDetector(args.weights) if args.weights else None)
    index = analyzer.index
    data: dict[str, list[Sample]] = {}
    for name in (["calibration"] if args.calibrate or args.compare else []) + ["report"]:
        cached = args.cache / f"{name}.pkl" if args.cache else None
        if cached is not None and cached.is_file():
            data[name] = pickle.loads(cached.read_bytes())
        else:
            data[name] = list(collect(SPLITS[name], analyzer))
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(pickle.dumps(data[name]))
    rule = CLAIM_RULE
    if args.calibrate:
        chosen = calibrate(data["calibration"], index)
        print(f"calibrated on {len(data['calibration'])} images: {chosen}")
        print(f"in use (meaning.CLAIM_RULE):           {rule}\n")
        print("calibration split, rule in use:")
        print_table(HEADERS, table(data["calibration"], index, rule))
        print()
    if not SCREWS.is_dir():
        print(f"(real screw photos and IKEA renders absent: {SHARED} not found)")
    print(f"report split ({len(data['report'])} images), rule {rule}:")
    print_table(HEADERS, table(data["report"], index, rule))
    codes = [s for s in data["report"] if s.group == "our guide QR codes"]
    left = sum(len(s.sighting.detections) for s in codes)
    print(f"\nQR code photos: the detector boxed {sum(s.on_codes for s in codes)} parts on the code in "
          f"{sum(s.on_codes > 0 for s in codes)} of {len(codes)}; after excluding code regions: {left}")
    if args.compare:
        print()
        compare(data, index)


if __name__ == "__main__":
    main()
