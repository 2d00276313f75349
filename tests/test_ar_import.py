"""clvrai IKEA import: recipes in any order, sub-assemblies, weld joins, one-line failures.

The synthetic items are written by the tests (no network, no mirror): an INGOLF-style chair
whose recipe names the already-placed part on either side and builds a sub-assembly that a
later pair joins, scattered in the XML so nothing can come from its layout.  The two real
clvrai items run too where ``../shared/data`` holds them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_app.ar.clvrai_import import import_clvrai
from desktop_app.ar.clvrai_source import parse_item, parse_recipe
from desktop_app.ar.scene import StepScene, load_meshes, pose_matrix
from desktop_app.core.guide_format import Guide, GuideError, load_guide

ROOT = Path(__file__).resolve().parents[1]
CLVRAI = ROOT.parent / "shared" / "data" / "furniture" / "clvrai"
needs_clvrai = pytest.mark.skipif(not CLVRAI.is_dir(), reason=f"clvrai furniture data absent at {CLVRAI}")
ITEMS = {"table_lack_0825": ("FUR-LACK-55", "Table top", "桌面"),
         "bench_bjursta_0210": ("FUR-BENCH-BJ", "Bench seat", "凳面")}

# --- a synthetic INGOLF-style chair: assembled layout (centre, half sizes) and sites (world, assembled)
BOXES = {"0_seat": ((0, 0, 0.45), (0.2, 0.2, 0.01)), "1_left": ((-0.19, 0, 0.42), (0.01, 0.18, 0.02)),
         "2_right": ((0.19, 0, 0.42), (0.01, 0.18, 0.02)), "3_back": ((0, 0.19, 0.2), (0.18, 0.01, 0.2)),
         "4_front": ((0, -0.19, 0.2), (0.18, 0.01, 0.2)), "5_bar": ((0, -0.17, 0.1), (0.18, 0.01, 0.01))}
Vec = tuple[float, float, float]
SITES: dict[str, dict[str, Vec]] = {"0_seat": {"seat-side,0,180,conn_site1": (-0.19, 0, 0.44), "seat-side,0,180,conn_site2": (0.19, 0, 0.44)},
         "1_left": {"side-seat,0,180,conn_site1": (-0.19, 0, 0.44), "side-back,0,conn_site1": (-0.18, 0.18, 0.42)},
         "2_right": {"side-seat,0,180,conn_site2": (0.19, 0, 0.44), "side-back,0,conn_site2": (0.18, 0.18, 0.42),
                     "side-front,0,conn_site2": (0.18, -0.18, 0.42)},
         "3_back": {"back-side,0,conn_site1": (-0.18, 0.18, 0.42), "back-side,0,conn_site2": (0.18, 0.18, 0.42)},
         "4_front": {"front-side,0,conn_site2": (0.18, -0.18, 0.42), "front-bar,0,conn_site1": (0, -0.18, 0.1)},
         "5_bar": {"bar-front,0,conn_site1": (0, -0.18, 0.1)}}
#: Where the XML leaves each part before assembly: scattered, turned about z (quarter turns keep
#: the assembled boxes axis-aligned, so touching can be checked on bounding boxes).
SCATTER = {"0_seat": ((1.0, 2.0, 0.0), 0), "1_left": ((-1.5, 0.3, 0.2), 90), "2_right": ((0.4, -1.2, 0.0), 180),
           "3_back": ((2.0, -2.0, 0.3), 90), "4_front": ((-2.2, 1.1, 0.0), 270), "5_bar": ((0.0, 3.0, 0.1), 0)}
#: (moving, target, moving site, target site): pairs 3 and 5 name the placed part first (as INGOLF's
#: ``(1,4)`` does); pair 4 joins two new parts, a sub-assembly that pair 5 joins to the chair.
RECIPE: list[tuple[str, str, str, str]] = [("1_left", "0_seat", "side-seat,0,180,conn_site1", "seat-side,0,180,conn_site1"),
          ("2_right", "0_seat", "side-seat,0,180,conn_site2", "seat-side,0,180,conn_site2"),
          ("2_right", "3_back", "side-back,0,conn_site2", "back-side,0,conn_site2"),
          ("5_bar", "4_front", "bar-front,0,conn_site1", "front-bar,0,conn_site1"),
          ("4_front", "2_right", "front-side,0,conn_site2", "side-front,0,conn_site2")]
WELDS = [(m, t) for m, t, _, _ in RECIPE] + [("1_left", "3_back")]


def _quat_z(deg: float) -> str:
    return f"{np.cos(np.radians(deg) / 2)} 0 0 {np.sin(np.radians(deg) / 2)}"


def _write_item(tmp: Path, recipe: Sequence[tuple[str, str, str, str]] = RECIPE,
                welds: Sequence[tuple[str, str]] = WELDS, site_shift: dict[str, Vec] | None = None,
                seat_mesh: str | None = "seat.stl", write_mesh: bool = True) -> tuple[Path, Path]:
    """Write chair.xml (+ seat mesh) and chair.yaml; sites are stored relative to each body's centre."""
    import open3d as o3d

    tmp.mkdir(parents=True, exist_ok=True)
    bodies = []
    for name, (centre, half) in BOXES.items():
        (pos, turn) = SCATTER[name]
        if name == "0_seat" and seat_mesh:  # one part as a mesh file, scaled by the XML
            geom = f'<geom type="mesh" mesh="seatmesh" name="{name}_mesh"/>'
        else:
            geom = f'<geom type="box" name="{name}_geom" size="{half[0]} {half[1]} {half[2]}" rgba="0.8 0.7 0.5 1"/>'
        col = f'<geom type="box" name="noviz_collision_{name}" size="{half[0]} {half[1]} {half[2]}" rgba="0 0 0 0"/>'
        sites = "".join(
            f'<site name="{s}" pos="{" ".join(str(w - c + d) for w, c, d in zip(p, centre, (site_shift or {}).get(s, (0, 0, 0))))}"/>'
            for s, p in SITES[name].items())
        bodies.append(f'<body name="{name}" pos="{pos[0]} {pos[1]} {pos[2]}" quat="{_quat_z(turn)}">{geom}{col}{sites}</body>')
    weld_xml = "".join(f'<weld body1="{a}" body2="{b}"/>' for a, b in welds)
    xml = tmp / "chair_test_0001.xml"
    xml.write_text(f'<mujoco model="chair_test_0001"><asset><mesh file="meshes/{seat_mesh}" name="seatmesh" '
                   f'scale="0.5 0.5 0.5"/></asset><equality>{weld_xml}</equality>'
                   f'<worldbody>{"".join(bodies)}</worldbody></mujoco>', encoding="utf-8")
    if seat_mesh and write_mesh:
        box = o3d.geometry.TriangleMesh.create_box(0.8, 0.8, 0.04).translate((-0.4, -0.4, -0.02))
        box.compute_triangle_normals()
        (tmp / "meshes").mkdir(exist_ok=True)
        assert o3d.io.write_triangle_mesh(str(tmp / "meshes" / seat_mesh), box)
    lines = ["recipe:"] + [f'  - !!python/tuple ["{m}", "{t}"]' for m, t, *_ in recipe]
    lines += ["site_recipe:"] + [f'  - !!python/tuple ["{sm}", "{st}", 0]' for _, _, sm, st in recipe]
    lines += ["waypoints:", "  -", "    - !!python/list [0, 0, 0.05]"]  # robot data real recipes carry
    yml = tmp / "chair_test_0001.yaml"
    yml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return xml, yml


