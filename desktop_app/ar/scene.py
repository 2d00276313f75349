"""Per-step scene and animation math, independent of any renderer.

Kept free of GL so tests can check the geometry (every part ends at its final pose, the
assembly matches the product's dimensions, where a part projects on screen) without a display.
World frame: metres, z up, the product standing on z = 0, its front facing -y.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from desktop_app.ar.mesh_check import check_mesh_file
from desktop_app.ar.vec import vec3, vec4
from desktop_app.core.guide_format import UNIT_TO_M, Guide, GuideError, Part, Pose

log = logging.getLogger(__name__)

HIGHLIGHT = (1.0, 0.42, 0.0)  # current structural parts: safety orange
FASTENER_HIGHLIGHT = (0.05, 0.45, 1.0)  # current fasteners: vivid blue
TOOL_COLOR = (0.1, 0.75, 0.3)
PLACED_FASTENER = (0.55, 0.56, 0.6)
BACKGROUND = (0.95, 0.96, 0.98)
STRUCT_PHASE = (0.0, 0.6)
FASTENER_PHASE = (0.45, 1.0)


class Role(StrEnum):
    HIDDEN = "hidden"
    PLACED = "placed"
    CURRENT = "current"
    FASTENER = "fastener"
    TOOL = "tool"


@dataclass(frozen=True, eq=False)
class MeshData:
    """Triangles with unshared vertices (flat shading), in the part's own frame, metres."""

    vertices: np.ndarray  # (N, 3) float64
    normals: np.ndarray  # (N, 3) float64
    triangles: np.ndarray  # (N/3, 3) int32


@dataclass(frozen=True)
class PartFrame:
    part_id: str
    role: Role
    offset: tuple[float, float, float]  # translation added to the final pose


@dataclass(frozen=True)
class Frame:
    step: int  # 0-based
    t: float  # 0 = exploded, 1 = every current part in place
    parts: tuple[PartFrame, ...]


