"""Command-line flags are settings: a run with no flags takes each flag's declared default
(argparse ``add_argument``, click options, typer parameters; ``sys.argv`` holds only the program's
name), so an endpoint behind a flag the default does not pass is opt-in with the flag as its
switch, and a flag's value that flows into a host is a hole naming the flag."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import Name

from .conftest import report_of


def _scan(tmp_path: Path, files: dict[str, str]) -> list:
    return report_of(tmp_path, files).endpoints


def _reach(endpoints: list) -> dict[str, tuple]:
    return {e.host or e.unresolved[0]: (e.reach, [(s.setting, s.condition, s.shipped) for s in e.switches])
            for e in endpoints}


ARGPARSE = '''\
    import argparse

    import requests
    from anthropic import Anthropic
    from openai import OpenAI


    class HelpParser(argparse.ArgumentParser):
        def print_help(self, file=None):
            super().print_help(file)
            print("docs: https://docs.example.com")


    def build_parser():
        parser = HelpParser(description="chat")
        parser.add_argument("-l", "--local", action="store_true")
        parser.add_argument("--provider", default="openai")
        parser.add_argument("--api-base")
        events = parser.add_argument_group("events")
        events.add_argument("--no-telemetry", dest="telemetry", action="store_false")
        return parser


    def main():
        args, _rest = build_parser().parse_known_args()
        if args.local:
            requests.get("http://localhost:11434/api/tags")
        if args.provider == "anthropic":
            Anthropic()
        else:
            OpenAI(base_url=args.api_base)
        if args.telemetry:
            requests.post("https://events.example.com/v1", json={})
        if args.debug:
            requests.get("https://debug.example.com/ping")
'''


def test_argparse_flags_are_switches_with_their_declared_defaults(tmp_path: Path) -> None:
    reach = _reach(_scan(tmp_path, {"app.py": ARGPARSE}))
    assert reach["localhost"] == ("opt-in", [("CLI flag --local", "CLI flag --local is set and not false", "'False'")])
    assert reach["api.anthropic.com"] == (
        "opt-in", [("CLI flag --provider", "CLI flag --provider == 'anthropic'", "'openai'")])
    assert reach["api.openai.com"] == ("default", [])
    assert reach["events.example.com"] == ("default", [])  # store_false: True unless --no-telemetry is given
    # a flag no add_argument of the parser declares: its default is not known, so neither is the reach
    assert reach["debug.example.com"][0] == "unknown"
    assert reach["debug.example.com"][1][0][0] == "CLI flag --debug"


def test_a_flag_that_gives_a_host_is_a_hole_naming_it(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": ARGPARSE})
    hole = next(e for e in endpoints if e.host is None)
    assert hole.unresolved == ["user-supplied: CLI flag --api-base"]
    assert hole.reach == "opt-in"
    assert [(s.setting, s.condition, s.shipped) for s in hole.switches][-1] == (
        "CLI flag --api-base", "CLI flag --api-base is given", "not given")
    # with the flag not given (default None), the SDK's own host is the default destination
    assert any(e.host == "api.openai.com" and e.reach == "default" for e in endpoints)


def test_a_parser_declared_in_a_loop_reads_each_entry_default(tmp_path: Path) -> None:
    """Flags declared from a table in a loop (``add_argument(*flags, dest=arg["name"])``): each
    entry's declaration gives its flag's default (``store_true``, ``arg.get("default")``), so a
    test of ``--os`` is a switch that the shipped run (no arguments) does not take."""
    code = '''\
        import argparse

        import requests

        ARGUMENTS = [
            {"name": "os", "help": "computer-use mode", "type": bool},
            {"name": "profile", "help": "profile file", "type": str, "default": "default.yaml"},
        ]


        def main():
            parser = argparse.ArgumentParser()
            for arg in ARGUMENTS:
                flags = [f"--{arg['name']}"]
                if arg["type"] == bool:
                    parser.add_argument(*flags, dest=arg["name"], action="store_true")
                else:
                    parser.add_argument(*flags, dest=arg["name"], default=arg.get("default"))
            args = parser.parse_args()
            if args.os:
                requests.get("https://os-mode.example.com/config")
    '''
    reach = _reach(_scan(tmp_path, {"app.py": code}))
    kind, switches = reach["os-mode.example.com"]
    assert kind == "opt-in"
    assert switches[0][0] == "CLI flag --os"


def test_a_declaration_table_is_read_element_by_element(tmp_path: Path) -> None:
    """``for option in OPTIONS: parser.add_argument(option["flag"], default=option["default"])``:
    each element is a declaration of its own, so each flag has its own default."""
    code = '''\
        import argparse

        import requests

        OPTIONS = [
            {"flag": "--region", "default": "eu"},
            {"flag": "--mirror", "default": None},
        ]


        def main():
            parser = argparse.ArgumentParser()
            for option in OPTIONS:
                parser.add_argument(option["flag"], default=option["default"])
            args = parser.parse_args()
            if args.mirror:
                requests.get("https://mirror.example.com/simple")
            if args.region == "eu":
                requests.get("https://eu.api.example.com/v1")
    '''
    reach = _reach(_scan(tmp_path, {"app.py": code}))
    assert reach["mirror.example.com"] == ("opt-in", [("CLI flag --mirror", "CLI flag --mirror is set and not false", "unset")])
    assert reach["eu.api.example.com"] == ("default", [])


SYS_ARGV = '''\
    import sys

    import requests

    if "--check-update" in sys.argv:
        requests.get("https://pypi.org/pypi/tool/json")

    if "--offline" not in sys.argv:
        requests.post("https://telemetry.example.com/v1/events", json={})

    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        requests.get("https://serve.example.com/health")

    if len(sys.argv) == 1:
        requests.get("https://motd.example.com/today")
'''


def test_sys_argv_tests_read_a_run_with_no_arguments(tmp_path: Path) -> None:
    reach = _reach(_scan(tmp_path, {"tool.py": SYS_ARGV}))
    assert reach["pypi.org"] == ("opt-in", [("CLI flag --check-update", "CLI flag --check-update is given", "not given")])
    assert reach["telemetry.example.com"] == ("default", [])
    assert reach["serve.example.com"] == ("opt-in", [
        ("the number of command-line words", "len(sys.argv) > 1", "1 (no arguments given)"),
        ("command-line argument 1", "command-line argument 1 == 'serve'", "not given")])
    assert reach["motd.example.com"] == ("default", [])


CLICK_TYPER = '''\
    import click
    import requests
    import typer
    from anthropic import Anthropic
    from openai import OpenAI

    app = typer.Typer()


    @click.command()
    @click.option("--provider", "-p", default="openai")
    @click.option("--trace/--no-trace", default=False)
    @click.option("--sentry", is_flag=True)
    @click.option("--endpoint")
    @click.option("--health", flag_value=True)
    @click.option("--collector", default="https://otel.example.eu", envvar="COLLECTOR_URL")
    def cli(provider, trace, sentry, endpoint, health, collector):
        if provider == "anthropic":
            Anthropic()
        else:
            OpenAI()
        if trace:
            requests.post("https://traces.example.com/v1", json={})
        if sentry:
            requests.post("https://sentry.example.com/api/1/store/", json={})
        requests.post(endpoint, json={})
        if health is not False:
            requests.get("https://health.example.com/ping")
        requests.post(collector + "/v1/traces", json={})


    @app.command()
    def serve(model: str = typer.Option("gpt-4o", "--model", "-m"), local: bool = False, region: str = "eu",
              azure_endpoint: str = typer.Option("", "--azure", "-a", help="Azure OpenAI endpoint")):
        if azure_endpoint:
            requests.post(azure_endpoint + "/openai/deployments/chat", json={})
        elif "claude" in model:
            requests.post("https://claude.example.com/v1/messages", json={})
        if local:
            requests.get("http://localhost:8080/health")
        if region == "us":
            requests.get("https://us.api.example.com")
        else:
            requests.get("https://eu.api.example.com")
'''


def test_click_and_typer_parameters_default_to_their_declared_values(tmp_path: Path) -> None:
    reach = _reach(_scan(tmp_path, {"cli.py": CLICK_TYPER}))
    assert reach["api.openai.com"] == ("default", [])
    assert reach["api.anthropic.com"] == (
        "opt-in", [("CLI flag --provider", "CLI flag --provider == 'anthropic'", "'openai'")])
    assert reach["traces.example.com"][0] == "opt-in"  # --trace/--no-trace, default=False
    assert reach["sentry.example.com"] == (
        "opt-in", [("CLI flag --sentry", "CLI flag --sentry is set and not false", "'False'")])  # is_flag: False
    assert reach["user-supplied: CLI flag --endpoint"][0] == "opt-in"
    assert reach["health.example.com"][0] == "opt-in"  # flag_value=True: a boolean flag, False when not given
    assert reach["otel.example.eu"] == ("default", [])  # envvar=COLLECTOR_URL, set by no config: the default
    assert reach["localhost"] == ("opt-in", [("CLI flag --local", "CLI flag --local is set and not false", "'False'")])
    assert reach["us.api.example.com"] == ("opt-in", [("CLI flag --region", "CLI flag --region == 'us'", "'eu'")])
    assert reach["eu.api.example.com"] == ("default", [])
    # typer.Option(DEFAULT, "--flag", ...): the option's declared name and default ("", so false)
    azure = reach["user-supplied: CLI flag --azure"]
    assert azure[0] == "opt-in" and azure[1][0] == ("CLI flag --azure", "CLI flag --azure is set and not false", "''")
    claude = reach["claude.example.com"]
    assert claude[0] == "opt-in" and ("CLI flag --model", "'claude' in CLI flag --model", "'gpt-4o'") in claude[1]


def test_both_extractors_record_ordering_comparisons() -> None:
    code = textwrap.dedent('''\
        import sys
        if len(sys.argv) > 1:
            f()
        if n <= 3:
            g()
    ''').encode()
    ast_facts, cst_facts = extract_python("t.py", code), extract_python_cst("t.py", code)
    assert [s.tests for s in ast_facts.calls] == [s.tests for s in cst_facts.calls]
    tests = {s.func.id: s.tests for s in ast_facts.calls if isinstance(s.func, Name)}
    assert [(t.op, t.negated) for t in tests["f"]] == [(">", False)]
    assert [(t.op, t.negated) for t in tests["g"]] == [("<=", False)]


def test_configargparse_reads_a_flag_from_its_env_var_first(tmp_path: Path) -> None:
    """ConfigArgParse: ``env_var=`` and ``auto_env_var_prefix=`` name the env var that overrides a
    flag's default; a deployment config that sets it is the shipped value."""
    code = '''\
        import configargparse
        import requests


        def main():
            parser = configargparse.ArgumentParser(auto_env_var_prefix="TOOL_")
            parser.add_argument("--telemetry", action="store_true")
            parser.add_argument("--tracing", action="store_true", env_var="TRACING_ON")
            parser.add_argument("--region", default="eu")
            args = parser.parse_args()
            if args.telemetry:
                requests.post("https://events.example.com/v1", json={})
            if args.tracing:
                requests.post("https://traces.example.com/v1", json={})
            requests.get(f"https://{args.region}.api.example.com/v2/status")
    '''
    endpoints = _scan(tmp_path, {"tool.py": code})
    reach = _reach(endpoints)
    # TOOL_TELEMETRY and TRACING_ON are set by no scanned config: the declared default False
    assert reach["events.example.com"] == (
        "opt-in", [("CLI flag --telemetry", "CLI flag --telemetry is set and not false", "'False'")])
    assert reach["traces.example.com"][0] == "opt-in"
    region = next(e for e in endpoints if e.host == "eu.api.example.com")
    assert region.reach == "default"
    details = [step.detail for step in region.provenance]
    assert "default of CLI flag --region" in details
    assert any("env TOOL_REGION (for CLI flag --region)" in detail for detail in details)


