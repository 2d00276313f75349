"""Import IKEA furniture from the clvrai furniture-assembly set (MuJoCo XML + recipe YAML) as a guide.

Poses come from :mod:`desktop_app.ar.clvrai_assembly` (recipe pairs in either order,
sub-assemblies, the rest joined through the XML's welds).  This module turns the solved joins
into steps a person can follow: the first pair's target is laid down, each join adds the part
that is new; a pair of two new parts starts a separate sub-assembly (both placed in one step,
at their final place), and a join of two sub-assemblies is a step of its own.  Every body's
visible geometry (one or several meshes, or boxes) is merged into one decimated PLY in the
body's frame, so a part is exactly one mesh at one pose, and the item stands on z = 0.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.ar.clvrai_assembly import Join, solve
from desktop_app.ar.clvrai_source import Body, Item, parse_item, parse_recipe
from desktop_app.ar.qr import write_guide_codes
from desktop_app.ar.scene import StepScene, load_meshes, matrix_to_quat
from desktop_app.ar.vec import vec3
from desktop_app.core.guide_format import Guide, GuideError, Part, Placement, Pose, Step, Text, load_guide, save_guide

log = logging.getLogger(__name__)

KNOWN_PRODUCTS = {"table_lack_0825": "FUR-LACK-55", "bench_bjursta_0210": "FUR-BENCH-BJ"}
KNOWN_NAMES = {"table_lack_0825": Text("LACK-style side table", "LACK 风格边桌"),
               "bench_bjursta_0210": Text("BJURSTA-style bench", "BJURSTA 风格长凳")}
FAMILY = {"table": ("table", "桌"), "bench": ("bench", "长凳"), "chair": ("chair", "椅子"),
          "bookcase": ("bookcase", "书柜"), "shelf": ("shelf", "置物架"), "desk": ("desk", "书桌"),
          "cabinet": ("cabinet", "柜子"), "bed": ("bed", "床"), "box": ("box", "收纳盒"), "tvunit": ("TV unit", "电视柜")}
#: The base board's name by product family (the connection sites call it "top" or "table").
FAMILY_TOP = {"table": Text("Table top", "桌面"), "bench": Text("Bench seat", "凳面"), "chair": Text("Seat", "座面")}
#: Role word of a body's connection sites ("leg-top,..." -> "leg"): English, Chinese, part kind.
ROLES = {
    "leg": ("Leg", "腿", "leg"), "column": ("Column", "立柱", "leg"),
    "top": ("Top", "顶板", "top"), "table": ("Table top", "桌面", "top"), "toppanel": ("Top panel", "顶板", "top"),
    "toppane": ("Top panel", "顶板", "top"), "topplane": ("Top panel", "顶板", "top"),
    "seat": ("Seat", "座面", "seat"), "back": ("Back", "靠背", "back_panel"), "front": ("Front frame", "前框", "panel"),
    "side": ("Side rail", "侧档", "rail"), "siderail": ("Side rail", "侧横档", "rail"),
    "midrail": ("Middle rail", "中横档", "rail"), "rail": ("Rail", "横档", "rail"),
    "support": ("Support", "支撑条", "rail"), "topsupp": ("Top support", "顶板支架", "rail"),
    "base": ("Base", "底座", "plinth"), "shelf": ("Shelf", "层板", "shelf"), "panel": ("Panel", "板", "panel"),
    "left": ("Left block", "左块", "panel"), "mid": ("Middle block", "中块", "panel"),
    "right": ("Right block", "右块", "panel"), "backlegs": ("Back legs", "后腿架", "leg"),
    "frontlegs": ("Front legs", "前腿架", "leg"), "lsidesupport": ("Left side support", "左侧支撑", "rail"),
    "rsidesupport": ("Right side support", "右侧支撑", "rail"),
}
WOOD = (0.82, 0.71, 0.55)
#: The source meshes carry up to ~15k triangles for a flat table top; the software GL of a kiosk
#: without a GPU draws every one each frame, so imports are decimated to what the eye can tell.
MAX_IMPORT_TRIANGLES = 1500
HAND_TIGHT = Text("Hand-tighten only; do not use a power tool.", "仅用手拧紧，请勿使用电动工具。")


@dataclass(frozen=True)
class ImportResult:
    guide: Guide
    out_dir: Path
    dimensions_cm: tuple[float, float, float]
    joins: tuple[Join, ...] = ()  # as solved, in order; ``source`` says recipe pair or XML weld


def _role(body: Body) -> str:
    words = [re.sub(r"\d+$", "", site.split(",")[0].split("-")[0]) for site in body.sites]
    return Counter(w for w in words if w).most_common(1)[0][0] if words else ""


def placement_order(joins: tuple[Join, ...]) -> list[str]:
    """Bodies in the order the steps place them (a join's target before its moving part)."""
    order: list[str] = []
    for j in joins:
        order += [b for b in (j.target, j.moving) if b not in order]
    return order


def _part_names(item: Item, family: str, order: list[str]) -> dict[str, tuple[Text, str]]:
    """Name and kind of every body from its connection-site role, numbered in placement order."""
    roles = {name: _role(b) for name, b in item.bodies.items()}
    counts = Counter(roles.values())
    seen: Counter[str] = Counter()
    names: dict[str, tuple[Text, str]] = {}
    for name in order:
        role = roles[name]
        if role in ROLES:
            en, zh, kind = ROLES[role]
            if kind == "top" and role in ("top", "table") and family in FAMILY_TOP:
                en, zh = FAMILY_TOP[family].en, FAMILY_TOP[family].zh
        else:  # unknown role: the spread of its sites tells a leg from a board
            sites = np.array([m[:3, 3] for m in item.bodies[name].sites.values()] or [np.zeros(3)])
            ext = np.ptp(sites, axis=0)
            en, zh, kind = ("Leg", "腿", "leg") if ext[2] > 2 * max(ext[0], ext[1], 1e-9) else ("Part", "部件", "panel")
            role = f"?{kind}"
            counts[role] += 1
        seen[role] += 1
        numbered = counts[role] > 1 or role.startswith("?")
        names[name] = ((Text(f"{en} {seen[role]}", f"{zh} {seen[role]}") if numbered else Text(en, zh)), kind)
    return names


def _body_mesh(item_xml: Path, body: Body) -> Any:
    """All visible geometry of one body merged into one open3d mesh in the body's frame (metres)."""
    import open3d as o3d

    merged = o3d.geometry.TriangleMesh()
    for geom in body.geoms:
        if geom.mesh_file is None:
            assert geom.box_half is not None
            mesh = o3d.geometry.TriangleMesh.create_box(*(2 * h for h in geom.box_half))
            mesh.translate([-h for h in geom.box_half])
        else:
            src = (item_xml.parent / geom.mesh_file).resolve()
            if not src.is_file():
                raise GuideError(f"{item_xml.name}: mesh file '{geom.mesh_file}' of part '{body.name}' is missing.")
            mesh = o3d.io.read_triangle_mesh(str(src))
            if not mesh.has_triangles():
                raise GuideError(f"{item_xml.name}: mesh file '{geom.mesh_file}' is not a readable triangle mesh.")
            mesh.vertices = o3d.utility.Vector3dVector(np.asarray(mesh.vertices) * np.asarray(geom.scale))
        mesh.transform(geom.pose)
        merged += mesh
    merged.remove_duplicated_vertices()
    if len(merged.triangles) > MAX_IMPORT_TRIANGLES:
        merged = merged.simplify_quadric_decimation(MAX_IMPORT_TRIANGLES)
    merged.remove_unreferenced_vertices()
    return merged


def _product_name(model: str) -> Text:
    if model in KNOWN_NAMES:
        return KNOWN_NAMES[model]
    words = model.split("_")
    if words[0] in FAMILY and len(words) >= 2 and words[1].isalpha():
        en, zh = FAMILY[words[0]]
        return Text(f"{words[1].upper()}-style {en}", f"{words[1].upper()} 风格{zh}")
    label = " ".join(words).capitalize()
    return Text(label, f"{label}（clvrai 模型）")


def _steps(joins: tuple[Join, ...], names: dict[str, tuple[Text, str]],
           approach: dict[tuple[str, str], tuple[float, float, float]]) -> list[Step]:
    """Replay the joins as steps, placing bodies in :func:`placement_order`."""
    order: list[str] = []
    group: dict[str, str] = {}
    steps: list[Step] = []
    down = (0.0, 0.0, -1.0)

    def n(body: str) -> Text:
        return names[body][0]

    for j in joins:
        new = [b for b in (j.target, j.moving) if b not in group]
        if not order:  # the very first part is laid down on its own
            steps.append(Step(Text(f"Lay the {n(j.target).en.lower()} on a soft, clean surface.",
                                   f"将{n(j.target).zh}放在柔软、干净的表面上。"), (Placement(j.target, down),)))
            order.append(j.target)
            group[j.target] = j.target
            new = [j.moving]
        if len(new) == 2:
            steps.append(Step(
                Text(f"Start a separate sub-assembly: attach the {n(j.moving).en.lower()} to the "
                     f"{n(j.target).en.lower()}, then set it aside.",
                     f"另起一个部件组：将{n(j.moving).zh}装到{n(j.target).zh}上，先放在一旁。"),
                (Placement(j.target, down), Placement(j.moving, approach[(j.moving, j.site_moving)])),
                cautions=(HAND_TIGHT,)))
        elif len(new) == 1:
            part = new[0]
            other, site = (j.target, j.site_moving) if part == j.moving else (j.moving, j.site_target)
            steps.append(Step(
                Text(f"Attach the {n(part).en.lower()} to the {n(other).en.lower()} and turn it until it sits firmly.",
                     f"将{n(part).zh}装到{n(other).zh}上，旋紧至牢固。"),
                (Placement(part, approach[(part, site)]),), cautions=(HAND_TIGHT,)))
        else:
            steps.append(Step(
                Text(f"Join the two sub-assemblies: bring the {n(j.moving).en.lower()} to the "
                     f"{n(j.target).en.lower()} and fix them together.",
                     f"合并两个部件组：将{n(j.moving).zh}对准{n(j.target).zh}并固定。"),
                (), cautions=(HAND_TIGHT,)))
        for b in new:
            order.append(b)
            group[b] = b
        old, root = group[j.moving], group[j.target]
        for b, g in group.items():
            if g == old:
                group[b] = root
    return steps


def import_clvrai(item_xml: Path, recipe_yaml: Path, out_dir: Path, *, product_id: str | None = None) -> ImportResult:
    """Write ``out_dir/guide.json`` plus meshes and QR codes; returns the validated guide.

    Built in a scratch directory beside ``out_dir`` and moved into place only when complete,
    so a failed import leaves ``out_dir`` as it was.
    """
    item_xml, recipe_yaml, out_dir = Path(item_xml), Path(recipe_yaml), Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / "guide.json").is_file())):
        raise GuideError(f"{out_dir}: exists and is not a guide directory; choose an empty or new --out.")
    item = parse_item(item_xml)
    assembly = solve(item, parse_recipe(recipe_yaml))
    model = item.model
    names = _part_names(item, model.split("_")[0], placement_order(assembly.joins))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=out_dir.parent))
    try:
        guide, dims = _write_guide(item_xml, recipe_yaml, item, assembly.world, assembly.joins, names, work,
                                   product_id or KNOWN_PRODUCTS.get(model, f"CLVRAI-{model}"))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        work.rename(out_dir)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    log.info("imported %s as %s: %d parts, %d steps", model, guide.product_id, len(guide.parts), len(guide.steps))
    return ImportResult(load_guide(out_dir), out_dir, dims, assembly.joins)


