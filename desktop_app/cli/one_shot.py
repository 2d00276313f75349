"""A one-shot command's process: start-up without cyclic garbage collection, and an exit without
the interpreter's teardown.

``desktop-app ask "..."`` starts, answers one question and ends. Two costs of a cold start are not
work for the answer at all (measured on the 2-core kiosk machine, issue 24):

* the cyclic garbage collector runs hundreds of times while the ~500 modules and the store's and
  models' objects are created, scanning objects that live as long as the process (~50-90 ms);
* the interpreter's teardown frees every module and object one by one after the answer is printed,
  after a last full collection (~0.2 s).

So, only when the process *is* the command (the console script or ``python -m desktop_app``, never
a caller of ``cli.main`` such as a test) and the command is a quick one: collection pauses until the
command says its start-up is over (then what exists is frozen, as ``gc.freeze`` intends for long-lived
start-up objects, and collection resumes), and the process ends with ``os._exit`` once everything
the interpreter would have done that anyone can see is done: the exit functions (the log files are
flushed and closed there, weak-reference finalizers run), and stdout and stderr flushed. Commands
close what they opened themselves (the store, so its write-ahead log is folded back as on a normal
exit). A process that still runs another thread of its own exits the ordinary way.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading

_paused = False


def pause_collection() -> None:
    """Stop cyclic garbage collection for the start-up of a one-shot command (a no-op if it is off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """The start-up is over: keep what it made out of later collections, and collect again.

    Without the freeze, the first collection after a long pause would scan every start-up object."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def exit_now(code: int) -> int:
    """End the process with ``code`` without the interpreter's teardown; returns ``code`` (and the
    caller exits the ordinary way) when a thread other than this one is still running."""
    if threading.current_thread() is not threading.main_thread() or any(
            t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.current_thread()):
        resume_collection()
        return code
    atexit._run_exitfuncs()  # what Py_Finalize runs first: logging.shutdown, weakref finalizers
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone away (the command already said so) or a closed stream
            pass
    os._exit(code)
