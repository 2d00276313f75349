"""The assembly-guide file format: frozen dataclasses, strict validation, JSON load/save.

A guide is data a merchant ships next to its meshes, so every load validates everything the
player relies on (meshes exist, steps name known parts, poses are rigid transforms, each
part is placed once, fastener counts add up) and fails with one message naming the problem
instead of a traceback deep inside the renderer.  See docs/guide-format.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.errors import AppError

FORMAT_VERSION = 1
GUIDE_FILE = "guide.json"
MESH_SUFFIXES = (".ply", ".obj", ".stl")
UNIT_TO_M = {"m": 1.0, "cm": 0.01, "mm": 0.001}

STRUCTURAL_KINDS = frozenset(
    {"panel", "top", "shelf", "leg", "rail", "back_panel", "seat", "plinth"}
)
FASTENER_KINDS = frozenset(
    {"dowel", "cam_lock", "cam_bolt", "screw", "bolt", "shelf_pin", "bracket", "nail"}
)
TOOL_KINDS = frozenset({"allen_key", "screwdriver"})
PART_KINDS = STRUCTURAL_KINDS | FASTENER_KINDS | TOOL_KINDS
#: A guide is a few kilobytes of JSON; megabytes are a mistake or an attack on the parser.
MAX_GUIDE_BYTES = 4_000_000


class GuideError(AppError):
    """A guide that cannot be played; the message names the file and the problem."""

    code = "bad_guide"


@dataclass(frozen=True)
class Text:
    en: str
    zh: str

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Pose:
    """Rigid transform in metres; quaternion is (w, x, y, z), as MuJoCo writes it."""

    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    quat: tuple[float, float, float, float] = (1.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Part:
    id: str
    name: Text
    kind: str
    mesh: str  # relative to the guide directory
    units: str = "m"
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    final_pose: Pose = field(default_factory=Pose)
    color: tuple[float, float, float] = (0.75, 0.6, 0.42)

    @property
    def is_tool(self) -> bool:
        return self.kind in TOOL_KINDS

    @property
    def is_fastener(self) -> bool:
        return self.kind in FASTENER_KINDS


@dataclass(frozen=True)
class Placement:
    """One part placed in a step; ``approach`` is the unit direction it travels into place."""

    part: str
    approach: tuple[float, float, float]
    distance: float | None = None  # metres of travel; None lets the scene pick one


@dataclass(frozen=True)
class FastenerCount:
    kind: str
    count: int


@dataclass(frozen=True)
class Step:
    instruction: Text
    placements: tuple[Placement, ...]
    fasteners: tuple[FastenerCount, ...] = ()
    tools: tuple[str, ...] = ()  # part ids of tool kinds shown during the step
    cautions: tuple[Text, ...] = ()

    @property
    def part_ids(self) -> tuple[str, ...]:
        return tuple(p.part for p in self.placements)


@dataclass(frozen=True)
class Guide:
    product_id: str
    name: Text
    parts: tuple[Part, ...]
    steps: tuple[Step, ...]
    dimensions_cm: tuple[float, float, float] | None = None  # width x depth x height
    source: str = ""
    format_version: int = FORMAT_VERSION

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)


# ---------------------------------------------------------------- parsing helpers


def _short(raw: Any) -> str:
    """``repr`` of a value for an error message, cut short: the message names the problem, it does
    not echo a megabyte of someone's file back."""
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise GuideError(f"{where}: expected a list, got {_short(raw)}.", message_zh=f"{where}：应为列表。")
    return raw


def _name(raw: Any, where: str) -> str:
    """A string used as a key (part id, kind, units, tool): anything else cannot even be looked up."""
    if not isinstance(raw, str) or not raw or len(raw) > 200 or "\x00" in raw:
        raise GuideError(f"{where}: expected a short non-empty string, got {_short(raw)}.",
                         message_zh=f"{where}：应为非空短字符串。")
    return raw


