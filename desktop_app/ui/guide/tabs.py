"""The window's 3D assembly guides: one side tab per product, opened at a step, timed for the merchant.

Opening a guide the first time costs seconds (Open3D's import and a GL context), far too slow
for "hold up the parts, see the guide". So after start-up one player is prepared off screen
with its renderer warm; the first guide asked for takes it over (a scene swap, a fraction of a
second) and another is prepared for the next. Closing a guide tab, or the session ending,
records the time spent per step (``GuideStats``) before the player's render thread is stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

from desktop_app.ar.voice_commands import check_command, parse_command
from desktop_app.dialogue.reply import GuideOffer

if TYPE_CHECKING:
    from desktop_app.app import App
    from desktop_app.service.guide_stats import StepTime
    from desktop_app.ui.common.tasks import TaskRunner
    from desktop_app.ui.guide.player import GuidePlayerWidget

log = logging.getLogger(__name__)

#: A spoken or typed guide command is short ("next step", "下一步"); longer words are a question.
MAX_COMMAND_WORDS = 4
MAX_COMMAND_CHARS_ZH = 8
#: After the spare player is taken, the next one is prepared this much later (the GUI settles first).
SPARE_DELAY_MS = 1500


def is_short_command(text: str) -> bool:
    words = text.strip().split()
    ascii_text = text.isascii()
    return bool(parse_command(text)) and (len(words) <= MAX_COMMAND_WORDS if ascii_text
                                          else len(text.strip()) <= MAX_COMMAND_CHARS_ZH)


class GuideTabs(QObject):
    """Owns the guide players shown in ``side`` (a tab widget) and the warm spare."""

    step_changed = Signal(str, int)  # sku, 1-based step now shown
    shown = Signal(str)  # sku: the guide's first frame is on screen
    failed = Signal(object)  # GuideOffer that could not be shown

    def __init__(self, app: App, side: QTabWidget, runner: TaskRunner, language: str,
                 add_tab: Callable[[QWidget, str, str], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.side = side
        self.runner = runner
        self.language = language
        self._add_tab = add_tab
        self.widgets: dict[str, GuidePlayerWidget] = {}
        self._spare: GuidePlayerWidget | None = None
        self._taken_spare: GuidePlayerWidget | None = None
        self._spare_failed: Callable[[str], None] | None = None
        self._want_spare = False
        self._closed = False
        self.last_used: str | None = None
        side.setTabsClosable(True)
        side.tabCloseRequested.connect(self._close_requested)
        self._spare_timer = QTimer(self)
        self._spare_timer.setSingleShot(True)
        self._spare_timer.timeout.connect(self._prepare_spare)

    # -- the warm spare ----------------------------------------------------------------------

    def keep_spare(self, delay_ms: int = 0) -> None:
        """Keep one renderer warm from now on (after ``delay_ms``, so start-up work goes first)."""
        self._want_spare = True
        self._spare_timer.start(delay_ms)

    def _prepare_spare(self) -> None:
        if self._closed or self._spare is not None or not self.app.guides:
            return
        widget = self._new_player()
        if widget is None:
            return
        widget.hide()
        widget.setParent(self.side.window())
        widget.hide()

        def first_frame(_request: int) -> None:
            widget.frame_shown.disconnect(first_frame)
            if widget is self._spare and widget.player is not None:
                widget.player.pause()  # nobody watches the warm-up animation

        widget.frame_shown.connect(first_frame)
        self._spare_failed = lambda _m: self._drop_spare(widget)
        widget.load_failed.connect(self._spare_failed)
        sku = sorted(self.app.guides)[0]
        widget.open_guide(self._path(sku))
        self._spare = widget

    @property
    def spare_ready(self) -> bool:
        """A warm player is waiting (its renderer has drawn its first frame)."""
        return self._spare is not None and self._spare.frames_shown > 0

    def _drop_spare(self, widget: GuidePlayerWidget) -> None:
        if widget is self._spare:
            self._spare = None
            widget.shutdown()
            widget.deleteLater()

    # -- opening -----------------------------------------------------------------------------

    def open(self, offer: GuideOffer, *, jump: bool = True) -> QWidget | None:
        """Show ``offer``'s guide in its tab (reused), at its step when ``jump`` or newly opened."""
        widget = self.widgets.get(offer.sku)
        if widget is None:
            widget = self._spare if self._spare is not None else self._new_player()
            self._taken_spare, self._spare = self._spare, None
            if widget is None:
                self.failed.emit(offer)
                return None
            self._adopt(widget, offer)
            if self._want_spare:
                self._spare_timer.start(SPARE_DELAY_MS)
        elif jump and widget.player is not None and widget.guide is not None:
            widget.player.goto(max(0, min(offer.step, len(widget.guide.steps)) - 1))
        self.side.setCurrentWidget(widget)
        self.last_used = offer.sku
        return widget

    def _new_player(self) -> GuidePlayerWidget | None:
        try:
            from desktop_app.ui.guide.player import GuidePlayerWidget

            widget = GuidePlayerWidget(language=self.language)
        except Exception:  # a missing renderer or a broken install must not take the chat down
            log.exception("the 3D guide player could not start")
            return None
        widget.setObjectName("guidePlayer")
        return widget

    def _path(self, sku: str) -> Path:
        return self.app.settings.assets_dir / "models3d" / sku

    def _adopt(self, widget: GuidePlayerWidget, offer: GuideOffer) -> None:
        self.widgets[offer.sku] = widget
        if self._spare_failed is not None and widget is self._taken_spare:
            widget.load_failed.disconnect(self._spare_failed)
            self._spare_failed = None
        widget.load_failed.connect(lambda _message: self._load_failed(offer))

        wanted: list[int | None] = [max(0, offer.step - 1)]
        skip = [0]  # frames already asked for before a jump still show the first step

        def on_step(step: int) -> None:
            if widget.guide is None or widget.guide.product_id != offer.sku:
                return  # the spare's warm-up guide, not this one
            if wanted[0] is not None:
                target, wanted[0] = min(wanted[0], len(widget.guide.steps) - 1), None
                if target != step and widget.player is not None:
                    skip[0] = 1
                    widget.player.goto(target)
                    return
            self.step_changed.emit(offer.sku, step + 1)

        widget.step_changed.connect(on_step)

        def on_frame(_request: int) -> None:
            if widget.guide is None or widget.guide.product_id != offer.sku or wanted[0] is not None:
                return
            if skip[0]:
                skip[0] -= 1
                return
            widget.frame_shown.disconnect(on_frame)
            self.shown.emit(offer.sku)

        widget.frame_shown.connect(on_frame)
        self._add_tab(widget, f"3D guide · {offer.name}", f"3D 指引 · {offer.name}")
        index = self.side.indexOf(widget)
        widget.show()
        if index >= 0:
            self.side.setCurrentIndex(index)
        widget.inventory_first = offer.step <= 1  # from the start: the parts list first, as in a manual
        widget.open_guide(self._path(offer.sku))

    def _load_failed(self, offer: GuideOffer) -> None:
        self.failed.emit(offer)

    # -- commands ----------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        """Every open guide switches live, and its tab names the product in the new language."""
        self.language = language
        for widget in self.widgets.values():
            widget.set_language(language)
            index = self.side.indexOf(widget)
            if widget.guide is not None and index >= 0:
                name = widget.guide.name.get(language)
                self.side.setTabText(index, f"3D 指引 · {name}" if language == "zh" else f"3D guide · {name}")

    @property
    def loading(self) -> bool:
        """A guide the customer opened is still being prepared."""
        return any(w.loading for w in self.widgets.values())

    def active(self) -> GuidePlayerWidget | None:
        """The guide a command is for: the one on screen, else the one used last."""
        current = self.side.currentWidget()
        for widget in self.widgets.values():
            if widget is current:
                return widget
        return self.widgets.get(self.last_used or "")

    def handle_command(self, text: str) -> bool:
        """Run a short player command ("next step", "下一步", "第三步") on the active guide; False otherwise.

        A step the guide does not have gets a one-line answer under the player rather than a
        silent no.  A command given while the guide is still opening is done once its first step
        is shown (otherwise the opening jump to the offered step would undo "第三步").
        """
        widget = self.active()
        cmd = parse_command(text)
        if widget is None or cmd is None or not is_short_command(text):
            return False
        sku = next((s for s, w in self.widgets.items() if w is widget), None)
        if self._showing(widget, sku):
            self._run(widget, text)
            return True  # a command while a guide is open is never a question for the assistant

        def when_open(_step: int) -> None:
            if self._showing(widget, sku):
                widget.step_changed.disconnect(when_open)
                self._run(widget, text)

        widget.step_changed.connect(when_open)
        return True

    @staticmethod
    def _showing(widget: GuidePlayerWidget, sku: str | None) -> bool:
        """``widget`` has finished opening ``sku``'s guide (not the warm-up guide of a spare)."""
        return not widget.loading and widget.guide is not None and widget.guide.product_id == sku

    def _run(self, widget: GuidePlayerWidget, text: str) -> None:
        cmd = parse_command(text)
        if cmd is None or widget.guide is None:
            return
        problem = check_command(cmd, len(widget.guide.steps))
        if problem is not None:
            widget.status.setText(problem.localized(self.language))
            log.info("guide command asked for step %d of %d", problem.asked, problem.step_count)
            return
        widget.status.setText("")
        if not widget.handle_voice(text):
            log.info("guide command understood but not possible here (first/last step?)")

    # -- closing -----------------------------------------------------------------------------

    def timings_of(self, widget: GuidePlayerWidget) -> list[StepTime]:
        from desktop_app.service.guide_stats import StepTime

        return [StepTime(t.product_id, t.step, t.seconds, t.visits) for t in widget.timings()]

    def close_tab(self, sku: str, *, record_now: bool = False) -> None:
        widget = self.widgets.pop(sku, None)
        if widget is None:
            return
        times = self.timings_of(widget)
        if times:
            if record_now:
                self._record(times)
            else:
                self.runner.submit(self._record, times)
        index = self.side.indexOf(widget)
        if index >= 0:
            self.side.removeTab(index)
        widget.shutdown()
        widget.deleteLater()
        if self.last_used == sku:
            self.last_used = next(iter(self.widgets), None)

    def _record(self, times: list[StepTime]) -> int:
        return self.app.guide_stats.record(times)

    def close_all(self, *, record_now: bool = False) -> None:
        for sku in list(self.widgets):
            self.close_tab(sku, record_now=record_now)

    def _close_requested(self, index: int) -> None:
        widget = self.side.widget(index)
        for sku, guide in self.widgets.items():
            if guide is widget:
                self.close_tab(sku)
                return

    def hide_close_button(self, widget: QWidget) -> None:
        """Only guide tabs can be closed; the window's own panels stay."""
        index = self.side.indexOf(widget)
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            self.side.tabBar().setTabButton(index, side, None)

    def shutdown(self) -> None:
        """Record open guides and stop every render thread (the window is closing)."""
        self._closed = True
        self._spare_timer.stop()
        self.close_all(record_now=True)
        if self._spare is not None:
            spare, self._spare = self._spare, None
            spare.shutdown()
            spare.deleteLater()
