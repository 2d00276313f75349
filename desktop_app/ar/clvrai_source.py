"""Read one clvrai furniture item: MuJoCo XML (bodies, geometry, sites, welds) and recipe YAML.

Only what the guide importer needs is kept: each body's visible geometry (meshes, and boxes for
the toy items built from primitives), its connection sites (``a-b,angles,conn_siteN``), its
collision boxes (to tell a placement that interpenetrates another part), and the weld list.
Every malformed input becomes one :class:`GuideError` line naming the file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from desktop_app.ar.scene import pose_matrix
from desktop_app.ar.vec import vec3, vec4
from desktop_app.core.guide_format import GuideError, Pose

#: SafeLoader that also accepts ``!!python/tuple`` and ``!!python/list`` (recipes use both, as plain
#: sequences) and nothing else unsafe; made with type() because PyYAML ships no type information
#: for a class statement to subclass.
_RecipeLoader = type("_RecipeLoader", (yaml.SafeLoader,), {})
yaml.add_constructor("tag:yaml.org,2002:python/tuple",
                     lambda loader, node: tuple(loader.construct_sequence(node)), Loader=_RecipeLoader)
yaml.add_constructor("tag:yaml.org,2002:python/list",
                     lambda loader, node: list(loader.construct_sequence(node)), Loader=_RecipeLoader)


@dataclass(frozen=True)
class Geom:
    """One visible shape of a body: a mesh file, or a box (half-sizes) when ``mesh_file`` is None."""

    mesh_file: str | None
    scale: tuple[float, float, float]
    pose: np.ndarray  # 4x4 geom -> body
    box_half: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Body:
    name: str
    pose: np.ndarray  # 4x4 body -> world in the XML's (roughly assembled) layout
    geoms: tuple[Geom, ...]
    sites: dict[str, np.ndarray]  # name -> 4x4 site -> body
    boxes: tuple[tuple[np.ndarray, np.ndarray], ...] = ()  # collision boxes: (4x4 box -> body, half sizes)


@dataclass(frozen=True)
class Item:
    model: str
    bodies: dict[str, Body]
    welds: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pair:
    """One recipe line; sites are None where the recipe has no ``site_recipe``."""

    moving: str
    target: str
    site_moving: str | None
    site_target: str | None
    angle: float | None


def _floats(text: str | None, n: int, default: tuple[float, ...], where: str) -> tuple[float, ...]:
    if text is None:
        return default
    try:
        vals = tuple(float(v) for v in text.split())
    except ValueError:
        raise GuideError(f"{where}: expected {n} numbers, got {text!r}.") from None
    if len(vals) != n or not all(np.isfinite(vals)):
        raise GuideError(f"{where}: expected {n} finite numbers, got {text!r}.")
    return vals


def _matrix(el: ET.Element, where: str) -> np.ndarray:
    pos = _floats(el.get("pos"), 3, (0.0, 0.0, 0.0), where)
    q = np.asarray(_floats(el.get("quat"), 4, (1.0, 0.0, 0.0, 0.0), where))
    if np.linalg.norm(q) < 1e-9:
        raise GuideError(f"{where}: zero quaternion.")
    return pose_matrix(Pose(vec3(pos), vec4(q / np.linalg.norm(q))))


def _visible(geom: ET.Element) -> bool:
    rgba = geom.get("rgba", "1 1 1 1").split()
    return not geom.get("name", "").startswith("noviz") and not (len(rgba) == 4 and float(rgba[3]) == 0.0)


def parse_item(path: Path) -> Item:
    """Bodies with their visible geometry and sites, plus the weld list, from a clvrai XML."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise GuideError(f"{path.name}: cannot read MuJoCo XML ({exc}).") from None
    assets = {m.get("name"): (m.get("file", ""), vec3(_floats(m.get("scale"), 3, (1, 1, 1), f"mesh {m.get('name')}")))
              for m in root.iter("mesh")}
    bodies: dict[str, Body] = {}
    for body in root.iter("body"):
        name = body.get("name", "")
        geoms = []
        for g in body.findall("geom"):
            where = f"{path.name}: geom '{g.get('name')}' of '{name}'"
            if g.get("type") == "mesh":
                if g.get("mesh") not in assets:
                    raise GuideError(f"{path.name}: body '{name}' uses undeclared mesh '{g.get('mesh')}'.")
                file, scale = assets[g.get("mesh")]
                geoms.append(Geom(file, scale, _matrix(g, where)))
            elif g.get("type") == "box" and _visible(g):
                geoms.append(Geom(None, (1.0, 1.0, 1.0), _matrix(g, where), vec3(_floats(g.get("size"), 3, (), where))))
        if not geoms or not name:
            continue
        sites = {s.get("name", ""): _matrix(s, f"{path.name}: site '{s.get('name')}'")
                 for s in body.findall("site") if "conn_site" in s.get("name", "")}
        boxes = tuple((_matrix(g, f"{path.name}: box of '{name}'"),
                       np.asarray(_floats(g.get("size"), 3, (0.0, 0.0, 0.0), f"{path.name}: box of '{name}'")))
                      for g in body.findall("geom") if g.get("type") == "box")
        bodies[name] = Body(name, _matrix(body, f"{path.name}: body '{name}'"), tuple(geoms), sites, boxes)
    if not bodies:
        raise GuideError(f"{path.name}: no bodies with visible geometry (meshes or boxes).")
    welds = tuple((w.get("body1", ""), w.get("body2", "")) for w in root.iter("weld"))
    return Item(root.get("model") or path.stem, bodies, welds)


def parse_recipe(path: Path) -> list[Pair]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_RecipeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GuideError(f"{path.name}: cannot read recipe YAML ({type(exc).__name__}).") from None
    raw = raw if isinstance(raw, dict) else {}
    recipe, sites = raw.get("recipe") or [], raw.get("site_recipe") or []
    if not recipe:
        raise GuideError(f"{path.name}: no recipe (the file lists no assembly pairs).")
    if sites and len(sites) != len(recipe):
        raise GuideError(f"{path.name}: site_recipe has {len(sites)} entries for {len(recipe)} recipe pairs.")
    pairs = []
    for i, entry in enumerate(recipe):
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise GuideError(f"{path.name}: recipe entry {i + 1} is not a pair of part names.")
        s = sites[i] if sites else (None, None)
        if not isinstance(s, (list, tuple)) or len(s) not in (2, 3):
            raise GuideError(f"{path.name}: site_recipe entry {i + 1} is not (site, site[, angle]).")
        try:
            angle = float(s[2]) if len(s) == 3 and s[2] is not None else None
        except (TypeError, ValueError):
            raise GuideError(f"{path.name}: site_recipe entry {i + 1} has a non-numeric angle.") from None
        pairs.append(Pair(str(entry[0]), str(entry[1]), None if s[0] is None else str(s[0]),
                          None if s[1] is None else str(s[1]), angle))
    return pairs
