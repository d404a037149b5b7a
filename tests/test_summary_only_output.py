"""A console report with nothing but its summary line (a hook run whose changed files have no
finding) prints that line as rich would, without loading rich."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from flowscan.api import ScanOptions, scan
from flowscan.report.console import render_console

APP = 'import requests\n\nrequests.get("https://api.mistral.ai/v1/models")\n'
PROBE = """
import sys
from flowscan.cli import main
try:
    main(["pre-commit", sys.argv[1], "--no-cache"], standalone_mode=False)
except SystemExit:
    pass
print("rich loaded" if any(m == "rich" or m.startswith("rich.") for m in sys.modules) else "rich not loaded")
"""


def _tree(root: Path) -> None:
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text(APP)
    (root / "app" / "other.py").write_text("VALUE = 1\n")
    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")


def _hook(root: Path, changed: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", PROBE, changed], cwd=root, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_a_hook_run_with_no_finding_prints_the_summary_without_rich(tmp_path: Path) -> None:
    _tree(tmp_path)
    *printed, loaded = _hook(tmp_path, "app/main.py")
    assert loaded == "rich not loaded"
    report = scan(tmp_path, ScanOptions(cache_dir=None)).report
    buffer = io.StringIO()
    render_console(report, Console(file=buffer, width=80, no_color=True), quiet=True)
    assert printed == buffer.getvalue().splitlines() == ["1 endpoints, 0 errors, 0 warnings"]


def test_the_hook_summary_counts_the_endpoints_the_changed_files_touch(tmp_path: Path) -> None:
    _tree(tmp_path)
    *printed, _ = _hook(tmp_path, "app/other.py")  # no endpoint is called from it or passes through it
    assert printed == ["0 endpoints, 0 errors, 0 warnings"]
