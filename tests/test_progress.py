"""The progress line: on stderr, only on a terminal, only once the scan has run a while;
never in piped output or the report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from flowscan import progress
from flowscan.cli import main
from flowscan.progress import ScanProgress, progress_wanted


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_for_a_terminal_and_never_when_asked_not_to() -> None:
    assert progress_wanted(False, False, _Stream(True)) is True
    assert progress_wanted(False, False, _Stream(False)) is False  # piped, CI, pre-commit
    assert progress_wanted(True, False, _Stream(True)) is False  # --no-progress
    assert progress_wanted(False, True, _Stream(True)) is False  # --quiet


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=80), buffer


def test_the_line_names_the_current_phase_once_shown() -> None:
    console, buffer = _console()
    with ScanProgress(console, delay=3600) as display:
        display.update("parse seeds")
        assert buffer.getvalue() == ""  # not before the delay
        display.show()  # what the timer does after the delay
        display.update("resolve")
        console.file.flush()
    assert "flowscan: parse seeds" in buffer.getvalue()


def test_a_scan_over_before_the_delay_shows_nothing() -> None:
    console, buffer = _console()
    with ScanProgress(console, delay=3600) as display:
        display.update("read")
    display.show()  # a timer firing late
    assert buffer.getvalue() == ""


def test_the_cli_feeds_the_display_each_phase_and_keeps_stdout_clean(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    phases: list[str] = []

    class Recording(ScanProgress):
        def update(self, phase: str) -> None:
            phases.append(phase)

    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://api.openai.com/v1/models')\n")
    monkeypatch.setattr(progress, "progress_wanted", lambda no_progress, quiet, stream: not no_progress)
    monkeypatch.setattr(progress, "ScanProgress", Recording)
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["endpoints"]
    assert phases[0] == "catalog" and "checks" in phases
    phases.clear()
    CliRunner().invoke(main, ["scan", str(tmp_path), "--no-cache", "--no-progress", "--format", "json"])
    assert phases == []


def test_piped_stderr_gets_no_progress(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://api.openai.com/v1/models')\n")
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--no-cache", "--format", "json"])
    assert result.exit_code == 0 and result.stderr == ""
