"""Cam-and-dowel cabinets: tall two-door cabinet, TV bench, nightstand, from their dimensions.

One carcass family covers every chipboard box the store sells: two sides, a plinth, bottom,
fixed shelves and top joined by one dowel and two cam-lock pairs per end (as the bookshelf),
a hardboard back screwed into the fixed boards, then optional adjustable shelves on pins,
drawers (front, sides, back, hardboard bottom) and doors on hinges.  Doors and drawer fronts
sit in front of the carcass, so the carcass is ``front`` shallower than the product.
Frame: x across the front, y from the front (-) to the wall (+), z up, origin bottom centre.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

WHITE = (0.9, 0.9, 0.88)
BIRCH = (0.86, 0.74, 0.55)
Vec = tuple[float, float, float]


@dataclass(frozen=True)
class Drawer:
    x0: float  # opening, inner carcass coordinates (cm)
    x1: float
    z0: float
    z1: float


@dataclass(frozen=True)
class CabinetSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    wood: tuple[float, float, float] = WHITE
    board: float = 1.8
    back: float = 0.3
    plinth: float = 6.0  # height of the plinth, or of the feet when ``feet``
    feet: bool = False  # four screw-on feet instead of a plinth board
    plinth_cams: int = 1
    cams: int = 2  # cam bolt + cam lock pairs per board end
    dowels: int = 1  # dowels per board end
    front: float = 1.8  # door / drawer-front thickness in front of the carcass
    fixed: tuple[float, ...] = ()  # underside heights (cm) of fixed shelves
    adjustable: tuple[float, ...] = ()  # underside heights of adjustable shelves
    divider_below: float = 0.0  # a vertical divider at x = 0 up to this fixed shelf (0 = none)
    drawers: tuple[Drawer, ...] = ()
    doors: int = 0  # 0 or 2
    hinges: int = 2  # per door
    wall_anchor: bool = False


def _spread(n: int, lo: float, hi: float) -> list[float]:
    return [(lo + hi) / 2] if n == 1 else [lo + k * (hi - lo) / (n - 1) for k in range(n)]


def build(spec: CabinetSpec) -> DesignBuilder:
    W, D, H, t = spec.width, spec.depth, spec.height, spec.board
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    wi, x0 = W - 2 * t, -W / 2
    yc = -D / 2 + spec.front  # front edge of the carcass
    dc = D - spec.front
    bd = dc - 1.0  # horizontal boards stop 10 mm short of the back
    z_top = H - t
    z_side = spec.plinth if spec.feet else 0.0
    b.board("side_left", Text("Left side panel", "左侧板"), "panel", (t, dc, H - z_side), (x0, yc, z_side))
    b.board("side_right", Text("Right side panel", "右侧板"), "panel", (t, dc, H - z_side), (W / 2 - t, yc, z_side))
    py = yc + 1.0
    if not spec.feet:
        b.board("plinth", Text("Plinth (kick board)", "踢脚板"), "plinth", (wi, t, spec.plinth), (-wi / 2, py, 0))
    fixed = [("shelf_bottom", Text("Bottom panel", "底板"), "shelf", spec.plinth)]
    for n, z in enumerate(spec.fixed, 1):
        fixed.append((f"shelf_fixed_{n}", Text(f"Fixed shelf {n}", f"固定层板 {n}"), "shelf", z))
    fixed.append(("top_panel", Text("Top panel", "顶板"), "top", z_top))
    for pid, name, kind, z in fixed:
        b.board(pid, name, kind, (wi, bd, t), (-wi / 2, yc, z))
    back_w = wi + 1.0
    back_y = yc + bd
    b.board("back_panel", Text("Back panel (hardboard)", "背板（硬质纤维板）"), "back_panel",
            (back_w, spec.back, H - spec.plinth - 0.5), (-back_w / 2, back_y, spec.plinth))
    driver = b.hardware("screwdriver", (W / 2 + 12, -D / 2 - 8, 2.0), (1, 0, 0))
    cam_y = _spread(spec.cams, yc + 5.0, yc + bd - 5.0)
    dowel_y = [y + (2.5 if any(abs(y - c) < 2.0 for c in cam_y) else 0.0)
               for y in _spread(spec.dowels, yc + bd * 0.2, yc + bd * 0.8)]

    def joints(side: int) -> tuple[list[str], list[str], list[list[str]]]:
        """Dowels and cam bolts at one end, and the cam locks of each board (plinth first)."""
        face = side * wi / 2
        dowels, bolts, locks = [], [], []
        if not spec.feet:
            dowels.append(b.hardware("dowel", (face, py + t / 2, 1.2), (-side, 0, 0)))
            plinth_locks = []
            for z in _spread(spec.plinth_cams, 2.6, spec.plinth - 1.4):
                bolts.append(b.hardware("cam_bolt", (face - side * 1.0, py + t / 2, z), (-side, 0, 0)))
                plinth_locks.append(b.hardware("cam_lock", (face - side * 3.4, py + t - 0.6, z), (0, 1, 0)))
            locks.append(plinth_locks)
        for _pid, _name, _kind, z in fixed:
            dowels += [b.hardware("dowel", (face, y, z + t / 2), (-side, 0, 0)) for y in dowel_y]
            bolts += [b.hardware("cam_bolt", (face - side * 1.0, y, z + t / 2), (-side, 0, 0)) for y in cam_y]
            locks.append([b.hardware("cam_lock", (face - side * 3.4, y, z + 0.6), (0, 0, -1)) for y in cam_y])
        return dowels, bolts, locks

    left_d, left_b, left_l = joints(-1)
    right_d, right_b, right_l = joints(+1)
    nails = [b.hardware("nail", (x, back_y + spec.back + 0.3 - 1.0, z + t / 2), (0, 1, 0))
             for _p, _n, _k, z in fixed for x in (-wi / 3, 0.0, wi / 3)]
    left, right, up, ahead = (-1.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.0, -1.0, 0.0)

    def lock_moves(groups: list[list[str]]) -> list[tuple[str, tuple[float, float, float]]]:
        plinth = [] if spec.feet else groups[0]
        return [(p, ahead) for p in plinth] + [(p, up) for g in groups[0 if spec.feet else 1:] for p in g]

    n_bolts, n_dowels = len(left_b), len(left_d)
    b.step("Lay the left side panel on a blanket, holes facing up.", "将左侧板平放在软毯上，孔位朝上。",
           [("side_left", (0, 0, -1))],
           cautions=(("Two people are needed to lift the side panels.", "侧板较重，请两人配合搬运。"),))
    b.step(f"Screw {n_bolts} cam bolts into the left panel by hand and tap in {n_dowels} dowels.",
           f"用手将 {n_bolts} 根偏心连接杆拧入左侧板，并敲入 {n_dowels} 个木榫。",
           [(p, left) for p in left_b + left_d], tools=(driver,))
    base = 0 if spec.feet else 1  # index of the bottom panel's locks in left_l
    first = left_l[:base + 1]
    first_parts = [] if spec.feet else [("plinth", left)]
    first_parts.append(("shelf_bottom", left))
    n_first = sum(len(g) for g in first)
    divider = _divider(b, spec, yc, bd) if spec.divider_below else None
    what_en, what_zh = ("the bottom panel", "底板") if spec.feet else ("the plinth and the bottom panel", "踢脚板和底板")
    if divider is not None:
        board, dowels = divider
        b.step(f"Fit {what_en} onto the left panel, lock its {n_first} cam locks, tap 2 dowels into its middle "
               "and stand the divider on them.",
               f"将{what_zh}装到左侧板上，拧紧 {n_first} 个偏心锁；在底板中部敲入 2 个木榫，把中隔板立在木榫上。",
               first_parts + lock_moves(first) + [(p, (0.0, 0.0, -1.0)) for p in dowels[:2]]
               + [(board, (0.0, 0.0, -1.0))], tools=(driver,),
               cautions=(("Cam lock arrows must point to the edge before you insert them.", "装入前偏心锁箭头应指向板边。"),))
        upper = fixed[1:]
        n_upper = sum(len(g) for g in left_l[base + 1:])
        b.step(f"Tap 2 dowels into the top of the divider, fit the shelf and the top panel and lock their "
               f"{n_upper} cam locks.",
               f"在中隔板上沿敲入 2 个木榫，装上层板和顶板，拧紧 {n_upper} 个偏心锁。",
               [(p, (0.0, 0.0, -1.0)) for p in dowels[2:]] + [(pid, left) for pid, _n, _k, _z in upper]
               + [(p, up) for g in left_l[base + 1:] for p in g], tools=(driver,))
    else:
        b.step(f"Fit {what_en} onto the left panel; turn their {n_first} cam locks clockwise.",
               f"将{what_zh}装到左侧板上，顺时针拧紧 {n_first} 个偏心锁。",
               first_parts + lock_moves(first), tools=(driver,),
               cautions=(("Cam lock arrows must point to the edge before you insert them.", "装入前偏心锁箭头应指向板边。"),))
        for n, (pid, name, _kind, _z) in enumerate(fixed[1:], 1):
            group = left_l[base + n]
            b.step(f"Fit the {name.en.lower()} and lock its {len(group)} cam locks.",
                   f"装上{name.zh}，拧紧 {len(group)} 个偏心锁。", [(pid, left)] + [(p, up) for p in group],
                   tools=(driver,))
    side_parts = [("side_right", left)] + [(p, right) for p in right_b]
    if divider is not None:  # a long, low bench: the dowels go in as the side goes on
        b.step(f"Tap {n_dowels} dowels into the right ends of the panels, screw {n_bolts} cam bolts into the "
               "right panel and press it on.",
               f"在各横板右端敲入 {n_dowels} 个木榫，将 {n_bolts} 根偏心连接杆拧入右侧板，再把右侧板压上。",
               [(p, left) for p in right_d] + side_parts, tools=(driver,))
    else:
        b.step(f"Tap {n_dowels} dowels into the right ends of the panels.",
               f"在各横板的右端敲入 {n_dowels} 个木榫。", [(p, left) for p in right_d])
        b.step(f"Screw {n_bolts} cam bolts into the right panel, then press it onto the dowels.",
               f"将 {n_bolts} 根偏心连接杆拧入右侧板，然后把右侧板压到木榫上。", side_parts, tools=(driver,))
    b.step(f"Turn the {n_bolts} cam locks on the right clockwise until the joints close.",
           f"顺时针拧紧右侧 {n_bolts} 个偏心锁，直到接缝贴合。", lock_moves(right_l), tools=(driver,),
           cautions=(("Half a turn is enough; over-tightening strips the chipboard.",
                      "拧半圈即可，过度拧紧会损坏刨花板。"),))
    b.step(f"Check the diagonals, then nail the back panel on ({len(nails)} nails).",
           f"确认两条对角线等长后，用 {len(nails)} 颗钉子固定背板。",
           [("back_panel", ahead)] + [(p, ahead) for p in nails],
           cautions=(("Equal diagonals mean the cabinet is square; doors and drawers then close evenly.",
                      "对角线等长说明柜体方正，门和抽屉才能关严。"),))
    if spec.wall_anchor:  # while the front is open, so the bracket can be reached and seen
        _anchor(b, spec, back_y, driver)
    if spec.adjustable:
        _adjustable(b, spec, wi, yc, bd)
    if spec.drawers:
        _drawers(b, spec, yc, bd, driver)
    if spec.doors:
        _doors(b, spec, wi, yc, driver)
    if spec.feet:
        _feet(b, spec)
    return b


def _feet(b: DesignBuilder, spec: CabinetSpec) -> None:
    W, D, f = spec.width, spec.depth, 4.0
    feet = [b.board(f"foot_{n}", Text(f"Foot {n}", f"柜脚 {n}"), "leg", (f, f, spec.plinth), (x, y, 0))
            for n, (x, y) in enumerate(((-W / 2, -D / 2 + spec.front), (W / 2 - f, -D / 2 + spec.front),
                                        (-W / 2, D / 2 - f), (W / 2 - f, D / 2 - f)), 1)]
    b.step("Tip the bench onto its back and turn the 4 feet onto their threaded studs by hand.",
           "将柜子向后放倒，用手把 4 个柜脚旋到螺柱上。", [(p, (0.0, 0.0, 1.0)) for p in feet],
           cautions=(("Lift it back upright with two people; do not drag it on its feet.",
                      "两人抬起扶正，请勿拖拽柜脚。"),))


def _divider(b: DesignBuilder, spec: CabinetSpec, yc: float, bd: float) -> tuple[str, list[str]]:
    t, z0 = spec.board, spec.plinth + spec.board
    h = spec.divider_below - z0
    board = b.board("divider", Text("Middle divider", "中隔板"), "panel", (t, bd, h), (-t / 2, yc, z0))
    dowels = [b.hardware("dowel", (0, y, z), (0, 0, 1)) for z in (z0, spec.divider_below)
              for y in (yc + 5.0, yc + bd - 5.0)]
    return board, dowels


def _adjustable(b: DesignBuilder, spec: CabinetSpec, wi: float, yc: float, bd: float) -> None:
    t = spec.board
    pins, shelves = [], []
    for n, z in enumerate(spec.adjustable, 1):
        pins += [(b.hardware("shelf_pin", (s * (wi / 2 + 0.16), y, z - 0.42), (-s, 0, 0)), (float(s), 0.0, 0.0))
                 for s in (-1, 1) for y in (yc + 5.0, yc + bd - 5.0)]
        shelves.append(b.board(f"shelf_adjustable_{n}", Text(f"Adjustable shelf {n}", f"活动层板 {n}"), "shelf",
                               (wi - 0.2, bd - 1.0, t), (-(wi - 0.2) / 2, yc + 0.5, z)))
    b.step(f"Push {len(pins)} shelf pins into the holes at the heights you want and lay the {len(shelves)} "
           "adjustable shelves on them.",
           f"在所需高度的孔中插入 {len(pins)} 个层板托，再放上 {len(shelves)} 块活动层板。",
           pins + [(p, (0.0, 1.0, 0.0)) for p in shelves],
           cautions=(("Keep heavy things on the lower shelves.", "重物请放在下层。"),))


def _drawers(b: DesignBuilder, spec: CabinetSpec, yc: float, bd: float, driver: str) -> None:
    """Each drawer: front, two sides, back and hardboard bottom, screwed, then slid into its opening."""
    moves: list[tuple[str, tuple[float, float, float]]] = []
    for n, d in enumerate(spec.drawers, 1):
        moves += _drawer(b, spec, n, d, yc, bd)
    count = len(spec.drawers)
    en = "the drawer" if count == 1 else f"the {count} drawers"
    zh = "抽屉" if count == 1 else f"{count} 个抽屉"
    b.step(f"Build {en}: screw the sides to the front and back (4 screws each), slide in the bottom, "
           "then push each drawer into its opening.",
           f"组装{zh}：每个用 4 颗螺丝将侧板与面板、后板连接，插入底板，再推入柜体。",
           moves, tools=(driver,),
           cautions=(("The hardboard bottom goes in with its smooth side up.", "硬质纤维底板光面朝上。"),))


def _drawer(b: DesignBuilder, spec: CabinetSpec, n: int, d: Drawer, yc: float,
            bd: float) -> list[tuple[str, tuple[float, float, float]]]:
    t, st = spec.board, 1.2
    fw, fh = d.x1 - d.x0 + t - 0.3, d.z1 - d.z0 + t - 0.3
    cx, cz = (d.x0 + d.x1) / 2, (d.z0 + d.z1) / 2
    b.board(f"drawer{n}_front", Text(f"Drawer {n} front", f"抽屉 {n} 面板"), "panel",
            (fw, spec.front, fh), (cx - fw / 2, -spec.depth / 2, cz - fh / 2))
    bw, depth, bh = d.x1 - d.x0 - 2.6, bd - 3.0, d.z1 - d.z0 - 3.0
    xl, xr, z0 = d.x0 + 1.3, d.x1 - 1.3 - st, d.z0 + 1.0
    b.board(f"drawer{n}_side_l", Text(f"Drawer {n} left side", f"抽屉 {n} 左侧板"), "panel",
            (st, depth, bh), (xl, yc, z0))
    b.board(f"drawer{n}_side_r", Text(f"Drawer {n} right side", f"抽屉 {n} 右侧板"), "panel",
            (st, depth, bh), (xr, yc, z0))
    b.board(f"drawer{n}_back", Text(f"Drawer {n} back", f"抽屉 {n} 后板"), "panel",
            (bw - 2 * st, st, bh), (xl + st, yc + depth - st, z0))
    b.board(f"drawer{n}_bottom", Text(f"Drawer {n} bottom (hardboard)", f"抽屉 {n} 底板（硬质纤维板）"),
            "back_panel", (bw - 2 * st, depth - st, 0.3), (xl + st, yc, z0 + 1.0))
    screws = [(b.hardware("screw30", (x, y, z0 + bh / 2), (s, 0, 0)), (-float(s), 0.0, 0.0))
              for x, s in ((xl + 0.3, -1), (xr + st - 0.3, 1)) for y in (yc + 0.8, yc + depth - st / 2)]
    return [(f"drawer{n}_{p}", (0.0, 1.0, 0.0)) for p in ("front", "side_l", "side_r", "back", "bottom")] + screws


def _doors(b: DesignBuilder, spec: CabinetSpec, wi: float, yc: float, driver: str) -> None:
    H, W = spec.height, spec.width
    z0, z1 = spec.plinth + 0.3, H - 0.3
    hinge_z = [z0 + 10.0 + k * (z1 - z0 - 20.0) / max(1, spec.hinges - 1) for k in range(spec.hinges)]
    hinges, screws = [], []
    for s in (-1, 1):
        for z in hinge_z:
            x = s * (wi / 2 - 1.5)
            hinges.append((b.hardware("bracket", (x, yc + 2.0, z), (-s, 0, 0), 90), (float(s), 0.0, 0.0)))
            screws += [(b.hardware("screw16", (s * (wi / 2 - 0.3), yc + 2.0 + dy, z + dz), (-s, 0, 0)),
                        (float(s), 0.0, 0.0)) for dy in (-0.8, 0.8) for dz in (-1.0, 1.0)]
    door_w = W / 2 - 0.3
    b.board("door_left", Text("Left door", "左门"), "panel", (door_w, spec.front, z1 - z0), (-W / 2 + 0.1, -spec.depth / 2, z0))
    b.board("door_right", Text("Right door", "右门"), "panel", (door_w, spec.front, z1 - z0), (0.2, -spec.depth / 2, z0))
    b.step(f"Screw {len(hinges)} hinge plates inside the sides ({len(screws)} short screws).",
           f"在两侧板内侧用 {len(screws)} 颗短螺丝固定 {len(hinges)} 个铰链底座。",
           hinges + screws, tools=(driver,))
    b.step("Clip the two doors onto the hinges and adjust the gap with the hinge screws.",
           "将两扇门扣到铰链上，用铰链调节螺丝调整门缝。",
           [("door_left", (0.0, 1.0, 0.0)), ("door_right", (0.0, 1.0, 0.0))], tools=(driver,),
           cautions=(("Hold each door until both hinges click; a loose door can fall.",
                      "扣门时请扶住门板，直到铰链卡到位，以免门板掉落。"),))


def _anchor(b: DesignBuilder, spec: CabinetSpec, back_y: float, driver: str) -> None:
    z = spec.height - spec.board - 1.25
    bracket = b.hardware("bracket", (0, back_y - 1.3, z), (0, 0, 1), 180)
    screw = b.hardware("screw16", (0, back_y - 1.3, z + 0.5), (0, 0, -1))
    b.step("Stand the cabinet in place, screw the anti-tip bracket under the top panel and fix it to the wall.",
           "将柜子立到位，在顶板下方用螺丝固定防倾倒角码，再将角码固定到墙上。",
           [(bracket, (0.0, 1.0, 0.0)), (screw, (0.0, 0.0, 1.0))], tools=(driver,),
           cautions=(("Tall furniture can tip over and injure children: always anchor it to the wall. "
                      "Wall plugs depend on your wall and are not included.",
                      "高柜可能倾倒伤及儿童：务必固定在墙上。膨胀螺丝因墙体而异，需另购。"),))
