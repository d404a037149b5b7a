"""Golden-file ("snapshot") checks of whole reports, as a user reads them.

A snapshot is the exact text a report format gives for one input, checked in under
``tests/snapshots/``. A test fails on any difference and shows it as a diff. When a change of
the output is intended, re-record and review the diff in git:

    pytest tests/test_report_snapshots.py --update-snapshots
    git diff tests/snapshots/
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def assert_snapshot(request: pytest.FixtureRequest, name: str, text: str) -> None:
    """``text`` equals the snapshot ``tests/snapshots/<name>`` byte for byte (or re-records it)."""
    path = SNAPSHOTS / name
    if request.config.getoption("--update-snapshots"):
        path.write_text(text, encoding="utf-8", newline="")
        return
    if not path.is_file():
        pytest.fail(f"no snapshot {path.name}: record it with `pytest {request.node.nodeid} --update-snapshots`")
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), text.splitlines(keepends=True),
                                            f"snapshots/{name}", "this run"))
        pytest.fail(f"the report differs from snapshots/{name}; if intended, re-record with "
                    f"`pytest {request.node.nodeid} --update-snapshots`\n{diff}", pytrace=False)
