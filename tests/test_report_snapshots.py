"""The Markdown evidence report and the console report of one app, compared with checked-in
golden files (tests/snapshots/; re-record with ``--update-snapshots``, see tests/snapshot.py).

The app (tests/snapshots/evidence-app) has a row of every kind a reader meets: a declared
self-hosted endpoint, an exempt host, an inline ``allow`` with owner and expiry and an
``ignore`` without a reason, a provider called from seven places, a host no catalog places,
one decided at run time, one reached only when a setting selects it, and Terraform buckets
in and outside the policy. tests/snapshots/no-egress-app has no outbound call and no policy:
the empty sections' wording. The run header is fixed, so the only input is the code."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan import __version__
from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog
from flowscan.cli import main
from flowscan.report.evidence import build_evidence
from flowscan.report.markdown import render_markdown
from flowscan.report.runinfo import RunInfo

from .snapshot import SNAPSHOTS, assert_snapshot

EPOCH = "1764460800"  # 2025-11-30T00:00:00Z: the date inline allowances are checked against
RUN = RunInfo(tool_version="0.0.0-snapshot", catalog_sha256="0" * 64, commit="1" * 40, dirty=False,
              time="2025-11-30T00:00:00Z", policy_file="flowscan.yaml", policy_sha256="2" * 64,
              command="flowscan report evidence-app")


def _evidence(app: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        report = scan(app, ScanOptions(jobs=1, cache_dir=None)).report
    catalog = bundled_catalog()
    return build_evidence(report, catalog.providers, catalog.purposes)


def _outside_this_repository(tmp_path: Path, app: str) -> Path:
    """A copy of ``app`` in a folder of its own: reports name paths relative to the repository
    root and say when the scanned folder is git-ignored, and the apps' folders here sit inside
    flowscan's own checkout (or mutmut's git-ignored copy of it)."""
    shutil.copytree(SNAPSHOTS / app, tmp_path / app)
    return tmp_path


def test_markdown_report(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    app = _outside_this_repository(tmp_path, "evidence-app") / "evidence-app"
    assert_snapshot(request, "evidence-app.md", render_markdown(_evidence(app), RUN))


def test_markdown_report_of_an_app_that_sends_nothing(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run = replace(RUN, dirty=None, policy_file=None, policy_sha256=None, command="flowscan report no-egress-app")
    app = _outside_this_repository(tmp_path, "no-egress-app") / "no-egress-app"
    assert_snapshot(request, "no-egress-app.md", render_markdown(_evidence(app), run))


@pytest.mark.parametrize("columns", [80, 200])
def test_console_report_piped(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                              columns: int) -> None:
    """``flowscan scan evidence-app`` piped, as CI logs show it: rich takes the width from
    COLUMNS; at 80 the endpoints are listed (a table would fold hosts), at 200 they are a table."""
    monkeypatch.chdir(_outside_this_repository(tmp_path, "evidence-app"))
    assert_snapshot(request, f"evidence-app.console-{columns}.txt", _console("evidence-app", columns, exit_code=1))


def test_console_report_of_an_app_that_sends_nothing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.chdir(_outside_this_repository(tmp_path, "no-egress-app"))
    assert_snapshot(request, "no-egress-app.console-80.txt", _console("no-egress-app", 80, exit_code=0))


def _console(app: str, columns: int, exit_code: int) -> str:
    env = {"COLUMNS": str(columns), "NO_COLOR": "1", "SOURCE_DATE_EPOCH": EPOCH,
           # unset: each would make rich style the piped output
           "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None}
    result = CliRunner().invoke(main, ["scan", app, "--no-cache", "-j", "1"], env=env)
    assert result.exit_code == exit_code, result.output  # 1: unsuppressed errors fail the gate
    return result.output.replace(f"flowscan {__version__}  ", "flowscan VERSION  ", 1)  # a release changes nothing else
