"""MCP clients (rules/sinks/mcp.yaml): a mapping of named server connections is read entry by
entry (``entries: true``), from a dict literal or a settings file; stdio servers are no endpoint."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

SETTINGS = """mcp_servers:
  search:
    url: https://search-mcp.example.org/mcp
    transport: streamable_http
  local:
    command: python
    args: [server.py]
    transport: stdio
"""

APP = """import yaml
from langchain_mcp_adapters.client import MultiServerMCPClient

cfg = yaml.safe_load(open("settings.yaml"))
client = MultiServerMCPClient(cfg["mcp_servers"])
"""


def test_servers_from_a_settings_file_each_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text(SETTINGS)
    (tmp_path / "app.py").write_text(APP)
    (endpoint,) = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert endpoint.host == "search-mcp.example.org"
    assert any(step.path == "settings.yaml" and step.line == 3 for step in endpoint.provenance)
