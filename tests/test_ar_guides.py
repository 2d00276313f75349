"""Guide format and scene geometry: every guide loads, parts end at their final pose, the
assembly has the product's size, malformed guides fail with a message naming the problem."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_app.ar.scene import Role, StepScene, load_meshes
from desktop_app.core.guide_code import encode_payload, parse_payload
from desktop_app.core.guide_format import GuideError, guide_from_dict, guide_to_dict, load_guide

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "assets" / "models3d"
CLVRAI = ROOT.parent / "shared" / "data" / "furniture" / "clvrai"
CLVRAI_ITEMS = ("table_lack_0825", "bench_bjursta_0210")


def _store_dims() -> dict[str, tuple[float, float, float]]:
    """Width x depth x height (cm) of every demo product that needs assembly, as the catalogue lists it."""
    from desktop_app.store.demo.catalog_home import FURNITURE

    out = {}
    for p in FURNITURE:
        if p.needs_assembly:
            attrs = {a.key: a.value_num for a in p.attributes}
            out[p.sku] = (float(attrs["width_cm"] or 0), float(attrs["depth_cm"] or 0), float(attrs["height_cm"] or 0))
    return out


# Store SKUs needing assembly: width x depth x height in cm; each has a project design.
STORE_DIMS = _store_dims()
# Assembled size of the imported items, from their XML mesh scales and connection sites.
IMPORTED_DIMS = {"FUR-LACK-55": (64.7, 24.0, 30.7), "FUR-BENCH-BJ": (65.0, 19.3, 20.9)}
#: Imported guides are keyed apart from the project's own guide for the same SKU.
IMPORTED = "clvrai:"


#: Breaks a copied guide: its parsed guide.json (edited in place) and its directory.
Mutation = Callable[[dict[str, Any], Path], object]


def project_guide_dirs() -> list[Path]:
    return sorted(p for p in MODELS.iterdir() if (p / "guide.json").is_file())


def import_items(out_root: Path) -> dict[str, Path]:
    """Import both clvrai items under ``out_root``; {product id: guide dir}."""
    from desktop_app.ar.clvrai_import import import_clvrai

    dirs = {}
    for item in CLVRAI_ITEMS:
        res = import_clvrai(CLVRAI / "objects" / f"{item}.xml", CLVRAI / "recipes" / f"{item}.yaml", out_root / item)
        dirs[IMPORTED + res.guide.product_id] = out_root / item
    return dirs


@pytest.fixture(scope="module")
def all_guides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dirs = {load_guide(d).product_id: d for d in project_guide_dirs()}
    if CLVRAI.is_dir():
        dirs.update(import_items(tmp_path_factory.mktemp("clvrai")))
    return dirs


def test_project_guides_exist_for_every_store_design() -> None:
    ids = {load_guide(d).product_id for d in project_guide_dirs()}
    assert len(STORE_DIMS) == 15
    assert ids == set(STORE_DIMS)
    for d in project_guide_dirs():
        g = load_guide(d)
        assert len(g.steps) >= 6
        assert any(p.is_fastener for p in g.parts)
        assert g.name.en and g.name.zh and g.name.en != g.name.zh
        assert all(p.name.en and p.name.zh for p in g.parts)
        for step in g.steps:  # both languages, and the Chinese text really is Chinese
            assert step.instruction.en.isascii() and not step.instruction.zh.isascii(), (g.product_id, step)
            assert all(c.en and c.zh and not c.zh.isascii() for c in step.cautions)
        assert (d / "qr" / "guide.png").is_file() and (d / "qr" / f"step-{len(g.steps):02d}.png").is_file()


def test_imported_guides_present(all_guides: dict[str, Path]) -> None:
    if not CLVRAI.is_dir():
        pytest.skip(f"clvrai data absent at {CLVRAI}")
    assert {IMPORTED + sku for sku in IMPORTED_DIMS} <= set(all_guides)


def test_every_part_ends_at_final_pose_and_starts_exploded(all_guides: dict[str, Path]) -> None:
    for pid, d in all_guides.items():
        guide = load_guide(d)
        scene = StepScene(guide, load_meshes(guide, d))
        for n, step in enumerate(guide.steps):
            end = {pf.part_id: pf for pf in scene.frame(n, 1.0).parts}
            start = {pf.part_id: pf for pf in scene.frame(n, 0.0).parts}
            for pl in step.placements:
                assert end[pl.part].offset == pytest.approx((0, 0, 0), abs=1e-12), (pid, n, pl.part)
                assert end[pl.part].role in (Role.CURRENT, Role.FASTENER)
                off = np.asarray(start[pl.part].offset)
                assert np.linalg.norm(off) > 1e-3, (pid, n, pl.part)
                # it travels along its approach direction into place
                assert np.dot(-off / np.linalg.norm(off), pl.approach) == pytest.approx(1.0)
            earlier = {p for s in guide.steps[:n] for p in s.part_ids}
            for part in guide.parts:
                if part.id in earlier:
                    assert end[part.id].role is Role.PLACED and end[part.id].offset == (0, 0, 0)
                elif not part.is_tool and part.id not in step.part_ids:
                    assert end[part.id].role is Role.HIDDEN


def test_assembled_size_matches_product(all_guides: dict[str, Path]) -> None:
    for pid, d in all_guides.items():
        guide = load_guide(d)
        dims = StepScene(guide, load_meshes(guide, d)).assembled_dimensions_cm()
        assert guide.dimensions_cm is not None
        assert dims == pytest.approx(guide.dimensions_cm, abs=0.05), pid
        expected = IMPORTED_DIMS[pid.removeprefix(IMPORTED)] if pid.startswith(IMPORTED) else STORE_DIMS[pid]
        assert dims == pytest.approx(expected, abs=0.1), pid


def test_assembly_rests_on_floor(all_guides: dict[str, Path]) -> None:
    for pid, d in all_guides.items():
        guide = load_guide(d)
        lo, hi = StepScene(guide, load_meshes(guide, d)).assembled_bounds()
        assert lo[2] == pytest.approx(0.0, abs=1e-6), pid
        assert (lo[0] + hi[0]) / 2 == pytest.approx(0.0, abs=1e-6), pid


def test_round_trip_through_json() -> None:
    d = project_guide_dirs()[0]
    g = load_guide(d)
    assert guide_from_dict(json.loads(json.dumps(guide_to_dict(g))), d) == g


def _broken(tmp_path: Path, mutate: Mutation) -> Path:
    src = project_guide_dirs()[0]
    dst = tmp_path / "g"
    shutil.copytree(src, dst)
    raw = json.loads((dst / "guide.json").read_text(encoding="utf-8"))
    mutate(raw, dst)
    (dst / "guide.json").write_text(json.dumps(raw), encoding="utf-8")
    return dst


@pytest.mark.parametrize("mutate, expect", [
    (lambda raw, d: (d / raw["parts"][0]["mesh"]).unlink(), "missing mesh file"),
    (lambda raw, d: raw["steps"][1]["parts"].append({"part": "ghost_leg", "approach": [0, 0, -1]}),
     "unknown part 'ghost_leg'"),
    (lambda raw, d: raw["parts"][1]["final_pose"].update(quat=[2, 0, 0, 0]), "bad pose"),
    (lambda raw, d: raw["parts"][1]["final_pose"].update(position=[0, "x", 0]), "position"),
    (lambda raw, d: raw.update(format_version=99), "format_version"),
    (lambda raw, d: raw["steps"][0]["parts"][0].update(approach=[0, 0, 0]), "approach"),
    (lambda raw, d: raw["steps"][1]["fasteners"][0].update(count=999), "fastener counts"),
    (lambda raw, d: raw["steps"].pop(), "never placed"),
    (lambda raw, d: raw["parts"][0].update(mesh="../../etc/passwd.ply"), "inside the guide"),
])
def test_malformed_guides_fail_with_named_problem(tmp_path: Path, mutate: Mutation, expect: str) -> None:
    d = _broken(tmp_path, mutate)
    with pytest.raises(GuideError) as err:
        load_guide(d)
    assert expect in err.value.message
    assert "guide.json" in err.value.message


def test_invalid_json_and_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="No guide found"):
        load_guide(tmp_path / "nothing")
    (tmp_path / "guide.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GuideError, match="not valid JSON"):
        load_guide(tmp_path)


def test_qr_png_scans_to_product_and_step() -> None:
    import cv2

    d = next(p for p in project_guide_dirs() if load_guide(p).product_id == "FUR-STOOL-01")
    img = cv2.imread(str(d / "qr" / "step-03.png"))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    code = parse_payload(text)
    assert (code.product_id, code.step) == ("FUR-STOOL-01", 3)


def test_qr_payload_rejects_foreign_codes() -> None:
    assert parse_payload(encode_payload("FUR-LACK-55", 2)).step == 2
    for bad in ("https://example.com", "asmguide:v1?product=FUR-X", "asmguide:v1?product=..&step=1",
                "asmguide:v1?product=A&step=0"):
        with pytest.raises(GuideError):
            parse_payload(bad)


@pytest.mark.parametrize("size", [(800, 600), (640, 360)])
def test_camera_frames_the_assembled_item_at_least_60_percent(size: tuple[int, int]) -> None:
    """Every step of every guide, at the player's 4:3 and at a wide 16:9 view (projection of the bounds)."""
    from desktop_app.ar.scene import view_fill

    w, h = size
    for d in project_guide_dirs():
        guide = load_guide(d)
        scene = StepScene(guide, load_meshes(guide, d))
        corners = scene.item_points()  # every vertex of the assembled item: its true outline on screen
        for n in range(len(guide.steps)):
            camera = scene.camera(n, w, h)
            uv = camera.project(corners)
            assert not np.isnan(uv).any()
            fill = view_fill(corners, camera)
            assert 0.6 <= fill <= 1.0, (guide.product_id, n + 1, round(fill, 3))
            # the user's zoom still works from there
            assert view_fill(corners, scene.camera(n, w, h, zoom=0.5)) < fill


def test_rendered_furniture_fills_the_view() -> None:
    """The finished item, as drawn, spans at least 60 % of the player's width or height."""
    from desktop_app.ar.renderer import OffscreenRenderer
    from desktop_app.ar.scene import BACKGROUND

    w, h = 400, 300
    bg = (np.asarray(BACKGROUND) * 255).round()
    with OffscreenRenderer(w, h) as renderer:
        for d in project_guide_dirs():
            guide = load_guide(d)
            scene = StepScene(guide, load_meshes(guide, d))
            renderer.set_scene(scene)
            last = len(guide.steps) - 1
            img = renderer.render(scene.frame(last, 1.0), scene.camera(last, w, h))
            drawn = np.any(np.abs(img.astype(float) - bg) > 12, axis=2)
            rows, cols = np.nonzero(drawn.any(axis=1))[0], np.nonzero(drawn.any(axis=0))[0]
            fill = max((rows[-1] - rows[0] + 1) / h, (cols[-1] - cols[0] + 1) / w)
            assert fill >= 0.6, (guide.product_id, round(fill, 3))
