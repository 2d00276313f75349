"""The guide as a printed manual shows it: a parts list before step 1, a tray per step, arrows.

Counts are checked against the guides' own steps (every part counted once, each step's tray
adds up to what the step places and the tools it shows); arrows against the scene's projection;
and in the widget, the parts list and a step with its tray and arrows are drawn in both
languages and saved under build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from desktop_app.ar.inventory import Category, inventory, step_tray, summary
from desktop_app.core.guide_format import load_guide

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "assets" / "models3d"
SHOTS = ROOT / "build" / "screenshots"
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (xvfb-run -a)")


@pytest.mark.parametrize("sku", sorted(p.name for p in MODELS.iterdir() if (p / "guide.json").is_file()))
def test_every_part_is_counted_once_and_each_tray_adds_up_to_its_step(sku: str) -> None:
    guide = load_guide(MODELS / sku)
    groups = inventory(guide)
    ids = [pid for g in groups for pid in g.part_ids]
    assert sorted(ids) == sorted(p.id for p in guide.parts)  # every part, once
    assert [g.category for g in groups] == sorted(g.category for g in groups)  # parts, hardware, tools
    for g in groups:
        assert len({(guide.part(p).kind, guide.part(p).mesh) for p in g.part_ids}) == 1  # one shape each
        assert g.name.en.strip() and not g.name.zh.isascii()
    for n, step in enumerate(guide.steps):
        tray = step_tray(guide, n, groups)
        assert Counter(p for g in tray for p in g.part_ids) == Counter((*step.part_ids, *step.tools))
        hardware = Counter({g.kind: 0 for g in tray})
        for g in tray:
            if g.category is Category.HARDWARE:
                hardware[g.kind] += g.count
        assert {k: v for k, v in hardware.items() if v} == {f.kind: f.count for f in step.fasteners}


def test_labels_say_how_many_in_both_languages_and_look_alikes_get_their_size() -> None:
    from desktop_app.ar.callouts import part_extents
    from desktop_app.ar.scene import StepScene, load_meshes

    guide = load_guide(MODELS / "FUR-STOOL-01")
    plain = inventory(guide)
    assert [g.label("zh") for g in plain][:2] == ["腿 ×4", "横撑 ×2"]
    assert "Hex socket bolt M6x50 ×4" in [g.label("en") for g in plain]
    assert summary(plain, "zh") == "部件 4 种 9 件，五金件 2 种 12 件，工具 1 种 1 件"
    assert summary(plain, "en") == "Parts: 9 (4 types) · Hardware: 12 (2 types) · Tools: 1 (1 type)"
    scene = StepScene(guide, load_meshes(guide, MODELS / "FUR-STOOL-01"))
    sized = inventory(guide, part_extents(scene))
    # the four stretchers are two mesh files (modelled lying two ways) but one piece in the box
    assert [g.label("zh") for g in sized if g.kind in ("leg", "rail")] == ["腿 ×4", "横撑 ×4"]
    chair = load_guide(MODELS / "FUR-CHAIR-DIN")
    scene = StepScene(chair, load_meshes(chair, MODELS / "FUR-CHAIR-DIN"))
    aprons = [g.label("en") for g in inventory(chair, part_extents(scene)) if g.kind == "rail" and g.count == 2]
    assert aprons == ["Apron 37×6 cm ×2", "Apron 44×6 cm ×2"]  # look-alikes told apart by size
    with pytest.raises(IndexError):
        step_tray(guide, len(guide.steps))


def test_arrows_run_from_each_moving_part_to_its_place() -> None:
    from desktop_app.ar.callouts import part_centres, step_arrows, thumbnail_camera
    from desktop_app.ar.scene import StepScene, load_meshes

    guide = load_guide(MODELS / "FUR-TABLE-SIDE")
    scene = StepScene(guide, load_meshes(guide, MODELS / "FUR-TABLE-SIDE"))
    centres = part_centres(scene)
    for step in range(len(guide.steps)):
        camera = scene.camera(step, 800, 600)
        arrows = step_arrows(scene, step, camera, centres)
        moved = set(guide.steps[step].part_ids)
        assert arrows and {a.part_id for a in arrows} <= moved, step
        for a in arrows:
            end = camera.project(centres[a.part_id][None, :])[0]
            assert np.allclose(a.end, end) and a.length >= 14
            assert 0 <= a.end[0] < 800 and 0 <= a.end[1] < 600  # the place is in view
    # a part's picture: the part alone fills the centre square of the render
    cam = thumbnail_camera(scene, "tabletop", 800, 600)
    uv = cam.project(scene.world_vertices["tabletop"])
    assert uv[:, 0].min() >= 100 and uv[:, 0].max() <= 700 and uv[:, 1].min() >= 0 and uv[:, 1].max() <= 600
    assert max(np.ptp(uv[:, 0]), np.ptp(uv[:, 1])) > 400


def _magenta(image) -> int:  # type: ignore[no-untyped-def]
    """Pixels of the arrows' colour in a QImage."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    px = arr[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).astype(int)
    return int(((px[..., 0] > 170) & (px[..., 1] < 60) & (px[..., 2] > 80) & (px[..., 2] < 170)).sum())


