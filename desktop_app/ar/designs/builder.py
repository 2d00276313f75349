"""Collects a parametric design's parts and steps and writes a playable guide directory.

Designs speak in centimetres (as furniture is specified) and the builder converts to the
guide's metres, names fasteners bilingually, counts fasteners per step and shares one mesh
file between identical boards or fittings so the assets stay small.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from desktop_app.ar.designs import parts as hw
from desktop_app.ar.vec import vec3
from desktop_app.core.guide_format import (
    FASTENER_KINDS,
    FastenerCount,
    Guide,
    Part,
    Placement,
    Pose,
    Step,
    Text,
    guide_from_dict,
    guide_to_dict,
    save_guide,
)

log = logging.getLogger(__name__)
CM = 0.01

HARDWARE: dict[str, tuple[str, str, str, str]] = {
    # spec: (part kind, mesh key, English name, Chinese name)
    "dowel": ("dowel", "dowel_8x30", "Wooden dowel 8x30 mm", "木榫 8x30 毫米"),
    "cam_lock": ("cam_lock", "cam_lock_15", "Cam lock 15 mm", "偏心锁 15 毫米"),
    "cam_bolt": ("cam_bolt", "cam_bolt_m6x34", "Cam bolt M6x34", "偏心连接杆 M6x34"),
    "screw30": ("screw", "screw_4x30", "Wood screw 4x30 mm", "木螺丝 4x30 毫米"),
    "screw16": ("screw", "screw_4x16", "Wood screw 4x16 mm", "木螺丝 4x16 毫米"),
    "nail": ("nail", "nail_2x20", "Panel nail 2x20 mm", "背板钉 2x20 毫米"),
    "bolt": ("bolt", "bolt_m6x50", "Hex socket bolt M6x50", "内六角螺栓 M6x50"),
    "shelf_pin": ("shelf_pin", "shelf_pin_5", "Shelf pin 5 mm", "层板托 5 毫米"),
    "bracket": ("bracket", "bracket_30", "Steel angle bracket", "钢制角码"),
    "allen_key": ("allen_key", "allen_key_4", "Allen key 4 mm", "内六角扳手 4 毫米"),
    "screwdriver": ("screwdriver", "screwdriver", "Phillips screwdriver", "十字螺丝刀"),
}
HARDWARE_MESHES = {
    "dowel_8x30": hw.dowel, "cam_lock_15": hw.cam_lock, "cam_bolt_m6x34": hw.cam_bolt,
    "screw_4x30": hw.screw, "screw_4x16": lambda: hw.screw(4, 16, 8), "bolt_m6x50": hw.socket_bolt,
    "nail_2x20": lambda: hw.screw(2, 20, 5),
    "shelf_pin_5": hw.shelf_pin, "bracket_30": hw.corner_bracket, "allen_key_4": hw.allen_key,
    "screwdriver": hw.screwdriver,
}
METAL = (0.62, 0.63, 0.66)
TOOL_RED = (0.75, 0.12, 0.1)


@dataclass
class DesignBuilder:
    product_id: str
    name: Text
    dimensions_cm: tuple[float, float, float]
    wood: tuple[float, float, float]
    meshes: dict[str, hw.RawMesh] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def board(self, pid: str, name: Text, kind: str, size_cm: tuple[float, float, float],
              min_corner_cm: tuple[float, float, float]) -> str:
        """An axis-aligned board given by its size and its lowest (x, y, z) corner, in cm."""
        key = "board_" + "x".join(f"{s:g}" for s in size_cm).replace(".", "p")
        if key not in self.meshes:
            self.meshes[key] = hw.box(*(s * CM for s in size_cm))
        center = vec3((c + s / 2) * CM for c, s in zip(min_corner_cm, size_cm))
        self.parts.append(Part(pid, name, kind, f"meshes/{key}.ply", "m", (1.0, 1.0, 1.0),
                               Pose(center, (1.0, 0.0, 0.0, 0.0)), self.wood))
        return pid

    def beam(self, pid: str, name: Text, kind: str, size_cm: tuple[float, float, float],
             center_cm: tuple[float, float, float], quat: tuple[float, float, float, float]) -> str:
        """A board turned by ``quat`` about its centre (a leaning ladder rail, a sloped backrest)."""
        key = "board_" + "x".join(f"{s:g}" for s in size_cm).replace(".", "p")
        if key not in self.meshes:
            self.meshes[key] = hw.box(*(s * CM for s in size_cm))
        self.parts.append(Part(pid, name, kind, f"meshes/{key}.ply", "m", (1.0, 1.0, 1.0),
                               Pose(vec3(c * CM for c in center_cm), quat), self.wood))
        return pid

    def hardware(self, spec: str, center_cm: tuple[float, float, float],
                 head_dir: tuple[float, float, float] = (0, 0, 1), spin_deg: float = 0.0) -> str:
        """A fitting centred at ``center_cm`` whose head faces ``head_dir``; returns its part id."""
        kind, key, en, zh = HARDWARE[spec]
        if key not in self.meshes:
            self.meshes[key] = HARDWARE_MESHES[key]()
        n = self._counts[kind] = self._counts.get(kind, 0) + 1
        quat = hw.quat_mul(hw.quat_z_to(head_dir), hw.quat_about_z(spin_deg))
        color = TOOL_RED if kind == "screwdriver" else METAL
        pid = f"{kind}_{n:02d}"
        self.parts.append(Part(pid, Text(f"{en} #{n}", f"{zh} #{n}"), kind, f"meshes/{key}.ply", "m",
                               (1.0, 1.0, 1.0), Pose(vec3(c * CM for c in center_cm), quat), color))
        return pid

    def step(self, en: str, zh: str, placements: Sequence[tuple[str, tuple[float, float, float]]],
             tools: tuple[str, ...] = (), cautions: tuple[tuple[str, str], ...] = ()) -> None:
        """Add a step; fastener counts are derived from the fittings placed, never typed by hand."""
        kinds = {p.id: p.kind for p in self.parts}
        counts: dict[str, int] = {}
        for pid, _ in placements:
            if kinds[pid] in FASTENER_KINDS:
                counts[kinds[pid]] = counts.get(kinds[pid], 0) + 1
        self.steps.append(Step(
            Text(en, zh),
            tuple(Placement(pid, vec3(np.asarray(d) / np.linalg.norm(d)))
                  for pid, d in placements),
            tuple(FastenerCount(k, c) for k, c in counts.items()),
            tools,
            tuple(Text(e, z) for e, z in cautions),
        ))

    def guide(self) -> Guide:
        return Guide(self.product_id, self.name, tuple(self.parts), tuple(self.steps), self.dimensions_cm,
                     source="desktop_app.ar.designs (parametric)")

    def write(self, out_dir: Path) -> Guide:
        """Write meshes and guide.json, then reload through the validator so bad output fails here."""
        import open3d as o3d

        out_dir = Path(out_dir)
        (out_dir / "meshes").mkdir(parents=True, exist_ok=True)
        for key, raw in self.meshes.items():
            mesh = o3d.geometry.TriangleMesh(o3d.utility.Vector3dVector(raw.vertices),
                                             o3d.utility.Vector3iVector(raw.triangles.astype(np.int32)))
            if not o3d.io.write_triangle_mesh(str(out_dir / "meshes" / f"{key}.ply"), mesh,
                                              write_ascii=False, compressed=False, write_vertex_normals=False,
                                              write_vertex_colors=False, write_triangle_uvs=False):
                raise OSError(f"could not write mesh {key}")
        guide = self.guide()
        save_guide(guide, out_dir)
        return guide_from_dict(guide_to_dict(guide), out_dir)
