"""The camera in the conversation: parts and QR codes become observations for the turn's words.

Every analysed frame or photo gives a :class:`VisionReading`; the vision producer turns it into
hypotheses that wait (``AssistantChatHandler.observe``) for what the customer says within the
turn's window, and are answered alone when the window passes (a timer asks the handler to
settle). A live camera repeats itself many times a second, so a reading is observed only when
what it means changes, or once per window while it stays the same.

Two inputs act at once as well, because the customer is pointing at something now: a guide QR
code opens its guide at its step, and a dropped photo whose parts clearly fit one guide step
opens that guide there. The fused reply follows and lands on the same tab.

Only a reading that *claims* a product and step (``Verdict.CLAIMED``: a guide code, or strong
parts evidence) can open a guide or be answered with one.  One photo gets one reply: a claim is
answered through the assistant; an unsure photo at once with "I can't tell which product these
parts belong to" and its two candidates as chips, a photo without parts with "I don't see
furniture parts" (both still fuse with words said in the same turn).  The same photo again adds
nothing.  The guide step the customer is on refines a claim's step only while that guide is open.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.dialogue.reply import GuideOffer, Reply
from desktop_app.fusion.hypothesis import TURN_WINDOW_S, Modality
from desktop_app.nlu.types import Intent
from desktop_app.service.types import Outcome
from desktop_app.vision.meaning import Verdict

if TYPE_CHECKING:
    from desktop_app.ui.camera.view import CameraView
    from desktop_app.ui.chat.handler import AssistantChatHandler
    from desktop_app.ui.chat.panel import ChatPanel
    from desktop_app.ui.common.tasks import TaskHandle, TaskRunner
    from desktop_app.ui.guide.tabs import GuideTabs

log = logging.getLogger(__name__)

SETTLE_TICK_MS = 250
#: A photo opens a guide by itself only when its parts fit one step at least this well.
PHOTO_OPEN_SCORE = 0.5
#: The same reading is observed again after one turn window (the assistant's own).
REOBSERVE_S = TURN_WINDOW_S


class VisionBridge(QObject):
    activity = Signal()  # parts or a code in view: someone is at the kiosk
    observed = Signal(object)  # Hypothesis handed to the handler (the debug panel and tests watch it)

    def __init__(self, camera: CameraView, handler: AssistantChatHandler, chat: ChatPanel, guides: GuideTabs,
                 runner: TaskRunner, language: Callable[[], str], *, hold: Callable[[], bool] = lambda: False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        from desktop_app.fusion.vision_producer import VisionProducer

        self.camera = camera
        self.handler = handler
        self.chat = chat
        self.guides = guides
        self.runner = runner
        self._language = language
        #: True while words for this turn may still come (the customer is talking or being transcribed).
        self._hold = hold
        self.producer = VisionProducer()
        self._last_key: tuple[Any, ...] | None = None
        self._last_at = 0.0
        self._last_photo = ""  # digest of the photo answered last
        self._shown_photo = ""  # digest of the photo shown last as the customer's message
        self._qr: dict[str, Any] = {}
        self._settling: TaskHandle | None = None
        camera.analysed.connect(self._on_reading)
        camera.photo_opened.connect(self._show_photo)
        chat.photo_drop.target = camera.open_photo  # a photo dropped on the conversation goes to the camera
        camera.qr_scanned.connect(self._on_qr)
        guides.step_changed.connect(self._on_step)
        # after GuideTabs' own handler (connected first) has closed the tab
        guides.side.tabCloseRequested.connect(lambda _index: self._forget_closed_guide())
        self._timer = QTimer(self)
        self._timer.setInterval(SETTLE_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # -- readings ----------------------------------------------------------------------------

    def _on_reading(self, reading: Any, photo: str = "") -> None:
        """A frame (``photo`` empty) or a photo (``photo`` its digest) has been read."""
        self._forget_closed_guide()
        if photo and photo == self._last_photo:
            log.info("the same photo again: already answered")
            self._open_claimed(reading)  # its guide comes back if it was closed; no second reply
            return
        if photo:
            self._last_photo = photo
        elif reading.verdict is Verdict.NO_PARTS and not reading.qr_payloads:
            return  # an empty counter says nothing about this turn
        if reading.detections or reading.qr_payloads:
            self.activity.emit()
        hypotheses = self.producer.produce_all(reading)
        for h in hypotheses:
            if h.modality == Modality.QR:
                for payload in reading.qr_payloads:
                    self._qr[payload] = h  # observed when the view reports the code (once per showing)
        parts = [h for h in hypotheses if h.modality != Modality.QR]
        claimed = reading.verdict is Verdict.CLAIMED
        focus = reading.focus
        key = (reading.verdict, focus.product_id if focus else None, focus.step if focus else None, reading.seen)
        now = time.monotonic()
        if parts and (photo or key != self._last_key or now - self._last_at >= REOBSERVE_S):
            # the same view again, or parts that name no product: context for words, not a question
            context_only = (not photo and key == self._last_key) or not claimed
            self._last_key, self._last_at = key, now
            for h in parts:
                self._observe(h, context_only=context_only)
        if photo and not claimed:
            self.chat.add_result(abstention_reply(reading, self._language()))
        if photo:
            self._open_claimed(reading)

    def _show_photo(self, image: Any, digest: str) -> None:
        """The customer's photo appears as their message, before the reply to it (once per photo:
        the same photo again adds nothing to the conversation)."""
        if digest == self._shown_photo:
            return
        self._shown_photo = digest
        self.chat.add_user_photo(image)

    def _open_claimed(self, reading: Any) -> None:
        """A photo whose parts claim a guide step opens that guide there (a code opens its own)."""
        focus = reading.focus
        if reading.verdict is Verdict.CLAIMED and focus is not None and not reading.judgement.by_qr \
                and focus.score >= PHOTO_OPEN_SCORE and focus.product_id in self.guides.app.guides \
                and focus.product_id not in self.guides.widgets:
            self.guides.open(GuideOffer(focus.product_id, focus.name.get(self._language()), focus.step))

    def _forget_closed_guide(self) -> None:
        """The guide the camera's step came from was closed: no later frame may lean on it."""
        step = self.camera.current_step
        if step is not None and step.product_id not in self.guides.widgets:
            self.camera.set_current_step(None)

    def _on_qr(self, payload: str) -> None:
        from desktop_app.core.guide_code import parse_payload
        from desktop_app.core.guide_format import GuideError

        try:
            code = parse_payload(payload)
        except GuideError:
            log.info("a QR code that is not a guide code was shown")
            return
        self.activity.emit()
        if code.product_id in self.guides.app.guides:
            self.guides.open(GuideOffer(code.product_id, self._guide_name(code.product_id), code.step), jump=True)
        hypothesis = self._qr.pop(payload, None)
        if hypothesis is not None:
            self._observe(hypothesis)

    def _guide_name(self, sku: str) -> str:
        from desktop_app.vision.meaning import GuideIndex

        guide = GuideIndex.from_dir(self.guides.app.settings.assets_dir / "models3d").guides.get(sku)
        return guide.name.get(self._language()) if guide is not None else sku

    def _observe(self, hypothesis: Any, *, context_only: bool = False) -> None:
        self.handler.observe(hypothesis, context_only=context_only)
        self.observed.emit(hypothesis)

    def _on_step(self, sku: str, step: int) -> None:
        from desktop_app.core.guide_code import GuideCode

        self.camera.set_current_step(GuideCode(sku, step))  # "what is missing" refers to this step

    # -- settling ----------------------------------------------------------------------------

    def _tick(self) -> None:
        if self._settling is not None or self.chat.busy or self._hold() or not self.handler.has_observations():
            return

        def done(results: Any) -> None:
            self._settling = None
            for exchange in results or ():
                self.chat.add_exchange(exchange)

        def failed(error: Any) -> None:
            self._settling = None
            self.chat.add_result(error)

        self._settling = self.runner.submit(self.handler.settle, self._language(), on_done=done, on_error=failed)

    def prewarm(self) -> None:
        """Load the detector and the guide index off the GUI thread, so the first photo is quick."""

        def load() -> None:
            analyzer = self.camera.analyzer
            _ = analyzer.detector.backend, analyzer.index

        def failed(error: Any) -> None:
            log.warning("the parts detector could not be prepared: %s", getattr(error, "code", error))

        self.runner.submit(load, on_error=failed)

    def reset(self) -> None:
        """The session ended: stop the camera, forget what it saw and clear the preview."""
        self.camera.stop_camera()
        self.camera.set_current_step(None)
        self._last_key, self._qr, self._last_photo, self._shown_photo = None, {}, "", ""
        self.camera.preview.clear()
        self.camera.last_image = None
        self.camera.status.setText("")

    def shutdown(self) -> None:
        self.chat.photo_drop.target = None
        self._timer.stop()
        if self._settling is not None:
            self._settling.cancel()
        self.camera.shutdown()


def abstention_reply(reading: Any, language: str) -> Reply:
    """The answer to a photo that claims nothing: what is seen, and the candidates as chips."""
    from desktop_app.vision.meaning import NO_PARTS_TEXT

    zh = language == "zh"
    if reading.verdict is Verdict.NO_PARTS:
        hint = ("请拍下零件，或把说明书上的二维码对准摄像头。" if zh
                else " Show me the parts, or the QR code on the manual.")
        return Reply(language, (NO_PARTS_TEXT[1] if zh else NO_PARTS_TEXT[0]) + hint, outcome=Outcome.CLARIFY,
                     intent=Intent.ASSEMBLY_HELP.value)
    chips = tuple(f"安装「{c.name.zh}」第 {c.step} 步" if zh else f"Assemble the {c.name.en}, step {c.step}"
                  for c in reading.judgement.candidates)
    return Reply(language, reading.summary(language), suggestions=chips, outcome=Outcome.CLARIFY,
                 intent=Intent.ASSEMBLY_HELP.value)
