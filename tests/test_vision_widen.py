"""Growing a trained PartsNet to a wider scale must not change a single prediction."""

from __future__ import annotations

import copy
import importlib.util
import os
from pathlib import Path

import pytest

from tools.detector.widen import widen_checkpoint, widen_model

os.environ.setdefault("YOLO_OFFLINE", "1")
torch = pytest.importorskip("torch")
yaml = pytest.importorskip("yaml")
if importlib.util.find_spec("ultralytics") is None:  # find, not import: import_ultralytics imports it
    pytest.skip("ultralytics is not installed", allow_module_level=True)

YAML = Path(__file__).resolve().parents[1] / "desktop_app" / "vision" / "partsnet.yaml"


def _model(scale: str, seed: int):
    from desktop_app.vision.cv import import_ultralytics

    import_ultralytics()
    from ultralytics.nn.tasks import DetectionModel

    torch.manual_seed(seed)
    cfg = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    cfg["scale"] = scale
    model = DetectionModel(copy.deepcopy(cfg), nc=cfg["nc"], verbose=False)
    with torch.no_grad():  # trained-looking batch norms, so a misplaced channel shows in the output
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def _params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_widened_model_predicts_exactly_what_the_narrow_one_did() -> None:
    narrow, wide = _model("t", 1), _model("s", 2)
    x = torch.rand(2, 3, 256, 320)
    with torch.no_grad():
        before = wide(x)[0].clone()
        widen_model(narrow, wide)
        a, b = narrow(x)[0], wide(x)[0]
    assert _params(wide) > 1.5 * _params(narrow)
    assert not torch.allclose(before, b, atol=1e-2)  # the copy did something
    assert torch.allclose(a, b, rtol=1e-4, atol=1e-3), float((a - b).abs().max())


def test_added_units_are_live_but_silent() -> None:
    """Added channels compute something (so they can learn) and feed only zero weights at first."""
    narrow, wide = _model("t", 3), _model("s", 4)
    widen_model(narrow, wide)
    first_old, first_new = narrow.model[0].conv.weight, wide.model[0].conv.weight
    assert first_new.shape[0] > first_old.shape[0]
    assert first_new[first_old.shape[0]:].abs().sum() > 0  # added units read the image
    second = wide.model[1].conv.weight
    assert second[: narrow.model[1].conv.out_channels, first_old.shape[0]:].abs().sum() == 0


def test_widening_to_a_narrower_or_unknown_scale_is_refused(tmp_path: Path) -> None:
    narrow, wide = _model("t", 5), _model("s", 6)  # imports ultralytics through the gate first
    from ultralytics.nn.tasks import DetectionModel

    with pytest.raises((ValueError, IndexError, RuntimeError)):
        widen_model(wide, narrow)
    ckpt = tmp_path / "narrow.pt"
    torch.save({"model": narrow.half(), "ema": None}, ckpt)
    with pytest.raises(ValueError, match="no scale 'x'"):
        widen_checkpoint(ckpt, tmp_path / "wide.pt", "x", YAML)
    summary = widen_checkpoint(ckpt, tmp_path / "wide.pt", "s", YAML)
    assert summary["parameters"][1] > summary["parameters"][0]
    reloaded = torch.load(tmp_path / "wide.pt", map_location="cpu", weights_only=False)["model"]
    assert isinstance(reloaded, DetectionModel) and reloaded.yaml["scale"] == "s"
