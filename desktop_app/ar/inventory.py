"""The parts and hardware inventory of a guide, and the tray of parts each step uses.

An IKEA manual opens with every part and fitting drawn once with its count ("×4"), and each
step shows the fittings it needs; a customer checks the box against that page before starting
and picks the right screws at each step.  Parts of one kind and size are one *type* here
(the four legs of a stool, the sixteen dowels); the type is named by what the
parts' names have in common ("Back-left leg", "Front-right leg" -> "leg"), else by its kind.
No Qt here: the view draws these groups; the counts are testable without a display.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import IntEnum

from desktop_app.core.guide_format import Guide, Part, Text

log = logging.getLogger(__name__)

#: Words for each part kind, used when the parts of one type have nothing in their names in common.
KIND_NAMES: dict[str, Text] = {
    "panel": Text("Panel", "板件"), "top": Text("Top", "台面"), "shelf": Text("Shelf", "层板"),
    "leg": Text("Leg", "腿"), "rail": Text("Rail", "横档"), "back_panel": Text("Back panel", "背板"),
    "seat": Text("Seat", "座面"), "plinth": Text("Plinth", "底座板"), "dowel": Text("Dowel", "木榫"),
    "cam_lock": Text("Cam lock", "偏心连接件"), "cam_bolt": Text("Cam bolt", "偏心连接杆"),
    "screw": Text("Screw", "螺丝"), "bolt": Text("Bolt", "螺栓"), "shelf_pin": Text("Shelf pin", "层板托"),
    "bracket": Text("Bracket", "角码"), "nail": Text("Nail", "钉子"), "allen_key": Text("Allen key", "内六角扳手"),
    "screwdriver": Text("Screwdriver", "螺丝刀"),
}
_NUMBER_SUFFIX = re.compile(r"\s*#?\d+$")


class Category(IntEnum):
    """Order on the inventory page: boards first, then fittings, then tools (as IKEA prints them)."""

    PART = 0
    HARDWARE = 1
    TOOL = 2


@dataclass(frozen=True)
class PartGroup:
    """Parts of one type, ``count`` of them: one picture and one "×N" on the page."""

    key: str  # identical geometry: what a picture of one of them shows
    kind: str
    name: Text
    category: Category
    part_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.part_ids)

    def label(self, language: str) -> str:
        """"螺栓 ×4" / "Bolt ×4"."""
        return f"{self.name.get(language)} ×{self.count}"


def type_key(part: Part, extent: tuple[float, float, float] | None = None) -> str:
    """Parts with one key look alike: same kind and mesh, or (sizes known) same kind and size.

    The size form merges boards modelled lying in different directions (a stool's four
    stretchers are two mesh files, one piece in the box); sides are rounded to the millimetre.
    """
    if extent is not None:
        return f"{part.kind}|{'x'.join(str(round(v * 1000)) for v in sorted(extent, reverse=True))}mm"
    return f"{part.kind}|{part.mesh}|{part.units}|{','.join(f'{s:g}' for s in part.scale)}"


def _category(part: Part) -> Category:
    if part.is_tool:
        return Category.TOOL
    return Category.HARDWARE if part.is_fastener else Category.PART


def _common_tail(names: list[str], split: bool) -> str:
    """The words (English) or characters (Chinese) every name ends with."""
    seqs: list[list[str]] = [n.split() if split else list(n) for n in names]
    tail: list[str] = []
    for chars in zip(*(reversed(s) for s in seqs)):
        if any(c != chars[0] for c in chars):
            break
        tail.append(chars[0])
    text = (" " if split else "").join(reversed(tail)).strip()
    return text.lstrip("-·,() ").strip()


def _type_name(parts: list[Part]) -> Text:
    en = [_NUMBER_SUFFIX.sub("", p.name.en).strip() for p in parts]
    zh = [_NUMBER_SUFFIX.sub("", p.name.zh).strip() for p in parts]
    if len(set(en)) == 1 and len(set(zh)) == 1 and en[0] and zh[0]:
        return Text(en[0], zh[0])
    tail_en, tail_zh = _common_tail(en, True), _common_tail(zh, False)
    if tail_en and len(tail_zh) >= 1 and not tail_zh.isascii():
        return Text(tail_en[:1].upper() + tail_en[1:], tail_zh)
    return KIND_NAMES.get(parts[0].kind, Text(parts[0].kind, parts[0].kind))


def _size_text(extent: tuple[float, float, float]) -> str:
    """The two largest sides in centimetres: "38×8 cm", what tells two look-alike rails apart."""
    a, b = sorted(extent, reverse=True)[:2]
    return f"{a * 100:.3g}×{b * 100:.3g} cm"


def _disambiguate(groups: list[PartGroup], extents: Mapping[str, tuple[float, float, float]]) -> list[PartGroup]:
    """Types that would print the same name get their size after it ("Apron 38×8 cm")."""
    out = []
    for g in groups:
        twins = [o for o in groups if o.name == g.name or o.name.en == g.name.en or o.name.zh == g.name.zh]
        if len(twins) > 1 and g.part_ids[0] in extents:
            size = _size_text(extents[g.part_ids[0]])
            g = replace(g, name=Text(f"{g.name.en} {size}", f"{g.name.zh} {size.replace(' cm', ' 厘米')}"))
        out.append(g)
    return out


def inventory(guide: Guide, extents: Mapping[str, tuple[float, float, float]] | None = None
              ) -> tuple[PartGroup, ...]:
    """Every part type of ``guide`` with its count, boards then fittings then tools, in build order.

    ``extents`` (metres per part id along its own axes, from the loaded meshes) groups parts by
    size and tells look-alike types apart by it; without it parts group by mesh file and name.
    """
    first_step = {pid: n for n, s in enumerate(guide.steps) for pid in (*s.part_ids, *s.tools)}
    members: dict[str, list[Part]] = {}
    for part in guide.parts:
        members.setdefault(type_key(part, extents.get(part.id) if extents else None), []).append(part)
    groups = [PartGroup(key, parts[0].kind, _type_name(parts), _category(parts[0]), tuple(p.id for p in parts))
              for key, parts in members.items()]
    if extents:
        groups = _disambiguate(groups, extents)
    order = {p.id: n for n, p in enumerate(guide.parts)}
    return tuple(sorted(groups, key=lambda g: (g.category, min(first_step.get(p, 10**6) for p in g.part_ids),
                                                order[g.part_ids[0]])))


def step_tray(guide: Guide, step: int, groups: tuple[PartGroup, ...] | None = None) -> tuple[PartGroup, ...]:
    """The types the 0-based ``step`` uses, each counted for this step only, tools last."""
    if not 0 <= step < len(guide.steps):
        raise IndexError(f"step {step} out of range 0..{len(guide.steps) - 1}")
    used = set(guide.steps[step].part_ids) | set(guide.steps[step].tools)
    out = []
    for group in groups if groups is not None else inventory(guide):
        ids = tuple(p for p in group.part_ids if p in used)
        if ids:
            out.append(PartGroup(group.key, group.kind, group.name, group.category, ids))
    return tuple(out)


def summary(groups: tuple[PartGroup, ...], language: str) -> str:
    """One line over the inventory page: how many types and pieces of each category."""
    words = {Category.PART: ("Parts", "部件"), Category.HARDWARE: ("Hardware", "五金件"),
             Category.TOOL: ("Tools", "工具")}
    pieces = []
    for cat in Category:
        members = [g for g in groups if g.category is cat]
        if not members:
            continue
        total = sum(g.count for g in members)
        en, zh = words[cat]
        pieces.append(f"{zh} {len(members)} 种 {total} 件" if language == "zh"
                      else f"{en}: {total} ({len(members)} {'type' if len(members) == 1 else 'types'})")
    return ("，" if language == "zh" else " · ").join(pieces)
