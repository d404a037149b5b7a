"""Every ``flowscan scan`` option changes what it should: each test fails if its option is
ignored (the run with the option is compared with the run without it)."""

from __future__ import annotations

import json
import os
import select
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan.cli import main

from .conftest import FIXTURES, repo_path

APP_CODE = '''\
import requests
from openai import OpenAI

client = OpenAI()  # the SDK default: api.openai.com (US)


def fetch(url):
    return requests.get(url).json()  # a parameter nobody passes: region unknown (warning)
'''


@pytest.fixture()
def app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    (root / "svc").mkdir(parents=True)
    (root / "svc" / "__init__.py").write_text("")
    (root / "svc" / "main.py").write_text(APP_CODE)
    return root


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(cache))
    return cache


def _run(*args: str):
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def _json(*args: str) -> dict:
    return json.loads(_run(*args, "--format", "json", "--fail-on", "never").output)


def test_allow_turns_the_us_default_into_an_error(app: Path) -> None:
    assert _run(str(app)).exit_code == 0  # no policy: inventory only
    with_allow = _run(str(app), "--allow", "eu")
    assert with_allow.exit_code == 1
    assert "residency/region-not-allowed" in with_allow.output


def test_policy_file_outside_the_tree_is_applied(app: Path, tmp_path: Path) -> None:
    policy = tmp_path / "elsewhere.yaml"
    policy.write_text("residency:\n  allowed: [eu]\n")
    assert _run(str(app)).exit_code == 0
    assert _run(str(app), "--policy", str(policy)).exit_code == 1


def test_fail_on_warning_fails_on_a_warning(app: Path) -> None:
    assert _run(str(app)).exit_code == 0
    result = _run(str(app), "--fail-on", "warning")
    assert result.exit_code == 1 and "residency/region-unknown" in result.output


def test_quiet_prints_findings_and_summary_only(app: Path) -> None:
    full = _run(str(app), "--allow", "eu").output
    quiet = _run(str(app), "--allow", "eu", "-q").output
    assert "Outbound endpoints" in full and "Outbound endpoints" not in quiet
    assert "residency/region-not-allowed" in quiet
    assert quiet.strip().splitlines()[-1] == full.strip().splitlines()[-1]  # the same summary line


def test_output_file_gets_the_report_and_stdout_stays_empty(app: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = _run(str(app), "--format", "json", "-o", str(target), "--fail-on", "never")
    assert result.output == ""
    assert any(e["host"] == "api.openai.com" for e in json.loads(target.read_text())["endpoints"])


def test_sarif_format(app: Path) -> None:
    sarif = json.loads(_run(str(app), "--format", "sarif", "--allow", "eu", "--fail-on", "never").output)
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"residency/region-not-allowed"}


def test_no_cache_writes_nothing_to_the_cache(app: Path, _cache: Path) -> None:
    _run(str(app), "--no-cache")
    assert not _cache.exists() or not any(p.is_file() for p in _cache.rglob("*") if "validated" not in p.parts)
    _run(str(app))
    assert any(p.is_file() for p in _cache.rglob("*") if "validated" not in p.parts)


def test_no_prepass_parses_every_python_file(app: Path) -> None:
    (app / "svc" / "unrelated.py").write_text("X = 1\n")
    fast = _json(str(app), "--no-cache")
    full = _json(str(app), "--no-cache", "--no-prepass")
    assert "svc/unrelated.py" not in fast["coverage"]["files_analyzed"]
    assert "svc/unrelated.py" in full["coverage"]["files_analyzed"]


def test_stats_go_to_stderr(app: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(app), "--stats", "-q"])
    assert "flowscan stats: phases:" in result.stderr
    assert "flowscan stats" not in result.stdout


def test_every_file_is_parsed_once(tmp_path: Path) -> None:
    """The parse counter sees every config format, and no file twice (a YAML file is read by
    three extractors from one parse)."""
    from flowscan.api import ScanOptions, scan

    root = FIXTURES / "mixed-deploy-app"
    result = scan(root, ScanOptions(jobs=1, cache_dir=None))
    counts = result.stats.parse_counts
    analysed = set(result.report.coverage.files_analyzed)
    assert {p for p in analysed if p.endswith((".yaml", ".yml", ".tf", ".tfvars"))} <= set(counts)
    assert [p for p, n in counts.items() if n > 1] == []


ROLES_APP = FIXTURES / "roles-app"


def _hosts(*args: str) -> set[str]:
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--format", "json", "--no-cache", *args])
    assert result.exit_code in (0, 1), result.output
    return {e["host"] for e in json.loads(result.stdout)["endpoints"]}


def test_include_and_all_code_show_more_roles() -> None:
    production = _hosts()
    assert "api.openai.com" not in production and "api.mistral.ai" in production
    with_tests = _hosts("--include", "test")
    assert "api.openai.com" in with_tests and "s3.amazonaws.com" not in with_tests
    assert _hosts("--include", "test,script") >= with_tests | {"s3.amazonaws.com"}
    assert _hosts("--all-code") >= {"api.openai.com", "s3.amazonaws.com", "readthedocs.org"}


