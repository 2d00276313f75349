"""Low-poly meshes of boards and of the real hardware in a flat-pack box.

Sizes are the catalogue sizes of common fittings (8x30 mm dowel, 15 mm cam lock, M6 cam bolt,
4x30 mm wood screw...) so a detector trained on them sees true proportions.  Every fastener
mesh is built along +z with its tip at -z and its head at +z, centred on the origin; a design
orients it by mapping +z to the direction the head faces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MM = 0.001


@dataclass(frozen=True, eq=False)
class RawMesh:
    vertices: np.ndarray  # (N, 3) metres
    triangles: np.ndarray  # (M, 3) int

    def moved(self, offset: tuple[float, float, float]) -> RawMesh:
        return RawMesh(self.vertices + np.asarray(offset), self.triangles)


def combine(*meshes: RawMesh) -> RawMesh:
    verts, tris, base = [], [], 0
    for m in meshes:
        verts.append(m.vertices)
        tris.append(m.triangles + base)
        base += len(m.vertices)
    return RawMesh(np.concatenate(verts), np.concatenate(tris))


def box(sx: float, sy: float, sz: float) -> RawMesh:
    x, y, z = sx / 2, sy / 2, sz / 2
    v = np.array([[-x, -y, -z], [x, -y, -z], [x, y, -z], [-x, y, -z],
                  [-x, -y, z], [x, -y, z], [x, y, z], [-x, y, z]])
    t = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                  [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])
    return RawMesh(v, t)


def cylinder(radius: float, height: float, segments: int = 12, top_radius: float | None = None) -> RawMesh:
    """Closed (frustum) cylinder along z, centred on the origin."""
    top_radius = radius if top_radius is None else top_radius
    a = np.linspace(0, 2 * math.pi, segments, endpoint=False)
    ring = np.stack([np.cos(a), np.sin(a)], axis=1)
    bottom = np.column_stack([ring * radius, np.full(segments, -height / 2)])
    top = np.column_stack([ring * top_radius, np.full(segments, height / 2)])
    v = np.concatenate([bottom, top, [[0, 0, -height / 2], [0, 0, height / 2]]])
    cb, ct = 2 * segments, 2 * segments + 1
    tris = []
    for i in range(segments):
        j = (i + 1) % segments
        tris += [[i, j, segments + j], [i, segments + j, segments + i], [cb, j, i], [ct, segments + i, segments + j]]
    return RawMesh(v, np.array(tris))


def dowel(diameter_mm: float = 8, length_mm: float = 30) -> RawMesh:
    return cylinder(diameter_mm / 2 * MM, length_mm * MM, 10)


def cam_lock(diameter_mm: float = 15, height_mm: float = 12) -> RawMesh:
    """Zinc cam disc with its screwdriver slot ridge on the visible face (+z)."""
    h = height_mm * MM
    body = cylinder(diameter_mm / 2 * MM, h * 0.9, 14).moved((0, 0, -h * 0.05))
    slot = box(diameter_mm * 0.7 * MM, 1.5 * MM, h * 0.1).moved((0, 0, h * 0.45))
    return combine(body, slot)


def cam_bolt(length_mm: float = 34, thread_mm: float = 6) -> RawMesh:
    """Bolt with a ball head that the cam disc grips; thread at -z, head at +z."""
    L = length_mm * MM
    thread = cylinder(thread_mm / 2 * MM, 0.45 * L, 8).moved((0, 0, -0.275 * L))
    collar = cylinder(thread_mm * 0.8 * MM, 0.08 * L, 8).moved((0, 0, -0.01 * L))
    neck = cylinder(thread_mm * 0.35 * MM, 0.3 * L, 8).moved((0, 0, 0.18 * L))
    head = cylinder(thread_mm * 0.55 * MM, 0.17 * L, 8, top_radius=thread_mm * 0.3 * MM).moved((0, 0, 0.415 * L))
    return combine(thread, collar, neck, head)


def screw(diameter_mm: float = 4, length_mm: float = 30, head_mm: float = 8) -> RawMesh:
    L, d = length_mm * MM, diameter_mm * MM
    tip = cylinder(d * 0.1, 0.12 * L, 8, top_radius=d / 2).moved((0, 0, -0.44 * L))
    shank = cylinder(d / 2, 0.78 * L, 8).moved((0, 0, 0.01 * L))
    head = cylinder(d / 2, 0.1 * L, 10, top_radius=head_mm / 2 * MM).moved((0, 0, 0.45 * L))
    return combine(tip, shank, head)


def socket_bolt(diameter_mm: float = 6, length_mm: float = 50) -> RawMesh:
    L, d = length_mm * MM, diameter_mm * MM
    shank = cylinder(d / 2, 0.9 * L, 8).moved((0, 0, -0.05 * L))
    head = cylinder(0.85 * d, 0.1 * L, 10).moved((0, 0, 0.45 * L))
    return combine(shank, head)


def shelf_pin(diameter_mm: float = 5, length_mm: float = 16) -> RawMesh:
    L = length_mm * MM
    peg = cylinder(diameter_mm / 2 * MM, 0.6 * L, 8).moved((0, 0, -0.2 * L))
    plate = box(8 * MM, 10 * MM, 0.4 * L).moved((0, -3 * MM, 0.3 * L))
    return combine(peg, plate)


def corner_bracket(width_mm: float = 30, leg_mm: float = 25, thick_mm: float = 2) -> RawMesh:
    """Steel angle: one plate in the x-z plane, one in the x-y plane along +y, meeting at +z."""
    w, leg, t = width_mm * MM, leg_mm * MM, thick_mm * MM
    upright = box(w, t, leg).moved((0, t / 2, -leg / 2 + t / 2))
    flat = box(w, leg, t).moved((0, leg / 2, 0))
    return combine(upright, flat).moved((0, -leg / 2, leg / 2 - t / 2))


def allen_key(size_mm: float = 4, long_mm: float = 70, short_mm: float = 22) -> RawMesh:
    s = size_mm * MM
    long = box(s, s, long_mm * MM)
    short = box(short_mm * MM, s, s).moved(((short_mm * MM - s) / 2, 0, (long_mm * MM - s) / 2))
    return combine(long, short)


def screwdriver() -> RawMesh:
    handle = cylinder(13 * MM, 95 * MM, 10).moved((0, 0, 47.5 * MM))
    shaft = cylinder(3 * MM, 85 * MM, 8).moved((0, 0, -42.5 * MM))
    return combine(handle, shaft)


def quat_z_to(direction: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """(w, x, y, z) rotating +z onto ``direction`` (used to orient fasteners)."""
    d = np.asarray(direction, dtype=float)
    d /= np.linalg.norm(d)
    z = np.array([0.0, 0.0, 1.0])
    c = float(np.dot(z, d))
    if c > 1 - 1e-9:
        return (1.0, 0.0, 0.0, 0.0)
    if c < -1 + 1e-9:
        return (0.0, 1.0, 0.0, 0.0)
    axis = np.cross(z, d)
    axis /= np.linalg.norm(axis)
    half = math.acos(c) / 2
    s = math.sin(half)
    return (math.cos(half), float(axis[0] * s), float(axis[1] * s), float(axis[2] * s))


def quat_about_z(degrees: float) -> tuple[float, float, float, float]:
    h = math.radians(degrees) / 2
    return (math.cos(h), 0.0, 0.0, math.sin(h))


def quat_mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    w1, x1, y1, z1 = a
    w2, x2, y2, z2 = b
    return (w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2, w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
            w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2)