def _need(obj: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise GuideError(f"{where}: missing field '{key}'.", message_zh=f"{where}：缺少字段“{key}”。")
    return obj[key]


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not isinstance(raw.get("en"), str) or not isinstance(raw.get("zh"), str):
        raise GuideError(f"{where}: expected {{'en': ..., 'zh': ...}} text.")
    if not raw["en"].strip() or not raw["zh"].strip():
        raise GuideError(f"{where}: English and Chinese text must both be non-empty.")
    return Text(raw["en"], raw["zh"])


def _vec(raw: Any, n: int, where: str) -> tuple[float, ...]:
    if not isinstance(raw, (list, tuple)) or len(raw) != n:
        raise GuideError(f"{where}: expected {n} numbers, got {_short(raw)}.")
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in raw):
        raise GuideError(f"{where}: expected {n} numbers, got {_short(raw)}.")
    try:
        values = tuple(float(v) for v in raw)
    except (TypeError, ValueError, OverflowError):
        raise GuideError(f"{where}: expected {n} numbers, got {_short(raw)}.") from None
    if not all(math.isfinite(v) for v in values):
        raise GuideError(f"{where}: numbers must be finite, got {_short(raw)}.")
    return values


def _vec3(raw: Any, where: str) -> tuple[float, float, float]:
    x, y, z = _vec(raw, 3, where)
    return x, y, z


def _pose(raw: Any, where: str) -> Pose:
    pos = _vec3(_need(raw, "position", where), f"{where}.position")
    quat = _vec(_need(raw, "quat", where), 4, f"{where}.quat")
    norm = math.sqrt(sum(q * q for q in quat))
    if abs(norm - 1.0) > 1e-3:
        raise GuideError(f"{where}: bad pose, quaternion {list(quat)} has norm {norm:.4f} (must be 1).")
    w, x, y, z = (q / norm for q in quat)
    return Pose(pos, (w, x, y, z))


def _part(raw: Any, where: str) -> Part:
    pid = _need(raw, "id", where)
    if not isinstance(pid, str) or not pid:
        raise GuideError(f"{where}: part id must be a non-empty string.")
    pid = _name(pid, f"{where}.id")
    where = f"part '{pid}'"
    kind = _name(_need(raw, "kind", where), f"{where}.kind")
    if kind not in PART_KINDS:
        raise GuideError(f"{where}: unknown kind '{kind}' (known: {', '.join(sorted(PART_KINDS))}).")
    mesh = _need(raw, "mesh", where)
    if not isinstance(mesh, str) or "\x00" in mesh or Path(mesh).suffix.lower() not in MESH_SUFFIXES:
        raise GuideError(f"{where}: mesh must be a .ply, .obj or .stl path, got {_short(mesh)}.")
    if Path(mesh).is_absolute() or ".." in Path(mesh).parts:
        raise GuideError(f"{where}: mesh path must stay inside the guide directory, got {_short(mesh)}.")
    units = _name(raw.get("units", "m"), f"{where}.units")
    if units not in UNIT_TO_M:
        raise GuideError(f"{where}: unknown units '{units}' (use m, cm or mm).")
    scale = _vec3(raw.get("scale", [1, 1, 1]), f"{where}.scale")
    if any(s <= 0 for s in scale):
        raise GuideError(f"{where}: scale must be positive, got {list(scale)}.")
    color = _vec3(raw.get("color", [0.75, 0.6, 0.42]), f"{where}.color")
    return Part(
        id=pid,
        name=_text(_need(raw, "name", where), f"{where}.name"),
        kind=kind,
        mesh=mesh,
        units=units,
        scale=scale,
        final_pose=_pose(_need(raw, "final_pose", where), f"{where}.final_pose"),
        color=color,
    )