def test_a_flags_env_var_set_by_a_deployment_is_shipped(tmp_path: Path) -> None:
    code = '''\
        import configargparse
        import requests

        parser = configargparse.ArgParser()
        parser.add_argument("--telemetry", action="store_true", env_var="TOOL_TELEMETRY")
        args = parser.parse_args()
        if args.telemetry:
            requests.post("https://events.example.com/v1", json={})
    '''
    (tmp_path / "tool.py").write_text(textwrap.dedent(code))
    for env, reach in (({"TOOL_TELEMETRY": "1"}, "default"), ({}, "opt-in")):
        endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints
        assert [e.reach for e in endpoints if e.host == "events.example.com"] == [reach]


def test_a_boolean_flags_default_is_no_text_of_a_url(tmp_path: Path) -> None:
    """``--test`` given alone is True, with a URL it is that URL: the code tells them apart at run
    time; the default False is never part of a host."""
    code = '''\
        import click
        import requests


        @click.command()
        @click.option("--test", flag_value=True)
        @click.option("--port", default=4000)
        def run(test, port):
            if test is not False:
                base = f"http://localhost:{port}" if test is True else test
                job = requests.post("http://localhost:4000/queue/request", json={}).json()
                requests.get(f"{base}{job['url']}")
    '''
    endpoints = _scan(tmp_path, {"cli.py": code})
    assert sorted({e.host or "?" for e in endpoints}) == ["?", "localhost"]
    assert all("false" not in (e.host or "").lower() for e in endpoints)
