"""The detector's classes, their names in both languages, and which class each guide part is.

The detector cannot tell a shelf from a top (same mesh) or a leg from a stretcher of the same
section, so classes are what a camera can see: each hardware or tool kind is its own class,
and structural parts are either a flat ``board`` or a long square-section ``leg``. The training
tooling (``tools/detector``) renders its data with the same rule that maps guide parts to classes
when detections are interpreted (meaning.py), so training and interpretation cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from desktop_app.core.guide_format import FASTENER_KINDS, TOOL_KINDS, Guide, Part, load_guide

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
DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[2] / "assets" / "models3d"

Extent = tuple[float, float, float]


def class_of(kind: str, extent: Extent) -> str | None:
    """Detector class of a part of ``kind`` whose mesh spans ``extent`` metres; None if unseen."""
    if kind in TOOL_KINDS or kind in FASTENER_KINDS:
        return kind if kind in CLASSES else None
    a, b, c = sorted(extent)
    if a <= 0:
        return "board"
    return "leg" if c / b >= 4.0 and b / a <= 1.6 else "board"


def read_mesh(path: Path, scale: Extent) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (metres, scaled as the guide places the part) and triangles of one mesh file."""
    import open3d as o3d

    mesh = o3d.io.read_triangle_mesh(str(path))
    vertices = np.asarray(mesh.vertices, dtype=np.float64) * np.asarray(scale)
    return vertices, np.asarray(mesh.triangles, dtype=np.int32)


def extent_of(vertices: np.ndarray) -> Extent:
    x, y, z = (float(v) for v in vertices.max(axis=0) - vertices.min(axis=0))
    return (x, y, z)


@lru_cache(maxsize=256)
def _extent(path: Path, scale: Extent) -> Extent:
    return extent_of(read_mesh(path, scale)[0])


def part_class(part: Part, guide_dir: Path) -> str | None:
    return class_of(part.kind, _extent((guide_dir / part.mesh).resolve(), part.scale))


def load_guides(models_dir: Path = DEFAULT_MODELS_DIR) -> dict[str, tuple[Guide, Path]]:
    """Every guide under ``models_dir`` by product id, with its directory."""
    out: dict[str, tuple[Guide, Path]] = {}
    for guide_json in sorted(Path(models_dir).glob("*/guide.json")):
        guide = load_guide(guide_json.parent)
        out[guide.product_id] = (guide, guide_json.parent)
    return out
