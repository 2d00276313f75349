"""Dining chair, two-seat sofa and a screw-on-leg low table, from their dimensions.

The chair is a back frame (tall back legs, backrest, back apron) and a front frame joined by
side aprons with dowels and M6 bolts, the seat screwed on through corner brackets.  The sofa is
two upholstered arm panels joined by front and back rails, a slatted deck, a bolted backrest,
screw-on legs and loose cushions.  The low table is a thick top whose four legs screw onto
double-ended bolts.  Frame: x across the front, y from the front (-) to the back (+), z up,
origin at the bottom centre.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

WALNUT = (0.45, 0.3, 0.2)
LINEN = (0.62, 0.62, 0.6)
DOWN, UP = (0.0, 0.0, -1.0), (0.0, 0.0, 1.0)
LEFT, RIGHT = (-1.0, 0.0, 0.0), (1.0, 0.0, 0.0)
BACKWARD, FORWARD = (0.0, 1.0, 0.0), (0.0, -1.0, 0.0)
BLANKET = (("Assemble on a blanket so the finish does not scratch.", "请在软毯上组装，以免刮伤表面。"),)


@dataclass(frozen=True)
class ChairSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    seat_height: float = 45.0
    seat: float = 2.5
    leg: float = 4.0
    apron: float = 6.0
    wood: tuple[float, float, float] = WALNUT


def build_chair(spec: ChairSpec) -> DesignBuilder:
    W, D, H, L = spec.width, spec.depth, spec.height, spec.leg
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    zs = spec.seat_height - spec.seat  # underside of the seat
    za = zs - spec.apron
    ix = W / 2 - L  # legs' inner faces (x)
    yb = D / 2 - L  # back legs' front face
    for pid, en, zh, x, y, h in (("leg_bl", "Back-left leg", "左后腿", -W / 2, yb, H),
                                 ("leg_br", "Back-right leg", "右后腿", ix, yb, H),
                                 ("leg_fl", "Front-left leg", "左前腿", -W / 2, -D / 2, zs),
                                 ("leg_fr", "Front-right leg", "右前腿", ix, -D / 2, zs)):
        b.board(pid, Text(en, zh), "leg", (L, L, h), (x, y, 0))
    back_z = (zs + 8.0, H - 18.0)
    b.board("backrest", Text("Backrest", "靠背板"), "panel", (2 * ix, 2.0, 16.0), (-ix, yb + 1.0, back_z[1]))
    b.board("back_rail", Text("Lower back rail", "靠背下横档"), "rail", (2 * ix, 2.0, 4.0), (-ix, yb + 1.0, back_z[0]))
    b.board("apron_back", Text("Back apron", "后横档"), "rail", (2 * ix, 2.0, spec.apron), (-ix, yb + 1.0, za))
    b.board("apron_front", Text("Front apron", "前横档"), "rail", (2 * ix, 2.0, spec.apron), (-ix, -D / 2 + 1.0, za))
    side_len = yb - (-D / 2 + L)
    for pid, en, zh, x in (("apron_left", "Left apron", "左横档", -W / 2 + 1.0),
                           ("apron_right", "Right apron", "右横档", W / 2 - 3.0)):
        b.board(pid, Text(en, zh), "rail", (2.0, side_len, spec.apron), (x, -D / 2 + L, za))
    b.board("seat", Text("Seat", "座板"), "seat", (W, yb + D / 2, spec.seat), (-W / 2, -D / 2, zs))
    allen = b.hardware("allen_key", (W / 2 + 6, -D / 2 - 4, 0.2), (1, 0, 0))
    driver = b.hardware("screwdriver", (W / 2 + 8, -D / 2 - 14, 1.3), (1, 0, 0))

    def x_dowels(y: float, zs_: tuple[float, ...]) -> list[tuple[str, tuple[float, float, float]]]:
        return [(b.hardware("dowel", (s * ix, y, z), (-s, 0, 0)), (float(s), 0.0, 0.0)) for z in zs_ for s in (-1, 1)]

    back_dowels = x_dowels(yb + 2.0, (za + spec.apron / 2, back_z[0] + 2.0, back_z[1] + 8.0))
    front_dowels = x_dowels(-D / 2 + 2.0, (za + spec.apron / 2,))
    side_dowels = [(b.hardware("dowel", (x, s, za + 2.0), (0, 1 if s < 0 else -1, 0)),
                    (0.0, -1.0 if s < 0 else 1.0, 0.0))
                   for x in (-W / 2 + 2.0, W / 2 - 2.0) for s in (-D / 2 + L, yb)]
    bolts = [(b.hardware("bolt", (x, y, za + dz), (0, -1 if y < 0 else 1, 0)), (0.0, 1.0 if y < 0 else -1.0, 0.0))
             for x in (-W / 2 + 2.0, W / 2 - 2.0) for y in (-D / 2 + 2.5, yb + 1.5) for dz in (1.5, 4.5)]
    brackets, screws = [], []
    for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
        cx, cy = sx * (ix - 4.0), (-D / 2 + L + 1.3) if sy < 0 else (yb - 1.3)
        brackets.append((b.hardware("bracket", (cx, cy, zs - 1.25), UP, 0 if sy < 0 else 180), DOWN))
        screws.append((b.hardware("screw16", (cx, cy + (0.5 if sy < 0 else -0.5), zs + 0.55), DOWN), UP))
    glides = [(b.hardware("nail", (x, y, 1.0), DOWN), UP) for x in (-W / 2 + L / 2, W / 2 - L / 2)
              for y in (-D / 2 + L / 2, D / 2 - L / 2)]
    b.step("Lay the two back legs on a blanket, inner faces up, and tap 6 dowels into them.",
           "将两条后腿平放在软毯上，内侧朝上，敲入 6 个木榫。",
           [("leg_bl", DOWN), ("leg_br", DOWN)] + back_dowels, cautions=BLANKET)
    b.step("Press the backrest, the lower back rail and the back apron onto the dowels.",
           "将靠背板、靠背下横档和后横档压到木榫上。",
           [("backrest", DOWN), ("back_rail", DOWN), ("apron_back", DOWN)])
    b.step("Stand the front legs, tap 2 dowels in and press the front apron on.",
           "立起两条前腿，敲入 2 个木榫，压上前横档。",
           [("leg_fl", DOWN), ("leg_fr", DOWN)] + front_dowels + [("apron_front", DOWN)])
    b.step(f"Tap 4 dowels into the legs, fit the side aprons between the back and front frames and fix them with "
           f"{len(bolts)} M6 bolts.",
           f"在椅腿上敲入 4 个木榫，把左右横档装在前后框架之间，用 {len(bolts)} 颗 M6 螺栓固定。",
           side_dowels + [("apron_left", DOWN), ("apron_right", DOWN)] + bolts, tools=(allen,),
           cautions=(("Tighten the bolts only when all of them are in, so the frame stays square.",
                      "所有螺栓都装上后再拧紧，保持框架方正。"),))
    b.step("Slide a corner bracket into each corner of the frame, lay the seat on and screw it through the "
           "brackets (4 short screws).",
           "在框架四角各插入一个角码，放上座板，穿过角码用 4 颗短螺丝固定。",
           brackets + [("seat", DOWN)] + screws, tools=(driver,))
    b.step("Turn the chair over and nail a felt glide under each leg (4 nails).",
           "将椅子翻过来，在每条椅腿底部钉一个防滑毡垫（共 4 颗钉）。", glides,
           cautions=(("Retighten the bolts after two weeks of use; wood settles.",
                      "使用两周后请重新拧紧螺栓，木材会有轻微收缩。"),))
    return b


@dataclass(frozen=True)
class SofaSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    arm: float = 10.0
    arm_height: float = 62.0
    leg: float = 6.0
    seat_z: float = 28.0  # top of the seat rails
    wood: tuple[float, float, float] = WALNUT


def build_sofa(spec: SofaSpec) -> DesignBuilder:
    W, D, H, A, L = spec.width, spec.depth, spec.height, spec.arm, spec.leg
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    inner = W / 2 - A
    for pid, en, zh, x in (("arm_left", "Left arm", "左扶手", -W / 2), ("arm_right", "Right arm", "右扶手", inner)):
        b.board(pid, Text(en, zh), "panel", (A, D, spec.arm_height - L), (x, -D / 2, L))
    legs = []
    for pid, en, zh, sx, sy in (("leg_fl", "Front-left leg", "左前腿", -1, -1), ("leg_fr", "Front-right leg", "右前腿", 1, -1),
                                ("leg_bl", "Back-left leg", "左后腿", -1, 1), ("leg_br", "Back-right leg", "右后腿", 1, 1)):
        x = -W / 2 + 3.0 if sx < 0 else W / 2 - 7.0
        y = -D / 2 + 3.0 if sy < 0 else D / 2 - 7.0
        legs.append(b.board(pid, Text(en, zh), "leg", (4.0, 4.0, L), (x, y, 0)))
    rail_h, zr = 14.0, spec.seat_z - 14.0
    b.board("rail_front", Text("Front seat rail", "前座档"), "rail", (2 * inner, 4.0, rail_h), (-inner, -D / 2 + 2.0, zr))
    b.board("rail_back", Text("Back seat rail", "后座档"), "rail", (2 * inner, 4.0, rail_h), (-inner, D / 2 - 16.0, zr))
    b.board("deck", Text("Slatted seat deck", "排骨架座板"), "seat", (2 * inner, D - 14.0, 1.8),
            (-inner, -D / 2 + 2.0, spec.seat_z))
    b.board("backrest", Text("Backrest frame", "靠背框架"), "panel", (2 * inner, 12.0, H - zr), (-inner, D / 2 - 12.0, zr))
    cushion_w = inner
    for pid, en, zh, x in (("cushion_left", "Left seat cushion", "左坐垫", -inner),
                           ("cushion_right", "Right seat cushion", "右坐垫", 0.0)):
        b.board(pid, Text(en, zh), "seat", (cushion_w, D - 16.0, 14.0), (x, -D / 2 + 2.0, spec.seat_z + 1.8))
    allen = b.hardware("allen_key", (W / 2 + 6, -D / 2 - 4, 0.2), (1, 0, 0))
    driver = b.hardware("screwdriver", (W / 2 + 8, -D / 2 - 14, 1.3), (1, 0, 0))
    zc = zr + rail_h / 2
    rail_y = (-D / 2 + 4.0, D / 2 - 14.0)
    dowels_l = [(b.hardware("dowel", (-inner, y, zc - 3.0), LEFT), RIGHT) for y in rail_y]
    dowels_r = [(b.hardware("dowel", (inner, y, zc - 3.0), RIGHT), LEFT) for y in rail_y]
    bolts_l = [(b.hardware("bolt", (-inner - 2.5, y, zc + 3.0), LEFT), RIGHT) for y in rail_y]
    bolts_r = [(b.hardware("bolt", (inner + 2.5, y, zc + 3.0), RIGHT), LEFT) for y in rail_y]
    deck_screws = [(b.hardware("screw30", (x, y, spec.seat_z + 0.3), UP), DOWN)
                   for x in (-inner / 2, 0.0, inner / 2) for y in rail_y]
    back_bolts = [(b.hardware("bolt", (s * (inner + 2.5), D / 2 - 6.0, z), (s, 0, 0)), (-float(s), 0.0, 0.0))
                  for s in (-1, 1) for z in (zr + 20.0, zr + 40.0)]
    leg_bolts = [(b.hardware("bolt", (x + 2.0, y + 2.0, L + 2.5), DOWN), UP) for x, y in
                 ((-W / 2 + 3.0, -D / 2 + 3.0), (W / 2 - 7.0, -D / 2 + 3.0), (-W / 2 + 3.0, D / 2 - 7.0), (W / 2 - 7.0, D / 2 - 7.0))]
    lift = (("Two people are needed: the frame is heavy and the arms are tall.",
             "需两人操作：框架较重，扶手较高。"),)
    b.step("Stand the left arm on its feet line, inner face towards you; tap 2 dowels into it.",
           "将左扶手立起，内侧朝向自己，敲入 2 个木榫。", [("arm_left", DOWN)] + dowels_l, cautions=lift)
    b.step("Fit the front and back seat rails onto the dowels and fix them with 2 M6 bolts.",
           "将前、后座档装到木榫上，用 2 颗 M6 螺栓固定。",
           [("rail_front", RIGHT), ("rail_back", RIGHT)] + bolts_l, tools=(allen,))
    b.step("Tap 2 dowels into the right ends of the rails, press the right arm on and bolt it (2 bolts).",
           "在座档右端敲入 2 个木榫，压上右扶手并用 2 颗螺栓固定。",
           dowels_r + [("arm_right", LEFT)] + bolts_r, tools=(allen,))
    b.step("Screw the slatted deck onto the rails (6 screws), then lower the backrest frame between the arms and "
           "bolt it through them (4 bolts).",
           "用 6 颗螺丝将排骨架座板固定在座档上，再把靠背框架从上方放入两扶手之间，穿过扶手用 4 颗螺栓固定。",
           [("deck", DOWN)] + deck_screws + [("backrest", DOWN)] + back_bolts, tools=(driver, allen),
           cautions=(("Keep fingers clear of the gap between the backrest and the arms.",
                      "放靠背时手指勿放在靠背与扶手之间的缝隙处。"),))
    b.step("Tip the sofa onto its back, screw the 4 hanger bolts in and turn the 4 legs on by hand.",
           "将沙发向后放倒，拧入 4 颗双头螺栓，再用手旋上 4 条沙发腿。",
           leg_bolts + [(p, UP) for p in legs],
           cautions=(("Put the sofa on a blanket before tipping it; never stand on the frame.",
                      "放倒前先铺软毯；请勿站在框架上。"),))
    b.step("Stand the sofa up and put the seat cushions on, zips to the back.", "扶正沙发，放上坐垫，拉链朝后。",
           [("cushion_left", DOWN), ("cushion_right", DOWN)])
    return b


@dataclass(frozen=True)
class LowTableSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    top: float = 5.0
    leg: float = 5.0
    wood: tuple[float, float, float] = (0.93, 0.93, 0.91)


def build_low_table(spec: LowTableSpec) -> DesignBuilder:
    W, D, H, L = spec.width, spec.depth, spec.height, spec.leg
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    leg_h = H - spec.top
    b.board("tabletop", Text("Table top", "桌面"), "top", (W, D, spec.top), (-W / 2, -D / 2, leg_h))
    corners = (("leg_fl", "Front-left leg", "左前腿", -1, -1), ("leg_fr", "Front-right leg", "右前腿", 1, -1),
               ("leg_bl", "Back-left leg", "左后腿", -1, 1), ("leg_br", "Back-right leg", "右后腿", 1, 1))
    centres = {pid: (sx * (W / 2 - L / 2), sy * (D / 2 - L / 2)) for pid, _en, _zh, sx, sy in corners}
    bolts = [b.hardware("bolt", (x, y, leg_h), DOWN) for x, y in centres.values()]
    for pid, en, zh, _sx, _sy in corners:
        x, y = centres[pid]
        b.board(pid, Text(en, zh), "leg", (L, L, leg_h), (x - L / 2, y - L / 2, 0))
    b.step("Lay the table top upside down on a blanket.", "将桌面朝下平放在软毯上。", [("tabletop", DOWN)],
           cautions=BLANKET)
    b.step("Screw the 4 double-ended bolts into the holes in the top by hand, half their length.",
           "用手将 4 颗双头螺栓拧入桌面孔内，拧进一半长度。", [(p, UP) for p in bolts])
    for pid, en, zh, _sx, _sy in corners:
        b.step(f"Turn the {en.lower()} onto its bolt until it is tight against the top.",
               f"将{zh}旋到螺栓上，直到紧贴桌面。", [(pid, UP)],
               cautions=(("Hand-tight only; no tools needed.", "用手拧紧即可，无需工具。"),) if pid == "leg_br" else ())
    return b


@dataclass(frozen=True)
class BenchSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    seat: float = 2.5
    leg: float = 3.5
    inset: float = 2.0
    rail: float = 2.0
    rail_z: float = 6.0
    wood: tuple[float, float, float] = (0.16, 0.16, 0.17)


def build_bench(spec: BenchSpec) -> DesignBuilder:
    """A low bench: four legs bolted up into the seat, a dowelled stretcher along the front and the back."""
    W, D, H, L, r = spec.width, spec.depth, spec.height, spec.leg, spec.rail
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), spec.wood)
    leg_h = H - spec.seat
    cx, cy = W / 2 - spec.inset - L / 2, D / 2 - L / 2  # leg centres
    ix = cx - L / 2
    b.board("seat", Text("Seat", "凳面"), "seat", (W, D, spec.seat), (-W / 2, -D / 2, leg_h))
    legs = {}
    for pid, en, zh, sx, sy in (("leg_fl", "Front-left leg", "左前腿", -1, -1), ("leg_fr", "Front-right leg", "右前腿", 1, -1),
                                ("leg_bl", "Back-left leg", "左后腿", -1, 1), ("leg_br", "Back-right leg", "右后腿", 1, 1)):
        legs[pid] = (b.board(pid, Text(en, zh), "leg", (L, L, leg_h), (sx * cx - L / 2, sy * cy - L / 2, 0)), sx, sy)
    for pid, en, zh, sy in (("rail_front", "Front stretcher", "前横撑", -1), ("rail_back", "Back stretcher", "后横撑", 1)):
        b.board(pid, Text(en, zh), "rail", (2 * ix, r, r), (-ix, sy * cy - r / 2, spec.rail_z))
    allen = b.hardware("allen_key", (W / 2 + 6, -D / 2 - 4, 0.2), (1, 0, 0))
    bolts = {pid: [(b.hardware("bolt", (sx * cx + dx, sy * cy, H - 2.5), UP), DOWN) for dx in (-0.8, 0.8)]
             for pid, (_p, sx, sy) in legs.items()}
    dowels = {sy: [(b.hardware("dowel", (sx * ix, sy * cy, spec.rail_z + r / 2 + dz), (-sx, 0, 0)), (float(sx), 0.0, 0.0))
                   for sx in (-1, 1) for dz in (-0.5, 0.5)] for sy in (-1, 1)}
    glides = [(b.hardware("nail", (sx * cx, sy * cy, 1.0), DOWN), UP) for _p, sx, sy in legs.values()]
    b.step("Lay the seat upside down on a blanket.", "将凳面朝下平放在软毯上。", [("seat", DOWN)], cautions=BLANKET)
    for pair, (en, zh) in ((("leg_fl", "leg_fr"), ("front", "前")), (("leg_bl", "leg_br"), ("back", "后"))):
        b.step(f"Bolt the two {en} legs to the seat (2 M6 bolts each).", f"用 M6 螺栓将两条{zh}腿固定到凳面上（每条 2 颗）。",
               [(legs[p][0], UP) for p in pair] + bolts[pair[0]] + bolts[pair[1]], tools=(allen,))
    for sy, pid, (en, zh) in ((-1, "rail_front", ("front", "前")), (1, "rail_back", ("back", "后"))):
        b.step(f"Tap 4 dowels into the {en} legs and press the {en} stretcher onto them.",
               f"在两条{zh}腿内侧敲入 4 个木榫，压上{zh}横撑。", dowels[sy] + [(pid, DOWN)])
    b.step("Nail a felt glide under each leg (4 nails), then turn the bench over.",
           "在每条凳腿底部钉一个防滑毡垫（共 4 颗钉），再将脚凳翻正。", glides,
           cautions=(("Check the bolts are tight before anyone stands on the bench; it is for feet, not for climbing.",
                      "使用前确认螺栓已拧紧；脚凳用于搁脚，请勿站立攀爬。"),))
    return b
