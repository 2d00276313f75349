"""Jumping to a step by words: "第三步", "跳到第五步", "go to step 3", "step three", typed or spoken.

The parser is checked in both languages (Chinese numerals included); a step the guide lacks
gets a clear bilingual message and changes nothing; in the window, typing "第三步" into the
chat box while a guide is open shows step 3 (and does not become a question for the assistant).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.ar.player import GuidePlayer
from desktop_app.ar.voice_commands import Command, NoSuchStep, apply_command, check_command, parse_command
from desktop_app.core.guide_format import load_guide
from desktop_app.dialogue.reply import GuideOffer

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models3d"
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (xvfb-run -a)")


@pytest.mark.parametrize("text, step", [
    ("第三步", 3), ("第3步", 3), ("跳到第五步", 5), ("第十步", 10), ("第十二步", 12), ("第二十步", 20),
    ("第两步", 2), ("回到第一步。", 1), ("第 7 步", 7), ("第三部", 3),  # 部: the recogniser's homophone of 步
    ("go to step 3", 3), ("Step three.", 3), ("step 11", 11), ("show me step two", 2), ("jump to step twelve", 12),
    ("the third step", 3), ("3rd step", 3), ("first step", 1),
])
def test_step_requests_parse_in_both_languages(text: str, step: int) -> None:
    cmd = parse_command(text)
    assert cmd is not None and cmd.command is Command.GOTO and cmd.step == step, cmd


@pytest.mark.parametrize("text", ["where is my order", "三个步骤太多了吗", "I want 3 stools", "step on it",
                                  "next step", "下一步"])
def test_other_talk_is_not_a_jump(text: str) -> None:
    cmd = parse_command(text)
    assert cmd is None or cmd.command is not Command.GOTO


@pytest.mark.parametrize("text, asked", [("第二十步", 20), ("第零步", 0), ("go to step 40", 40), ("step zero", 0)])
def test_a_step_the_guide_lacks_gets_a_clear_message_and_changes_nothing(text: str, asked: int) -> None:
    guide = load_guide(MODELS / "FUR-STOOL-01")
    player = GuidePlayer(guide)
    cmd = parse_command(text)
    assert cmd is not None and cmd.step == asked
    problem = check_command(cmd, len(guide.steps))
    assert isinstance(problem, NoSuchStep)
    assert problem.localized("en") == "This guide has 7 steps; say a step from 1 to 7."
    assert problem.localized("zh") == "本指南共 7 步，请说第 1 到第 7 步。"
    assert not apply_command(player, cmd) and player.step == 0


def test_a_step_in_range_is_done() -> None:
    guide = load_guide(MODELS / "FUR-SHELF-3T")
    player = GuidePlayer(guide)
    cmd = parse_command("第十一步")
    assert cmd is not None and check_command(cmd, len(guide.steps)) is None
    assert apply_command(player, cmd) and player.step == 10


def _type(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window.chat.input.setText(text)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)


def _step(window, sku: str) -> int | None:  # type: ignore[no-untyped-def]
    widget = window.guides.get(sku)
    if widget is None or widget.loading or widget.player is None or widget.guide is None \
            or widget.guide.product_id != sku:
        return None
    return int(widget.player.step) + 1


@needs_display
def test_typing_a_step_with_a_guide_open_shows_that_step(qtbot, make_main_window) -> None:  # type: ignore[no-untyped-def]
    window = make_main_window(language="zh")
    sku = "FUR-CHAIR-DIN"
    if window.open_guide(GuideOffer(sku, "胡桃木餐椅")) is None:
        pytest.skip("the 3D player cannot start on this machine")
    qtbot.waitUntil(lambda: _step(window, sku) == 1, timeout=30_000)
    asked = len(window.chat.entries())
    _type(qtbot, window, "第三步")
    qtbot.waitUntil(lambda: _step(window, sku) == 3, timeout=5_000)
    widget = window.guides[sku]
    assert load_guide(MODELS / sku).steps[2].instruction.zh in widget.instruction.text()
    assert window.chat.input.text() == ""
    assert len(window.chat.entries()) == asked  # a command, not a question for the assistant
    _type(qtbot, window, "go to step 5")
    qtbot.waitUntil(lambda: _step(window, sku) == 5, timeout=5_000)
    count = len(load_guide(MODELS / sku).steps)
    _type(qtbot, window, "第二十步")  # past the chair's last step
    qtbot.waitUntil(lambda: f"本指南共 {count} 步" in widget.status.text(), timeout=5_000)
    assert _step(window, sku) == 5


@needs_display
def test_a_jump_typed_while_the_guide_opens_is_not_lost(qtbot, make_main_window) -> None:  # type: ignore[no-untyped-def]
    window = make_main_window(language="zh")
    sku = "FUR-TV-160"
    if window.open_guide(GuideOffer(sku, "电视柜 160 厘米", 2)) is None:
        pytest.skip("the 3D player cannot start on this machine")
    assert window.guides[sku].loading  # no event has run yet: the guide is still opening at step 2
    _type(qtbot, window, "第九步")
    qtbot.waitUntil(lambda: _step(window, sku) == 9, timeout=30_000)
    qtbot.wait(300)
    assert _step(window, sku) == 9