@dataclass(frozen=True, eq=False)
class Camera:
    """Pinhole camera in Open3D's convention (x right, y down, z forward)."""

    width: int
    height: int
    fx: float
    fy: float
    extrinsic: np.ndarray  # (4, 4) world -> camera
    center: tuple[float, float, float]

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pixel (u, v) of each world point; points behind the camera get NaN."""
        pts = np.asarray(points, dtype=float)
        cam = pts @ self.extrinsic[:3, :3].T + self.extrinsic[:3, 3]
        z = np.where(cam[:, 2] > 1e-6, cam[:, 2], np.nan)
        u = self.fx * cam[:, 0] / z + (self.width / 2 - 0.5)
        v = self.fy * cam[:, 1] / z + (self.height / 2 - 0.5)
        return np.stack([u, v], axis=1)


def quat_to_matrix(q: tuple[float, float, float, float]) -> np.ndarray:
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def matrix_to_quat(m: np.ndarray) -> tuple[float, float, float, float]:
    tr = float(np.trace(m))
    if tr > 0:
        s = math.sqrt(tr + 1.0) * 2
        q = (0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s)
    else:
        i = int(np.argmax(np.diag(m)))
        j, k = (i + 1) % 3, (i + 2) % 3
        s = math.sqrt(1.0 + m[i, i] - m[j, j] - m[k, k]) * 2
        v = [0.0, 0.0, 0.0]
        v[i] = 0.25 * s
        v[j] = (m[j, i] + m[i, j]) / s
        v[k] = (m[k, i] + m[i, k]) / s
        q = ((m[k, j] - m[j, k]) / s, v[0], v[1], v[2])
    n = math.sqrt(sum(c * c for c in q))
    sign = 1.0 if q[0] >= 0 else -1.0
    return vec4(sign * c / n for c in q)


def pose_matrix(pose: Pose) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3] = quat_to_matrix(pose.quat)
    m[:3, 3] = pose.position
    return m


def _read_mesh(path: Path, part: Part) -> MeshData:
    import open3d as o3d  # heavy import kept out of module import time

    check_mesh_file(path, f"part '{part.id}': mesh '{part.mesh}'")  # before Open3D believes the header
    mesh = o3d.io.read_triangle_mesh(str(path))
    verts = np.asarray(mesh.vertices, dtype=float)
    tris = np.asarray(mesh.triangles, dtype=np.int64)
    if len(verts) == 0 or len(tris) == 0:
        raise GuideError(f"part '{part.id}': mesh '{part.mesh}' has no triangles or cannot be read.")
    if tris.max() >= len(verts) or tris.min() < 0:
        raise GuideError(f"part '{part.id}': mesh '{part.mesh}' has out-of-range triangle indices.")
    if not np.isfinite(verts).all():
        raise GuideError(f"part '{part.id}': mesh '{part.mesh}' has vertices that are not finite numbers.")
    verts = verts * np.asarray(part.scale) * UNIT_TO_M[part.units]
    corners = verts[tris]  # (M, 3, 3): unshare so each face shades flat
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = normals / np.where(lengths > 0, lengths, 1.0)
    flat = corners.reshape(-1, 3)
    return MeshData(flat, np.repeat(normals, 3, axis=0), np.arange(len(flat), dtype=np.int32).reshape(-1, 3))


def load_meshes(guide: Guide, guide_dir: Path) -> dict[str, MeshData]:
    """Read each distinct mesh once (fasteners share files) into part-local metres."""
    cache: dict[tuple[str, str, tuple[float, float, float]], MeshData] = {}
    out: dict[str, MeshData] = {}
    for part in guide.parts:
        key = (part.mesh, part.units, part.scale)
        if key not in cache:
            path = Path(guide_dir) / part.mesh
            if not path.is_file():
                raise GuideError(f"part '{part.id}': missing mesh file '{part.mesh}'.")
            cache[key] = _read_mesh(path, part)
        out[part.id] = cache[key]
    return out


def ease(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def muted(color: tuple[float, float, float]) -> tuple[float, float, float]:
    return vec3(0.45 * c + 0.55 * 0.8 for c in color)


class StepScene:
    """Final world geometry of every part plus the per-step roles and exploded offsets."""

    def __init__(self, guide: Guide, meshes: dict[str, MeshData]) -> None:
        self.guide = guide
        self.meshes = meshes
        self.world_vertices: dict[str, np.ndarray] = {}
        self.world_normals: dict[str, np.ndarray] = {}
        for part in guide.parts:
            m = pose_matrix(part.final_pose)
            self.world_vertices[part.id] = meshes[part.id].vertices @ m[:3, :3].T + m[:3, 3]
            self.world_normals[part.id] = meshes[part.id].normals @ m[:3, :3].T
        self._item_points: np.ndarray | None = None
        lo, hi = self.assembled_bounds()
        self.diagonal = float(np.linalg.norm(hi - lo))
        self.step_of = {pid: n for n, s in enumerate(guide.steps) for pid in s.part_ids}
        self._distances = {pl.part: self._distance(pl.part, pl.approach, pl.distance)
                           for s in guide.steps for pl in s.placements}

    def assembled_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds (metres) of every non-tool part at its final pose."""
        pts = np.concatenate([self.world_vertices[p.id] for p in self.guide.parts if not p.is_tool])
        return pts.min(axis=0), pts.max(axis=0)

    def item_points(self) -> np.ndarray:
        """Distinct vertices of the assembled item (tools left out): what framing must show."""
        if self._item_points is None:
            pts = np.concatenate([self.world_vertices[p.id] for p in self.guide.parts if not p.is_tool])
            self._item_points = np.unique(pts.round(5), axis=0)
        return self._item_points

    def assembled_dimensions_cm(self) -> tuple[float, float, float]:
        lo, hi = self.assembled_bounds()
        return vec3((hi - lo) * 100.0)

    def _distance(self, pid: str, approach: tuple[float, float, float], given: float | None) -> float:
        if given is not None:
            return float(given)
        v = self.world_vertices[pid]
        extent = float(np.ptp(v @ np.asarray(approach)))
        if self.guide.part(pid).is_fastener:
            return max(2.5 * extent, 0.06 * self.diagonal)
        return 0.6 * extent + 0.15 * self.diagonal

    def frame(self, step: int, t: float) -> Frame:
        """Roles and offsets at animation time ``t`` of 0-based ``step``."""
        steps = self.guide.steps
        if not 0 <= step < len(steps):
            raise IndexError(f"step {step} out of range 0..{len(steps) - 1}")
        current = steps[step]
        has_struct = any(not self.guide.part(p).is_fastener for p in current.part_ids)
        has_fast = any(self.guide.part(p).is_fastener for p in current.part_ids)
        approach = {pl.part: pl.approach for pl in current.placements}
        out = []
        for part in self.guide.parts:
            offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
            if part.is_tool:
                role = Role.TOOL if part.id in current.tools else Role.HIDDEN
            elif self.step_of[part.id] < step:
                role = Role.PLACED
            elif self.step_of[part.id] > step:
                role = Role.HIDDEN
            else:
                role = Role.FASTENER if part.is_fastener else Role.CURRENT
                phase = FASTENER_PHASE if part.is_fastener else STRUCT_PHASE
                if not (has_struct and has_fast):
                    phase = (0.0, 1.0)
                s = ease((t - phase[0]) / (phase[1] - phase[0]))
                back = (1.0 - s) * self._distances[part.id]
                offset = vec3(-a * back for a in approach[part.id])
            out.append(PartFrame(part.id, role, offset))
        return Frame(step, t, tuple(out))

    def step_bounds(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of everything visible during the step's whole animation, for framing."""
        boxes = []
        for t in (0.0, 1.0):
            for pf in self.frame(step, t).parts:
                if pf.role is Role.HIDDEN:
                    continue
                v = self.world_vertices[pf.part_id]
                boxes += [v.min(axis=0) + pf.offset, v.max(axis=0) + pf.offset]
        pts = np.asarray(boxes)
        return pts.min(axis=0), pts.max(axis=0)

    def part_color(self, part_id: str, role: Role) -> tuple[float, float, float]:
        part = self.guide.part(part_id)
        if role is Role.CURRENT:
            return HIGHLIGHT
        if role is Role.FASTENER:
            return FASTENER_HIGHLIGHT
        if role is Role.TOOL:
            return TOOL_COLOR
        return PLACED_FASTENER if part.is_fastener else muted(part.color)

    def default_view(self, step: int) -> tuple[float, float]:
        """(yaw, pitch) in degrees showing where this step's parts go in.

        Fittings driven from below (cam locks, bracket screws) are only visible from below,
        and those driven from the back only from behind, so the view follows the mean
        approach of the step's fasteners (or of its boards when it has none).
        """
        placements = self.guide.steps[step].placements
        fast = [pl.approach for pl in placements if self.guide.part(pl.part).is_fastener]
        dirs = np.asarray(fast or [pl.approach for pl in placements] or [(0.0, 0.0, -1.0)])
        mean = dirs.mean(axis=0)
        yaw, pitch = -58.0, 24.0
        if fast and mean[2] > 0.3:  # boards pushed up into place stay visible from above
            pitch = -28.0
        if mean[1] < -0.5:
            yaw = 58.0
        return yaw, pitch

    def camera(self, step: int, width: int, height: int, *, yaw_offset: float = 0.0,
               pitch_offset: float = 0.0, zoom: float = 1.0, fov_deg: float = 40.0) -> Camera:
        """Orbit camera on the step; offsets are the user's orbit, ``zoom`` > 1 moves in.

        The view fits everything the step animates (exploded parts included) but never backs off
        so far that the assembled item fills less than ``MIN_FILL`` of the view's width or height:
        a customer must see the furniture, not a speck among flying screws.  Parts that start far
        out may then begin just outside the frame and fly in.
        """
        yaw, pitch = self.default_view(step)
        yaw, pitch = yaw + yaw_offset, pitch + pitch_offset
        lo, hi = self.step_bounds(step)
        a_lo, a_hi = self.assembled_bounds()
        lo, hi = np.minimum(lo, a_lo), np.maximum(hi, a_hi)
        center = (lo + hi) / 2
        fy = (height / 2) / math.tan(math.radians(fov_deg) / 2)
        item = self.item_points()
        dist = fit_distance(_corners(lo, hi), center, yaw, pitch, width, height, fy)
        if _fill(item, orbit_camera(center, dist, yaw, pitch, width, height, fy)) < MIN_FILL:
            center = (a_lo + a_hi) / 2  # centre the furniture; far-flung parts fly in from the edge
            near = fit_distance(item, center, yaw, pitch, width, height, fy)
            far = max(near, fit_distance(_corners(lo, hi), center, yaw, pitch, width, height, fy))
            for _ in range(30):  # the fill falls as the camera backs off: bisect for MIN_FILL
                mid = (near + far) / 2
                if _fill(item, orbit_camera(center, mid, yaw, pitch, width, height, fy)) >= MIN_FILL:
                    near = mid
                else:
                    far = mid
            dist = near
        probe = orbit_camera(center, 1.0, yaw, pitch, width, height, fy)
        radius = float(np.max(np.linalg.norm((_corners(lo, hi) - center) @ probe.extrinsic[:3, :3].T, axis=1)))
        dist = max(dist / max(zoom, 0.05), 0.3 * radius)
        return orbit_camera(center, dist, yaw, pitch, width, height, fy)


#: Share of the view's width or height the assembled item fills at the default zoom (issue 23).
MIN_FILL = 0.62
#: Share of the view a fitted box may use; the rest is a margin so nothing touches the edge.
FIT_MARGIN = 0.88


def _corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])


