"""The window's last resort: an exception no handler caught becomes a log entry and one line.

Qt calls ``sys.excepthook`` for an exception escaping a slot and carries on; Python's default hook
dumps the traceback (which may quote a customer's words) on the terminal. Here the traceback goes,
redacted, to the log file only; the person at the screen gets one line in a small box, and the
window keeps running. Foreseeable failures (``AppError``) show their own message.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.core.errors import AppError
from desktop_app.core.logsetup import record_crash

log = logging.getLogger(__name__)

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def crash_line(exc: BaseException, language: str, log_dir: Path | None) -> str:
    """The one line a user sees (the traceback, if any, is in the log file by then)."""
    if isinstance(exc, AppError):
        return exc.localized(language)
    where = record_crash(exc, log_dir)
    details = str(where) if where else ("未写入日志" if language == "zh" else "not logged")
    if language == "zh":
        return f"出现意外错误（{type(exc).__name__}），窗口仍可继续使用。详情见：{details}"
    return f"Unexpected error ({type(exc).__name__}); the window keeps working. Details: {details}"


class _Notice:
    """One message box at a time: a failure repeating on a timer must not stack up dialogs."""

    def __init__(self) -> None:
        self.box: QMessageBox | None = None

    def show(self, line: str) -> None:
        if QApplication.instance() is None or threading.current_thread() is not threading.main_thread():
            return  # widgets belong to the GUI thread; the line is in the log and on the console
        if self.box is not None and self.box.isVisible():
            return
        self.box = QMessageBox(QMessageBox.Icon.Warning, "Service Desk 智能客服", line)
        self.box.setModal(False)
        self.box.show()


def install_crash_hooks(language: str, log_dir: Path | None) -> Hook:
    """Route uncaught exceptions (GUI thread and Python threads) through :func:`crash_line`."""
    notice = _Notice()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        try:
            line = crash_line(exc.with_traceback(tb), language, log_dir)
            log.error("%s", line)
            notice.show(line)
        except Exception:  # the last resort must not raise into Qt's event loop
            log.error("unexpected error (%s)", exc_type.__name__)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return hook