def _step(raw: Any, n: int, parts: dict[str, Part]) -> Step:
    where = f"step {n}"
    placements = []
    for i, pl in enumerate(_list(_need(raw, "parts", where), f"{where}.parts")):
        pid = _name(_need(pl, "part", f"{where}.parts[{i}]"), f"{where}.parts[{i}].part")
        if pid not in parts:
            raise GuideError(f"{where}: unknown part '{pid}'.", message_zh=f"第{n}步：未知部件“{pid}”。")
        if parts[pid].is_tool:
            raise GuideError(f"{where}: '{pid}' is a tool; list it under 'tools', not 'parts'.")
        approach = _vec3(_need(pl, "approach", f"{where} part '{pid}'"), f"{where} part '{pid}'.approach")
        length = math.sqrt(sum(a * a for a in approach))
        if length < 1e-9:
            raise GuideError(f"{where} part '{pid}': approach direction must not be zero.")
        dist = pl.get("distance")
        if dist is not None and (isinstance(dist, bool) or not isinstance(dist, (int, float))
                                 or not 0 < dist < 1e6 or not math.isfinite(dist)):
            raise GuideError(f"{where} part '{pid}': distance must be a positive number of metres.")
        ax, ay, az = (a / length for a in approach)
        placements.append(Placement(pid, (ax, ay, az), dist))
    fasteners = []
    for i, fc in enumerate(_list(raw.get("fasteners", []), f"{where}.fasteners")):
        kind, count = _need(fc, "kind", f"{where}.fasteners[{i}]"), _need(fc, "count", f"{where}.fasteners[{i}]")
        if not isinstance(kind, str) or kind not in FASTENER_KINDS or isinstance(count, bool) \
                or not isinstance(count, int) or not 0 < count < 10_000:
            raise GuideError(f"{where}: bad fastener entry {_short(fc)}.")
        fasteners.append(FastenerCount(kind, count))
    tools = tuple(_name(t, f"{where}.tools") for t in _list(raw.get("tools", []), f"{where}.tools"))
    for t in tools:
        if t not in parts or not parts[t].is_tool:
            raise GuideError(f"{where}: tool '{t}' is not a tool part of this guide.")
    cautions = tuple(_text(c, f"{where}.cautions[{i}]")
                     for i, c in enumerate(_list(raw.get("cautions", []), f"{where}.cautions")))
    return Step(_text(_need(raw, "instruction", where), f"{where}.instruction"),
                tuple(placements), tuple(fasteners), tools, cautions)


def guide_from_dict(raw: Any, guide_dir: Path | None = None) -> Guide:
    """Validate ``raw`` into a :class:`Guide`; with ``guide_dir``, also require every mesh file."""
    if not isinstance(raw, dict):
        raise GuideError("guide: top level must be a JSON object.")
    version = _need(raw, "format_version", "guide")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise GuideError(f"guide: unsupported format_version {_short(version)} (this app reads {FORMAT_VERSION}).")
    product_id = _need(raw, "product_id", "guide")
    if not isinstance(product_id, str) or not product_id.strip():
        raise GuideError("guide: product_id must be a non-empty string.")
    parts: dict[str, Part] = {}
    for i, rp in enumerate(_list(_need(raw, "parts", "guide"), "guide.parts")):
        part = _part(rp, f"parts[{i}]")
        if part.id in parts:
            raise GuideError(f"part '{part.id}' is declared twice.")
        if guide_dir is not None and not (guide_dir / part.mesh).is_file():
            raise GuideError(f"part '{part.id}': missing mesh file '{part.mesh}' in {guide_dir}.",
                             message_zh=f"部件“{part.id}”缺少网格文件“{part.mesh}”。")
        parts[part.id] = part
    raw_steps = _list(_need(raw, "steps", "guide"), "guide.steps")
    if not raw_steps:
        raise GuideError("guide: needs at least one step.")
    steps = tuple(_step(rs, n, parts) for n, rs in enumerate(raw_steps, start=1))
    _check_consistency(parts, steps)
    dims = raw.get("dimensions_cm")
    return Guide(
        product_id=product_id,
        name=_text(_need(raw, "name", "guide"), "guide.name"),
        parts=tuple(parts.values()),
        steps=steps,
        dimensions_cm=None if dims is None else _vec3(dims, "guide.dimensions_cm"),
        source=raw["source"] if isinstance(raw.get("source"), str) else "",
    )


