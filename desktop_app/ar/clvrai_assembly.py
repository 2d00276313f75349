"""Solve the assembled poses of a clvrai furniture item from its recipe, welds and connection sites.

The recipe is what the clvrai robot does: each pair ``(gripped, target)`` moves the gripped
part -- and everything already welded to it -- until its connection site sits on the
target's site, turned by the recipe's angle about the site's up axis.  Real recipes are not a
star around one base part: a pair may name the already-placed part on either side, two pairs
may build a sub-assembly that a later pair (or only the XML's ``<weld>`` list) joins to the
rest, and some recipes leave parts out.  So poses are solved per *group* (union-find over
joins), and whatever groups remain after the recipe are joined through the XML's welds at
free, compatible connection sites (``a-b,...`` on one part meets ``b-a,...`` on the other).
Where the recipe leaves a choice open (no site_recipe, no angle, a weld join), the placement
whose other connectors also meet and whose collision boxes do not interpenetrate wins
(:meth:`_Solver.best`); the XML's body poses, a rough layout of the item, only break ties.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.ar.clvrai_source import Body, Item, Pair
from desktop_app.ar.scene import quat_to_matrix
from desktop_app.core.guide_format import GuideError

log = logging.getLogger(__name__)

#: Sites of two joined parts may sit this far apart in the solved item before a repeated
#: join is called a contradiction (the XMLs place some sites a few millimetres off).
CONTRADICTION_M = 0.01
#: Looser match for connectors of parts not yet joined, which still lie where the XML put them.
HINT_M = 0.02


@dataclass(frozen=True)
class Join:
    """One solved connection, in assembly order; ``moving``'s group moved onto ``target``'s."""

    moving: str
    target: str
    site_moving: str
    site_target: str
    angle: float
    source: str  # "recipe" or "weld"


@dataclass(frozen=True)
class Assembly:
    world: dict[str, np.ndarray]  # body -> world, assembled
    joins: tuple[Join, ...]


def _site_group(site: str) -> tuple[str, list[float]]:
    """``"leg-top,0,90,conn_site1"`` -> ("leg-top", [0, 90]): who it meets and its allowed turns."""
    fields = site.split(",")
    angles = []
    for f in fields[1:-1]:
        try:
            angles.append(float(f))
        except ValueError:
            continue
    return fields[0], angles


def compatible(site_a: str, site_b: str) -> bool:
    ga, gb = _site_group(site_a)[0], _site_group(site_b)[0]
    return "-" in ga and ga.split("-", 1)[::-1] == gb.split("-", 1)


def _rot_z(degrees: float) -> np.ndarray:
    half = np.radians(degrees) / 2
    m = np.eye(4)
    m[:3, :3] = quat_to_matrix((float(np.cos(half)), 0.0, 0.0, float(np.sin(half))))
    return m


def _xml_turn(item: Item, mov: str, s_mov: str, tgt: str, s_tgt: str) -> float:
    """Turn about the target site's up axis that best matches the two bodies' XML layout."""
    a = item.bodies[mov].pose @ item.bodies[mov].sites[s_mov]
    b = item.bodies[tgt].pose @ item.bodies[tgt].sites[s_tgt]
    r = b[:3, :3].T @ a[:3, :3]
    return float(np.degrees(np.arctan2(r[1, 0] - r[0, 1], r[0, 0] + r[1, 1])))


#: Collision boxes may touch and overlap this much (glue joints, dowels) before a placement
#: counts as two parts in one place.
TOUCH_M = 0.004
_PROBE = np.array([[x, y, z] for x in (-0.8, 0.0, 0.8) for y in (-0.8, 0.0, 0.8) for z in (-0.8, 0.0, 0.8)])


def _overlap(a: Body, pose_a: np.ndarray, b: Body, pose_b: np.ndarray) -> int:
    """How many probe points of ``a``'s collision boxes lie inside ``b``'s (shrunk by TOUCH_M)."""
    inside = 0
    for box_a, half_a in a.boxes:
        pts = (_PROBE * half_a) @ (pose_a @ box_a)[:3, :3].T + (pose_a @ box_a)[:3, 3]
        for box_b, half_b in b.boxes:
            m = pose_b @ box_b
            local = np.abs((pts - m[:3, 3]) @ m[:3, :3])
            inside += int(np.all(local < np.maximum(half_b - TOUCH_M, 0.0), axis=1).sum())
    return inside


def _xml_site_distance(item: Item, a: str, sa: str, b: str, sb: str) -> float:
    pa = (item.bodies[a].pose @ item.bodies[a].sites[sa])[:3, 3]
    pb = (item.bodies[b].pose @ item.bodies[b].sites[sb])[:3, 3]
    return float(np.linalg.norm(pa - pb))


class _Solver:
    def __init__(self, item: Item) -> None:
        self.item = item
        self.world = {name: b.pose.copy() for name, b in item.bodies.items()}
        self.group = {name: name for name in item.bodies}  # body -> group root
        self.used: set[tuple[str, str]] = set()
        self.joins: list[Join] = []

    def members(self, body: str) -> list[str]:
        return [b for b, g in self.group.items() if g == self.group[body]]

    def free_pairs(self, a: str, b: str) -> list[tuple[str, str]]:
        sa = [s for s in self.item.bodies[a].sites if (a, s) not in self.used]
        sb = [s for s in self.item.bodies[b].sites if (b, s) not in self.used]
        return [(x, y) for x in sa for y in sb if compatible(x, y)]

    def placed(self, mov: str, s_mov: str, tgt: str, s_tgt: str, angle: float) -> np.ndarray:
        """World pose change that puts ``mov``'s site on ``tgt``'s (moving ``mov``'s whole group)."""
        target_site = self.world[tgt] @ self.item.bodies[tgt].sites[s_tgt] @ _rot_z(angle)
        new_mov = target_site @ np.linalg.inv(self.item.bodies[mov].sites[s_mov])
        return np.asarray(new_mov @ np.linalg.inv(self.world[mov]))

    def contacts(self, mov: str, tgt: str, delta: np.ndarray) -> tuple[int, int]:
        """Free matching site pairs the move brings together: (with the target group, with the rest).

        Symmetric parts offer several site pairs and turns; the right one is where the other
        connectors line up too -- a rail that meets both legs, a top on every leg -- either in
        the target group (exact) or with parts not yet joined, where they lie now (a hint).
        """
        exact = hint = 0
        moved = self.members(mov)
        for a in moved:
            for b in self.item.bodies:
                if b in moved:
                    continue
                same = self.group[b] == self.group[tgt]
                for sa, sb in self.free_pairs(a, b):
                    pa = (delta @ self.world[a] @ self.item.bodies[a].sites[sa])[:3, 3]
                    pb = (self.world[b] @ self.item.bodies[b].sites[sb])[:3, 3]
                    gap = float(np.linalg.norm(pa - pb))
                    if same and gap < CONTRADICTION_M:
                        exact += 1
                    elif not same and gap < HINT_M:
                        hint += 1
        return exact - 1, hint  # minus the joining pair itself

    def overlap(self, mov: str, tgt: str, delta: np.ndarray) -> int:
        """Interpenetration of the moved group with the target group (collision-box probes)."""
        bodies = self.item.bodies
        return sum(_overlap(bodies[a], delta @ self.world[a], bodies[b], self.world[b]) +
                   _overlap(bodies[b], self.world[b], bodies[a], delta @ self.world[a])
                   for a in self.members(mov) for b in self.members(tgt))

    def spread(self, mov: str, delta: np.ndarray) -> float:
        """Distance of the moved group's centre from the centre of the XML layout: parts go inward."""
        centre = np.mean([b.pose[:3, 3] for b in self.item.bodies.values()], axis=0)
        moved = np.mean([(delta @ self.world[a])[:3, 3] for a in self.members(mov)], axis=0)
        return float(np.linalg.norm(moved - centre))

    def join(self, mov: str, s_mov: str, tgt: str, s_tgt: str, angle: float, source: str) -> None:
        delta = self.placed(mov, s_mov, tgt, s_tgt, angle)
        root, old = self.group[tgt], self.group[mov]
        for body in self.members(mov):
            self.world[body] = delta @ self.world[body]
        for body, g in self.group.items():
            if g == old:
                self.group[body] = root
        self.used |= {(mov, s_mov), (tgt, s_tgt)}
        self.joins.append(Join(mov, tgt, s_mov, s_tgt, angle, source))

    def best(self, candidates: Sequence[tuple[str, str, str, str, float | None]]) -> tuple[str, str, str, str, float] | None:
        """The join (mov, s_mov, tgt, s_tgt, angle) whose other connectors line up best.

        ``angle`` None tries the turns the sites allow (any quarter turn where they name
        none).  Ranked by: connectors that meet in the target group, then least
        interpenetration of collision boxes, connectors that will meet parts not yet joined,
        a compact (inward) result, the site pair closest and the turn nearest in the XML.
        """
        scored = []
        for mov, s_mov, tgt, s_tgt, fixed in candidates:
            turn = _xml_turn(self.item, mov, s_mov, tgt, s_tgt)
            allowed = _site_group(s_mov)[1] or _site_group(s_tgt)[1] or [turn, 0.0, 90.0, 180.0, 270.0]
            dist = _xml_site_distance(self.item, mov, s_mov, tgt, s_tgt)
            for angle in [fixed] if fixed is not None else allowed:
                delta = self.placed(mov, s_mov, tgt, s_tgt, angle)
                exact, hint = self.contacts(mov, tgt, delta)
                off = abs((angle - turn + 180.0) % 360.0 - 180.0)
                scored.append((-exact, self.overlap(mov, tgt, delta), -hint, round(self.spread(mov, delta), 3),
                               round(dist, 3), off, mov, s_mov, tgt, s_tgt, angle))
        if not scored:
            return None
        *_, mov, s_mov, tgt, s_tgt, angle = min(scored)
        return mov, s_mov, tgt, s_tgt, angle

    def check_closed(self, n: int, pair: Pair, s_mov: str, s_tgt: str) -> None:
        """A pair inside one group closes a loop: its sites must already meet."""
        a = self.world[pair.moving] @ self.item.bodies[pair.moving].sites[s_mov]
        b = self.world[pair.target] @ self.item.bodies[pair.target].sites[s_tgt]
        gap = float(np.linalg.norm(a[:3, 3] - b[:3, 3]))
        if gap > CONTRADICTION_M:
            raise GuideError(f"recipe pair {n} ({pair.moving}, {pair.target}) contradicts the earlier joins: "
                             f"its sites end up {gap * 1000:.0f} mm apart.")
        self.used |= {(pair.moving, s_mov), (pair.target, s_tgt)}


def _recipe_join(solver: _Solver, n: int, pair: Pair) -> tuple[str, str, float]:
    """Sites and turn of one recipe pair; what the recipe leaves open is chosen by ``best``."""
    if pair.site_moving is None or pair.site_target is None:
        free = solver.free_pairs(pair.moving, pair.target)
        if not free:
            raise GuideError(f"recipe pair {n} ({pair.moving}, {pair.target}): no free matching connection sites "
                             "and no site_recipe to name them.")
        sites = free
    else:
        sites = [(pair.site_moving, pair.site_target)]
    best = solver.best([(pair.moving, a, pair.target, b, pair.angle) for a, b in sites])
    assert best is not None  # sites is non-empty
    return best[1], best[3], best[4]


def solve(item: Item, pairs: list[Pair]) -> Assembly:
    """Assembled body -> world poses, following the recipe then the XML's welds."""
    solver = _Solver(item)
    for n, pair in enumerate(pairs, start=1):
        for body in (pair.moving, pair.target):
            if body not in item.bodies:
                raise GuideError(f"recipe pair {n} names unknown part '{body}'.")
        if pair.moving == pair.target:
            raise GuideError(f"recipe pair {n} joins part '{pair.moving}' to itself.")
        for body, site in ((pair.moving, pair.site_moving), (pair.target, pair.site_target)):
            if site is not None and site not in item.bodies[body].sites:
                raise GuideError(f"recipe pair {n}: part '{body}' has no connection site '{site}'.")
        if solver.group[pair.moving] == solver.group[pair.target]:
            if pair.site_moving is not None and pair.site_target is not None:
                solver.check_closed(n, pair, pair.site_moving, pair.site_target)
            continue
        s_mov, s_tgt, angle = _recipe_join(solver, n, pair)
        solver.join(pair.moving, s_mov, pair.target, s_tgt, angle, "recipe")
    _join_by_welds(solver)
    return Assembly(solver.world, tuple(solver.joins))


def _join_by_welds(solver: _Solver) -> None:
    """Join the groups the recipe left apart through welds at free matching sites, closest first."""
    item = solver.item
    welds = {(a, b) for a, b in item.welds if a in item.bodies and b in item.bodies and a != b}
    while len(set(solver.group.values())) > 1:
        candidates = []
        for a, b in sorted(welds):
            if solver.group[a] == solver.group[b]:
                continue
            # the smaller group moves onto the larger, as a person brings a part to the assembly
            mov, tgt = (a, b) if len(solver.members(a)) <= len(solver.members(b)) else (b, a)
            candidates += [(mov, s_mov, tgt, s_tgt, None) for s_mov, s_tgt in solver.free_pairs(mov, tgt)]
        best = solver.best(candidates)
        if best is None:
            groups = list(solver.group.values())
            main = max(set(groups), key=groups.count)
            apart = sorted(b for b, g in solver.group.items() if g != main)
            raise GuideError(f"parts never connected to the rest: {', '.join(apart)} "
                             "(no recipe pair or XML weld with free matching connection sites joins them).")
        mov, s_mov, tgt, s_tgt, angle = best
        solver.join(mov, s_mov, tgt, s_tgt, angle, "weld")
        log.info("%s: joined %s to %s through an XML weld", item.model, mov, tgt)
