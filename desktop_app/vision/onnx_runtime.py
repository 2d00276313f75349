"""Run the parts detector through ONNX Runtime, and export it to ONNX.

Same network as the PyTorch weights; pre- and post-processing (letterbox, box decoding,
class-aware NMS) are done here in numpy so inference needs neither torch nor ultralytics, which
also makes the first detection seconds faster (no torch import).  The exported graph accepts
any input size that is a multiple of 32, so one file serves 320 and 640.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import numpy as np

from desktop_app.vision.cv import cv2
from desktop_app.vision.errors import ModelMissing

log = logging.getLogger(__name__)

STRIDE = 32


def letterbox(frame: np.ndarray, imgsz: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Resize keeping aspect so the long side is ``imgsz``; pad to a multiple of 32 (grey 114).

    Returns the NCHW float32 RGB tensor in [0, 1], the scale, and the (left, top) padding.
    """
    h, w = frame.shape[:2]
    r = min(imgsz / h, imgsz / w)
    nw, nh = int(round(w * r)), int(round(h * r))
    pw, ph = (-nw) % STRIDE, (-nh) % STRIDE
    left, top = pw // 2, ph // 2
    resized = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_LINEAR) if (nw, nh) != (w, h) else frame
    padded = cv2.copyMakeBorder(resized, top, ph - top, left, pw - left, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    tensor = padded[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) * (1.0 / 255.0)
    return np.ascontiguousarray(tensor), r, (left, top)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> np.ndarray:
    """Greedy non-maximum suppression; indices kept, best first."""
    order = np.argsort(-scores)
    keep = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while order.size:
        i = order[0]
        keep.append(i)
        xx1 = np.maximum(boxes[i, 0], boxes[order[1:], 0])
        yy1 = np.maximum(boxes[i, 1], boxes[order[1:], 1])
        xx2 = np.minimum(boxes[i, 2], boxes[order[1:], 2])
        yy2 = np.minimum(boxes[i, 3], boxes[order[1:], 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        overlap = inter / (areas[i] + areas[order[1:]] - inter + 1e-9)
        order = order[1:][overlap <= iou]
    return np.array(keep, dtype=int)


def decode(output: np.ndarray, conf: float, iou: float, scale: float, pad: tuple[int, int],
           shape: tuple[int, int], max_det: int = 100) -> list[tuple[int, float, tuple[float, float, float, float]]]:
    """(class, score, box in original pixels) from the raw (1, 4 + nc, anchors) output."""
    pred = output[0].T  # anchors x (4 + nc)
    scores_all = pred[:, 4:]
    cls = scores_all.argmax(axis=1)
    scores = scores_all[np.arange(len(cls)), cls]
    mask = scores >= conf
    if not mask.any():
        return []
    xywh, cls, scores = pred[mask, :4], cls[mask], scores[mask]
    boxes = np.stack([xywh[:, 0] - xywh[:, 2] / 2, xywh[:, 1] - xywh[:, 3] / 2,
                      xywh[:, 0] + xywh[:, 2] / 2, xywh[:, 1] + xywh[:, 3] / 2], axis=1)
    keep = nms(boxes + cls[:, None] * 8192.0, scores, iou)[:max_det]  # offset boxes: class-aware NMS
    h, w = shape
    out = []
    for i in keep:
        x1, y1, x2, y2 = boxes[i]
        x1, x2 = (np.clip([(x1 - pad[0]) / scale, (x2 - pad[0]) / scale], 0, w)).tolist()
        y1, y2 = (np.clip([(y1 - pad[1]) / scale, (y2 - pad[1]) / scale], 0, h)).tolist()
        out.append((int(cls[i]), float(scores[i]), (x1, y1, x2, y2)))
    return out


class OnnxDetectorBackend:
    name = "onnxruntime"

    def __init__(self, onnx_path: Path, threads: int = 2) -> None:
        import onnxruntime as ort

        if not Path(onnx_path).is_file():
            raise ModelMissing(f"Detector model not found: {Path(onnx_path).name}.", message_zh="找不到零件识别模型。")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle worker threads spinning for work cost ~40% per frame when the cores are shared
        # (camera thread, UI, other apps): measured 23.6 -> 13.8 ms at 320 on the 2-core machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def predict(self, frame: np.ndarray, imgsz: int, conf: float,
                iou: float) -> list[tuple[int, float, tuple[float, float, float, float]]]:
        tensor, scale, pad = letterbox(frame, imgsz)
        (output,) = self._session.run(None, {self._input: tensor})
        return decode(output, conf, iou, scale, pad, frame.shape[:2])


def export_onnx(weights: Path, out_path: Path, imgsz: int = 320) -> Path:
    """Export ultralytics weights to a dynamic-size ONNX graph (needs the ``onnx`` package)."""
    import torch

    from desktop_app.vision.cv import import_ultralytics

    import_ultralytics()
    from ultralytics.models import YOLO

    try:
        importlib.import_module("onnx")  # torch's exporter needs it
    except ImportError:
        raise ModelMissing("Exporting the detector to ONNX needs the 'onnx' package, which is not installed.") from None
    network = YOLO(str(weights)).model
    if not isinstance(network, torch.nn.Module):
        raise ModelMissing(f"{Path(weights).name} holds no network to export.")
    model = network.float().eval()
    model = model.fuse() if hasattr(model, "fuse") else model  # fold BatchNorm into the convolutions
    for module in model.modules():
        if hasattr(module, "export"):
            module.export = True
            module.format = "onnx"
        if hasattr(module, "dynamic"):
            module.dynamic = True
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    with torch.no_grad():
        torch.onnx.export(model, (torch.zeros(1, 3, imgsz, imgsz),), str(tmp), dynamo=False, opset_version=17,
                          input_names=["images"], output_names=["output0"],
                          dynamic_axes={"images": {2: "height", 3: "width"}, "output0": {2: "anchors"}})
    tmp.replace(out_path)
    log.info("exported detector to %s", out_path.name)
    return out_path