def test_arrows_are_drawn_once_and_blended_over_each_frame(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ar.callouts import Arrow
    from desktop_app.ui.guide.render_worker import arrow_layer, frame_image

    arrows = (Arrow("top", (40.0, 30.0), (160.0, 120.0), False), Arrow("bolt", (300.0, 200.0), (250.0, 180.0), True))
    layer = arrow_layer(320, 240, arrows)
    assert layer is not None and arrow_layer(320, 240, ()) is None
    rect = layer[1]
    assert rect.contains(40, 30) and rect.contains(160, 120) and rect.contains(300, 200)
    grey = np.full((240, 320, 3), 200, np.uint8)
    plain, marked = frame_image(grey, None), frame_image(grey, layer)
    assert _magenta(plain) == 0 and _magenta(marked) > 300
    assert frame_image(grey, layer).pixelColor(100, 75).red() > 170  # on the first arrow's shaft


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Let posted layout requests run, so a screenshot shows the laid-out window."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    qtbot.wait(30)


@needs_display
def test_parts_list_and_a_step_with_tray_and_arrows_in_both_languages(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.guide.player import GuidePlayerWidget

    sku = "FUR-TABLE-SIDE"
    guide = load_guide(MODELS / sku)
    widget = GuidePlayerWidget(language="zh", render_size=(800, 600))
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        widget.inventory_first = True
        widget.open_guide(MODELS / sku)
        qtbot.waitUntil(lambda: widget.player is not None and widget.frames_shown > 0, timeout=60_000)
        assert widget.inventory_shown and widget.player is not None and not widget.player.playing
        pictures = widget.inventory.parts
        qtbot.waitUntil(lambda: pictures.count() > 0 and not pictures.item(pictures.count() - 1).icon().isNull(),
                        timeout=30_000)
        assert all(not pictures.item(r).icon().isNull() for r in range(pictures.count()))
        assert pictures.labels()[:3] == ["腿 ×4", "挡板 ×4", "桌面 ×1"]
        assert "木螺丝 4x16 毫米 ×16" in pictures.labels() and "部件 3 种 9 件" in widget.inventory.summary.text()
        assert widget.inventory.heading.text() == "零件清单"
        _settle(qtbot)
        widget.grab().save(str(SHOTS / "guide_zh_inventory.png"))

        shown = widget.frames_shown
        widget.handle_voice("下一步")  # from the parts list: step 1, not step 2
        assert not widget.inventory_shown and widget.player.step == 0
        qtbot.waitUntil(lambda: widget.frames_shown > shown, timeout=10_000)
        widget.player.goto(2)  # the top, two bolts and the Allen key
        widget.player.pause()
        widget.player.t = 0.35  # mid-flight: the parts on their way along the arrows
        widget._mark_dirty()
        qtbot.waitUntil(lambda: not widget._busy and not widget._dirty, timeout=10_000)
        qtbot.wait(50)
        qtbot.waitUntil(lambda: not widget._busy, timeout=10_000)
        tray = widget.tray.parts.labels()
        assert tray == [g.label("zh") for g in step_tray(guide, 2, widget.groups)]
        assert "内六角螺栓 M6x50 ×2" in tray and widget.tray.caption.text() == "本步所需："
        assert _magenta(widget.view.pixmap().toImage()) > 150  # the arrows are drawn
        _settle(qtbot)
        widget.grab().save(str(SHOTS / "guide_zh_step.png"))

        widget.set_language("en")  # live: tray, list, heading and the step's words
        assert "Hex socket bolt M6x50 ×2" in widget.tray.parts.labels()
        assert widget.tray.caption.text() == "This step uses:"
        assert widget.instruction.text().startswith(guide.steps[2].instruction.en)
        _settle(qtbot)
        widget.grab().save(str(SHOTS / "guide_en_step.png"))
        widget.show_inventory()
        assert widget.inventory.heading.text() == "Parts and hardware" and "Leg ×4" in pictures.labels()
        _settle(qtbot)
        widget.grab().save(str(SHOTS / "guide_en_inventory.png"))
        widget.inventory.start_button.click()
        assert not widget.inventory_shown and widget.player.step == 0
    finally:
        widget.shutdown()
    for name in ("zh_inventory", "zh_step", "en_step", "en_inventory"):
        assert (SHOTS / f"guide_{name}.png").stat().st_size > 10_000