def _check_consistency(parts: dict[str, Part], steps: tuple[Step, ...]) -> None:
    placed_in: dict[str, int] = {}
    for n, step in enumerate(steps, start=1):
        for pid in step.part_ids:
            if pid in placed_in:
                raise GuideError(f"step {n}: part '{pid}' was already placed in step {placed_in[pid]}.")
            placed_in[pid] = n
        declared = {fc.kind: fc.count for fc in step.fasteners}
        modelled: dict[str, int] = {}
        for pid in step.part_ids:
            if parts[pid].is_fastener:
                modelled[parts[pid].kind] = modelled.get(parts[pid].kind, 0) + 1
        if declared != modelled:
            raise GuideError(f"step {n}: fastener counts {declared} do not match the parts placed {modelled}.")
    never = [pid for pid, p in parts.items() if not p.is_tool and pid not in placed_in]
    if never:
        raise GuideError(f"guide: parts never placed in any step: {', '.join(never)}.")


def guide_to_dict(guide: Guide) -> dict[str, Any]:
    def text(t: Text) -> dict[str, str]:
        return {"en": t.en, "zh": t.zh}

    out: dict[str, Any] = {
        "format_version": guide.format_version,
        "product_id": guide.product_id,
        "name": text(guide.name),
    }
    if guide.dimensions_cm is not None:
        out["dimensions_cm"] = [round(v, 3) for v in guide.dimensions_cm]
    if guide.source:
        out["source"] = guide.source
    out["parts"] = [
        {
            "id": p.id, "name": text(p.name), "kind": p.kind, "mesh": p.mesh, "units": p.units,
            "scale": list(p.scale),
            "final_pose": {"position": [round(v, 6) for v in p.final_pose.position],
                           "quat": [round(v, 7) for v in p.final_pose.quat]},
            "color": [round(c, 3) for c in p.color],
        }
        for p in guide.parts
    ]
    out["steps"] = [
        {
            "instruction": text(s.instruction),
            "parts": [
                {"part": pl.part, "approach": [round(a, 6) for a in pl.approach]}
                | ({} if pl.distance is None else {"distance": pl.distance})
                for pl in s.placements
            ],
            "fasteners": [{"kind": f.kind, "count": f.count} for f in s.fasteners],
            "tools": list(s.tools),
            "cautions": [text(c) for c in s.cautions],
        }
        for s in guide.steps
    ]
    return out


def load_guide(guide_dir: Path | str) -> Guide:
    """Load and validate ``guide_dir/guide.json`` (a path to the JSON file itself also works)."""
    path = Path(guide_dir)
    if path.is_dir():
        path = path / GUIDE_FILE
    if not path.is_file():
        raise GuideError(f"No guide found at {path}.", message_zh=f"找不到安装指南：{path}")
    try:
        if path.stat().st_size > MAX_GUIDE_BYTES:
            raise GuideError(f"{path}: the guide file is too large (at most {MAX_GUIDE_BYTES // 1_000_000} MB).",
                             message_zh=f"{path}：安装指南文件过大（最多 {MAX_GUIDE_BYTES // 1_000_000} MB）。")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, and numbers over 4300 digits
        raise GuideError(f"{path}: not valid JSON ({_short(str(exc))}).",
                         message_zh=f"{path}：不是有效的 JSON。") from None
    except RecursionError:
        raise GuideError(f"{path}: the JSON is nested too deeply.", message_zh=f"{path}：JSON 嵌套层级过深。") from None
    try:
        return guide_from_dict(raw, path.parent)
    except GuideError as exc:
        raise GuideError(f"{path}: {exc.message}", message_zh=f"{path}：{exc.message_zh}") from None


def save_guide(guide: Guide, guide_dir: Path | str) -> Path:
    path = Path(guide_dir) / GUIDE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(guide_to_dict(guide), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