def fit_distance(corners: np.ndarray, center: np.ndarray, yaw: float, pitch: float,
                  width: int, height: int, fy: float) -> float:
    """Smallest orbit distance at which ``corners`` lie inside the view's margin."""
    rot = orbit_camera(center, 1.0, yaw, pitch, width, height, fy).extrinsic[:3, :3]
    rel = (corners - center) @ rot.T  # camera-axis components relative to the centre
    tan_x, tan_y = FIT_MARGIN * (width / 2) / fy, FIT_MARGIN * (height / 2) / fy
    return max(float(np.max(np.abs(rel[:, 0]) / tan_x - rel[:, 2])),
               float(np.max(np.abs(rel[:, 1]) / tan_y - rel[:, 2])), 1e-3)


def view_fill(corners: np.ndarray, camera: Camera) -> float:
    """Larger of the width and height shares of the view that ``corners``' on-screen box covers."""
    return _fill(corners, camera)


def _fill(corners: np.ndarray, camera: Camera) -> float:
    uv = camera.project(corners)
    if np.isnan(uv).any():
        return 1.0  # the camera is inside the box: it fills the view
    u0, v0 = np.clip(uv.min(axis=0), 0, (camera.width, camera.height))
    u1, v1 = np.clip(uv.max(axis=0), 0, (camera.width, camera.height))
    return float(max((u1 - u0) / camera.width, (v1 - v0) / camera.height))


def orbit_camera(center: np.ndarray, dist: float, yaw_deg: float, pitch_deg: float,
                 width: int, height: int, focal: float) -> Camera:
    yaw, pitch = math.radians(yaw_deg), math.radians(max(-85.0, min(85.0, pitch_deg)))
    eye = center + dist * np.array([math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw),
                                    math.sin(pitch)])
    forward = (center - eye) / np.linalg.norm(center - eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    ext = np.eye(4)
    ext[:3, :3] = np.stack([right, down, forward])
    ext[:3, 3] = -ext[:3, :3] @ eye
    return Camera(width, height, focal, focal, ext, vec3(center))
