"""Opt-in by an enablement flag: a guard whose subject is a bool made of configuration tests,
behind a module-level name, an import or a helper function (``reach_flags``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notify-hub-app"


def _reach(root: Path, **env: str) -> dict[str | None, tuple[str, list[str]]]:
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def _write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return root


def test_a_module_level_flag_of_unset_env_vars_makes_the_guarded_call_opt_in() -> None:
    found = _reach(FIXTURE)  # storage.py: ``if aws_enabled:`` around the S3 client
    assert found["s3.eu-central-1.amazonaws.com"] == ("opt-in", ["env:AWS_ACCESS_KEY, env:AWS_SECRET_KEY"])
    assert found["hooks.notifyhub.dev"] == ("default", [])  # a flag made of run-time values is no setting


def test_helper_functions_and_imported_flags_are_switches() -> None:
    found = _reach(FIXTURE)
    assert found["api.resend.com"] == ("opt-in", ["env:RESEND_API_KEY"])  # return bool(X)
    assert found["api.elevenlabs.io"] == ("opt-in", ["env:ELEVEN_LABS_API_KEY"])  # return X is not None
    assert found["api.e2b.app"] == ("opt-in", ["env:E2B_API_KEY"])  # return not helper(os.getenv(…))
    assert found["localhost"][0] == "default"  # the else branch runs with the shipped configuration
    assert found["api.stripe.com"] == ("opt-in", ["env:STRIPE_API_KEY, env:STRIPE_SIGNING_SECRET"])  # state.flag is False
    assert found["debug.notifyhub.dev"] == ("opt-in", ["env:NOTIFYHUB_DEBUG"])  # os.getenv(…, "false").lower() == "true"


def test_a_flag_the_deployment_sets_keeps_the_call_default() -> None:
    found = _reach(FIXTURE, RESEND_API_KEY="re_x", E2B_API_KEY="e2b_x", STRIPE_API_KEY="sk", AWS_ACCESS_KEY="a")
    assert found["api.resend.com"][0] == "default"
    assert found["api.e2b.app"][0] != "opt-in"  # ``len(item) == 0`` of a set value is not computed: unknown
    assert found["api.stripe.com"] == ("opt-in", ["env:STRIPE_SIGNING_SECRET"])  # the part still unset decides
    assert found["s3.eu-central-1.amazonaws.com"] == ("opt-in", ["env:AWS_SECRET_KEY"])


def test_a_disjunction_with_a_run_time_part_keeps_today_s_answer(tmp_path: Path) -> None:
    found = _reach(_write(tmp_path, {"app.py": '''\
        import os
        import requests

        KEY = os.getenv("PUSH_KEY")


        def ready(retries):
            return KEY is not None or retries > 3


        def push(event, retries):
            if ready(retries):
                requests.post("https://push.example.com/in", json=event)
            if KEY is not None and retries > 3:
                requests.post("https://retry.example.com/in", json=event)
    '''}))
    assert found["push.example.com"] == ("default", [])
    assert found["retry.example.com"] == ("opt-in", ["env:PUSH_KEY"])
