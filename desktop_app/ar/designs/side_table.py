"""FUR-TABLE-SIDE: oak side table (four legs, four aprons, top), from its dimensions.

Aprons join the legs with two dowels and one M6 bolt per end (the bolt runs through the leg
into the apron's factory-fitted threaded insert); steel angle brackets on the aprons hold the
top.  Frame: x across the front, y towards the back, z up, origin at the bottom centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

OAK = (0.72, 0.55, 0.34)


@dataclass(frozen=True)
class SideTableSpec:
    width: float = 50.0
    depth: float = 50.0
    height: float = 55.0
    top: float = 2.5
    leg: float = 4.0
    inset: float = 2.0
    apron_t: float = 2.0
    apron_h: float = 8.0
    product_id: str = "FUR-TABLE-SIDE"


def _spin(deg: float, x: float, y: float) -> tuple[float, float]:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return x * c - y * s, x * s + y * c


def build(spec: SideTableSpec = SideTableSpec()) -> DesignBuilder:
    W, D, H = spec.width, spec.depth, spec.height
    b = DesignBuilder(spec.product_id, Text("Oak side table", "橡木边桌"), (W, D, H), OAK)
    leg_h = H - spec.top
    lo_x, lo_y = -W / 2 + spec.inset, -D / 2 + spec.inset  # outer corner of the front-left leg
    inner_x, inner_y = W / 2 - spec.inset - spec.leg, D / 2 - spec.inset - spec.leg  # leg inner faces
    legs = {}
    for pid, en, zh, sx, sy in (("leg_fl", "Front-left leg", "左前腿", -1, -1), ("leg_fr", "Front-right leg", "右前腿", 1, -1),
                                ("leg_bl", "Back-left leg", "左后腿", -1, 1), ("leg_br", "Back-right leg", "右后腿", 1, 1)):
        x = lo_x if sx < 0 else W / 2 - spec.inset - spec.leg
        y = lo_y if sy < 0 else D / 2 - spec.inset - spec.leg
        legs[pid] = b.board(pid, Text(en, zh), "leg", (spec.leg, spec.leg, leg_h), (x, y, 0))
    za = leg_h - spec.apron_h
    off = spec.inset + 1.0  # aprons are set back 10 mm from the leg's outer face
    ac_f = -D / 2 + off + spec.apron_t / 2  # centre line of the front apron (y)
    ac_s = -W / 2 + off + spec.apron_t / 2  # centre line of the left apron (x)
    b.board("apron_front", Text("Front apron", "前挡板"), "rail", (2 * inner_x, spec.apron_t, spec.apron_h),
            (-inner_x, ac_f - spec.apron_t / 2, za))
    b.board("apron_back", Text("Back apron", "后挡板"), "rail", (2 * inner_x, spec.apron_t, spec.apron_h),
            (-inner_x, -ac_f - spec.apron_t / 2, za))
    b.board("apron_left", Text("Left apron", "左挡板"), "rail", (spec.apron_t, 2 * inner_y, spec.apron_h),
            (ac_s - spec.apron_t / 2, -inner_y, za))
    b.board("apron_right", Text("Right apron", "右挡板"), "rail", (spec.apron_t, 2 * inner_y, spec.apron_h),
            (-ac_s - spec.apron_t / 2, -inner_y, za))
    b.board("tabletop", Text("Tabletop", "桌面"), "top", (W, D, spec.top), (-W / 2, -D / 2, leg_h))
    allen = b.hardware("allen_key", (W / 2 + 8, -D / 2 - 4, 0.2), (1, 0, 0))
    driver = b.hardware("screwdriver", (W / 2 + 8, -D / 2 - 14, 1.3), (1, 0, 0))

    def x_joint(y: float) -> tuple[list[str], list[str]]:
        """Dowels and bolts for an apron running along x at centre line ``y``."""
        dowels = [b.hardware("dowel", (s * inner_x, y, z), (-s, 0, 0))
                  for s in (-1, 1) for z in (za + 1.5, leg_h - 1.5)]
        bolts = [b.hardware("bolt", (s * (W / 2 - spec.inset - 2.5), y, za + 3.5), (s, 0, 0)) for s in (-1, 1)]
        return dowels, bolts

    def y_joint(x: float) -> tuple[list[str], list[str]]:
        dowels = [b.hardware("dowel", (x, s * inner_y, z), (0, -s, 0))
                  for s in (-1, 1) for z in (za + 1.5, leg_h - 1.5)]
        bolts = [b.hardware("bolt", (x, s * (D / 2 - spec.inset - 2.5), za + 5.0), (0, s, 0)) for s in (-1, 1)]
        return dowels, bolts

    front_d, front_b = x_joint(ac_f)
    back_d, back_b = x_joint(-ac_f)
    left_d, left_b = y_joint(ac_s)
    right_d, right_b = y_joint(-ac_s)
    brackets, apron_screws, top_screws, bracket_dirs = [], [], [], []
    for spin, (cx, cy) in ((0, (0, ac_f + spec.apron_t / 2 + 1.25)), (180, (0, -ac_f - spec.apron_t / 2 - 1.25)),
                           (-90, (ac_s + spec.apron_t / 2 + 1.25, 0)), (90, (-ac_s - spec.apron_t / 2 - 1.25, 0))):
        brackets.append(b.hardware("bracket", (cx, cy, leg_h - 1.25), (0, 0, 1), spin))
        out = _spin(spin, 0, -1)  # direction from the bracket towards its apron
        bracket_dirs.append((out[0], out[1], 0.0))
        for lx in (-0.8, 0.8):
            dx, dy = _spin(spin, lx, -1.25 + 0.2 + 0.16 - 0.8)
            apron_screws.append((b.hardware("screw16", (cx + dx, cy + dy, leg_h - 1.65), (-out[0], -out[1], 0)), out))
            tx, ty = _spin(spin, lx, 0.5)
            top_screws.append(b.hardware("screw16", (cx + tx, cy + ty, leg_h - 0.2 - 0.16 + 0.8), (0, 0, -1)))

    down = (0, 0, -1)
    b.step("Stand the two front legs upright, pre-drilled holes facing each other.",
           "将两条前腿立起，预钻孔相对。", [(legs["leg_fl"], down), (legs["leg_fr"], down)],
           cautions=(("Assemble on a blanket so the oak does not scratch.", "请在软毯上组装，以免刮伤橡木。"),))
    b.step("Tap 4 dowels into the inner faces of the front legs.", "在两条前腿内侧敲入 4 个木榫。",
           [(d, (-1, 0, 0) if i < 2 else (1, 0, 0)) for i, d in enumerate(front_d)])
    b.step("Fit the front apron between the legs and fix it with 2 M6 bolts through the legs.",
           "将前挡板装在两腿之间，用 2 颗 M6 螺栓穿过桌腿固定。",
           [("apron_front", down), (front_b[0], (1, 0, 0)), (front_b[1], (-1, 0, 0))], tools=(allen,))
    b.step("Stand the back legs upright and tap 4 dowels into their inner faces.",
           "立起两条后腿，在内侧敲入 4 个木榫。",
           [(legs["leg_bl"], down), (legs["leg_br"], down)]
           + [(d, (-1, 0, 0) if i < 2 else (1, 0, 0)) for i, d in enumerate(back_d)])
    b.step("Fit the back apron and fix it with 2 M6 bolts.", "装上后挡板，用 2 颗 M6 螺栓固定。",
           [("apron_back", down), (back_b[0], (1, 0, 0)), (back_b[1], (-1, 0, 0))], tools=(allen,))
    b.step("Tap 8 dowels into the side faces of all four legs.", "在四条桌腿侧面敲入 8 个木榫。",
           [(d, (0, -1, 0) if i % 4 < 2 else (0, 1, 0)) for i, d in enumerate(left_d + right_d)])
    b.step("Join the front and back frames with the side aprons and 4 M6 bolts.",
           "用左右挡板和 4 颗 M6 螺栓连接前后框架。",
           [("apron_left", down), ("apron_right", down)]
           + [(p, (0, 1, 0) if i % 2 == 0 else (0, -1, 0)) for i, p in enumerate(left_b + right_b)],
           tools=(allen,), cautions=(("Tighten the bolts crosswise, a little at a time, so the frame stays square.",
                                      "按对角顺序分次拧紧螺栓，保持框架方正。"),))
    b.step("Screw a steel bracket to the middle of each apron (8 short screws).",
           "在每块挡板中部用螺丝固定一个钢角码（共 8 颗短螺丝）。",
           [(p, d) for p, d in zip(brackets, bracket_dirs)] + [(p, (o[0], o[1], 0)) for p, o in apron_screws],
           tools=(driver,))
    b.step("Lay the tabletop on the frame and screw it on from below through the brackets (8 short screws).",
           "将桌面放在框架上，从下方穿过角码用 8 颗短螺丝固定。",
           [("tabletop", down)] + [(p, (0, 0, 1)) for p in top_screws], tools=(driver,),
           cautions=(("Use only the 16 mm screws here; longer ones go through the top.",
                      "此处只能用 16 毫米螺丝，过长会穿透桌面。"),))
    return b
