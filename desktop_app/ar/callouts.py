"""What a guide points at: arrows from where each new part starts to where it goes, and part pictures.

An exploded animation alone is easy to miss (a screw flying 3 cm in a fraction of a second), so
IKEA and Dynamics 365 Guides both draw an arrow from a part to its place.  Here the arrows are
computed in pixels from the step's own geometry (the part's centre at its exploded start and at
its final pose, projected with the frame's camera) and painted over the rendered image by the
view: always on top, in one colour that none of the parts uses, and cheap (no extra GL work).

The inventory's pictures use the same renderer: :func:`thumbnail_camera` frames one part type,
standing as it stands in the finished item, in the middle square of the render.
No GL or Qt here, so the projection is testable without a display.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from desktop_app.ar.scene import Camera, Role, StepScene, fit_distance, orbit_camera
from desktop_app.ar.vec import vec3

log = logging.getLogger(__name__)

#: Arrows shorter than this on screen say nothing (the part barely moves in this view).
MIN_ARROW_PIXELS = 14.0
#: More arrows than this turn into a hedgehog; the longest ones are kept.
MAX_ARROWS = 24
THUMB_YAW, THUMB_PITCH, THUMB_FOV = -58.0, 24.0, 30.0


@dataclass(frozen=True)
class Arrow:
    """From ``start`` to ``end`` in image pixels (u right, v down); ``fastener`` for fittings."""

    part_id: str
    start: tuple[float, float]
    end: tuple[float, float]
    fastener: bool

    @property
    def length(self) -> float:
        return math.hypot(self.end[0] - self.start[0], self.end[1] - self.start[1])


def part_centres(scene: StepScene) -> dict[str, np.ndarray]:
    """Centre of each part's box at its final pose (metres, world frame)."""
    return {pid: (v.min(axis=0) + v.max(axis=0)) / 2 for pid, v in scene.world_vertices.items()}


def part_extents(scene: StepScene) -> dict[str, tuple[float, float, float]]:
    """Size of each part along its own axes (metres): what tells two look-alike boards apart."""
    return {pid: vec3(np.ptp(m.vertices, axis=0)) for pid, m in scene.meshes.items()}


def step_arrows(scene: StepScene, step: int, camera: Camera,
                centres: dict[str, np.ndarray] | None = None) -> tuple[Arrow, ...]:
    """One arrow per part the 0-based ``step`` moves, from its exploded start to its place."""
    centres = centres if centres is not None else part_centres(scene)
    start = scene.frame(step, 0.0)
    moving = [pf for pf in start.parts if pf.role in (Role.CURRENT, Role.FASTENER)]
    if not moving:
        return ()
    ends = np.array([centres[pf.part_id] for pf in moving])
    starts = ends + np.array([pf.offset for pf in moving])
    uv_start, uv_end = camera.project(starts), camera.project(ends)
    arrows = []
    for pf, (u0, v0), (u1, v1) in zip(moving, uv_start, uv_end):
        if not all(math.isfinite(c) for c in (u0, v0, u1, v1)):
            continue  # behind the camera: nothing sensible to draw
        arrow = Arrow(pf.part_id, (float(u0), float(v0)), (float(u1), float(v1)), pf.role is Role.FASTENER)
        if arrow.length >= MIN_ARROW_PIXELS:
            arrows.append(arrow)
    arrows.sort(key=lambda a: -a.length)
    return tuple(arrows[:MAX_ARROWS])


def thumbnail_camera(scene: StepScene, part_id: str, width: int, height: int) -> Camera:
    """A camera on ``part_id`` alone that fits it in the centre ``min(width, height)`` square."""
    pts = scene.world_vertices[part_id]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    side = min(width, height)
    fy = (height / 2) / math.tan(math.radians(THUMB_FOV) / 2)
    dist = fit_distance(corners, centre, THUMB_YAW, THUMB_PITCH, side, side, fy)
    return orbit_camera(centre, dist, THUMB_YAW, THUMB_PITCH, width, height, fy)
