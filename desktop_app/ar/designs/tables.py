"""Apron tables built as two end frames joined by long aprons: the writing desk and the coffee table.

Unlike the small side table (built front and back first), a long table is put together as a
left and a right end frame (two legs and a short apron each), then the long aprons join them,
brackets hold the top, and an optional cable tray or lower shelf goes in last.  The joinery
(dowels and bolts per apron end, brackets and screws) scales with the table, so each product's
steps ask for their own counts of fittings.  Frame: x across the front, y towards the back,
z up, origin at the bottom centre.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

OAK = (0.72, 0.55, 0.34)
Move = tuple[str, tuple[float, float, float]]
DOWN, UP = (0.0, 0.0, -1.0), (0.0, 0.0, 1.0)


@dataclass(frozen=True)
class TableSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    top: float = 2.5
    leg: float = 5.0
    inset: float = 2.0
    apron_t: float = 2.0
    apron_h: float = 8.0
    dowels_per_end: int = 2
    bolts_per_end: int = 1
    brackets_long: int = 1  # per long apron; one per short apron
    apron_screws: int = 2  # per bracket
    top_screws: int = 2  # per bracket
    lower_shelf: float = 0.0  # underside height of a lower shelf on shelf pins (0 = none)
    cable_tray: bool = False
    wood: tuple[float, float, float] = OAK


def _spread(n: int, lo: float, hi: float) -> list[float]:
    return [(lo + hi) / 2] if n == 1 else [lo + k * (hi - lo) / (n - 1) for k in range(n)]


def build(spec: TableSpec) -> DesignBuilder:
    W, D, H, L, at = spec.width, spec.depth, spec.height, spec.leg, spec.apron_t
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    leg_h = H - spec.top
    ix, iy = W / 2 - spec.inset - L, D / 2 - spec.inset - L  # legs' inner faces
    za = leg_h - spec.apron_h
    off = spec.inset + 1.0  # aprons sit 10 mm behind the legs' outer faces
    legs = {}
    for pid, en, zh, sx, sy in (("leg_fl", "Front-left leg", "左前腿", -1, -1), ("leg_bl", "Back-left leg", "左后腿", -1, 1),
                                ("leg_fr", "Front-right leg", "右前腿", 1, -1), ("leg_br", "Back-right leg", "右后腿", 1, 1)):
        x = -W / 2 + spec.inset if sx < 0 else ix
        y = -D / 2 + spec.inset if sy < 0 else iy
        legs[pid] = b.board(pid, Text(en, zh), "leg", (L, L, leg_h), (x, y, 0))
    yf, xs = -D / 2 + off, -W / 2 + off  # outer faces of the front and left aprons
    b.board("apron_left", Text("Left apron", "左挡板"), "rail", (at, 2 * iy, spec.apron_h), (xs, -iy, za))
    b.board("apron_right", Text("Right apron", "右挡板"), "rail", (at, 2 * iy, spec.apron_h), (-xs - at, -iy, za))
    b.board("apron_front", Text("Front apron", "前挡板"), "rail", (2 * ix, at, spec.apron_h), (-ix, yf, za))
    b.board("apron_back", Text("Back apron", "后挡板"), "rail", (2 * ix, at, spec.apron_h), (-ix, -yf - at, za))
    b.board("tabletop", Text("Tabletop", "桌面"), "top", (W, D, spec.top), (-W / 2, -D / 2, leg_h))
    allen = b.hardware("allen_key", (W / 2 + 8, -D / 2 - 4, 0.2), (1, 0, 0))
    driver = b.hardware("screwdriver", (W / 2 + 8, -D / 2 - 14, 1.3), (1, 0, 0))
    zs = _spread(spec.dowels_per_end, za + 1.5, leg_h - 1.5)
    zb = _spread(spec.bolts_per_end, za + 3.0, leg_h - 3.0)

    def end_joints(x: float, s: int) -> tuple[list[Move], list[Move]]:
        """Dowels and bolts joining the short apron at x (side s) to its two legs."""
        dowels = [(b.hardware("dowel", (x + s * at / 2, sy * iy, z), (0, -sy, 0)), (0.0, float(sy), 0.0))
                  for sy in (-1, 1) for z in zs]
        bolts = [(b.hardware("bolt", (x + s * at / 2, sy * (D / 2 - spec.inset - 2.5), z + 0.6), (0, sy, 0)),
                  (0.0, -float(sy), 0.0)) for sy in (-1, 1) for z in zb]
        return dowels, bolts

    def long_joints(y: float) -> tuple[list[Move], list[Move]]:
        dowels = [(b.hardware("dowel", (sx * ix, y, z), (-sx, 0, 0)), (float(sx), 0.0, 0.0))
                  for sx in (-1, 1) for z in zs]
        bolts = [(b.hardware("bolt", (sx * (W / 2 - spec.inset - 2.5), y, z - 0.6), (sx, 0, 0)), (-float(sx), 0.0, 0.0))
                 for sx in (-1, 1) for z in zb]
        return dowels, bolts

    left = end_joints(xs, 1)
    right = end_joints(-xs, -1)
    front = long_joints(yf + at / 2)
    back = long_joints(-yf - at / 2)
    blanket = (("Assemble on a blanket so the oak does not scratch.", "请在软毯上组装，以免刮伤橡木。"),)
    for side, (en, zh), joints, pair in (("left", ("left", "左"), left, ("leg_fl", "leg_bl")),
                                         ("right", ("right", "右"), right, ("leg_fr", "leg_br"))):
        dowels, bolts = joints
        b.step(f"Build the {en} end frame: stand the two {en} legs, tap in {len(dowels)} dowels, fit the {en} apron "
               f"and fix it with {len(bolts)} M6 bolts.",
               f"组装{zh}侧框架：立起两条{zh}腿，敲入 {len(dowels)} 个木榫，装上{zh}挡板并用 {len(bolts)} 颗 M6 螺栓固定。",
               [(legs[p], DOWN) for p in pair] + dowels + [(f"apron_{side}", DOWN)] + bolts, tools=(allen,),
               cautions=blanket if side == "left" else ())
    n_d, n_b = len(front[0]) + len(back[0]), len(front[1]) + len(back[1])
    b.step(f"Tap {n_d} dowels into the legs, fit the front and back aprons between the end frames and fix them "
           f"with {n_b} M6 bolts.",
           f"在桌腿上敲入 {n_d} 个木榫，将前、后挡板装在两个侧框架之间，用 {n_b} 颗 M6 螺栓固定。",
           front[0] + back[0] + [("apron_front", DOWN), ("apron_back", DOWN)] + front[1] + back[1], tools=(allen,),
           cautions=(("Tighten the bolts crosswise, a little at a time, so the frame stays square.",
                      "按对角顺序分次拧紧螺栓，保持框架方正。"),))
    brackets, top_screws = _brackets(b, spec, ix, iy, yf, xs, leg_h, driver)
    b.step(f"Lay the tabletop on the frame and screw it on from below through the brackets ({len(top_screws)} short "
           "screws).", f"将桌面放在框架上，从下方穿过角码用 {len(top_screws)} 颗短螺丝固定。",
           [("tabletop", DOWN)] + [(p, UP) for p in top_screws], tools=(driver,),
           cautions=(("Use only the 16 mm screws here; longer ones go through the top.",
                      "此处只能用 16 毫米螺丝，过长会穿透桌面。"),))
    if spec.cable_tray:
        _cable_tray(b, spec, ix, yf, za, driver)
    if spec.lower_shelf:
        _lower_shelf(b, spec, ix, iy)
    return b


def _brackets(b: DesignBuilder, spec: TableSpec, ix: float, iy: float, yf: float, xs: float, leg_h: float,
              driver: str) -> tuple[list[str], list[str]]:
    """Steel brackets screwed inside the aprons (one step), returning them and the top's screws."""
    at, z = spec.apron_t, leg_h - 1.25
    places: list[tuple[float, float, float, tuple[float, float]]] = []  # x, y, spin, towards its apron
    for x in _spread(spec.brackets_long, -ix * 0.5, ix * 0.5):
        places += [(x, yf + at + 1.25, 0.0, (0.0, -1.0)), (x, -yf - at - 1.25, 180.0, (0.0, 1.0))]
    places += [(xs + at + 1.25, 0.0, -90.0, (-1.0, 0.0)), (-xs - at - 1.25, 0.0, 90.0, (1.0, 0.0))]
    brackets, apron_screws, top_screws = [], [], []
    for x, y, spin, (ox, oy) in places:
        brackets.append((b.hardware("bracket", (x, y, z), (0, 0, 1), spin), (ox, oy, 0.0)))
        along = (-oy, ox)  # along the apron
        for k in _spread(spec.apron_screws, -0.9, 0.9):
            apron_screws.append((b.hardware("screw16", (x + along[0] * k + ox * 0.9, y + along[1] * k + oy * 0.9,
                                                        leg_h - 1.65), (-ox, -oy, 0)), (ox, oy, 0.0)))
        top_screws += [b.hardware("screw16", (x + along[0] * k - ox * 0.5, y + along[1] * k - oy * 0.5,
                                              leg_h + 0.44), DOWN) for k in _spread(spec.top_screws, -0.9, 0.9)]
    b.step(f"Screw {len(brackets)} steel brackets inside the aprons ({len(apron_screws)} short screws).",
           f"在挡板内侧用 {len(apron_screws)} 颗短螺丝固定 {len(brackets)} 个钢角码。",
           brackets + apron_screws, tools=(driver,))
    return [p for p, _ in brackets], top_screws


