"""The detector's weights are checked against a committed manifest before they are loaded.

Damaged weights do not fail loudly: a network with a few flipped bytes still runs and reported
14 false parts at confidence 1.0. So every file the detector reads (``parts.onnx`` or
``parts.pt``, ``classes.txt`` and ``floors.json``) must match its sha256 in ``SHA256SUMS`` beside it
(``sha256sum -c SHA256SUMS`` checks the same by hand), written when the weights are trained and
committed with them. An ONNX file this app exported into the cache is derived from checked
weights; the digests of both are recorded beside it when it is written and checked before use.
Hashing the 7 MB of weights takes about 5 ms, so it happens on every load (through
:mod:`desktop_app.core.checksums`, which also remembers checks within one process).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from desktop_app.core.checksums import mismatch, read_manifest, sha256_file
from desktop_app.vision.errors import ModelDamaged, ModelMissing

log = logging.getLogger(__name__)

MANIFEST = "SHA256SUMS"
#: The files a weights directory may hold that the detector reads.
WEIGHT_FILES = ("classes.txt", "floors.json", "parts.onnx", "parts.pt")
_RESTORE = "restore assets/detector from the app's release (git checkout -- assets/detector)"
_RESTORE_ZH = "请从应用发布版本恢复 assets/detector（git checkout -- assets/detector）"


def _damaged(name: str, detail: str) -> ModelDamaged:
    return ModelDamaged(
        f"The parts-detector model file {name} is damaged ({detail}); refusing to use it. To fix it, {_RESTORE}.",
        message_zh=f"零件识别模型文件 {name} 已损坏（{detail}），已拒绝使用。{_RESTORE_ZH}。")


def expected_digest(path: Path) -> str:
    """The manifest's digest for ``path``; refuses weights that no manifest vouches for."""
    manifest = path.parent / MANIFEST
    try:
        digests = read_manifest(manifest)
    except (OSError, UnicodeDecodeError):
        raise _damaged(path.name, f"no checksum manifest {MANIFEST} beside it") from None
    if path.name not in digests:
        raise _damaged(path.name, f"not listed in {MANIFEST}")
    return digests[path.name]


def check_weights(path: Path) -> Path:
    """``path`` if it matches the manifest beside it; :class:`ModelMissing` / :class:`ModelDamaged` if not."""
    path = Path(path)
    if not path.is_file():
        raise ModelMissing(f"Detector model not found: {path.name}.", message_zh="找不到零件识别模型。")
    reason = mismatch(path, expected_digest(path))
    if reason is not None:
        raise _damaged(path.name, f"it failed its checksum: {reason}")
    return path


def write_manifest(directory: Path) -> Path:
    """Record the digests of the weights in ``directory`` (call after training or exporting)."""
    directory = Path(directory)
    lines = [f"{sha256_file(directory / name)}  {name}" for name in WEIGHT_FILES if (directory / name).is_file()]
    out = directory / MANIFEST
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _record_path(onnx: Path) -> Path:
    return onnx.with_name(onnx.name + ".source")


def cached_export_ok(onnx: Path, source_digest: str) -> bool:
    """Whether an ONNX file exported into the cache came from these weights and is intact."""
    try:
        record = json.loads(_record_path(onnx).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(record, dict) or record.get("source_sha256") != source_digest:
        return False
    expected = record.get("sha256")
    if not isinstance(expected, str):
        return False
    reason = mismatch(onnx, expected)
    if reason is not None:
        log.info("the cached ONNX detector failed its checksum (%s); exporting it again", reason)
    return reason is None


def record_export(onnx: Path, source_digest: str) -> None:
    _record_path(onnx).write_text(json.dumps({"source_sha256": source_digest, "sha256": sha256_file(onnx)}),
                                  encoding="utf-8")
