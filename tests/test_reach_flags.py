"""Opt-in by an enablement flag: a guard whose subject is a bool made of configuration tests,
behind a module-level name, an import or a helper function (``reach_flags``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

STORAGE = '''\
    import os

    import boto3
    import requests

    AWS_ACCESS_KEY = os.getenv("AWS_ACCESS_KEY")
    AWS_SECRET_KEY = os.getenv("AWS_SECRET_KEY")
    aws_enabled = AWS_ACCESS_KEY is not None and AWS_SECRET_KEY is not None
    if aws_enabled:
        s3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id=AWS_ACCESS_KEY)


    def upload(data):
        if not aws_enabled:
            return None
        s3.put_object(Bucket="media", Key="k", Body=data)


    def notify(user, event):
        ready = user is not None and not user.muted
        if ready:
            requests.post("https://hooks.example.com/in", json=event)
'''

HELPERS = '''\
    import os

    RESEND_API_KEY = os.getenv("RESEND_API_KEY")
    ELEVEN_LABS_API_KEY = os.getenv("ELEVEN_LABS_API_KEY", None)


    def is_none_or_empty(item):
        return item == None or (hasattr(item, "__iter__") and len(item) == 0) or item == ""


    def is_resend_enabled():
        return bool(RESEND_API_KEY)


    def is_eleven_labs_enabled():
        return ELEVEN_LABS_API_KEY is not None


    def is_sandbox_enabled():
        return not is_none_or_empty(os.getenv("E2B_API_KEY"))
'''

SERVICES = '''\
    import requests

    from app import state
    from app.helpers import is_eleven_labs_enabled, is_resend_enabled, is_sandbox_enabled


    def send_email(to):
        if not is_resend_enabled():
            return
        requests.post("https://api.resend.com/emails", json={"to": to})


    def speak(text):
        if is_eleven_labs_enabled():
            requests.post("https://api.elevenlabs.io/v1/text-to-speech", json={"text": text})


    def run_code(code):
        if is_sandbox_enabled():
            return requests.post("https://api.e2b.app/sandboxes", json={"code": code})
        return requests.post("http://localhost:8080/run", json={"code": code})


    def charge(user):
        if state.billing_enabled is False:
            return None
        return requests.post("https://api.stripe.com/v1/charges", json={"user": user})
'''

STATE = '''\
    import os

    billing_enabled: bool = (
        os.getenv("STRIPE_API_KEY") is not None
        and os.getenv("STRIPE_SIGNING_SECRET") is not None
    )
'''


def _reach(tmp_path: Path, files: dict[str, str], **env: str) -> dict[str | None, tuple[str, list[str]]]:
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


APP = {"app/__init__.py": "", "app/storage.py": STORAGE, "app/helpers.py": HELPERS, "app/services.py": SERVICES,
       "app/state.py": STATE}


def test_a_module_level_flag_of_unset_env_vars_makes_the_guarded_call_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, APP)
    s3 = next(value for host, value in found.items() if host and host.startswith("s3."))
    assert s3 == ("opt-in", ["env:AWS_ACCESS_KEY, env:AWS_SECRET_KEY"])
    assert found["hooks.example.com"] == ("default", [])  # a flag made of run-time values is no setting


def test_helper_functions_and_imported_flags_are_switches(tmp_path: Path) -> None:
    found = _reach(tmp_path, APP)
    assert found["api.resend.com"] == ("opt-in", ["env:RESEND_API_KEY"])  # return bool(X)
    assert found["api.elevenlabs.io"] == ("opt-in", ["env:ELEVEN_LABS_API_KEY"])  # return X is not None
    assert found["api.e2b.app"] == ("opt-in", ["env:E2B_API_KEY"])  # return not helper(os.getenv(…))
    assert found["localhost"][0] == "default"  # the else branch runs with the shipped configuration
    assert found["api.stripe.com"] == ("opt-in", ["env:STRIPE_API_KEY, env:STRIPE_SIGNING_SECRET"])  # module.flag is False


def test_a_flag_the_deployment_sets_keeps_the_call_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, APP, RESEND_API_KEY="re_x", E2B_API_KEY="e2b_x", STRIPE_API_KEY="sk", AWS_ACCESS_KEY="a")
    assert found["api.resend.com"][0] == "default"
    assert found["api.e2b.app"][0] != "opt-in"  # ``len(item) == 0`` of a set value is not computed: unknown
    assert found["api.stripe.com"] == ("opt-in", ["env:STRIPE_SIGNING_SECRET"])  # the part still unset decides
    s3 = next(value for host, value in found.items() if host and host.startswith("s3."))
    assert s3 == ("opt-in", ["env:AWS_SECRET_KEY"])


def test_a_disjunction_with_a_run_time_part_keeps_today_s_answer(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app.py": '''\
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
    '''})
    assert found["push.example.com"] == ("default", [])
    assert found["retry.example.com"] == ("opt-in", ["env:PUSH_KEY"])
