"""Service work off the GUI thread, with results delivered back on it: the ui's one concurrency pattern.

The rule, for every thread the ui starts: **a worker never touches a widget, and its results
cross to the GUI thread by a queued signal.** Widgets never block on the store, a model or a
device.

The pattern is :class:`TaskRunner`: a job runs ``fn`` on a worker of the runner's own thread
pool, and its outcome crosses to the GUI thread through one queued Qt signal (the bridge), where
``on_done`` or ``on_error`` runs. Cancelling a job drops its outcome; ``fn`` may also stop early
when it accepts a ``cancel_event`` keyword. The runner owns its pool so closing a window waits
for exactly its own jobs and leaves no thread behind. Use it for any one-off job started from
the GUI thread: service calls and turns (the window's runner, shared by the chat, forms, guides
and camera bridge), the media imports, the assistant's warm-up, and photo analysis (the camera
view's own one-worker runner, so photos are read one at a time, in order).

Justified exceptions, each a long-lived dedicated thread that follows the same rule (it only
emits signals, connected queued, to a QObject on the GUI thread):

* Guide rendering (:mod:`desktop_app.ui.guide.player`): a ``QThread`` per player owning the
  Open3D renderer, whose GL context is bound to the thread that made it, so every load and
  render of that player must run on that one thread.
* The voice pipeline (:mod:`desktop_app.ui.voice.microphone`): a streaming loop that takes audio
  chunks as they come (level meter, end-pointing), its single transcription worker, and a single
  worker for live partials at idle priority (with its own model instance, so a reading never
  waits for a partial), both fed by the pipeline thread itself (a tentative end of speech starts
  transcription at once, without a hop through a possibly busy GUI thread); a runner takes jobs
  only from the GUI thread.
* Live camera capture (``CaptureWorker`` in :mod:`desktop_app.vision.camera`, driven by
  :mod:`desktop_app.ui.camera.view`): a frame loop at the camera's rate and an analysis thread
  that takes the newest frame, a streaming source; its callbacks only emit the view's signals.

(Microphone capture, :mod:`desktop_app.ui.voice.mic_source`, starts no thread: Qt Multimedia
calls it on the GUI thread and it hands the chunks to the voice pipeline.)

Python's cycle collector runs on the GUI thread only (:mod:`desktop_app.ui.common.gc_guard`), so
none of these threads can free a Qt or GL object that another thread owns.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop_app.core.errors import AppError

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2


class UnexpectedError(AppError):
    """Stands in for a bug inside a job, so the window shows a friendly card and keeps running."""

    code = "internal"

    def __init__(self) -> None:
        super().__init__(
            "Sorry, something went wrong on our side. Please try again, or ask a staff member.",
            message_zh="抱歉，系统出了点问题。请重试，或联系工作人员。",
        )


@dataclass
class TaskHandle:
    """What ``submit`` returns: lets the caller cancel and ask whether the job has settled."""

    task_id: int
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    _runner: TaskRunner | None = field(default=None, repr=False)
    settled: bool = False

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        """Drop the outcome; a job not yet started never runs, a running one is asked to stop."""
        if self._runner is not None:
            self._runner._cancel(self)
        else:
            self.cancel_event.set()


@dataclass
class _Job:
    handle: TaskHandle
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[AppError], None] | None
    runnable: QRunnable | None = None


class _Bridge(QObject):
    """Lives on the GUI thread; workers emit, so delivery is a queued connection."""

    finished = Signal(int, object)
    failed = Signal(int, object)


def _accepts_cancel_event(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "cancel_event" in params


class _Runnable(QRunnable):
    def __init__(self, job: _Job, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner holds it until the job settles
        self._job = job
        self._bridge = bridge

    def run(self) -> None:  # runs on a worker thread
        job = self._job
        if job.handle.cancelled:
            outcome: tuple[bool, Any] = (False, None)
        else:
            try:
                if _accepts_cancel_event(job.fn):
                    value = job.fn(*job.args, cancel_event=job.handle.cancel_event)
                else:
                    value = job.fn(*job.args)
                outcome = (True, value)
            except AppError as exc:
                outcome = (False, exc)
            except Exception:  # a bug: log it with its traceback, show a generic card
                log.exception("background task %d failed", job.handle.task_id)
                outcome = (False, UnexpectedError())
        try:
            signal = self._bridge.finished if outcome[0] else self._bridge.failed
            signal.emit(job.handle.task_id, outcome[1])
        except RuntimeError:  # the runner is gone (shutdown timed out); nobody is listening
            log.warning("task %d finished after its runner was deleted", job.handle.task_id)


class TaskRunner(QObject):
    """Runs plain callables on worker threads and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, max_workers: int = DEFAULT_WORKERS) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, max_workers))
        self._bridge = _Bridge(self)
        self._bridge.finished.connect(self._deliver_result)
        self._bridge.failed.connect(self._deliver_error)
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._closed = False

    @property
    def pool(self) -> QThreadPool:
        return self._pool

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[AppError], None] | None = None,
    ) -> TaskHandle:
        handle = TaskHandle(next(self._ids), _runner=self)
        if self._closed:
            handle.cancel_event.set()
            handle.settled = True
            log.debug("task submitted after shutdown was dropped")
            return handle
        job = _Job(handle, fn, args, on_done, on_error)
        job.runnable = _Runnable(job, self._bridge)
        self._jobs[handle.task_id] = job
        self._pool.start(job.runnable)
        return handle

    def active_count(self) -> int:
        """Jobs submitted whose outcome has not yet been delivered or dropped."""
        return len(self._jobs)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Wait for the jobs already running or queued, leaving the runner open and their outcomes due."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything, wait for running jobs; True when none is left running."""
        self._closed = True
        for job in list(self._jobs.values()):
            self._cancel(job.handle)
        done = self._pool.waitForDone(timeout_ms)
        if done:
            for task_id in list(self._jobs):
                self._settle(task_id)
        else:
            log.warning("%d background task(s) still running at shutdown", self._pool.activeThreadCount())
        return done

    # -- internals (GUI thread) ------------------------------------------------------------

    def _cancel(self, handle: TaskHandle) -> None:
        handle.cancel_event.set()
        job = self._jobs.get(handle.task_id)
        if job is not None and job.runnable is not None and self._pool.tryTake(job.runnable):
            self._settle(handle.task_id)  # never started: nothing will be emitted for it

    def _settle(self, task_id: int) -> _Job | None:
        job = self._jobs.pop(task_id, None)
        if job is not None:
            job.handle.settled = True
        return job

    @Slot(int, object)
    def _deliver_result(self, task_id: int, value: object) -> None:
        job = self._settle(task_id)
        if job is None or job.handle.cancelled or job.on_done is None:
            return
        job.on_done(value)

    @Slot(int, object)
    def _deliver_error(self, task_id: int, error: object) -> None:
        job = self._settle(task_id)
        if job is None or job.handle.cancelled:
            return
        assert isinstance(error, AppError)
        if job.on_error is None:
            log.info("background task %d failed: %s", task_id, error.code)
            return
        job.on_error(error)
