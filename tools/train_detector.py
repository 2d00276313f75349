"""Generate synthetic part images, train the parts detector from scratch, evaluate, commit.

    xvfb-run -a python tools/train_detector.py            # what ``make train-detector`` runs

Steps: render sprite banks from assets/models3d and compose train/val/test splits (seeded);
train an ultralytics YOLO model from ``yolov8n.yaml`` (no pretrained weights exist offline) on
CPU; score the held-out ``test`` split, whose sprites were rendered with other seeds; write
assets/detector/{parts.pt, classes.txt, metrics.json}.  Needs an X display for Open3D.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("YOLO_OFFLINE", "1")

from desktop_app.vision.classes import CLASSES
from tools.detector.synth.dataset import TEST_SEED_OFFSET, VAL_SEED_OFFSET, SplitSpec, generate

if TYPE_CHECKING:
    from ultralytics.models import YOLO

log = logging.getLogger("train_detector")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, default=ROOT / "build" / "detector", help="data and runs (not committed)")
    p.add_argument("--out", type=Path, default=ROOT / "assets" / "detector")
    p.add_argument("--train-images", type=int, default=3000)
    p.add_argument("--val-images", type=int, default=300)
    p.add_argument("--test-images", type=int, default=400)
    p.add_argument("--sprites", type=int, default=160, help="rendered sprites per class for training")
    p.add_argument("--eval-sprites", type=int, default=40,
                   help="rendered sprites per class of the val and held-out test splits (fixed, so --sprites can grow "
                        "without changing the held-out set)")
    p.add_argument("--negatives", type=float, default=0.0,
                   help="hard negatives in the training split: holes, knots, hands and QR codes drawn into every "
                        "background, plus this share of extra images without parts (0: none; the val and test "
                        "splits never get them, so held-out scores stay comparable)")
    p.add_argument("--seed", type=int, default=20240611)
    p.add_argument("--train-seed", type=int, default=None,
                   help="seed of the training split only (default: --seed); another one renders a wholly new training "
                        "bank while val and the held-out test stay byte-identical")
    p.add_argument("--model", default=str(ROOT / "desktop_app" / "vision" / "partsnet.yaml"),
                   help="model yaml (yolov8n.yaml scaled down; see the file)")
    p.add_argument("--imgsz", type=int, default=320)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--hours", type=float, default=1.6, help="wall-clock cap on training (ultralytics 'time')")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--lr2", type=float, default=0.002, help="starting rate of the --more-hours schedule")
    p.add_argument("--patience", type=int, default=100)
    p.add_argument("--more-hours", type=float, default=0.0, help="another schedule from the previous stage's best (0: none)")
    p.add_argument("--more-imgsz", type=int, default=0,
                   help="train the --more-hours schedule at this size (0: --imgsz); an epoch took 94 s at 256, 116 s at 320 here")
    p.add_argument("--init", type=Path, default=None, help="skip stage 1: continue from these weights")
    p.add_argument("--widen", default="", metavar="SCALE",
                   help="first widen --init to this scale of --model, computing the same (tools/detector/widen.py)")
    p.add_argument("--evaluate-only", action="store_true", help="score --init WEIGHTS and write the outputs")
    p.add_argument("--stages", default="", help="JSON list describing how --init was trained (for metrics.json)")
    p.add_argument("--skip-data", action="store_true", help="reuse the data already under --work")
    p.add_argument("--data-only", action="store_true", help="only render and write the data set")
    p.add_argument("--record-sample", action="store_true",
                   help="score the held-out sample with the weights in --out and record it in their metrics.json "
                        "(what the reproduction test checks; training does this at its end)")
    return p.parse_args(argv)


def split_specs(args: argparse.Namespace) -> list[SplitSpec]:
    """Val and test hang on --seed alone, so scores from runs on different training banks compare."""
    train_seed = args.seed if args.train_seed is None else args.train_seed
    return [SplitSpec("train", args.train_images, train_seed, args.sprites, args.negatives),
            SplitSpec("val", args.val_images, args.seed + VAL_SEED_OFFSET, args.eval_sprites),
            SplitSpec("test", args.test_images, args.seed + TEST_SEED_OFFSET, args.eval_sprites)]


def record_sample(out: Path) -> int:
    """Write the 60-image held-out sample's score beside the full one (the test reproduces it)."""
    from desktop_app.vision.detector import PartDetector
    from tools.detector.held_out import score_held_out_sample

    path = out / "metrics.json"
    metrics = json.loads(path.read_text(encoding="utf-8"))
    score = score_held_out_sample(PartDetector(out), metrics["training"])
    metrics["held_out_sample"] = score.as_json()
    path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    log.info("held-out sample mAP50 %.4f (%d images, %s)", score.map50, score.images, score.backend)
    return 0


