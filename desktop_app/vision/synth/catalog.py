"""Which detector class each guide part belongs to, and the meshes that show each class.

The detector cannot tell a shelf from a top (same mesh) or a leg from a stretcher of the same
section, so classes are what a camera can see: each hardware or tool kind is its own class,
and structural parts are either a flat ``board`` or a long square-section ``leg``.  The same
rule maps guide parts to classes when interpreting detections (see meaning.py), so training
and interpretation cannot drift apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from desktop_app.ar.guide_format import FASTENER_KINDS, TOOL_KINDS, Guide, Part, load_guide

log = logging.getLogger(__name__)

#: Fixed order: the class index is what the trained weights output.
CLASSES: tuple[str, ...] = (
    "board", "leg", "screw", "bolt", "cam_bolt", "cam_lock", "dowel",
    "shelf_pin", "bracket", "allen_key", "screwdriver",
)
CLASS_NAMES_ZH = {
    "board": "板件", "leg": "腿/横撑", "screw": "螺丝", "bolt": "螺栓", "cam_bolt": "偏心连接杆",
    "cam_lock": "偏心轮", "dowel": "木销", "shelf_pin": "层板托", "bracket": "角码",
    "allen_key": "内六角扳手", "screwdriver": "螺丝刀",
}
CLASS_NAMES_EN = {
    "board": "board", "leg": "leg or stretcher", "screw": "screw", "bolt": "bolt", "cam_bolt": "cam bolt",
    "cam_lock": "cam lock", "dowel": "dowel", "shelf_pin": "shelf pin", "bracket": "bracket",
    "allen_key": "Allen key", "screwdriver": "screwdriver",
}
WOOD_CLASSES = frozenset({"board", "leg", "dowel"})
DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[3] / "assets" / "models3d"


@dataclass(frozen=True)
class MeshAsset:
    """One distinct mesh file and the class it teaches."""

    path: Path
    label: str
    vertices: np.ndarray  # (n, 3) metres, scaled as the guide places it
    triangles: np.ndarray  # (m, 3) int


def class_of(kind: str, extent: tuple[float, float, float]) -> str | None:
    """Detector class of a part of ``kind`` whose mesh spans ``extent`` metres; None if unseen."""
    if kind in TOOL_KINDS or kind in FASTENER_KINDS:
        return kind if kind in CLASSES else None
    a, b, c = sorted(extent)
    if a <= 0:
        return "board"
    return "leg" if c / b >= 4.0 and b / a <= 1.6 else "board"


def _read_mesh(path: Path, scale: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    import open3d as o3d

    mesh = o3d.io.read_triangle_mesh(str(path))
    vertices = np.asarray(mesh.vertices, dtype=np.float64) * np.asarray(scale)
    return vertices, np.asarray(mesh.triangles, dtype=np.int32)


@lru_cache(maxsize=256)
def _extent(path: Path, scale: tuple[float, float, float]) -> tuple[float, float, float]:
    vertices, _ = _read_mesh(path, scale)
    return tuple(float(x) for x in vertices.max(axis=0) - vertices.min(axis=0))  # type: ignore[return-value]


def part_class(part: Part, guide_dir: Path) -> str | None:
    return class_of(part.kind, _extent((guide_dir / part.mesh).resolve(), tuple(part.scale)))  # type: ignore[arg-type]


def load_guides(models_dir: Path = DEFAULT_MODELS_DIR) -> dict[str, tuple[Guide, Path]]:
    """Every guide under ``models_dir`` by product id, with its directory."""
    out: dict[str, tuple[Guide, Path]] = {}
    for guide_json in sorted(Path(models_dir).glob("*/guide.json")):
        guide = load_guide(guide_json.parent)
        out[guide.product_id] = (guide, guide_json.parent)
    return out


def mesh_assets(models_dir: Path = DEFAULT_MODELS_DIR) -> list[MeshAsset]:
    """Distinct meshes of every guide (by file content and scale), sorted for determinism."""
    seen: dict[tuple[str, tuple[float, ...]], MeshAsset] = {}
    for guide, guide_dir in load_guides(models_dir).values():
        for part in guide.parts:
            path = guide_dir / part.mesh
            key = (path.name, tuple(part.scale))  # same file name = same design across guides
            if key in seen:
                continue
            vertices, triangles = _read_mesh(path, part.scale)
            extent = vertices.max(axis=0) - vertices.min(axis=0)
            label = class_of(part.kind, tuple(float(x) for x in extent))  # type: ignore[arg-type]
            if label is None:
                continue
            seen[key] = MeshAsset(path, label, vertices, triangles)
    return [seen[k] for k in sorted(seen)]
