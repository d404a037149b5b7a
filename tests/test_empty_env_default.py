"""An env var read with an empty default (``os.environ.get("WEBHOOK_URL", "")``) names a
destination only the deployment fills in: where no scanned config sets it, the call is still
reported, its host the env var, opt-in behind the test that it is set. A non-empty default is
the shipped value alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import os

    import requests
    from openai import OpenAI

    WEBHOOK_URL = os.environ.get("ALERT_WEBHOOK_URL", "")


    def alert(text):
        if WEBHOOK_URL:
            requests.post(WEBHOOK_URL, json={"text": text})


    def client():
        return OpenAI(base_url=os.getenv("LLM_BASE_URL", "https://llm.example.eu/v1"))
'''


def test_an_empty_default_leaves_the_env_var_as_the_destination(tmp_path: Path) -> None:
    (tmp_path / "alerts.py").write_text(textwrap.dedent(APP))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    by_line = {loc.line: e for e in endpoints for loc in e.locations}
    webhook = by_line[11]
    assert (webhook.host, webhook.unresolved, webhook.reach) == (None, ["env:ALERT_WEBHOOK_URL"], "opt-in")
    assert "env:ALERT_WEBHOOK_URL is set" in {s.condition for s in webhook.switches}
    assert [(e.host, e.unresolved) for e in endpoints if any(loc.line == 15 for loc in e.locations)] == [
        ("llm.example.eu", [])]