def trained_run(model: YOLO) -> tuple[Path, int]:
    """(best weights, epochs run) of the training ``model.train()`` just finished."""
    from ultralytics.engine.trainer import BaseTrainer

    trainer: BaseTrainer | None = model.trainer
    if trainer is None:
        raise RuntimeError("ultralytics finished training without a trainer")
    return Path(trainer.best), int(trainer.epoch) + 1


def model_scale(model: YOLO) -> str:
    """The scale of the model yaml the network was built from (its only one when not named)."""
    from ultralytics.nn.tasks import DetectionModel

    network = model.model
    if not isinstance(network, DetectionModel):
        raise RuntimeError(f"not a detection model: {type(network).__name__}")
    return str(network.yaml.get("scale") or next(iter(network.yaml.get("scales") or {}), ""))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work.resolve()  # ultralytics puts a relative project under its own runs/ folder
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.record_sample:
        return record_sample(args.out)
    data_dir = args.work / "data"
    started = time.time()
    specs = split_specs(args)
    if args.data_only:
        shutil.rmtree(data_dir, ignore_errors=True)
        generate(data_dir, specs)
        return 0
    if not args.skip_data:
        # Open3D and torch in one process crash (clashing OpenMP/GL libraries): render in a child.
        subprocess.run([sys.executable, __file__, "--data-only", *(argv if argv is not None else sys.argv[1:])], check=True)
    data_yaml = data_dir / "data.yaml"
    data_seconds = time.time() - started
    log.info("data ready in %.0f s", data_seconds)

    import torch

    from desktop_app.vision.cv import import_ultralytics

    import_ultralytics()
    # ultralytics trains on cpu_count() - 1 threads: one of two cores; torch uses both 1.8x faster.
    import ultralytics.utils.torch_utils as torch_utils
    from ultralytics.models import YOLO

    threads = os.cpu_count() or 2
    vars(torch_utils)["NUM_THREADS"] = threads  # the module global its select_device() resets torch to
    torch.set_num_threads(threads)
    common = dict(data=str(data_yaml), epochs=args.epochs, imgsz=args.imgsz, batch=args.batch, device="cpu",
                  workers=0, plots=False, amp=False, seed=args.seed, deterministic=True, patience=args.patience,
                  project=str(args.work / "runs"), exist_ok=True, verbose=False, cache=True, optimizer="AdamW",
                  # A from-scratch run on 2 CPU cores: no mosaic (at 320 it shrinks the hardware 2x;
                  # the images already hold several parts each) and milder scale jitter.
                  mosaic=0.0, close_mosaic=0, scale=0.25)
    stages: list[dict[str, Any]] = json.loads(args.stages) if args.stages else []
    train_started = time.time()
    if args.evaluate_only:
        if args.init is None:
            raise SystemExit("--evaluate-only needs --init WEIGHTS")
        best = args.init
    elif args.init is None:
        model = YOLO(args.model)
        model.train(**common, time=args.hours, pretrained=False, lr0=args.lr, warmup_epochs=0.5, name="parts")
        best, epochs = trained_run(model)
        stages.append({"stage": 1, "from": "scratch", "hours_cap": args.hours, "epochs_run": epochs,
                       "seconds": round(time.time() - train_started)})
    else:
        best = args.init
        if not stages:  # --stages, when given, already says how --init was trained
            stages.append({"stage": 1, "from": "scratch", "weights": str(args.init), "note": "run earlier with these settings"})
    if args.widen:
        if args.init is None or args.evaluate_only:
            raise SystemExit("--widen grows the --init weights before the --more-hours schedule")
        from tools.detector.widen import widen_checkpoint

        widened = args.work / f"init_widened_{args.widen}.pt"
        widen_started = time.time()
        summary = widen_checkpoint(args.init, widened, args.widen, Path(args.model))
        stages.append({"stage": len(stages) + 1, "from": f"stage {len(stages)} best",
                       "widened_to_scale": args.widen, "parameters": summary["parameters"],
                       "epochs_run": 0, "seconds": round(time.time() - widen_started)})
        best = widened
    if args.more_hours > 0 and not args.evaluate_only:
        # Second schedule from the first one's best weights: a warm restart at a lower rate.
        stage_started = time.time()
        model = YOLO(str(best))
        imgsz = args.more_imgsz or args.imgsz
        model.train(**{**common, "imgsz": imgsz}, time=args.more_hours, lr0=args.lr2, warmup_epochs=0.0, name="parts2")
        best, epochs = trained_run(model)
        stages.append({"stage": len(stages) + 1, "from": f"stage {len(stages)} best", "hours_cap": args.more_hours,
                       "imgsz": imgsz, "lr0": args.lr2, "train_images": args.train_images,
                       "sprites_per_class": args.sprites, "train_seed": specs[0].seed,
                       **({"negatives": args.negatives} if args.negatives else {}),
                       "epochs_run": epochs,
                       "seconds": round(time.time() - stage_started)})
    timed = all("seconds" in st for st in stages)  # earlier stages (--stages) count too
    train_seconds = sum(st["seconds"] for st in stages) if timed else time.time() - train_started
    epochs_run = sum(st.get("epochs_run", 0) for st in stages)

    trained = YOLO(str(best))
    result = trained.val(data=str(data_yaml), split="test", imgsz=args.imgsz, batch=16, device="cpu",
                         workers=0, plots=False, verbose=False, project=str(args.work / "runs"), name="test", exist_ok=True)
    per_class = {CLASSES[int(c)]: round(float(result.box.ap50[i]), 4) for i, c in enumerate(result.box.ap_class_index)}
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(best, args.out / "parts.pt")
    stale = args.out / "floors.json"
    if stale.is_file():  # per-class floors are chosen for the weights they sit beside: choose them again
        stale.unlink()
        log.warning("removed %s: choose the per-class floors again for these weights (docs/vision.md, 'Screw floor')",
                    stale)
    (args.out / "classes.txt").write_text("\n".join(CLASSES) + "\n", encoding="utf-8")
    metrics = {
        "held_out_test": {"images": args.test_images, "map50": round(float(result.box.map50), 4),
                          "map50_95": round(float(result.box.map), 4), "precision": round(float(result.box.mp), 4),
                          "recall": round(float(result.box.mr), 4), "ap50_per_class": per_class},
        "training": {"model": Path(args.model).name,
                     "scale": model_scale(trained),
                     "imgsz": args.imgsz, "epochs_run": epochs_run, "train_images": args.train_images,
                     "val_images": args.val_images, "sprites_per_class": args.sprites,
                     "eval_sprites_per_class": args.eval_sprites, "seed": args.seed,
                     "data_seconds": round(data_seconds), "train_seconds": round(train_seconds), "device": "cpu",
                     "threads": torch.get_num_threads(), "stages": stages},
        "classes": list(CLASSES),
    }
    try:
        from desktop_app.vision.onnx_runtime import export_onnx

        export_onnx(args.out / "parts.pt", args.out / "parts.onnx", args.imgsz)
    except Exception as exc:  # the 'onnx' package is optional; the app exports at first use then
        (args.out / "parts.onnx").unlink(missing_ok=True)  # never leave an ONNX file of older weights
        log.warning("ONNX export skipped: %s", exc)
    from desktop_app.vision.weights_check import write_manifest

    write_manifest(args.out)  # the app refuses weights without their digests (vision/weights_check.py)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    log.info("held-out mAP50 %.3f (mAP50-95 %.3f); weights %s (%.1f MB)", result.box.map50, result.box.map,
             args.out / "parts.pt", (args.out / "parts.pt").stat().st_size / 1e6)
    # Open3D renders the sample: a child process, as for the data (see above).
    recorded = subprocess.run([sys.executable, __file__, "--record-sample", "--out", str(args.out)], check=False)
    if recorded.returncode != 0:
        log.error("held-out sample not recorded; run: tools/train_detector.py --record-sample --out %s", args.out)
    return recorded.returncode


if __name__ == "__main__":
    sys.exit(main())
