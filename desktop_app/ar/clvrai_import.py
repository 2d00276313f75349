"""Import IKEA furniture from the clvrai furniture-assembly set (MuJoCo XML + recipe YAML).

The XML gives each part's mesh file and scale and its connection sites; the recipe gives the
assembly order and which site joins which.  Final poses come from the sites, not from the
XML's scattered initial body poses: the base part keeps its orientation and each part is
rotated so its site frame matches its partner's (turned by the recipe's angle about the
shared up axis) and moved so the two sites coincide.  The result stands on z = 0.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from desktop_app.ar.qr import write_guide_codes
from desktop_app.ar.scene import StepScene, load_meshes, matrix_to_quat, pose_matrix, quat_to_matrix
from desktop_app.ar.vec import vec3, vec4
from desktop_app.core.guide_format import Guide, GuideError, Part, Placement, Pose, Step, Text, load_guide, save_guide

log = logging.getLogger(__name__)

KNOWN_PRODUCTS = {"table_lack_0825": "FUR-LACK-55", "bench_bjursta_0210": "FUR-BENCH-BJ"}
FAMILY = {  # model prefix: (product name, base part name, leg name)
    "table": (("LACK-style side table", "LACK 风格边桌"), ("Table top", "桌面"), ("Leg", "桌腿")),
    "bench": (("BJURSTA-style bench", "BJURSTA 风格长凳"), ("Bench seat", "凳面"), ("Leg", "凳腿")),
    "chair": (("Chair", "椅子"), ("Seat", "座面"), ("Leg", "椅腿")),
}
WOOD = (0.82, 0.71, 0.55)


#: SafeLoader that also accepts ``!!python/tuple`` (as a tuple) and nothing else unsafe; made with
#: type() because PyYAML ships no type information for a class statement to subclass.
_RecipeLoader = type("_RecipeLoader", (yaml.SafeLoader,), {})
yaml.add_constructor("tag:yaml.org,2002:python/tuple",
                     lambda loader, node: tuple(loader.construct_sequence(node)), Loader=_RecipeLoader)


@dataclass(frozen=True)
class _Body:
    name: str
    pose: np.ndarray  # 4x4 body -> world (XML initial placement)
    mesh_file: str
    scale: tuple[float, float, float]
    mesh_pose: np.ndarray  # 4x4 mesh -> body
    sites: dict[str, np.ndarray]  # name -> 4x4 site -> body


@dataclass(frozen=True)
class ImportResult:
    guide: Guide
    out_dir: Path
    dimensions_cm: tuple[float, float, float]


def _floats(text: str | None, n: int, default: tuple[float, ...]) -> tuple[float, ...]:
    if text is None:
        return default
    vals = tuple(float(v) for v in text.split())
    if len(vals) != n:
        raise GuideError(f"expected {n} numbers, got {text!r}")
    return vals


def _matrix(pos: tuple[float, ...], quat: tuple[float, ...]) -> np.ndarray:
    q = np.asarray(quat, dtype=float)
    return pose_matrix(Pose(vec3(pos), vec4(q / np.linalg.norm(q))))


def _parse_xml(path: Path) -> tuple[str, dict[str, _Body]]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise GuideError(f"{path}: cannot read MuJoCo XML ({exc}).") from None
    assets = {m.get("name"): (m.get("file", ""), vec3(_floats(m.get("scale"), 3, (1.0, 1.0, 1.0))))
              for m in root.iter("mesh")}
    bodies: dict[str, _Body] = {}
    for body in root.iter("body"):
        geom = next((g for g in body.findall("geom") if g.get("type") == "mesh"), None)
        if geom is None:
            continue
        if geom.get("mesh") not in assets:
            raise GuideError(f"{path}: body '{body.get('name')}' uses unknown mesh '{geom.get('mesh')}'.")
        file, scale = assets[geom.get("mesh")]
        sites = {name: _matrix(_floats(s.get("pos"), 3, (0, 0, 0)), _floats(s.get("quat"), 4, (1, 0, 0, 0)))
                 for s in body.findall("site") if (name := s.get("name"))}
        body_name = body.get("name", "")
        bodies[body_name] = _Body(
            body_name,
            _matrix(_floats(body.get("pos"), 3, (0, 0, 0)), _floats(body.get("quat"), 4, (1, 0, 0, 0))),
            file, scale,
            _matrix(_floats(geom.get("pos"), 3, (0, 0, 0)), _floats(geom.get("quat"), 4, (1, 0, 0, 0))),
            sites)
    if not bodies:
        raise GuideError(f"{path}: no bodies with meshes.")
    return root.get("model") or path.stem, bodies


def _parse_recipe(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, float]]]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_RecipeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: cannot read recipe YAML ({exc}).") from None
    recipe = [(str(a), str(b)) for a, b in (raw or {}).get("recipe") or []]
    sites = [(str(a), str(b), float(ang)) for a, b, ang in (raw or {}).get("site_recipe") or []]
    if not recipe or len(recipe) != len(sites):
        raise GuideError(f"{path}: recipe and site_recipe must be non-empty and of equal length.")
    return recipe, sites


def _rot_z(degrees: float) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3] = quat_to_matrix((np.cos(np.radians(degrees) / 2), 0.0, 0.0, np.sin(np.radians(degrees) / 2)))
    return m


def _solve_poses(bodies: dict[str, _Body], recipe: list[tuple[str, str]],
                 site_recipe: list[tuple[str, str, float]]) -> dict[str, np.ndarray]:
    """Body -> world of the assembled item, joining each recipe pair at its connection sites."""
    moving = {m for m, _ in recipe}
    bases = [t for _, t in recipe if t not in moving]
    if not bases:
        raise GuideError("recipe has no base part (every part is attached to another).")
    world = {bases[0]: bodies[bases[0]].pose}
    pending = list(zip(recipe, site_recipe))
    while pending:
        progressed = False
        for item in list(pending):
            (mov, tgt), (s_mov, s_tgt, angle) = item
            if tgt not in world:
                continue
            for body, site in ((mov, s_mov), (tgt, s_tgt)):
                if body not in bodies or site not in bodies[body].sites:
                    raise GuideError(f"recipe joins unknown part/site '{body}'/'{site}'.")
            target_site = world[tgt] @ bodies[tgt].sites[s_tgt] @ _rot_z(angle)
            world[mov] = target_site @ np.linalg.inv(bodies[mov].sites[s_mov])
            pending.remove(item)
            progressed = True
        if not progressed:
            raise GuideError("recipe joins parts that are never connected to the base part.")
    return world


def _part_names(model: str, order: list[str], bodies: dict[str, _Body], base: str) -> dict[str, tuple[Text, str]]:
    family = FAMILY.get(model.split("_")[0], (None, ("Main panel", "主板"), ("Leg", "腿")))
    names = {base: (Text(*family[1]), "top")}
    legs = others = 0
    for body in order:
        sites = [m[:3, 3] for m in bodies[body].sites.values()]
        ext = np.ptp(np.array(sites), axis=0) if sites else np.zeros(3)  # site spread ~ part shape
        if ext[2] > 2 * max(ext[0], ext[1]):
            legs += 1
            names[body] = (Text(f"{family[2][0]} {legs}", f"{family[2][1]} {legs}"), "leg")
        else:
            others += 1
            names[body] = (Text(f"Part {others}", f"部件 {others}"), "panel")
    return names


def import_clvrai(item_xml: Path, recipe_yaml: Path, out_dir: Path, *, product_id: str | None = None) -> ImportResult:
    """Write ``out_dir/guide.json`` plus copied meshes and QR codes; returns the validated guide."""
    item_xml, recipe_yaml, out_dir = Path(item_xml), Path(recipe_yaml), Path(out_dir)
    model, bodies = _parse_xml(item_xml)
    recipe, site_recipe = _parse_recipe(recipe_yaml)
    world = _solve_poses(bodies, recipe, site_recipe)
    base = next(iter(world))
    order = [m for m, _ in recipe]
    names = _part_names(model, order, bodies, base)
    mesh_dir = out_dir / "meshes"
    mesh_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for body in [base] + order:
        b = bodies[body]
        src = (item_xml.parent / b.mesh_file).resolve()
        if not src.is_file():
            raise GuideError(f"{item_xml}: mesh file '{b.mesh_file}' of '{body}' not found.")
        dest = _import_mesh(src, mesh_dir / re.sub(r"[^A-Za-z0-9_.-]", "_", body))
        m = world[body] @ b.mesh_pose
        pose = Pose(vec3(m[:3, 3]), matrix_to_quat(m[:3, :3]))
        name, kind = names[body]
        parts.append(Part(body, name, kind, f"meshes/{dest.name}", "m", b.scale, pose, WOOD))
    parts = _stand_on_floor(parts, out_dir)
    base_name = names[base][0]
    steps = [Step(Text(f"Lay the {base_name.en.lower()} on a soft, clean surface.",
                       f"将{base_name.zh}放在柔软、干净的表面上。"),
                  (Placement(base, (0.0, 0.0, -1.0)),))]
    for (mov, _), (s_mov, _, _) in zip(recipe, site_recipe):
        site_dir = world[mov][:3, :3] @ bodies[mov].sites[s_mov][:3, 3]
        n = np.linalg.norm(site_dir)
        approach = vec3(site_dir / n if n > 1e-9 else np.array([0.0, 0.0, 1.0]))
        leg = names[mov][0]
        steps.append(Step(
            Text(f"Attach {leg.en.lower()} to the {base_name.en.lower()} and turn it until it sits firmly.",
                 f"将{leg.zh}装到{base_name.zh}上，旋紧至牢固。"),
            (Placement(mov, approach),),
            cautions=(Text("Hand-tighten only; do not use a power tool.", "仅用手拧紧，请勿使用电动工具。"),)))
    family = FAMILY.get(model.split("_")[0], ((model, model), None, None))[0]
    guide = Guide(product_id or KNOWN_PRODUCTS.get(model, f"CLVRAI-{model}"), Text(*family), tuple(parts),
                  tuple(steps), None, source=f"clvrai furniture: {item_xml.name} + {recipe_yaml.name}")
    scene = StepScene(guide, load_meshes(guide, out_dir))
    dims = scene.assembled_dimensions_cm()
    guide = replace(guide, dimensions_cm=vec3(round(d, 2) for d in dims))
    save_guide(guide, out_dir)
    write_guide_codes(guide, out_dir / "qr")
    log.info("imported %s as %s: %d parts, %.1f x %.1f x %.1f cm", model, guide.product_id, len(parts), *dims)
    return ImportResult(load_guide(out_dir), out_dir, dims)


#: The source meshes carry up to ~15k triangles for a flat table top; the software GL of a kiosk
#: without a GPU draws every one each frame, so imports are decimated to what the eye can tell.
MAX_IMPORT_TRIANGLES = 1500


def _import_mesh(src: Path, dest_stem: Path) -> Path:
    """Copy one part mesh as PLY, merging duplicated vertices and decimating dense meshes."""
    import open3d as o3d

    mesh = o3d.io.read_triangle_mesh(str(src))
    if not mesh.has_triangles():
        raise GuideError(f"{src}: not a readable triangle mesh.")
    mesh.remove_duplicated_vertices()
    if len(mesh.triangles) > MAX_IMPORT_TRIANGLES:
        mesh = mesh.simplify_quadric_decimation(MAX_IMPORT_TRIANGLES)
    mesh.remove_unreferenced_vertices()
    dest = dest_stem.with_suffix(".ply")
    if not o3d.io.write_triangle_mesh(str(dest), mesh):
        raise GuideError(f"could not write {dest}.")
    return dest


def _stand_on_floor(parts: list[Part], out_dir: Path) -> list[Part]:
    """Shift every pose so the assembly is centred on x, y and rests on z = 0."""
    probe = Guide("probe", Text("probe", "probe"), tuple(parts),
                  (Step(Text("probe", "probe"), tuple(Placement(p.id, (0.0, 0.0, 1.0)) for p in parts)),))
    lo, hi = StepScene(probe, load_meshes(probe, out_dir)).assembled_bounds()
    shift = np.array([-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, -lo[2]])
    return [replace(p, final_pose=Pose(vec3(np.asarray(p.final_pose.position) + shift),
                                       p.final_pose.quat)) for p in parts]
