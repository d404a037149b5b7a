"""Opt-in by the user's answer: a call under a test that compares what the user types at a
prompt with known values is reached only when the user picks one of them; the branch for any
other answer, a truthiness test of the input, a field of a web request (how a server handles
what any client sends) and a test that also sees a run-time value stay as they were."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

SETUP = '''\
    import random

    import click
    import flask
    import requests
    from rich.console import Console
    from rich.prompt import Prompt

    app = flask.Flask(__name__)
    console = Console()


    def validate_key(api_key, provider):
        if provider == "groq":
            requests.get("https://api.groq.example.com/models", headers={"Authorization": api_key})
        elif provider in ("google", "gemini"):
            requests.get("https://gemini.example.com/models", params={"key": api_key})
        else:
            requests.get("https://fallback.example.com/models")


    def first_run():
        provider = Prompt.ask("Provider", choices=["groq", "gemini"], default="groq")
        validate_key(Prompt.ask("API key", password=True), provider)
        connection = input("Connection [1-2]: ")
        if connection == "1":
            requests.post("https://oauth.example.com/token")
        if connection != "2":
            requests.post("https://device.example.com/authorize")
        if console.input("Sign in with your browser? [y/N] ").strip().lower() in ("y", "yes"):
            requests.post("https://browser-login.example.com/device")
        if click.prompt("Region", default="eu") == "us":
            requests.post("https://us.example.com/v1/accounts")
        name = click.prompt("Your name")
        if name:
            requests.post("https://greet.example.com/hello")


    def check_remote(provider):
        if provider == "groq":
            requests.get("https://remote-groq.example.com/models")


    @app.post("/api/key")
    def save_key():
        body = flask.request.get_json()
        check_remote(body["provider"])


    def roll():
        if random.choice(["a", "b"]) == "a":
            requests.get("https://dice.example.com/roll")
'''

MIXED = '''\
    import random

    import requests
    from rich.prompt import Prompt


    def send(mode):
        if mode == "fast":
            requests.get("https://fast.example.com/v1")


    def run():
        send(Prompt.ask("Mode"))
        send(random.choice(["fast", "slow"]))
'''


def _scan(root: Path, code: str) -> dict[str | None, Endpoint]:
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Endpoint]:
    return _scan(tmp_path_factory.mktemp("answers") / "app", SETUP)


def test_a_provider_the_user_picks_at_a_prompt_is_opt_in(endpoints) -> None:
    groq = endpoints["api.groq.example.com"]
    assert groq.reach == "opt-in"
    answers = "user-supplied: an answer typed at a rich prompt, Prompt.ask() (ask())"
    assert [(s.setting, s.condition, s.shipped, s.taken) for s in groq.switches] == [
        (answers, f"{answers} == 'groq'", "chosen by the user at run time", False)]
    gemini = endpoints["gemini.example.com"]
    assert gemini.reach == "opt-in"
    assert all(s.condition.endswith("in 'google' or 'gemini'") and s.taken is False for s in gemini.switches)


def test_a_provider_a_web_request_names_stays_run_time_control_flow(endpoints) -> None:
    assert endpoints["remote-groq.example.com"].reach == "default"


def test_the_branch_for_any_other_answer_is_reached_by_default(endpoints) -> None:
    assert endpoints["fallback.example.com"].reach == "default"
    assert endpoints["device.example.com"].reach == "default"


def test_an_answer_typed_at_input_selects_its_branch(endpoints) -> None:
    oauth = endpoints["oauth.example.com"]
    assert oauth.reach == "opt-in"
    assert [s.setting for s in oauth.switches] == ["user-supplied: text typed at the terminal, input() (input())"]


def test_an_answer_typed_at_a_rich_console_selects_its_branch(endpoints) -> None:
    login = endpoints["browser-login.example.com"]
    assert login.reach == "opt-in"
    assert [(s.condition, s.taken) for s in login.switches] == [
        ("user-supplied: an answer typed at a rich console, Console.input() (input().strip().lower()) in 'y' or 'yes'", False)]


def test_an_answer_typed_at_a_click_prompt_selects_its_branch_whatever_its_default(endpoints) -> None:
    us = endpoints["us.example.com"]
    assert us.reach == "opt-in"
    assert [s.setting for s in us.switches] == ["user-supplied: an answer typed at a click prompt, click.prompt() (prompt())"]


def test_a_truthiness_test_of_an_answer_and_run_time_control_flow_make_no_switch(endpoints) -> None:
    for host in ("greet.example.com", "dice.example.com"):
        assert endpoints[host].reach == "default"
        assert endpoints[host].switches == []


def test_a_parameter_a_caller_also_fills_with_a_run_time_value_stays_run_time_control_flow(tmp_path: Path) -> None:
    fast = _scan(tmp_path / "app", MIXED)["fast.example.com"]
    assert fast.reach == "default"
    assert fast.switches == []