def _write_guide(item_xml: Path, recipe_yaml: Path, item: Item, world: dict[str, np.ndarray],
                 joins: tuple[Join, ...], names: dict[str, tuple[Text, str]], out: Path,
                 product_id: str) -> tuple[Guide, tuple[float, float, float]]:
    import open3d as o3d

    mesh_dir = out / "meshes"
    mesh_dir.mkdir(parents=True)
    meshes = {name: _body_mesh(item_xml, body) for name, body in item.bodies.items()}
    pts = np.concatenate([np.asarray(m.vertices) @ world[b][:3, :3].T + world[b][:3, 3] for b, m in meshes.items()])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    shift = np.eye(4)
    shift[:3, 3] = [-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -lo[2]]  # centred, standing on z = 0
    world = {b: shift @ m for b, m in world.items()}
    approach: dict[tuple[str, str], tuple[float, float, float]] = {}
    for b, body in item.bodies.items():
        centre = world[b][:3, :3] @ np.asarray(meshes[b].get_center()) + world[b][:3, 3]
        for site, m in body.sites.items():
            d = (world[b] @ m)[:3, 3] - centre  # a part travels towards the connector it joins by
            norm = float(np.linalg.norm(d))
            approach[(b, site)] = vec3(d / norm) if norm > 1e-9 else (0.0, 0.0, 1.0)
    steps = _steps(joins, names, approach)
    parts = []
    for b in placement_order(joins):
        path = mesh_dir / (re.sub(r"[^A-Za-z0-9_.-]", "_", b) + ".ply")
        if not o3d.io.write_triangle_mesh(str(path), meshes[b]):
            raise GuideError(f"could not write {path}.")
        pose = Pose(vec3(world[b][:3, 3]), matrix_to_quat(world[b][:3, :3]))
        parts.append(Part(b, names[b][0], names[b][1], f"meshes/{path.name}", "m", (1.0, 1.0, 1.0), pose, WOOD))
    guide = Guide(product_id, _product_name(item.model), tuple(parts), tuple(steps), None,
                  source=f"clvrai furniture: {item_xml.name} + {recipe_yaml.name}")
    dims = StepScene(guide, load_meshes(guide, out)).assembled_dimensions_cm()
    guide = replace(guide, dimensions_cm=vec3(round(d, 2) for d in dims))
    save_guide(guide, out)
    write_guide_codes(guide, out / "qr")
    return guide, dims
