"""The window's camera, photo by photo: no carry-over from the last guide, one reply per photo,
the same photo twice adds nothing, and a guide's QR code opens its step without being boxed.

The window runs with the real detector, assistant and guide player; only the speech model is
absent (its file is missing), so the camera tab is built without loading Whisper.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from vision_helpers import needs_display, needs_weights, render_parts

from desktop_app.core.config import Settings
from desktop_app.core.guide_code import GuideCode, encode_payload
from desktop_app.dialogue.reply import GuideOffer, Reply
from desktop_app.dialogue.turn import Exchange
from desktop_app.fusion.hypothesis import TURN_WINDOW_S
from desktop_app.vision.cv import cv2
from desktop_app.vision.meaning import CLAIM_RULE, Verdict

pytestmark = [needs_weights, needs_display]

TIMEOUT_MS = 60_000
#: A reply to an observation comes one turn window after it; this waits past that and a tick.
QUIET_MS = int(TURN_WINDOW_S * 1000) + 1000


@pytest.fixture
def app_settings(settings_factory: Callable[..., Settings], tmp_path: Path) -> Settings:
    """The store as usual; the speech model's file is missing, so voice stays off and typing works."""
    return settings_factory(stt_engine="openai-whisper", whisper_pt=tmp_path / "no-whisper.pt")


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Photos written once: the side table's step 3 parts (a clear claim), two screws (two products
    use screws: unsure), a bare wall (no parts) and a stool guide's QR code on a table."""
    from benchmarks.vision_abstain import code_image, qr_photo

    root = tmp_path_factory.mktemp("abstain")
    wall = np.clip(np.linspace(170, 215, 480)[:, None, None] + np.zeros((480, 640, 3)), 0, 255).astype(np.uint8)
    images = {
        "table": render_parts(["board", "bolt", "bolt", "allen_key"], seed=33),
        "screws": render_parts(["screw", "screw"], seed=41),
        "wall": wall,
        "qr": qr_photo(code_image(encode_payload("FUR-STOOL-01", 5)), np.random.default_rng(9)),
    }
    out = {}
    for name, image in images.items():
        out[name] = root / f"{name}.png"
        cv2.imwrite(str(out[name]), image)
    return out


@pytest.fixture
def window(qtbot: Any, make_main_window: Callable[..., Any]) -> Any:
    window = make_main_window(language="en", media=True, cameras=[], speaker=None)
    qtbot.waitUntil(lambda: window.vision is not None and not window.warming, timeout=TIMEOUT_MS)
    return window


def replies(window: Any) -> list[Exchange | Reply]:
    return [item for role, item in window.chat.entries() if role == "assistant" and isinstance(item, (Exchange, Reply))]


def guide_cards(window: Any) -> list[GuideOffer]:
    cards = [c for r in replies(window) for c in (r.reply.cards if isinstance(r, Exchange) else r.cards)]
    return [c for c in cards if isinstance(c, GuideOffer)]


def show(qtbot: Any, window: Any, photo: Path) -> Any:
    """Open ``photo`` in the camera tab; the reading it got."""
    camera = window.vision.camera
    with qtbot.waitSignal(camera.analysed, timeout=TIMEOUT_MS) as got:
        camera.open_photo(photo)
    return got.args[0]


def one_more_reply(qtbot: Any, window: Any, before: int) -> Exchange | Reply:
    qtbot.waitUntil(lambda: len(replies(window)) > before and not window.chat.busy, timeout=TIMEOUT_MS)
    qtbot.wait(QUIET_MS)  # and no second one for the same photo
    assert len(replies(window)) == before + 1, replies(window)[before:]
    return replies(window)[-1]