def _boxes(guide: Guide, guide_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    scene = StepScene(guide, load_meshes(guide, guide_dir))
    return {p: (v.min(axis=0), v.max(axis=0)) for p, v in scene.world_vertices.items()}


def _gap(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Per axis: > 0 a gap between the boxes, < 0 how deep they overlap."""
    return np.asarray(np.maximum(a[0], b[0]) - np.minimum(a[1], b[1]))


def test_ingolf_style_recipe_imports_and_every_step_touches_the_assembly(tmp_path: Path) -> None:
    xml, recipe = _write_item(tmp_path / "src")
    result = import_clvrai(xml, recipe, tmp_path / "guide")
    guide = load_guide(tmp_path / "guide")
    assert result.guide == guide and guide.product_id == "CLVRAI-chair_test_0001"
    assert [s.part_ids for s in guide.steps] == [("0_seat",), ("1_left",), ("2_right",), ("3_back",),
                                                ("4_front", "5_bar"), ()]
    assert "sub-assembly" in guide.steps[4].instruction.en and "Join" in guide.steps[5].instruction.en
    boxes = _boxes(guide, tmp_path / "guide")
    placed: list[str] = []
    for n, step in enumerate(guide.steps):
        for pid in step.part_ids:
            others = [q for q in placed + list(step.part_ids) if q != pid]
            if n > 0:  # touches an already-placed part (or its sub-assembly partner in the same step)
                assert any(np.all(_gap(boxes[pid], boxes[q]) <= 1e-3) for q in others), (n, pid)
        placed += step.part_ids
    for a in boxes:  # and nothing sits inside anything else
        for b in boxes:
            if a < b:
                assert np.max(_gap(boxes[a], boxes[b])) >= -1e-3, (a, b)
    # the sites of every recipe pair coincide, whichever side was placed first
    item = parse_item(xml)
    world = {p.id: pose_matrix(p.final_pose) for p in guide.parts}
    for pair in parse_recipe(recipe):
        assert pair.site_moving is not None and pair.site_target is not None
        a = world[pair.moving] @ item.bodies[pair.moving].sites[pair.site_moving]
        b = world[pair.target] @ item.bodies[pair.target].sites[pair.site_target]
        assert np.allclose(a[:3, 3], b[:3, 3], atol=1e-6)
    assert guide.dimensions_cm == pytest.approx((40.0, 40.0, 46.0), abs=0.05)  # upright, on the floor
    assert min(v[0][2] for v in boxes.values()) == pytest.approx(0.0, abs=1e-6)
    names = {p.id: p.name.en for p in guide.parts}
    assert names["0_seat"] == "Seat" and names["1_left"] == "Side rail 1" and names["3_back"] == "Back"


def test_parts_the_recipe_leaves_apart_are_joined_through_the_xml_welds(tmp_path: Path) -> None:
    xml, recipe = _write_item(tmp_path / "src", recipe=RECIPE[:4])  # the sub-assembly is never joined
    guide = import_clvrai(xml, recipe, tmp_path / "guide").guide
    assert len(guide.parts) == 6 and guide.steps[-1].part_ids == ()
    boxes = _boxes(guide, tmp_path / "guide")
    assert np.all(_gap(boxes["4_front"], boxes["2_right"]) <= 1e-3)  # the front meets the right rail
    assert guide.dimensions_cm == pytest.approx((40.0, 40.0, 46.0), abs=0.05)


def test_a_recipe_without_site_recipe_puts_each_leg_on_its_own_corner(tmp_path: Path) -> None:
    corners = [(x, y) for x in (-0.28, 0.28) for y in (-0.18, 0.18)]
    box = '<geom type="box" name="{n}_g" size="{s}" rgba="0.8 0.7 0.5 1"/>'
    top_sites = "".join(f'<site name="top-leg,0,90,180,270,conn_site{i}" pos="{x} {y} -0.01"/>'
                        for i, (x, y) in enumerate(corners))
    legs = "".join(f'<body name="{i}_leg" pos="{0.1 * i} {-1 - i} 0" quat="{_quat_z(30 * i)}">'
                   + box.format(n=f"{i}_leg", s="0.02 0.02 0.245")
                   + '<site name="leg-top,0,90,180,270,conn_site1" pos="0 0 0.245"/></body>' for i in range(4))
    xml = tmp_path / "table_test_0002.xml"
    xml.write_text(f'<mujoco model="table_test_0002"><worldbody><body name="4_top" pos="0 0 0.5">'
                   f'{box.format(n="4_top", s="0.3 0.2 0.01")}{top_sites}</body>{legs}</worldbody></mujoco>',
                   encoding="utf-8")
    recipe = tmp_path / "table_test_0002.yaml"
    recipe.write_text("recipe:\n" + "".join(f'  - !!python/tuple ["{i}_leg", "4_top"]\n' for i in range(4)),
                      encoding="utf-8")
    guide = import_clvrai(xml, recipe, tmp_path / "guide").guide
    assert guide.name.en == "TEST-style table" and guide.parts[0].name.en == "Table top"
    boxes = _boxes(guide, tmp_path / "guide")
    feet = sorted((round(float(b[0][0] + b[1][0]) / 2, 3), round(float(b[0][1] + b[1][1]) / 2, 3))
                  for p, b in boxes.items() if p != "4_top")
    assert feet == sorted(corners)  # four distinct corners, none doubled up
    assert guide.dimensions_cm == pytest.approx((60.0, 40.0, 51.0), abs=0.05)  # 49 cm legs, 2 cm top


def test_a_recipe_that_closes_a_loop_consistently_imports(tmp_path: Path) -> None:
    loop = ("1_left", "3_back", "side-back,0,conn_site1", "back-side,0,conn_site1")
    xml, recipe = _write_item(tmp_path / "src", recipe=[*RECIPE, loop])
    assert len(import_clvrai(xml, recipe, tmp_path / "guide").guide.steps) == 6


@pytest.mark.parametrize("case, expected", [
    ("apart", "parts never connected to the rest: 4_front, 5_bar"),
    ("contradiction", "recipe pair 6 (1_left, 3_back) contradicts the earlier joins: its sites end up 50 mm apart"),
    ("missing_mesh", "mesh file 'meshes/seat.stl' of part '0_seat' is missing"),
    ("unknown_part", "recipe pair 1 names unknown part '9_ghost'"),
    ("unknown_site", "part '1_left' has no connection site 'nope,conn_site9'"),
])
def test_items_that_cannot_be_assembled_fail_with_one_line(tmp_path: Path, case: str, expected: str) -> None:
    loop = ("1_left", "3_back", "side-back,0,conn_site1", "back-side,0,conn_site1")
    cases: dict[str, dict[str, Any]] = {
        "apart": {"recipe": RECIPE[:4], "welds": WELDS[:4]},
        "contradiction": {"recipe": [*RECIPE, loop], "site_shift": {"side-back,0,conn_site1": (0.05, 0, 0)}},
        "missing_mesh": {"write_mesh": False},
        "unknown_part": {"recipe": [("9_ghost", "0_seat", "a-b,conn_site1", "b-a,conn_site1"), *RECIPE[1:]]},
        "unknown_site": {"recipe": [("1_left", "0_seat", "nope,conn_site9", "seat-side,0,180,conn_site1")]},
    }
    xml, recipe = _write_item(tmp_path / "src", **cases[case])
    with pytest.raises(GuideError) as err:
        import_clvrai(xml, recipe, tmp_path / "guide")
    assert expected in err.value.message and "\n" not in err.value.message
    assert not (tmp_path / "guide").exists()  # nothing half-written
    assert [p.name for p in tmp_path.iterdir()] == ["src"]


def test_a_recipe_file_without_pairs_says_so(tmp_path: Path) -> None:
    xml, _ = _write_item(tmp_path / "src")
    empty = tmp_path / "src" / "empty.yaml"
    empty.write_text("fine_magnitude: 2\n", encoding="utf-8")
    with pytest.raises(GuideError, match="no recipe"):
        import_clvrai(xml, empty, tmp_path / "guide")


def test_recipe_loader_refuses_unsafe_tags(tmp_path: Path) -> None:
    bad = tmp_path / "evil.yaml"
    bad.write_text('recipe:\n  - !!python/object/apply:os.system ["echo hi"]\nsite_recipe: []\n', encoding="utf-8")
    with pytest.raises(GuideError, match="cannot read recipe"):
        parse_recipe(bad)


def _cli(argv: list[str]) -> int:
    from desktop_app.cli.guide import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="cmd", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_import_and_one_line_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xml, recipe = _write_item(tmp_path / "src")
    assert _cli(["guide", "import-clvrai", str(xml), str(recipe), "--out", str(tmp_path / "chair")]) == 0
    assert "CLVRAI-chair_test_0001: 6 parts, 6 steps" in capsys.readouterr().out
    assert _cli(["guide", "import-clvrai", str(xml), str(recipe), "--out", str(tmp_path / "chair")]) == 0  # re-import
    capsys.readouterr()
    bad_xml, bad_recipe = _write_item(tmp_path / "bad", recipe=RECIPE[:4], welds=WELDS[:4])
    for argv in ([str(tmp_path / "nope.xml"), str(recipe)], [str(bad_xml), str(bad_recipe)]):
        assert _cli(["guide", "import-clvrai", *argv, "--out", str(tmp_path / "x")]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("desktop-app:"), err
    assert not (tmp_path / "x").exists()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    assert _cli(["guide", "import-clvrai", str(xml), str(recipe), "--out", str(tmp_path / "notes")]) == 1
    assert "not a guide directory" in capsys.readouterr().err
    assert (tmp_path / "notes" / "todo.txt").read_text(encoding="utf-8") == "mine"


# --- the real clvrai items, where ../shared/data has them


@needs_clvrai
@pytest.mark.parametrize("item", sorted(ITEMS))
def test_real_items_join_parts_at_their_sites(item: str, tmp_path: Path) -> None:
    xml, recipe = CLVRAI / "objects" / f"{item}.xml", CLVRAI / "recipes" / f"{item}.yaml"
    result = import_clvrai(xml, recipe, tmp_path / item)
    guide = load_guide(tmp_path / item)
    sku, top_en, top_zh = ITEMS[item]
    assert guide.product_id == sku and result.guide == guide
    assert len(guide.parts) == 5 and len(guide.steps) == 5
    top = guide.parts[0]
    assert (top.name.en, top.name.zh, top.kind) == (top_en, top_zh, "top")
    assert [p.kind for p in guide.parts[1:]] == ["leg"] * 4
    assert [p.name.en for p in guide.parts[1:]] == [f"Leg {i}" for i in range(1, 5)]
    bodies = parse_item(xml).bodies
    world = {p.id: pose_matrix(p.final_pose) for p in guide.parts}
    for pair in parse_recipe(recipe):
        assert pair.site_moving is not None and pair.site_target is not None
        a = world[pair.moving] @ bodies[pair.moving].sites[pair.site_moving]
        b = world[pair.target] @ bodies[pair.target].sites[pair.site_target]
        assert np.allclose(a[:3, 3], b[:3, 3], atol=1e-9)
        assert np.dot(a[:3, 2], [0, 0, 1]) == pytest.approx(1.0)  # legs stand upright
    scene = StepScene(guide, load_meshes(guide, tmp_path / item))
    top_v = scene.world_vertices[top.id]
    for leg in guide.parts[1:]:
        v = scene.world_vertices[leg.id]
        # on the floor; table_lack_0825's leg 0 site sits 4.25 mm higher in the XML than the others
        assert v[:, 2].min() == pytest.approx(0.0, abs=0.005)
        assert v[:, 2].max() <= top_v[:, 2].max()  # under the top
        # within the top's footprint (the LACK sites put legs 0.9 mm past the edge: flush, to 1 mm)
        assert top_v[:, 0].min() - 0.001 <= v[:, 0].min() and v[:, 0].max() <= top_v[:, 0].max() + 0.001
        assert top_v[:, 1].min() - 0.001 <= v[:, 1].min() and v[:, 1].max() <= top_v[:, 1].max() + 0.001
    assert (tmp_path / item / "qr" / "step-05.png").is_file()


@needs_clvrai
def test_cli_import_real_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xml, recipe = CLVRAI / "objects" / "table_lack_0825.xml", CLVRAI / "recipes" / "table_lack_0825.yaml"
    assert _cli(["guide", "import-clvrai", str(xml), str(recipe), "--out", str(tmp_path / "lack")]) == 0
    assert "FUR-LACK-55" in capsys.readouterr().out
    assert load_guide(tmp_path / "lack").dimensions_cm == pytest.approx((64.7, 24.0, 30.7), abs=0.1)
