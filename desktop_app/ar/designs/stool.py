"""FUR-STOOL-01: walnut four-leg stool (legs, dowelled stretchers, bolted seat), from its dimensions.

Front and back stretchers sit lower than the side ones so their dowels never meet inside a
leg; the seat is bolted to each leg's factory-fitted threaded insert with an M6 bolt.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

WALNUT = (0.45, 0.3, 0.2)


@dataclass(frozen=True)
class StoolSpec:
    width: float = 35.0
    depth: float = 35.0
    height: float = 45.0
    seat: float = 3.0
    leg: float = 3.5
    inset: float = 1.5
    rail: float = 2.0
    low_rail_z: float = 13.0
    high_rail_z: float = 17.0
    product_id: str = "FUR-STOOL-01"


def build(spec: StoolSpec = StoolSpec()) -> DesignBuilder:
    W, D, H, r = spec.width, spec.depth, spec.height, spec.rail
    b = DesignBuilder(spec.product_id, Text("Walnut four-leg stool", "胡桃木四脚凳"), (W, D, H), WALNUT)
    leg_h = H - spec.seat
    cx, cy = W / 2 - spec.inset - spec.leg / 2, D / 2 - spec.inset - spec.leg / 2  # leg centres
    ix, iy = cx - spec.leg / 2, cy - spec.leg / 2  # leg inner faces
    names = {(-1, -1): ("leg_fl", "Front-left leg", "左前腿"), (1, -1): ("leg_fr", "Front-right leg", "右前腿"),
             (-1, 1): ("leg_bl", "Back-left leg", "左后腿"), (1, 1): ("leg_br", "Back-right leg", "右后腿")}
    for (sx, sy), (pid, en, zh) in names.items():
        b.board(pid, Text(en, zh), "leg", (spec.leg, spec.leg, leg_h),
                (sx * cx - spec.leg / 2, sy * cy - spec.leg / 2, 0))
    zl, zh_ = spec.low_rail_z, spec.high_rail_z
    b.board("rail_front", Text("Front stretcher", "前横撑"), "rail", (2 * ix, r, r), (-ix, -cy - r / 2, zl))
    b.board("rail_back", Text("Back stretcher", "后横撑"), "rail", (2 * ix, r, r), (-ix, cy - r / 2, zl))
    b.board("rail_left", Text("Left stretcher", "左横撑"), "rail", (r, 2 * iy, r), (-cx - r / 2, -iy, zh_))
    b.board("rail_right", Text("Right stretcher", "右横撑"), "rail", (r, 2 * iy, r), (cx - r / 2, -iy, zh_))
    b.board("seat", Text("Seat", "凳面"), "seat", (W, D, spec.seat), (-W / 2, -D / 2, leg_h))
    allen = b.hardware("allen_key", (W / 2 + 6, -D / 2 - 4, 0.2), (1, 0, 0))

    def x_dowels(y: float) -> list[tuple[str, tuple[float, float, float]]]:
        return [(b.hardware("dowel", (s * ix, y, zl + r / 2), (-s, 0, 0)), (s, 0, 0)) for s in (-1, 1)]

    front = x_dowels(-cy)
    back = x_dowels(cy)
    side = [(b.hardware("dowel", (x, s * iy, zh_ + r / 2), (0, -s, 0)), (0, s, 0))
            for x in (-cx, cx) for s in (-1, 1)]
    bolts = [b.hardware("bolt", (sx * cx, sy * cy, H - 2.5), (0, 0, 1)) for (sx, sy) in names]
    down = (0, 0, -1)
    glue = (("Put a drop of wood glue in each dowel hole; wipe off any excess at once.",
             "每个木榫孔内滴一滴木胶，溢出的胶水立即擦掉。"),)
    b.step("Stand the two front legs upright and tap a dowel into each inner face.",
           "立起两条前腿，在内侧各敲入一个木榫。",
           [("leg_fl", down), ("leg_fr", down)] + front, cautions=glue)
    b.step("Press the front stretcher onto the dowels.", "将前横撑压到木榫上。", [("rail_front", down)])
    b.step("Stand the two back legs upright and tap a dowel into each inner face.",
           "立起两条后腿，在内侧各敲入一个木榫。", [("leg_bl", down), ("leg_br", down)] + back, cautions=glue)
    b.step("Press the back stretcher onto the dowels.", "将后横撑压到木榫上。", [("rail_back", down)])
    b.step("Tap 4 dowels into the side faces of the legs, above the first stretchers.",
           "在桌腿侧面、前后横撑上方敲入 4 个木榫。", side, cautions=glue)
    b.step("Join the front and back frames with the two side stretchers.", "用左右横撑连接前后框架。",
           [("rail_left", down), ("rail_right", down)])
    b.step("Lay the seat on the legs and bolt it down with 4 M6 bolts.", "将凳面放在腿上，用 4 颗 M6 螺栓固定。",
           [("seat", down)] + [(p, down) for p in bolts], tools=(allen,),
           cautions=(("Tighten the bolts diagonally and check the stool does not rock.",
                      "按对角顺序拧紧螺栓，并检查凳子是否平稳。"),))
    return b
