"""Telemetry a library sends on its own (``env_services`` with ``default_on`` in rules/): on in
code importing the library unless a variable turns it off, with the import line as evidence."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

CREW_APP = "import os\nfrom crewai import Agent, Crew\n\ncrew = Crew(agents=[], tasks=[])\n"


def _scan(root: Path, code: str, dotenv: str | None = None) -> list[Endpoint]:
    (root / "app.py").write_text(code)
    if dotenv is not None:
        (root / ".env").write_text(dotenv)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_on_by_default_at_the_import_line(tmp_path: Path) -> None:
    (crewai,) = [e for e in _scan(tmp_path, CREW_APP) if e.provider == "crewai"]
    assert crewai.host == "telemetry.crewai.com" and crewai.reach == "default"
    assert [str(loc) for loc in crewai.locations] == ["app.py:2"]
    assert "OTEL_SDK_DISABLED=true turns it off" in crewai.provenance[0].detail


def test_any_one_variable_turns_it_off(tmp_path: Path) -> None:
    """crewai reads three variables; one set to a yes-value is enough, whatever the others say."""
    endpoints = _scan(tmp_path, CREW_APP, "OTEL_SDK_DISABLED=false\nCREWAI_DISABLE_TELEMETRY=true\n")
    assert [e.context for e in endpoints if e.provider == "crewai"] == ["default"]  # only the unset default context


def test_a_value_that_leaves_it_on_is_the_evidence(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, CREW_APP, "OTEL_SDK_DISABLED=false\n")
    in_dotenv = [e for e in endpoints if e.provider == "crewai" and e.context == "dotenv:.env"]
    assert [str(loc) for e in in_dotenv for loc in e.locations] == [".env:1"]


def test_on_values_are_exact(tmp_path: Path) -> None:
    """gradio compares GRADIO_ANALYTICS_ENABLED with 'True' exactly: 'true' turns it off."""
    app = "import gradio as gr\ndemo = gr.Blocks()\n"
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    on = _scan(tmp_path / "on", app, "GRADIO_ANALYTICS_ENABLED=True\n")
    off = _scan(tmp_path / "off", app, "GRADIO_ANALYTICS_ENABLED=true\n")
    assert {e.context for e in on if e.host == "huggingface.co"} == {"default", "dotenv:.env"}
    assert {e.context for e in off if e.host == "huggingface.co"} == {"default"}


def test_without_the_import_nothing_is_reported(tmp_path: Path) -> None:
    assert _scan(tmp_path, "import os\nprint(os.getcwd())\n") == []
