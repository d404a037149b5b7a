"""A call in a function is reached as its callers are: opt-in when every caller is, unknown
when a caller sits under a configuration test the analysis cannot decide (rather than
default), default when a caller is reached by default."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

APP = '''\
    import os

    import requests

    from .modes import current_mode


    def send_event(payload):
        requests.post("https://events.example.com/v1", json=payload)


    def send_audit(payload):
        requests.post("https://audit.example.com/v1", json=payload)


    def send_metric(payload):
        requests.post("https://metrics.example.com/v1", json=payload)


    def handle(payload):
        if os.getenv("EVENT_MODE") == current_mode():
            send_event(payload)
        if os.getenv("AUDIT_ENABLED"):
            send_audit(payload)
        send_metric(payload)
'''

MODES = '''\
    import random


    def current_mode():
        return random.choice(["a", "b"]) + "-mode"
'''


def _scan(root: Path) -> dict[str | None, Endpoint]:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "main.py").write_text(textwrap.dedent(APP))
    (root / "app" / "modes.py").write_text(textwrap.dedent(MODES))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_caller_under_an_undecidable_switch_makes_the_call_unknown(tmp_path: Path) -> None:
    found = _scan(tmp_path)
    event = found["events.example.com"]
    assert event.reach == "unknown"
    assert [(s.setting, s.taken) for s in event.switches] == [("env:EVENT_MODE", None)]
    assert found["audit.example.com"].reach == "opt-in"
    assert found["metrics.example.com"].reach == "default"