def test_each_photo_is_judged_on_its_own_even_after_a_guide_opened(qtbot: Any, window: Any,
                                                                   photos: dict[str, Path]) -> None:
    camera = window.vision.camera
    reading = show(qtbot, window, photos["table"])
    assert reading.verdict is Verdict.CLAIMED and (reading.focus.product_id, reading.focus.step) == ("FUR-TABLE-SIDE", 3)
    answer = one_more_reply(qtbot, window, 0)
    assert isinstance(answer, Exchange) and guide_cards(window) == [GuideOffer("FUR-TABLE-SIDE", "Oak side table", 3)]
    qtbot.waitUntil(lambda: camera.current_step == GuideCode("FUR-TABLE-SIDE", 3), timeout=TIMEOUT_MS)

    # the side table's guide is open on step 3; a bare wall is still a bare wall...
    reading = show(qtbot, window, photos["wall"])
    assert reading.verdict is Verdict.NO_PARTS and reading.focus is None
    answer = one_more_reply(qtbot, window, 1)
    assert isinstance(answer, Reply) and answer.text.startswith("I don't see furniture parts.")
    assert "Oak side table" not in camera.status.text()

    # ...and two screws name the products that use screws, as chips, without choosing
    reading = show(qtbot, window, photos["screws"])
    assert reading.verdict is Verdict.UNSURE and reading.focus is None
    answer = one_more_reply(qtbot, window, 2)
    assert isinstance(answer, Reply) and "can't tell which product" in answer.text
    assert 1 <= len(answer.suggestions) <= 2 and all(s.startswith("Assemble the ") for s in answer.suggestions)
    assert "step 3 of the Oak side table" not in camera.status.text()

    # closing the guide forgets its step: nothing the camera reads later leans on it
    side = window.guide_tabs.side
    side.tabCloseRequested.emit(side.indexOf(window.guide_tabs.widgets["FUR-TABLE-SIDE"]))
    assert camera.current_step is None and "FUR-TABLE-SIDE" not in window.guide_tabs.widgets
    assert len(guide_cards(window)) == 1  # one photo, one card

    # a candidate chip is the customer's choice: it asks for that product's guide
    from PySide6.QtCore import Qt

    card = next(c for c in reversed(window.chat.cards()) if hasattr(c, "suggestion_buttons"))
    chosen = card.suggestion_buttons()[0]
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(replies(window)) == 4 and not window.chat.busy, timeout=TIMEOUT_MS)
    offered = guide_cards(window)[-1]
    assert chosen.text().startswith(f"Assemble the {offered.name}, step ")
    assert offered.sku == reading.judgement.candidates[0].product_id


def test_the_same_photo_twice_adds_no_second_reply_or_card(qtbot: Any, window: Any, photos: dict[str, Path]) -> None:
    show(qtbot, window, photos["table"])
    one_more_reply(qtbot, window, 0)
    show(qtbot, window, photos["table"])
    qtbot.wait(QUIET_MS)
    assert len(replies(window)) == 1 and len(guide_cards(window)) == 1
    assert list(window.guide_tabs.widgets) == ["FUR-TABLE-SIDE"]
    window.guide_tabs.close_tab("FUR-TABLE-SIDE")  # closed, then the photo again: the guide, no new card
    show(qtbot, window, photos["table"])
    assert list(window.guide_tabs.widgets) == ["FUR-TABLE-SIDE"]
    qtbot.wait(QUIET_MS)
    assert len(replies(window)) == 1 and len(guide_cards(window)) == 1

    show(qtbot, window, photos["screws"])
    one_more_reply(qtbot, window, 1)
    show(qtbot, window, photos["screws"])
    qtbot.wait(QUIET_MS)
    assert len(replies(window)) == 2


def test_a_guide_qr_code_opens_its_step_once_and_is_not_boxed_as_parts(qtbot: Any, window: Any,
                                                                        photos: dict[str, Path]) -> None:
    camera = window.vision.camera
    boxed = camera.analyzer.detector.detect(cv2.imread(str(photos["qr"])))
    assert any(d.confidence >= CLAIM_RULE.part_conf for d in boxed), "the detector alone boxes the code as a part"
    reading = show(qtbot, window, photos["qr"])
    assert reading.detections == () and reading.verdict is Verdict.CLAIMED and reading.judgement.by_qr
    assert (reading.focus.product_id, reading.focus.step) == ("FUR-STOOL-01", 5)
    answer = one_more_reply(qtbot, window, 0)
    assert isinstance(answer, Exchange) and "qr" in answer.fused.modalities
    assert [(o.sku, o.step) for o in guide_cards(window)] == [("FUR-STOOL-01", 5)]
    assert list(window.guide_tabs.widgets) == ["FUR-STOOL-01"]
    show(qtbot, window, photos["qr"])
    qtbot.wait(QUIET_MS)
    assert len(replies(window)) == 1 and len(guide_cards(window)) == 1
