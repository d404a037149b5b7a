"""Opt-in by binding: a call through a module-level name that only a branch failing with the
shipped configuration binds (``reach_bound``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _reach(tmp_path: Path, source: str, **env: str) -> dict[str | None, tuple[str, list[str]]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


SOURCE = '''\
    import os

    import requests

    account_sid = os.getenv("PUSH_ACCOUNT_SID")
    auth_token = os.getenv("PUSH_AUTH_TOKEN")
    push_enabled = account_sid is not None and auth_token is not None
    if push_enabled:
        session = requests.Session()

    if os.getenv("STRIPE_API_KEY"):
        import stripe

    try:
        import sentry_sdk
    except ImportError:
        sentry_sdk = None

    if os.getenv("AUDIT_MODE") == "remote":
        audit = requests.Session()
    else:
        audit = None


    def send(message):
        return session.post("https://push.example.com/v1/messages", json={"text": message})


    def customer(customer_id):
        return stripe.Customer.retrieve(customer_id)


    def record(event):
        audit.post("https://audit.example.com/in", json=event)


    def local(message):
        session = requests.Session()
        return session.post("https://relay.example.com/in", json={"text": message})
'''


def test_a_call_through_a_name_only_a_failing_branch_binds_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, SOURCE)
    assert found["push.example.com"] == ("opt-in", ["env:PUSH_ACCOUNT_SID, env:PUSH_AUTH_TOKEN"])
    assert found["api.stripe.com"] == ("opt-in", ["env:STRIPE_API_KEY"])  # ``import stripe`` under the test
    assert found["relay.example.com"] == ("default", [])  # the function binds its own ``session``
    assert found["audit.example.com"] == ("default", [])  # the else branch binds it too (to None)


def test_a_binding_the_deployment_makes_keeps_the_call_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, SOURCE, PUSH_ACCOUNT_SID="AC1", PUSH_AUTH_TOKEN="t", STRIPE_API_KEY="sk")
    assert found["push.example.com"] == ("default", [])
    assert found["api.stripe.com"] == ("default", [])
