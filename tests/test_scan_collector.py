"""`flowscan scan` keeps the scan's objects out of the cyclic collector until the report is
written (``gc_pause``): a collection after the scan would walk every object it made. The
collector is left as it was found: on for the next command, or off when the caller had it off."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowscan.cli as cli

APP = "import requests\n\nrequests.get('https://api.example.com/v1/ping')\n"


@pytest.mark.parametrize("collecting", [True, False])
def test_scan_renders_without_collections_and_restores_the_collector(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collecting: bool) -> None:
    (tmp_path / "app.py").write_text(APP)
    seen: list[bool] = []
    render = cli._render

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return render(*args, **kwargs)

    monkeypatch.setattr(cli, "_render", watched)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        result = CliRunner().invoke(cli.main, ["scan", str(tmp_path), "--format", "json", "--no-cache",
                                               "--fail-on", "never"])
        assert gc.isenabled() is collecting
        assert gc.get_freeze_count() == 0  # nothing left in the permanent generation
    finally:
        (gc.enable if was else gc.disable)()
    assert result.exit_code == 0, result.output
    assert seen == [False]  # the report was rendered with collections off
    assert "api.example.com" in result.output
