"""Qt view of a 3D assembly guide: step list, controls, and the rendered animation.

Loading meshes and rendering happen on a dedicated QThread that owns the Open3D renderer
(its GL context is bound to that thread, so this is one of the justified exceptions to the task
runner listed in :mod:`desktop_app.ui.common.tasks`); the worker never touches a widget, the
widget only sends requests and shows the QImages that come back through queued signals, so the
window never blocks.  At most one
render is in flight; newer requests replace older pending ones instead of queueing.

As in a printed manual, the guide can open on its parts list ("零件清单": every part type with
its count and picture, :mod:`desktop_app.ui.guide.parts_panel`), and under the 3D view a tray
shows what the current step uses ("螺栓 ×4"); the frames carry arrows to where each part goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ar.inventory import PartGroup, step_tray
from desktop_app.ar.player import SPEEDS, GuidePlayer, StepTiming
from desktop_app.ar.voice_commands import Command, apply_command, parse_command
from desktop_app.core.guide_format import Guide
from desktop_app.ui.guide.frame_view import FrameView
from desktop_app.ui.guide.parts_panel import InventoryPage, StepTray
from desktop_app.ui.guide.render_worker import RenderWorker

log = logging.getLogger(__name__)


class GuidePlayerWidget(QWidget):
    step_changed = Signal(int)  # 0-based
    frame_shown = Signal(int)  # request number of the frame now on screen
    load_failed = Signal(str)

    _open_requested = Signal(str)
    _render_requested = Signal(int, float, float, float, float, int)
    _thumbnails_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, language: str = "zh",
                 render_size: tuple[int, int] = (800, 600)) -> None:
        super().__init__(parent)
        self.language = language
        self.player: GuidePlayer | None = None
        self.guide: Guide | None = None
        self._yaw = self._pitch = 0.0
        self._zoom = 1.0
        self._request = 0
        self._busy = False
        self._dirty = False
        self.frames_shown = 0
        #: A guide is being opened (a visitor waiting for it is not idle).
        self.loading = False
        #: Open the next guide on its parts list rather than on step 1's animation.
        self.inventory_first = False
        self.groups: tuple[PartGroup, ...] = ()
        self._thumbs_asked = False
        self._build_ui()
        self._thread = QThread(self)
        self._thread.setObjectName("guide-render")
        self._worker = RenderWorker(*render_size)
        self._worker.moveToThread(self._thread)
        self._open_requested.connect(self._worker.open_guide)
        self._render_requested.connect(self._worker.render)
        self._thumbnails_requested.connect(self._worker.render_thumbnails)
        self._worker.parts_ready.connect(self._on_parts)
        self._worker.thumbnails_ready.connect(self._on_thumbnails)
        self._worker.opened.connect(self._on_opened)
        self._worker.frame_ready.connect(self._on_frame)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _t(self, en: str, zh: str) -> str:
        return zh if self.language == "zh" else en

    def _build_ui(self) -> None:
        self.view = FrameView()
        self.view.orbit.connect(self._on_orbit)
        self.view.zoomed.connect(self._on_zoom)
        self.title = QLabel()
        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.step_list = QListWidget()
        self.step_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.step_list.setWordWrap(True)  # long step titles wrap; the list never scrolls sideways
        self.step_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.step_list.setMinimumWidth(180)
        self.step_list.currentRowChanged.connect(self._on_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.step_label = QLabel()
        self.prev_button = QPushButton(self._t("◀ Previous", "◀ 上一步"))
        self.next_button = QPushButton(self._t("Next ▶", "下一步 ▶"))
        self.replay_button = QPushButton(self._t("Replay", "重播"))
        self.play_all_button = QPushButton(self._t("Play all", "全部播放"))
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}x", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(self._speed_chosen)
        for button, slot in ((self.prev_button, self.previous), (self.next_button, self.next),
                             (self.replay_button, self.replay), (self.play_all_button, self.play_all)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
        self.speed_label = QLabel(self._t("Speed", "速度"))
        self.inventory = InventoryPage()
        self.inventory.start.connect(self.start_guide)
        self.tray = StepTray()
        self.inventory_button = QPushButton(self._t("Parts list", "零件清单"))
        self.inventory_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.inventory_button.clicked.connect(self.show_inventory)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.inventory)
        controls = QHBoxLayout()
        for w in (self.prev_button, self.replay_button, self.play_all_button, self.next_button,
                  self.speed_label, self.speed):
            controls.addWidget(w)
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.inventory_button)
        side.addWidget(self.step_list, 1)
        side.addWidget(self.step_label)
        side.addWidget(self.progress)
        main = QVBoxLayout()
        main.addWidget(self.pages, 1)
        main.addWidget(self.tray)
        main.addWidget(self.instruction)
        main.addLayout(controls)
        main.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addLayout(main, 3)
        layout.addLayout(side, 1)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.prev_button, self.next_button, self.replay_button, self.play_all_button, self.speed,
                  self.inventory_button):
            w.setEnabled(on)

    # ------------------------------------------------------------------ public API
    def set_language(self, language: str) -> None:
        """Switch every word of the player live: controls, title, step list and the current step."""
        if language == self.language:
            return
        self.language = language
        for button, en, zh in ((self.prev_button, "◀ Previous", "◀ 上一步"), (self.next_button, "Next ▶", "下一步 ▶"),
                               (self.replay_button, "Replay", "重播"), (self.play_all_button, "Play all", "全部播放")):
            button.setText(self._t(en, zh))
        self.speed_label.setText(self._t("Speed", "速度"))
        self.inventory_button.setText(self._t("Parts list", "零件清单"))
        self.inventory.set_language(language)
        self.tray.set_language(language)
        if self.guide is None:
            return
        self.title.setText(self.guide.name.get(language))
        self.step_list.blockSignals(True)
        for n, step in enumerate(self.guide.steps):
            item = self.step_list.item(n)
            if item is not None:
                item.setText(f"{n + 1}. {step.instruction.get(language)}")
        self.step_list.blockSignals(False)
        if self.player is not None:
            self._show_step_text(self.player.step)

    @property
    def inventory_shown(self) -> bool:
        """The parts list is on screen instead of the 3D view."""
        return self.pages.currentWidget() is self.inventory

    def show_inventory(self) -> None:
        """Show every part and fitting with its count; the animation waits until a step is chosen."""
        if self.player is None:
            return
        self.player.pause()
        self.pages.setCurrentWidget(self.inventory)
        self.step_list.clearSelection()
        self.tray.hide()
        self.instruction.setText(self._t("Check the parts and fittings before step 1.",
                                         "开始第 1 步前，请先清点零件和五金件。"))
        self.step_label.setText(self._t(f"Parts list · {len(self.groups)} types", f"零件清单 · 共 {len(self.groups)} 种"))
        self.next_button.setEnabled(True)
        self.prev_button.setEnabled(False)

    def _leave_inventory(self) -> None:
        self.pages.setCurrentWidget(self.view)
        self.tray.show()

    def open_guide(self, path: Path | str) -> None:
        """Start loading a guide directory; the view updates when the render thread is done."""
        self.status.setText(self._t("Opening guide…", "正在打开安装指南…"))
        self.loading = True
        self._open_requested.emit(str(path))

    def start_guide(self) -> None:
        """Step 1, from wherever the customer is (the parts list's start button)."""
        if self.player:
            self.player.goto(0)

    def next(self) -> None:
        if self.player and self.inventory_shown:
            self.player.goto(self.player.step)  # from the parts list to the step it was waiting on
        elif self.player:
            self.player.next()

    def previous(self) -> None:
        if self.player:
            self.player.previous()

    def replay(self) -> None:
        if self.player:
            self.player.replay()

    def play_all(self) -> None:
        if self.player:
            self.player.start_play_all()

    def toggle_play(self) -> None:
        if not self.player:
            return
        if self.player.playing:
            self.player.pause()
        else:
            self.player.start_play_all()

    def handle_voice(self, text: str) -> bool:
        """Hook for the speech pipeline: True if ``text`` was a player command and was done."""
        cmd = parse_command(text)
        if cmd and self.player and self.inventory_shown and cmd.command is Command.NEXT:
            self.next()  # "next step" on the parts list starts the step it was waiting on
            return True
        return bool(cmd and self.player and apply_command(self.player, cmd))

    def timings(self) -> tuple[StepTiming, ...]:
        return self.player.timings() if self.player else ()

    def shutdown(self) -> None:
        """Stop the timer and the render thread, closing the GL context on its own thread."""
        self._timer.stop()
        if self._thread.isRunning():
            from PySide6.QtCore import QMetaObject

            QMetaObject.invokeMethod(self._worker, "close", Qt.ConnectionType.BlockingQueuedConnection)
            self._thread.quit()
            self._thread.wait(10000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ events
    def _speed_chosen(self, index: int) -> None:
        if self.player is not None:
            self.player.set_speed(SPEEDS[index])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Right: self.next, Qt.Key.Key_Left: self.previous,
            Qt.Key.Key_Space: self.toggle_play, Qt.Key.Key_R: self.replay}
        if key in actions:
            actions[key]()
            event.accept()
        else:
            super().keyPressEvent(event)

    @Slot(object)
    def _on_opened(self, guide: Guide) -> None:
        self.loading = False
        self.guide = guide
        self.player = GuidePlayer(guide, on_step=self._on_step, on_frame=lambda s, t: self._mark_dirty())
        self.player.set_speed(float(self.speed.currentData()))
        self.title.setText(guide.name.get(self.language))
        self.step_list.blockSignals(True)
        self.step_list.clear()
        for n, step in enumerate(guide.steps, start=1):
            self.step_list.addItem(QListWidgetItem(f"{n}. {step.instruction.get(self.language)}"))
        self.step_list.blockSignals(False)
        self.status.setText("")
        self._set_enabled(True)
        self._yaw = self._pitch = 0.0
        self._zoom = 1.0
        self._thumbs_asked = False
        self._on_step(0)
        if self.inventory_first:
            self.show_inventory()
        self._timer.start()

    @Slot(object)
    def _on_parts(self, groups: tuple[PartGroup, ...]) -> None:
        self.groups = groups
        self.inventory.set_groups(groups, self.language)

    @Slot(object)
    def _on_thumbnails(self, images: dict[str, QImage]) -> None:
        self.inventory.parts.set_images(images)
        self.tray.parts.set_images(images)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        log.warning("guide failed: %s", message)
        self.loading = False
        self._busy = False
        self.status.setText(self._t("Cannot open this guide: ", "无法打开安装指南：") + message)
        self.load_failed.emit(message)

    def _on_step(self, step: int) -> None:
        assert self.guide is not None and self.player is not None
        if self.inventory_shown:
            self._leave_inventory()
        self.step_list.blockSignals(True)
        self.step_list.setCurrentRow(step)
        self.step_list.blockSignals(False)
        self.tray.set_groups(step_tray(self.guide, step, self.groups) if self.groups else (), self.language)
        self._show_step_text(step)
        self.prev_button.setEnabled(step > 0)
        self.next_button.setEnabled(step + 1 < len(self.guide.steps))
        self._update_progress()
        self.step_changed.emit(step)
        self._mark_dirty()

    def _show_step_text(self, step: int) -> None:
        assert self.guide is not None
        s = self.guide.steps[step]
        text = s.instruction.get(self.language)
        if s.cautions:
            text += "\n⚠ " + " ".join(c.get(self.language) for c in s.cautions)
        self.instruction.setText(text)
        self.step_label.setText(self._t(f"Step {step + 1} of {len(self.guide.steps)}",
                                        f"第 {step + 1} 步，共 {len(self.guide.steps)} 步"))

    def _on_row(self, row: int) -> None:
        if self.player and row >= 0 and row != self.player.step:
            self.player.goto(row)

    def _update_progress(self) -> None:
        if self.player:
            self.progress.setValue(int(round(self.player.progress * 1000)))

    def _tick(self) -> None:
        if self.player and self.player.tick():
            self._update_progress()

    def _on_orbit(self, dx: float, dy: float) -> None:
        self._yaw -= dx * 0.4
        self._pitch = max(-80.0, min(80.0, self._pitch + dy * 0.4))
        self._mark_dirty()

    def _on_zoom(self, steps: float) -> None:
        self._zoom = max(0.3, min(6.0, self._zoom * (1.15 ** steps)))
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        self._dirty = True
        self._send()

    def _send(self) -> None:
        if self._busy or not self._dirty or not self.player:
            return
        self._dirty = False
        self._busy = True
        self._request += 1
        self._render_requested.emit(self.player.step, float(self.player.t), self._yaw, self._pitch,
                                    self._zoom, self._request)

    @Slot(QImage, int)
    def _on_frame(self, image: QImage, request: int) -> None:
        self._busy = False
        self.view.show_image(image)
        self.frames_shown += 1
        if not self._thumbs_asked:  # pictures for the parts list once the first frame is up
            self._thumbs_asked = True
            self._thumbnails_requested.emit()
        self.frame_shown.emit(request)
        self._send()
