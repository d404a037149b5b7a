"""The progress display of a long scan: one transient line on stderr (rich), naming the phase
and the time spent, shown only when stderr is a terminal and the scan has run longer than a
second; never in piped or CI output, never in the report itself. ``--no-progress`` and
``--quiet`` turn it off."""

from __future__ import annotations

import threading
from typing import IO, Any

DELAY_SECONDS = 1.0


def progress_wanted(no_progress: bool, quiet: bool, stream: IO[str]) -> bool:
    """Only for a person watching a terminal: not with --no-progress or --quiet, not when
    stderr is piped or a file (CI logs, pre-commit)."""
    if no_progress or quiet:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ScanProgress:
    """A context manager: ``update(phase)`` is the scan's phase listener; the line appears
    ``delay`` seconds after entering (a timer thread) unless the scan is over by then, and is
    erased when the scan ends."""

    def __init__(self, console: Any, delay: float = DELAY_SECONDS):
        self.console = console
        self.delay = delay
        self.phase = "reading files"
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._done = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> ScanProgress:
        self._timer = threading.Timer(self.delay, self.show)
        self._timer.daemon = True
        self._timer.start()
        return self

    def update(self, phase: str) -> None:
        with self._lock:
            self.phase = phase
            if self._progress is not None:
                self._progress.update(self._task, description=phase)

    def show(self) -> None:
        """Start the display (what the timer calls); nothing once the scan is over."""
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._done or self._progress is not None:
                return
            self._progress = Progress(SpinnerColumn(), TextColumn("flowscan: {task.description}"), TimeElapsedColumn(),
                                      console=self.console, transient=True)
            self._task = self._progress.add_task(self.phase, total=None)
            self._progress.start()

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()
