"""Widen a trained PartsNet to a larger scale of partsnet.yaml without changing what it computes.

Why: the 1/8-width net stopped fitting even its own training images (mAP50 0.83 on them, 0.80
held out), and training a wider one from scratch costs the 7.5 CPU hours already spent.  Each
old channel keeps its weights at its place in the wider tensors; every added channel gets a
fresh random unit whose *outgoing* weights are zero.  The wide net's outputs are exactly the
narrow net's, and training grows the added units from there (their outgoing weights receive
gradients at once, so they start to contribute after the first step).

Placement is the only subtle part: C2f splits its first conv's output in two halves and
concatenates 2+n blocks, SPPF concatenates four copies, and the neck's Concat layers join two
layers' outputs, so an old channel's index in a wide tensor is not its old index.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from torch import Tensor, nn
    from ultralytics.nn.tasks import DetectionModel

log = logging.getLogger(__name__)


def _conv2d(layer: nn.Module) -> nn.Conv2d:
    """The convolution of an ultralytics ``Conv`` (conv + bn) or a plain ``nn.Conv2d``."""
    from torch import nn

    conv = getattr(layer, "conv", layer)
    if not isinstance(conv, nn.Conv2d):
        raise ValueError(f"{type(layer).__name__} is not a convolution")
    return conv


def _sequence(layer: nn.Module | Tensor) -> nn.Sequential:
    from torch import nn

    if not isinstance(layer, nn.Sequential):
        raise ValueError(f"{type(layer).__name__} is not a sequence of layers")
    return layer


def _sources(layer: nn.Module, i: int) -> list[int]:
    """Indices of the layers feeding layer ``i`` (ultralytics' ``f``, where -1 is the one before)."""
    f: object = layer.f
    froms = [f] if isinstance(f, int) else f if isinstance(f, list) else None
    if froms is None:
        raise ValueError(f"layer {i}: no inputs recorded")
    return [j if j >= 0 else i + j for j in froms]


def _copy_conv(old: nn.Module, new: nn.Module, in_map: Tensor, out_map: Tensor) -> None:
    """ultralytics ``Conv`` (conv + bn) or a plain ``nn.Conv2d`` (with bias)."""
    import torch

    old_conv, new_conv = _conv2d(old), _conv2d(new)
    if old_conv.groups != 1 or new_conv.groups != 1:
        raise ValueError("grouped convolutions are not supported")
    with torch.no_grad():
        w = new_conv.weight
        w[out_map] = 0.0  # old units read only old inputs
        w[out_map[:, None], in_map[None, :]] = old_conv.weight.to(w.dtype)
        if old_conv.bias is not None and new_conv.bias is not None:
            new_conv.bias[out_map] = old_conv.bias.to(w.dtype)
        old_bn, new_bn = getattr(old, "bn", None), getattr(new, "bn", None)
        if old_bn is not None and new_bn is not None:
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(new_bn, name)[out_map] = getattr(old_bn, name).to(w.dtype)
            new_bn.eps, new_bn.momentum = old_bn.eps, old_bn.momentum


def _concat(maps: list[Tensor], new_widths: list[int]) -> Tensor:
    """Where old channels land in a concatenation: block k's map shifted by sum(new_widths[:k])."""
    import torch

    parts, offset = [], 0
    for m, nw in zip(maps, new_widths):
        parts.append(offset + m)
        offset += nw
    return torch.cat(parts)


def widen_model(old: DetectionModel, new: DetectionModel) -> None:
    """Copy ``old``'s weights into ``new`` (same yaml, larger scale) so both compute the same."""
    import torch
    from torch import nn

    from desktop_app.vision.cv import import_ultralytics

    import_ultralytics()
    from ultralytics.nn.modules import SPPF, Bottleneck, C2f, Concat, Conv, Detect

    out_maps: list[Tensor] = []
    out_widths_new: list[int] = []
    for i, (lo, ln) in enumerate(zip(_sequence(old.model), _sequence(new.model))):
        if type(lo) is not type(ln):
            raise ValueError(f"layer {i}: {type(lo).__name__} vs {type(ln).__name__}")
        src = _sources(lo, i)
        in_maps = [out_maps[j] if j >= 0 else torch.arange(3) for j in src]  # -1 before layer 0: the RGB image
        in_new = [out_widths_new[j] if j >= 0 else 3 for j in src]
        # ``ln`` is of ``lo``'s type (checked above); each isinstance pair only tells the type checker
        if isinstance(lo, Conv) and isinstance(ln, Conv):
            _copy_conv(lo, ln, in_maps[0], torch.arange(lo.conv.out_channels))
            out_maps.append(torch.arange(lo.conv.out_channels))
            out_widths_new.append(ln.conv.out_channels)
        elif isinstance(lo, C2f) and isinstance(ln, C2f):
            c_old, c_new = lo.c, ln.c
            _copy_conv(lo.cv1, ln.cv1, in_maps[0], _concat([torch.arange(c_old)] * 2, [c_new] * 2))
            for bo, bn_ in zip(lo.m, ln.m):
                if not (isinstance(bo, Bottleneck) and isinstance(bn_, Bottleneck)):
                    raise ValueError(f"layer {i}: {type(bo).__name__} blocks are not supported")
                hidden = torch.arange(bo.cv1.conv.out_channels)
                _copy_conv(bo.cv1, bn_.cv1, torch.arange(c_old), hidden)
                _copy_conv(bo.cv2, bn_.cv2, hidden, torch.arange(c_old))
            blocks = 2 + len(lo.m)
            _copy_conv(lo.cv2, ln.cv2, _concat([torch.arange(c_old)] * blocks, [c_new] * blocks), torch.arange(lo.cv2.conv.out_channels))
            out_maps.append(torch.arange(lo.cv2.conv.out_channels))
            out_widths_new.append(ln.cv2.conv.out_channels)
        elif isinstance(lo, SPPF) and isinstance(ln, SPPF):
            c_old, c_new = lo.cv1.conv.out_channels, ln.cv1.conv.out_channels
            _copy_conv(lo.cv1, ln.cv1, in_maps[0], torch.arange(c_old))
            _copy_conv(lo.cv2, ln.cv2, _concat([torch.arange(c_old)] * 4, [c_new] * 4), torch.arange(lo.cv2.conv.out_channels))
            out_maps.append(torch.arange(lo.cv2.conv.out_channels))
            out_widths_new.append(ln.cv2.conv.out_channels)
        elif isinstance(lo, nn.Upsample):
            out_maps.append(in_maps[0])
            out_widths_new.append(in_new[0])
        elif isinstance(lo, Concat):
            out_maps.append(_concat(in_maps, in_new))
            out_widths_new.append(sum(in_new))
        elif isinstance(lo, Detect) and isinstance(ln, Detect):
            if getattr(lo, "end2end", False):
                raise ValueError("end-to-end heads are not supported")
            for level, m in enumerate(in_maps):
                for branch_old, branch_new in ((lo.cv2[level], ln.cv2[level]), (lo.cv3[level], ln.cv3[level])):
                    prev = m
                    for co, cn in zip(_sequence(branch_old), _sequence(branch_new)):
                        out = torch.arange(_conv2d(co).out_channels)
                        _copy_conv(co, cn, prev, out)
                        prev = out
            ln.dfl.load_state_dict(lo.dfl.state_dict())
            out_maps.append(torch.arange(0))
            out_widths_new.append(0)
        else:
            raise ValueError(f"layer {i}: {type(lo).__name__} is not supported")
    new.stride = old.stride.clone()
    new.names = copy.deepcopy(getattr(old, "names", {}))


def widen_checkpoint(src: Path, dst: Path, scale: str, yaml_path: Path) -> dict[str, Any]:
    """Write ``dst``: the weights of ``src`` widened to ``scale`` of ``yaml_path``; returns a summary."""
    import torch
    import yaml

    from desktop_app.vision.cv import import_ultralytics

    import_ultralytics()
    from ultralytics.nn.tasks import DetectionModel

    ckpt = torch.load(src, map_location="cpu", weights_only=False)
    old = (ckpt.get("ema") or ckpt["model"]).float().eval()
    cfg = yaml.safe_load(Path(yaml_path).read_text(encoding="utf-8"))
    if scale not in cfg.get("scales", {}):
        raise ValueError(f"{yaml_path} has no scale {scale!r} (has {sorted(cfg.get('scales', {}))})")
    cfg["scale"] = scale
    cfg["nc"] = old.yaml.get("nc", cfg.get("nc"))
    cfg["yaml_file"] = str(yaml_path)
    # ultralytics leaves DetectionModel.__init__ unannotated; this is its signature as used here
    build = cast(Callable[..., DetectionModel], DetectionModel)
    new = build(cfg, nc=cfg["nc"], verbose=False)
    widen_model(old, new)
    vars(new)["args"] = getattr(old, "args", {})  # a plain attribute (what nn.Module.__setattr__ does with a dict)
    new.eval()
    x = torch.rand(2, 3, 320, 320)
    with torch.no_grad():
        a, b = old(x)[0], new(x)[0]
    diff = float((a - b).abs().max())
    if diff > 1e-3 * max(1.0, float(a.abs().max())):
        raise RuntimeError(f"widened model differs from the original by {diff:g}")
    ckpt = {**ckpt, "model": new.half(), "ema": None, "optimizer": None, "epoch": -1}
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(ckpt, dst)
    params = (sum(p.numel() for p in old.parameters()), sum(p.numel() for p in new.parameters()))
    log.info("widened %s -> %s (scale %s): %d -> %d parameters, max output difference %.2g",
             src, dst, scale, params[0], params[1], diff)
    return {"scale": scale, "parameters": list(params), "max_output_difference": diff}
