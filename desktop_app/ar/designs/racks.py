"""Open racks: a bolted steel storage rack, a peg-jointed bamboo shoe rack and a leaning ladder shelf.

Each is sized from the store's width x depth x height.  The ladder shelf's front rails lean
against vertical back posts; the lean is solved so the rail's rotated box touches the floor at
the front edge and the top of the post, so the assembly is exactly the declared size.
Frame: x across the front, y from the front (-) to the wall (+), z up, origin bottom centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.ar.designs.builder import DesignBuilder
from desktop_app.core.guide_format import Text

STEEL = (0.2, 0.2, 0.22)
BAMBOO = (0.83, 0.72, 0.5)
BIRCH = (0.86, 0.74, 0.55)
DOWN, UP = (0.0, 0.0, -1.0), (0.0, 0.0, 1.0)
LEFT, RIGHT = (-1.0, 0.0, 0.0), (1.0, 0.0, 0.0)
ANCHOR = (("Anchor the rack to the wall with the strap; a loaded rack can tip over.",
           "请用防倾倒带将置物架固定在墙上；装满物品的置物架可能倾倒。"),)


@dataclass(frozen=True)
class RackSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    tiers: int = 4
    post: float = 3.0
    foot: float = 1.5  # levelling feet lift the posts this much


def build_steel_rack(spec: RackSpec) -> DesignBuilder:
    W, D, H, P = spec.width, spec.depth, spec.height, spec.post
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), STEEL)
    posts = {}
    for pid, en, zh, sx, sy in (("post_fl", "Front-left post", "左前立柱", -1, -1), ("post_bl", "Back-left post", "左后立柱", -1, 1),
                                ("post_fr", "Front-right post", "右前立柱", 1, -1), ("post_br", "Back-right post", "右后立柱", 1, 1)):
        x, y = (-W / 2 if sx < 0 else W / 2 - P), (-D / 2 if sy < 0 else D / 2 - P)
        posts[pid] = (b.board(pid, Text(en, zh), "leg", (P, P, H - spec.foot), (x, y, spec.foot)), x + P / 2, y + P / 2)
    zs = [spec.foot + 8.0 + k * (H - spec.foot - 8.0 - 3.0) / (spec.tiers - 1) for k in range(spec.tiers)]
    shelves = []
    for n, z in enumerate(zs, 1):
        shelves.append(b.board(f"shelf_{n}", Text(f"Steel shelf {n}", f"钢层板 {n}"), "shelf",
                               (W - 2 * P, D - 0.6, 3.0), (-W / 2 + P, -D / 2 + 0.3, z)))
    driver = b.hardware("screwdriver", (W / 2 + 12, -D / 2 - 8, 2.0), (1, 0, 0))

    def screws(side: int, z: float) -> list[tuple[str, tuple[float, float, float]]]:
        """Two self-tapping screws through each of the side's two posts into the shelf's corner."""
        out = []
        for pid in ("post_fl", "post_bl") if side < 0 else ("post_fr", "post_br"):
            _p, cx, cy = posts[pid]
            out += [(b.hardware("screw16", (cx - side * 0.2, cy, z + dz), (side, 0, 0)), (-float(side), 0.0, 0.0))
                    for dz in (0.8, 2.2)]
        return out

    left = [screws(-1, z) for z in zs]
    right = [m for z in zs for m in screws(1, z)]
    feet = [(b.hardware("bolt", (cx, cy, 2.5), DOWN), UP) for _p, cx, cy in posts.values()]
    b.step("Lay the two left posts on the floor, holes facing each other.",
           "将两根左立柱平放在地上，孔位相对。", [(posts["post_fl"][0], RIGHT), (posts["post_bl"][0], RIGHT)],
           cautions=(("Wear gloves: the steel edges can be sharp.", "请戴手套：钢件边缘可能锋利。"),))
    order = [0, len(zs) - 1] + list(range(1, len(zs) - 1))
    names = {0: ("bottom", "底层"), len(zs) - 1: ("top", "顶层")}
    for k in order:
        en, zh = names.get(k, (f"shelf {k + 1}", f"第 {k + 1} 层"))
        b.step(f"Screw the {en} shelf to the left posts (4 screws, finger-tight).",
               f"用 4 颗螺丝将{zh}层板装到左立柱上（先不拧紧）。",
               [(shelves[k], LEFT)] + left[k], tools=(driver,))
    b.step(f"Fit the two right posts, screw every shelf to them ({len(right)} screws), tighten all screws and "
           "turn the 4 levelling feet into the posts.",
           f"装上两根右立柱，用 {len(right)} 颗螺丝固定每块层板并拧紧全部螺丝，再把 4 个调节脚旋入立柱。",
           [(posts["post_fr"][0], LEFT), (posts["post_br"][0], LEFT)] + right + feet, tools=(driver,),
           cautions=ANCHOR + (("Maximum 50 kg per shelf, spread evenly.", "每层最大承重 50 公斤，请均匀放置。"),))
    return b


def build_bamboo_rack(spec: RackSpec) -> DesignBuilder:
    """Two ladder-like ends joined by front and back rails per tier; slatted shelves lie on the rails."""
    W, D, H, P = spec.width, spec.depth, spec.height, 2.5
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), BAMBOO)
    legs = {}
    for pid, en, zh, x, y in (("leg_fl", "Front-left leg", "左前腿", -W / 2, -D / 2), ("leg_bl", "Back-left leg", "左后腿", -W / 2, D / 2 - P),
                              ("leg_fr", "Front-right leg", "右前腿", W / 2 - P, -D / 2), ("leg_br", "Back-right leg", "右后腿", W / 2 - P, D / 2 - P)):
        legs[pid] = b.board(pid, Text(en, zh), "leg", (P, P, H), (x, y, 0))
    rail_len, r = W - 2 * P, 2.0
    zs = [8.0 + k * (H - 8.0 - r - 1.0) / (spec.tiers - 1) for k in range(spec.tiers)]
    rails, slats = [], []
    for n, z in enumerate(zs, 1):
        for side, en, zh, y in (("front", "front", "前", -D / 2 + (P - r) / 2), ("back", "back", "后", D / 2 - P + (P - r) / 2)):
            rails.append(b.board(f"rail_{n}_{side}", Text(f"Tier {n} {en} rail", f"第 {n} 层{zh}横杆"), "rail",
                                 (rail_len, r, r), (-rail_len / 2, y, z)))
        slats.append(b.board(f"shelf_{n}", Text(f"Tier {n} slatted shelf", f"第 {n} 层竹条板"), "shelf",
                             (rail_len, D - 1.0, 1.0), (-rail_len / 2, -D / 2 + 0.5, z + r)))
    left = [(b.hardware("dowel", (-rail_len / 2, y, z + r / 2), LEFT), RIGHT)
            for z in zs for y in (-D / 2 + P / 2, D / 2 - P / 2)]
    right = [(b.hardware("dowel", (rail_len / 2, y, z + r / 2), RIGHT), LEFT)
             for z in zs for y in (-D / 2 + P / 2, D / 2 - P / 2)]
    b.step("Lay the two left legs on the floor, peg holes facing up.", "将两条左腿平放在地上，榫孔朝上。",
           [(legs["leg_fl"], DOWN), (legs["leg_bl"], DOWN)],
           cautions=(("No tools are needed; never hammer bamboo, it splits.", "无需工具；请勿用锤子敲击竹件，以免开裂。"),))
    b.step(f"Push {len(left)} bamboo pegs into the left legs.", f"将 {len(left)} 个竹榫插入左腿。", left)
    for side, (en, zh) in (("front", ("front", "前")), ("back", ("back", "后"))):
        mine = [p for p in rails if p.endswith(side)]
        b.step(f"Fit the {len(mine)} {en} rails onto the pegs.", f"将 {len(mine)} 根{zh}横杆装到竹榫上。",
               [(p, LEFT) for p in mine])
    b.step(f"Push {len(right)} pegs into the right ends of the rails.", f"在横杆右端插入 {len(right)} 个竹榫。", right)
    b.step(f"Press the two right legs onto the pegs, stand the rack up and lay the {len(slats)} slatted shelves on.",
           f"将两条右腿压到竹榫上，把鞋架立起，再放上 {len(slats)} 块竹条板。",
           [(legs["leg_fr"], LEFT), (legs["leg_br"], LEFT)] + [(p, DOWN) for p in slats],
           cautions=(("Wipe wet shoes before racking them; standing water stains bamboo.",
                      "湿鞋请先擦干再放；积水会使竹子发霉变色。"),))
    return b


@dataclass(frozen=True)
class LadderSpec:
    product_id: str
    name: Text
    width: float
    depth: float
    height: float
    tiers: int = 5
    post: float = 3.0
    board: float = 1.8
    top_depth: float = 12.0  # the top shelf's depth: the rails stop this far in front of the posts


def _lean(span: float, height: float, s: float) -> tuple[float, float]:
    """Tilt (radians) and length of an s x s rail whose turned box spans ``span`` deep and ``height`` tall."""
    lo, hi = 0.0, math.pi / 4
    for _ in range(60):
        th = (lo + hi) / 2
        length = (height - s * math.sin(th)) / math.cos(th)
        if length * math.sin(th) + s * math.cos(th) > span:
            hi = th
        else:
            lo = th
    return lo, (height - s * math.sin(lo)) / math.cos(lo)


def build_ladder(spec: LadderSpec) -> DesignBuilder:
    W, D, H, P, t = spec.width, spec.depth, spec.height, spec.post, spec.board
    b = DesignBuilder(spec.product_id, spec.name, (W, D, H), BIRCH)
    y_post = D / 2 - P
    th, length = _lean(D - P - spec.top_depth, H, P)
    quat = (math.cos(-th / 2), math.sin(-th / 2), 0.0, 0.0)  # about x: the rail's top leans back (+y)
    cy = -D / 2 + (length * math.sin(th) + P * math.cos(th)) / 2

    def rail_back_y(z: float) -> float:
        """y of the rail's back face at height z (where a shelf's front edge meets it)."""
        return cy + P / 2 * math.cos(th) + math.tan(th) * (z - H / 2 + P / 2 * math.sin(th))

    zs = [6.0 + k * (H - 6.0 - t) / (spec.tiers - 1) for k in range(spec.tiers)]
    sides = {}
    for s, key, en, zh in ((-1, "left", "Left", "左"), (1, "right", "Right", "右")):
        x = -W / 2 if s < 0 else W / 2 - P
        post = b.board(f"post_{key}", Text(f"{en} back post", f"{zh}后立柱"), "leg", (P, P, H), (x, y_post, 0))
        rail = b.beam(f"rail_{key}", Text(f"{en} leaning rail", f"{zh}斜梯腿"), "leg", (P, P, length),
                      (x + P / 2, cy, H / 2), quat)
        sides[key] = (post, rail)
    shelves: list[str] = []
    screws_l: list[tuple[str, tuple[float, float, float]]] = []
    screws_r: list[tuple[str, tuple[float, float, float]]] = []
    for n, z in enumerate(zs, 1):
        y0 = min(rail_back_y(z + t), rail_back_y(z)) + 0.2
        shelves.append(b.board(f"shelf_{n}", Text(f"Shelf {n}", f"第 {n} 层板"), "shelf", (W - 2 * P, y_post - y0, t),
                               (-W / 2 + P, y0, z)))
        for s, out in ((-1, screws_l), (1, screws_r)):
            for y in (y0 + 1.5, y_post - 1.5):
                out.append((b.hardware("screw30", (s * (W / 2 - P + 0.5), y, z + t / 2), (s, 0, 0)),
                            (-float(s), 0.0, 0.0)))
    driver = b.hardware("screwdriver", (W / 2 + 12, -D / 2 - 8, 2.0), (1, 0, 0))
    strap = b.hardware("bracket", (0, D / 2 - 1.3, zs[-1] - 1.25), UP, 180)
    strap_screws = [b.hardware("screw16", (dx, D / 2 - 1.3, zs[-1] - 0.75), DOWN) for dx in (-0.8, 0.8)]
    post, rail = sides["left"]
    b.step("Lay the left back post and the left leaning rail on a blanket, holes facing right.",
           "将左后立柱和左斜梯腿平放在软毯上，孔位朝右。", [(post, DOWN), (rail, DOWN)],
           cautions=(("Assemble lying down; stand the shelf up only at the end.", "请平放组装，最后再立起。"),))
    b.step(f"Screw the {len(shelves)} shelves to the left side ({len(screws_l)} screws).",
           f"用 {len(screws_l)} 颗螺丝将 {len(shelves)} 块层板固定到左侧。",
           [(p, LEFT) for p in shelves] + screws_l, tools=(driver,))
    post, rail = sides["right"]
    b.step("Lay the right back post and the right leaning rail onto the shelf ends.",
           "将右后立柱和右斜梯腿放到层板右端上。", [(post, LEFT), (rail, LEFT)])
    b.step(f"Screw the shelves to the right leaning rail ({len(screws_r) // 2} screws).",
           f"用 {len(screws_r) // 2} 颗螺丝将层板固定到右斜梯腿上。", screws_r[0::2], tools=(driver,))
    b.step(f"Screw the shelves to the right back post ({len(screws_r) // 2} screws).",
           f"用 {len(screws_r) // 2} 颗螺丝将层板固定到右后立柱上。", screws_r[1::2], tools=(driver,))
    b.step("Stand the shelf against the wall, screw the strap bracket under the top shelf and fix it to the wall.",
           "将置物架靠墙立起，在顶层板下方固定防倾倒角码，并固定到墙上。",
           [(strap, (0.0, 1.0, 0.0))] + [(p, UP) for p in strap_screws], tools=(driver,), cautions=ANCHOR)
    return b
