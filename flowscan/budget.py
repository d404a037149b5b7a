"""A CPU-time budget per file, so that one pathological file cannot stall a scan.

``limits.py`` skips the known costly shapes by rule before parsing; this is the backstop for
the unknown ones. The alarm interrupts Python code (PyYAML's composer, lark, the
extractors); a C call returns first. CPU time of this process (``ITIMER_PROF``), not wall
time, so a busy machine does not change which files are read. It is armed only in a process's main thread (signals
are delivered there); elsewhere the budget is not enforced. A file over budget is named in
the report; its outcome is never cached, so a faster run reads it again.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

FILE_SECONDS = 20.0


class BudgetExceeded(BaseException):
    """Raised inside the code reading a file when its budget runs out. A BaseException, so
    that a parser's own ``except Exception`` cannot swallow it."""

    def __init__(self, seconds: float):
        super().__init__(f"took longer than {seconds:g} s (the per-file budget); not read")
        self.reason = str(self)


@contextmanager
def file_budget(seconds: float = FILE_SECONDS) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the body when it runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise BudgetExceeded(seconds)

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
