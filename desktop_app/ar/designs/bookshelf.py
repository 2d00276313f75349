"""FUR-SHELF-3T: birch three-tier bookshelf, cam-and-dowel flat pack, from its dimensions.

Frame: x across the front, y from the front (-) to the wall (+), z up, origin at the
bottom centre.  Every board joint is one dowel plus cam bolt and cam lock pairs, the way
18 mm chipboard furniture is joined; the back panel is screwed into the fixed boards.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

BIRCH = (0.86, 0.74, 0.55)


@dataclass(frozen=True)
class BookshelfSpec:
    width: float = 80.0
    depth: float = 30.0
    height: float = 106.0
    board: float = 1.8
    back: float = 0.3
    plinth: float = 6.0
    product_id: str = "FUR-SHELF-3T"


def build(spec: BookshelfSpec = BookshelfSpec()) -> DesignBuilder:
    W, D, H, t = spec.width, spec.depth, spec.height, spec.board
    b = DesignBuilder(spec.product_id, Text("Birch 3-tier bookshelf", "桦木三层书架"), (W, D, H), BIRCH)
    wi = W - 2 * t  # inner width between the sides
    x0, y0 = -W / 2, -D / 2
    board_d = D - 1.0  # boards stop 10 mm short of the back for the back panel
    tier = (H - spec.plinth - 3 * t - t) / 3
    z_bottom, z_top = spec.plinth, H - t
    z_middle = z_bottom + t + tier
    z_adjust = z_middle + t + tier

    b.board("side_left", Text("Left side panel", "左侧板"), "panel", (t, D, H), (x0, y0, 0))
    b.board("side_right", Text("Right side panel", "右侧板"), "panel", (t, D, H), (W / 2 - t, y0, 0))
    plinth_y = y0 + 1.0
    b.board("plinth", Text("Plinth (kick board)", "踢脚板"), "plinth", (wi, t, spec.plinth), (-wi / 2, plinth_y, 0))
    shelves = {
        "shelf_bottom": (Text("Bottom shelf", "底层板"), "shelf", z_bottom),
        "shelf_middle": (Text("Middle shelf (fixed)", "中层固定板"), "shelf", z_middle),
        "top_panel": (Text("Top panel", "顶板"), "top", z_top),
    }
    for pid, (name, kind, z) in shelves.items():
        b.board(pid, name, kind, (wi, board_d, t), (-wi / 2, y0, z))
    back_w = wi + 1.0  # sits 5 mm deep in a groove in each side
    back_y = y0 + board_d
    b.board("back_panel", Text("Back panel (hardboard)", "背板（硬质纤维板）"), "back_panel",
            (back_w, spec.back, H - spec.plinth - 0.5), (-back_w / 2, back_y, spec.plinth))
    b.board("shelf_adjustable", Text("Adjustable shelf", "活动层板"), "shelf",
            (wi - 0.2, board_d - 1.0, t), (-(wi - 0.2) / 2, y0 + 0.5, z_adjust))
    screwdriver = b.hardware("screwdriver", (W / 2 + 12, y0 - 8, 2.0), (1, 0, 0), 0)

    def joints(side: int) -> tuple[list[str], list[str], list[str]]:
        """Dowels, cam bolts (in the side panel) and cam locks (in the boards) at one end."""
        face = side * wi / 2  # x of the side panel's inner face
        dowels, bolts, locks = [], [], []
        py = plinth_y + t / 2
        dowels.append(b.hardware("dowel", (face, py, 1.8), (-side, 0, 0)))
        bolts.append(b.hardware("cam_bolt", (face - side * 1.0, py, 4.0), (-side, 0, 0)))
        locks.append(b.hardware("cam_lock", (face - side * 3.4, plinth_y + t - 0.6, 4.0), (0, 1, 0)))
        for z in (z_bottom, z_middle, z_top):
            zc = z + t / 2
            dowels.append(b.hardware("dowel", (face, y0 + board_d / 2, zc), (-side, 0, 0)))
            for y in (y0 + 5.0, y0 + board_d - 5.0):
                bolts.append(b.hardware("cam_bolt", (face - side * 1.0, y, zc), (-side, 0, 0)))
                locks.append(b.hardware("cam_lock", (face - side * 3.4, y, z + 0.6), (0, 0, -1)))
        return dowels, bolts, locks

    left_d, left_b, left_l = joints(-1)
    right_d, right_b, right_l = joints(+1)
    screws = [b.hardware("screw30", (x, back_y + spec.back + 0.3 - 1.5, z + t / 2), (0, 1, 0))
              for z in (z_bottom, z_middle, z_top) for x in (-wi / 4, wi / 4)]
    pins = [b.hardware("shelf_pin", (s * (wi / 2 + 0.16), y, z_adjust - 0.42), (-s, 0, 0))
            for s in (-1, 1) for y in (y0 + 5.0, y0 + board_d - 5.0)]

    down, left, right, up, fwd = (0, 0, -1), (-1, 0, 0), (1, 0, 0), (0, 0, 1), (0, 1, 0)
    b.step("Stand the left side panel on its edge, holes facing right.",
           "将左侧板立起，孔位朝右。", [("side_left", down)],
           cautions=(("Work on a soft blanket to avoid scratching the birch veneer.",
                      "请在软毯上操作，避免刮伤桦木贴面。"),))
    b.step("Screw 7 cam bolts into the left panel by hand and tap in 4 dowels.",
           "用手将 7 根偏心连接杆拧入左侧板，并敲入 4 个木榫。",
           [(p, left) for p in left_b + left_d], tools=(screwdriver,))
    b.step("Fit the plinth and the bottom shelf onto the left panel; turn their 3 cam locks clockwise.",
           "将踢脚板和底层板装到左侧板上，顺时针拧紧 3 个偏心锁。",
           [("plinth", left), ("shelf_bottom", left), (left_l[0], (0, -1, 0))]
           + [(p, up) for p in left_l[1:3]], tools=(screwdriver,),
           cautions=(("Cam lock arrows must point to the edge before you insert them.",
                      "装入前偏心锁箭头应指向板边。"),))
    b.step("Fit the fixed middle shelf and lock its 2 cam locks.", "装上中层固定板，拧紧 2 个偏心锁。",
           [("shelf_middle", left)] + [(p, up) for p in left_l[3:5]], tools=(screwdriver,))
    b.step("Fit the top panel and lock its 2 cam locks.", "装上顶板，拧紧 2 个偏心锁。",
           [("top_panel", left)] + [(p, up) for p in left_l[5:7]], tools=(screwdriver,))
    b.step("Tap 4 dowels into the right ends of the plinth, shelves and top.",
           "在踢脚板、层板和顶板的右端敲入 4 个木榫。", [(p, left) for p in right_d])
    b.step("Screw 7 cam bolts into the right panel, then press it onto the dowels.",
           "将 7 根偏心连接杆拧入右侧板，然后把右侧板压到木榫上。",
           [("side_right", left)] + [(p, right) for p in right_b], tools=(screwdriver,))
    b.step("Turn the 7 cam locks on the right clockwise until the joints close.",
           "顺时针拧紧右侧 7 个偏心锁，直到接缝贴合。",
           [(right_l[0], (0, -1, 0))] + [(p, up) for p in right_l[1:]], tools=(screwdriver,),
           cautions=(("Half a turn is enough; over-tightening strips the chipboard.",
                      "拧半圈即可，过度拧紧会损坏刨花板。"),))
    b.step("Slide the back panel into the grooves and fix it with 6 screws.",
           "将背板插入槽中，用 6 颗螺丝固定。",
           [("back_panel", (0, -1, 0))] + [(p, (0, -1, 0)) for p in screws], tools=(screwdriver,),
           cautions=(("Check the diagonals are equal so the shelf is square before screwing.",
                      "拧螺丝前确认两条对角线等长，保证书架方正。"),))
    b.step("Push 4 shelf pins into the holes at the height you want.",
           "在所需高度的孔中插入 4 个层板托。",
           [(p, (s, 0, 0)) for p, s in zip(pins, (-1, -1, 1, 1))])
    b.step("Lay the adjustable shelf on the pins.", "将活动层板放在层板托上。",
           [("shelf_adjustable", fwd)],
           cautions=(("Maximum load 15 kg per shelf; do not climb on the bookshelf.",
                      "每层最大承重 15 公斤；请勿攀爬书架。"),))
    return b
