"""``desktop-app detect IMAGE...`` and ``desktop-app scan IMAGE``: the vision stack for QA and scripts.

``detect --json`` prints one JSON line per image (its detections: label, confidence and box as
pixel x1 y1 x2 y2); the model is loaded once for all images.  An unreadable image prints one
line on stderr and makes the exit status 1; the other images are still processed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from desktop_app.core.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    det = subparsers.add_parser("detect", help="find furniture parts in photos")
    det.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    det.add_argument("--json", action="store_true", help="one JSON line per image")
    det.add_argument("--conf", type=float, default=0.35, help="minimum confidence (default 0.35); the per-class floors stored with the "
                     "weights (floors.json) still apply")
    det.add_argument("--imgsz", type=int, default=320, help="network input size (multiple of 32; default 320)")
    det.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto")
    det.add_argument("--explain", action="store_true", help="also say which guide and step the parts belong to")
    det.set_defaults(func=cmd_detect)

    scan = subparsers.add_parser("scan", help="read QR codes in a photo (assembly-guide codes open a guide step)")
    scan.add_argument("image", type=Path, metavar="IMAGE")
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(func=cmd_scan)


def _err(message: str) -> None:
    print(f"desktop-app: {message}", file=sys.stderr)


def cmd_detect(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.vision.detector import PartDetector
    from desktop_app.vision.errors import VisionError
    from desktop_app.vision.images import load_image

    if not 0.0 < args.conf < 1.0:
        raise VisionError("--conf must be between 0 and 1.")
    if args.imgsz < 32 or args.imgsz % 32 or args.imgsz > 2048:
        raise VisionError("--imgsz must be a multiple of 32 between 32 and 2048.")
    lang = args.lang or settings.language
    detector = PartDetector(settings.assets_dir / "detector", backend=args.backend, imgsz=args.imgsz, conf=args.conf,
                            cache_dir=settings.cache_dir)
    index = None
    failures = 0
    for path in args.images:
        try:
            image = load_image(path)
            start = time.perf_counter()
            found = detector.detect(image)
            ms = (time.perf_counter() - start) * 1000
        except VisionError as exc:
            if len(args.images) == 1:
                raise
            _err(exc.localized(lang))
            failures += 1
            continue
        reading = None
        if args.explain:
            from desktop_app.vision.meaning import GuideIndex, interpret

            index = index or GuideIndex.from_dir()
            reading = interpret(found, index, min_confidence=args.conf)
        if args.json:
            line = {"image": str(path), "width": int(image.shape[1]), "height": int(image.shape[0]),
                    "detections": [{"label": d.label, "confidence": round(d.confidence, 4),
                                    "box": [round(v, 1) for v in d.box]} for d in found],
                    "ms": round(ms, 1), "backend": detector.backend_name}
            if reading is not None:
                line["explanation"] = reading.summary(lang)
                if reading.focus is not None:
                    line["guide"] = {"product": reading.focus.product_id, "step": reading.focus.step,
                                     "missing": {n.label: n.missing for n in reading.needs if n.missing}}
            print(json.dumps(line, ensure_ascii=False))
            continue
        print(f"{path}: {len(found)} part(s)  [{ms:.0f} ms, {detector.backend_name}]")
        for d in found:
            x1, y1, x2, y2 = d.box
            print(f"  {d.name(lang):<18} {d.confidence:.2f}  box {x1:.0f} {y1:.0f} {x2:.0f} {y2:.0f}")
        if reading is not None:
            print("  " + reading.summary(lang))
    return 1 if failures else 0


def cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.vision.errors import VisionError
    from desktop_app.vision.qr_scan import QrScanner

    lang = args.lang or settings.language
    codes = QrScanner().scan_file(args.image)
    if args.json:
        print(json.dumps({"image": str(args.image), "codes": [
            {"payload": c.payload, **({"product": c.guide.product_id, "step": c.guide.step} if c.guide else {})}
            for c in codes]}, ensure_ascii=False))
        return 0 if codes else 1
    if not codes:
        raise VisionError(f"No QR code found in {args.image.name}.", message_zh=f"在 {args.image.name} 中没有找到二维码。")
    for c in codes:
        if c.guide:
            where = f"打开 {c.guide.product_id} 安装指南第 {c.guide.step} 步" if lang == "zh" else \
                f"opens the {c.guide.product_id} guide at step {c.guide.step}"
            print(f"{c.payload}  ({where})")
        else:
            print(c.payload)
    return 0
