"""`flowscan pre-commit` keeps the scan's objects out of the cyclic collector while it runs
(``cli_gate``), and leaves the collector as it found it: on for the next command, or off when
its caller had turned it off."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.test_pre_commit_command import _hook, _repo


@pytest.mark.parametrize("collecting", [True, False])
def test_the_collector_is_left_as_it_was(tmp_path: Path, collecting: bool) -> None:
    _repo(tmp_path)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        result = _hook(tmp_path, "legacy.py")
        assert gc.isenabled() is collecting
        assert gc.get_freeze_count() == 0  # nothing left in the permanent generation
    finally:
        (gc.enable if was else gc.disable)()
    assert result.exit_code == 1 and "api.anthropic.com" in result.output