def _cable_tray(b: DesignBuilder, spec: TableSpec, ix: float, yf: float, za: float, driver: str) -> None:
    """A shelf-like cable tray hung under the back apron on two brackets."""
    w, d, z = ix, 12.0, za - 6.0
    y0 = -yf - spec.apron_t - d
    tray = b.board("cable_tray", Text("Cable tray", "理线槽板"), "shelf", (w, d, 1.2), (-w / 2, y0, z))
    moves: list[Move] = [(tray, UP)]  # everything goes in from below, where the customer works
    for x in (-w / 2 + 3.0, w / 2 - 3.0):
        moves.append((b.hardware("bracket", (x, -yf - spec.apron_t - 1.25, z + 1.2 + 1.25), (0, 0, -1), 180), UP))
        moves += [(b.hardware("screw16", (x + dx, -yf - spec.apron_t - 1.6, z + 0.4), DOWN), UP)
                  for dx in (-0.8, 0.0, 0.8)]
    b.step("Hang the cable tray under the back apron on 2 brackets (6 short screws).",
           "用 2 个角码和 6 颗短螺丝把理线槽板挂在后挡板下方。", moves, tools=(driver,),
           cautions=(("Keep power strips in the tray off the floor, away from spills.",
                      "插线板放在理线槽内，远离地面和水渍。"),))


def _lower_shelf(b: DesignBuilder, spec: TableSpec, ix: float, iy: float) -> None:
    z = spec.lower_shelf
    pins = [(b.hardware("shelf_pin", (sx * ix, sy * (iy - 3.0), z - 0.42), (sx, 0, 0)), (-float(sx), 0.0, 0.0))
            for sx in (-1, 1) for sy in (-1, 1)]
    b.board("shelf_lower", Text("Lower shelf", "下层搁板"), "shelf", (2 * ix, 2 * iy, 1.8), (-ix, -iy, z))
    b.step("Turn the table upright, push 4 shelf pins into the legs and lower the shelf onto them.",
           "将桌子翻正，在桌腿内侧插入 4 个层板托，再把下层搁板放上去。",
           pins + [("shelf_lower", DOWN)],
           cautions=(("The lower shelf holds magazines, not people: maximum 10 kg.",
                      "下层搁板用于放杂志，请勿站立：最大承重 10 公斤。"),))
