"""Guide player: the headless state machine, voice phrases, and the Qt widget driven by
buttons, keys and the step list, with rendering on its own thread."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from desktop_app.ar.player import GuidePlayer
from desktop_app.ar.voice_commands import Command, apply_command, parse_command
from desktop_app.core.guide_format import load_guide

ROOT = Path(__file__).resolve().parents[1]
SHELF = ROOT / "assets" / "models3d" / "FUR-SHELF-3T"
STOOL = ROOT / "assets" / "models3d" / "FUR-STOOL-01"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_player_steps_animates_and_records_time() -> None:
    clock = FakeClock()
    steps: list[int] = []
    player = GuidePlayer(load_guide(STOOL), clock=clock, on_step=steps.append)
    assert player.step == 0 and player.playing
    clock.now += 1.25
    player.tick()
    assert player.t == pytest.approx(0.5)
    clock.now += 5
    player.tick()
    assert player.t == 1.0 and not player.playing
    assert player.next() and player.step == 1 and player.t == 0.0
    clock.now += 3
    assert player.previous() and player.step == 0
    assert not player.previous()
    clock.now += 2
    timings = player.timings()
    assert [t.step for t in timings][:2] == [1, 2]
    assert timings[0].seconds == pytest.approx(6.25 + 2) and timings[0].visits == 2
    assert timings[1].seconds == pytest.approx(3) and timings[1].visits == 1
    assert steps == [1, 0]


def test_player_play_all_runs_to_the_end() -> None:
    clock = FakeClock()
    finished: list[bool] = []
    player = GuidePlayer(load_guide(STOOL), clock=clock, on_finished=lambda: finished.append(True))
    player.set_speed(4.0)
    player.start_play_all()
    for _ in range(200):
        clock.now += 0.1
        player.tick()
    assert player.step == player.step_count - 1 and player.t == 1.0 and finished == [True]
    assert player.progress == pytest.approx(1.0)
    player.faster()
    assert player.speed == 4.0
    player.slower()
    assert player.speed == 2.0


@pytest.mark.parametrize("text, command, step", [
    ("next step", Command.NEXT, None), ("下一步", Command.NEXT, None), ("Previous step, please", Command.PREVIOUS, None),
    ("上一步", Command.PREVIOUS, None), ("replay", Command.REPLAY, None), ("重播", Command.REPLAY, None),
    ("第三步", Command.GOTO, 3), ("go to step 5", Command.GOTO, 5), ("全部播放", Command.PLAY_ALL, None),
    ("暂停", Command.PAUSE, None), ("slow down", Command.SLOWER, None),
])
def test_voice_phrases(text: str, command: Command, step: int | None) -> None:
    cmd = parse_command(text)
    assert cmd is not None and cmd.command is command and cmd.step == step


def test_voice_ignores_other_talk_and_drives_player() -> None:
    assert parse_command("where is my order") is None
    assert parse_command("feedback") is None
    player = GuidePlayer(load_guide(STOOL), clock=FakeClock())
    assert apply_command(player, parse_command("第4步"))  # type: ignore[arg-type]
    assert player.step == 3
    assert not apply_command(player, parse_command("step 40"))  # type: ignore[arg-type]


needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (xvfb-run -a)")


@pytest.fixture
def widget(qtbot):  # type: ignore[no-untyped-def]
    from desktop_app.ui.guide.player import GuidePlayerWidget

    w = GuidePlayerWidget(language="en", render_size=(320, 240))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    assert not w._thread.isRunning()


def _open(qtbot, w, path: Path) -> None:  # type: ignore[no-untyped-def]
    w.open_guide(path)
    qtbot.waitUntil(lambda: w.player is not None and w.step_list.count() == len(w.guide.steps), timeout=60_000)
    qtbot.waitUntil(lambda: w.frames_shown > 0, timeout=60_000)


@needs_display
def test_widget_steps_with_buttons_keys_and_list(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    _open(qtbot, widget, SHELF)
    assert widget.step_list.count() == 11 and widget.step_list.currentRow() == 0
    assert "1 of 11" in widget.step_label.text()
    assert not widget.prev_button.isEnabled()
    assert widget.view.pixmap() is not None and not widget.view.pixmap().isNull()

    def advance(action, expect_row: int) -> None:  # type: ignore[no-untyped-def]
        shown = widget.frames_shown
        action()
        assert widget.step_list.currentRow() == expect_row
        assert f"{expect_row + 1} of 11" in widget.step_label.text()
        qtbot.waitUntil(lambda: widget.frames_shown > shown, timeout=10000)

    advance(lambda: qtbot.mouseClick(widget.next_button, Qt.MouseButton.LeftButton), 1)
    advance(lambda: qtbot.keyClick(widget, Qt.Key.Key_Right), 2)
    advance(lambda: qtbot.keyClick(widget, Qt.Key.Key_Left), 1)
    advance(lambda: qtbot.mouseClick(widget.prev_button, Qt.MouseButton.LeftButton), 0)
    advance(lambda: widget.step_list.setCurrentRow(5), 5)
    assert widget.instruction.text().startswith(load_guide(SHELF).steps[5].instruction.en)
    progress = widget.progress.value()
    assert 5 / 11 * 1000 - 1 <= progress <= 6 / 11 * 1000 + 1

    qtbot.waitUntil(lambda: widget.player.t == 1.0, timeout=10000)  # animation runs to the end
    qtbot.keyClick(widget, Qt.Key.Key_R)
    assert widget.player.t < 1.0 and widget.player.playing
    qtbot.keyClick(widget, Qt.Key.Key_Space)  # playing -> pause
    assert not widget.player.playing
    assert widget.handle_voice("下一步") and widget.step_list.currentRow() == 6
    assert not widget.handle_voice("what a nice day")
    widget.speed.setCurrentIndex(widget.speed.count() - 1)
    assert widget.player.speed == 4.0
    qtbot.mouseClick(widget.play_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.step_list.currentRow() >= 7, timeout=10000)
    assert [t.step for t in widget.timings()] == list(range(1, 12))


@needs_display
def test_widget_orbit_and_zoom_rerender(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt

    _open(qtbot, widget, STOOL)
    qtbot.waitUntil(lambda: widget.player.t == 1.0 and not widget._busy, timeout=10000)
    before = widget.view.pixmap().toImage()
    shown = widget.frames_shown
    qtbot.mousePress(widget.view, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(widget.view, QPoint(180, 120))
    qtbot.mouseRelease(widget.view, Qt.MouseButton.LeftButton, pos=QPoint(180, 120))
    qtbot.waitUntil(lambda: widget.frames_shown > shown and not widget._busy, timeout=10000)
    assert widget._yaw != 0.0
    assert widget.view.pixmap().toImage() != before


@needs_display
def test_malformed_guide_reports_and_app_stays_up(qtbot, widget, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad"
    shutil.copytree(STOOL, bad)
    raw = json.loads((bad / "guide.json").read_text(encoding="utf-8"))
    raw["steps"][0]["parts"].append({"part": "phantom_leg", "approach": [0, 0, -1]})
    (bad / "guide.json").write_text(json.dumps(raw), encoding="utf-8")
    with qtbot.waitSignal(widget.load_failed, timeout=20000) as sig:
        widget.open_guide(bad)
        assert widget.loading  # a kiosk visitor waiting for it is not idle
    assert "phantom_leg" in sig.args[0] and not widget.loading  # a failed guide holds nothing open
    assert "phantom_leg" in widget.status.text()
    assert widget.player is None and not widget.next_button.isEnabled()
    _open(qtbot, widget, STOOL)  # still works afterwards
    assert widget.step_list.count() == 7 and not widget.loading