def test_unknown_role_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--include", "fixtures"])
    assert result.exit_code == 2 and "unknown role 'fixtures'" in result.output


def test_json_names_each_location_role_and_counts_what_is_left_out() -> None:
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--format", "json", "--no-cache", "--include", "test"])
    report = json.loads(result.stdout)
    prefix = repo_path(ROLES_APP, "")
    roles = {loc["path"].removeprefix(prefix + "/"): loc["role"] for e in report["endpoints"] for loc in e["locations"]}
    assert roles["tests/test_llm.py"] == "test" and roles["support_bot/llm.py"] == "production"
    assert roles["scripts/serve_bot.py"] == "production"  # paths.roles in the fixture's policy
    left_out = report["coverage"]["roles"]
    assert left_out["example"]["call_sites_hidden"] == 1 and left_out["test"]["call_sites_hidden"] == 0


@pytest.mark.parametrize("target", ["missing-folder/report.json", "."])
def test_a_bad_output_path_is_a_usage_error_before_the_scan(tmp_path: Path, target: str) -> None:
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--format", "json", "-o", str(tmp_path / target)])
    assert result.exit_code == 2 and "--output" in result.output


def test_the_report_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--format", "json", "--no-cache", "-o", str(out)])
    assert result.exit_code == 1  # the fixture has an error finding
    assert json.loads(out.read_text())["summary"]["errors"] >= 1
    # no temporary file left (``cache``: this module's cache folder, where flowscan's own rule
    # files are marked validated when this test is the first to load them)
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == ["report.json"]


def test_a_pipe_or_device_output_is_written_to_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` or a FIFO: the report goes into it; renaming a finished file over it
    (the atomic write for a regular file) would replace the device with a plain file."""
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []
    done = threading.Event()

    def drain() -> None:
        while True:
            finished = done.is_set()
            if select.select([reader], [], [], 0.05)[0]:
                try:
                    data = os.read(reader, 1 << 16)
                except BlockingIOError:
                    data = b""
                chunks.append(data)
            if finished:
                return

    thread = threading.Thread(target=drain)
    thread.start()
    try:
        result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--format", "json", "--no-cache", "-o", str(fifo)])
    finally:
        done.set()
        thread.join()
        os.close(reader)
    assert result.exit_code == 1, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe
    assert json.loads(b"".join(chunks))["summary"]["errors"] >= 1
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == ["report.pipe"]


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import flowscan.api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(flowscan.api, "scan", interrupted)
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP)])
    assert result.exit_code == 130


def test_a_policy_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    policy = tmp_path / "flowscan.yaml"
    policy.write_bytes(b"residency:\n  allowed: [\xff]\n")
    result = CliRunner().invoke(main, ["scan", str(ROLES_APP), "--policy", str(policy)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_policy_from_the_environment_variable(app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "team-policy.yaml"
    policy.write_text("residency:\n  allowed: [eu]\n")
    assert _run(str(app)).exit_code == 0
    monkeypatch.setenv("FLOWSCAN_POLICY", str(policy))
    result = _run(str(app))
    assert result.exit_code == 1 and "residency/region-not-allowed" in result.output


def test_fail_on_note_fails_on_a_note_that_warning_lets_pass(app: Path) -> None:
    """The policy turns region-unknown into a note: only --fail-on note fails on it."""
    (app / "flowscan.yaml").write_text("rules:\n  residency/region-unknown: note\n")
    assert _run(str(app), "--fail-on", "warning").exit_code == 0
    result = _run(str(app), "--fail-on", "note")
    assert result.exit_code == 1 and "residency/region-unknown" in result.output


def test_console_report_to_an_output_file(app: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    result = _run(str(app), "--format", "console", "-o", str(target), "--allow", "eu", "--fail-on", "never")
    assert result.output == ""
    text = target.read_text()
    assert "Outbound endpoints" in text and "api.openai.com" in text and "residency/region-not-allowed" in text
    assert "\x1b[" not in text  # no colour codes in a file


def test_jobs_sets_the_number_of_parser_processes(app: Path) -> None:
    """Enough source to be worth a pool (parallel.PARALLEL_BYTES): -j 1 parses in-process,
    -j 2 uses two workers. Ignoring -j would print the same count for both."""
    for n in range(3):
        body = "".join(f'URL_{i} = "https://svc-{n}-{i}.example.com/v1/resource"\n' for i in range(2500))
        (app / "svc" / f"big_{n}.py").write_text(f"import requests\n{body}requests.get(URL_0)\n")

    def workers(*args: str) -> str:
        result = CliRunner().invoke(main, ["scan", str(app), "--no-cache", "--stats", "-q", *args])
        (line,) = [x for x in result.stderr.splitlines() if "workers" in x]
        return line.rsplit("workers ", 1)[1]

    assert workers("-j", "1") == "1"
    assert workers("--jobs", "2") == "2"
