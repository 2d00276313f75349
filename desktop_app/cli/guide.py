"""``desktop-app guide ...``: import IKEA (clvrai) furniture into guides and render steps to PNG."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.core.errors import AppError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    guide = subparsers.add_parser("guide", help="3D assembly guides (import, render)")
    sub = guide.add_subparsers(dest="guide_command", required=True)

    imp = sub.add_parser("import-clvrai", help="import a clvrai IKEA furniture item into a guide directory")
    imp.add_argument("item_xml", type=Path, metavar="ITEM.xml")
    imp.add_argument("recipe_yaml", type=Path, metavar="RECIPE.yaml")
    imp.add_argument("--out", type=Path, required=True, metavar="DIR")
    imp.add_argument("--product-id", default=None, help="store SKU (default: known mapping or CLVRAI-<model>)")
    imp.set_defaults(func=cmd_import_clvrai)

    ren = sub.add_parser("render", help="render one step of a guide off-screen to a PNG")
    ren.add_argument("guide_dir", type=Path, metavar="DIR")
    ren.add_argument("--step", type=int, required=True, metavar="N", help="1-based step number")
    ren.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    ren.add_argument("--width", type=int, default=800, help="pixels (16-4096; at most 3840x2160 in all)")
    ren.add_argument("--height", type=int, default=600, help="pixels (16-4096; at most 3840x2160 in all)")
    ren.add_argument("--size", type=int, default=None, metavar="N", help="a square N x N render (sets both)")
    ren.add_argument("--t", type=float, default=0.5, help="animation time 0 (exploded) .. 1 (in place)")
    ren.set_defaults(func=cmd_render)


def _fail(message: str) -> int:
    print(f"desktop-app: {message}", file=sys.stderr)
    return 1


def cmd_import_clvrai(args: argparse.Namespace, settings: object = None) -> int:
    from desktop_app.ar.clvrai_import import import_clvrai

    try:
        result = import_clvrai(args.item_xml, args.recipe_yaml, args.out, product_id=args.product_id)
    except AppError as exc:
        return _fail(exc.message)
    except OSError as exc:  # out directory not writable, disk full: nothing was moved into place
        return _fail(f"cannot write the guide to {args.out}: {exc.strerror or exc}")
    w, d, h = result.dimensions_cm
    print(f"{result.guide.product_id}: {len(result.guide.parts)} parts, {len(result.guide.steps)} steps, "
          f"assembled {w:.1f} x {d:.1f} x {h:.1f} cm -> {args.out}")
    return 0


def cmd_render(args: argparse.Namespace, settings: object = None) -> int:
    import cv2

    from desktop_app.ar.renderer import OffscreenRenderer, check_render_size
    from desktop_app.ar.scene import StepScene, load_meshes
    from desktop_app.cli.output import check_out_file
    from desktop_app.core.guide_format import load_guide

    if not 0.0 <= args.t <= 1.0:
        return _fail("--t must be between 0 and 1")
    if args.size is not None:
        args.width = args.height = args.size
    try:
        check_render_size(args.width, args.height)  # before loading anything: the cap bounds the memory
        check_out_file(args.out, (".png",))  # a wrong extension or path fails now, not after rendering
        guide = load_guide(args.guide_dir)
        if not 1 <= args.step <= len(guide.steps):
            return _fail(f"--step must be 1..{len(guide.steps)} for {guide.product_id}")
        scene = StepScene(guide, load_meshes(guide, args.guide_dir))
        with OffscreenRenderer(args.width, args.height) as renderer:
            renderer.set_scene(scene)
            camera = scene.camera(args.step - 1, args.width, args.height)
            image = renderer.render(scene.frame(args.step - 1, args.t), camera)
    except AppError as exc:
        return _fail(exc.message)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(args.out), image[:, :, ::-1]):
        return _fail(f"could not write {args.out}")
    print(f"step {args.step}/{len(guide.steps)} of {guide.product_id} -> {args.out}")
    return 0
