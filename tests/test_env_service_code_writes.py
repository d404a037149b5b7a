"""A library service switched by an env var the code sets itself (``os.environ[K] = v``) is
switched as by a deployment config: ``env_service_hits`` reads the resolver's env, writes included."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan


def _endpoints(root: Path, code: str):
    (root / "main.py").write_text(code)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_tracing_switched_on_in_code_reaches_langsmith_at_the_write(tmp_path: Path) -> None:
    code = ("import os\nfrom langchain_openai import ChatOpenAI\n\n"
            "if os.environ.get('LANGCHAIN_API_KEY'):\n    os.environ['LANGCHAIN_TRACING_V2'] = 'true'\n\n"
            "llm = ChatOpenAI()\n")
    by_host = {e.host: e for e in _endpoints(tmp_path, code)}
    assert set(by_host) == {"api.openai.com", "api.smith.langchain.com"}
    assert [(loc.path, loc.line) for loc in by_host["api.smith.langchain.com"].locations] == [("main.py", 5)]


def test_telemetry_switched_off_in_code_is_not_reported(tmp_path: Path) -> None:
    code = "import os\nos.environ['MEM0_TELEMETRY'] = 'False'\nfrom mem0 import Memory\n\nmemory = Memory()\n"
    assert "us.i.posthog.com" not in {e.host for e in _endpoints(tmp_path, code)}


def test_tracing_switched_off_in_code_stays_off(tmp_path: Path) -> None:
    code = "import os\nos.environ['LANGSMITH_TRACING'] = 'false'\nfrom langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI()\n"
    assert {e.host for e in _endpoints(tmp_path, code)} == {"api.openai.com"}


def _langsmith(root: Path, code: str, **env: str):
    (root / "main.py").write_text(code)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report
    return next(e for e in report.endpoints if e.host == "api.smith.langchain.com")


_GUARDED = ("import os\nfrom langchain_openai import ChatOpenAI\n\n"
            "if os.environ.get('LANGCHAIN_API_KEY'):\n    os.environ['LANGCHAIN_TRACING_V2'] = 'true'\n\n"
            "llm = ChatOpenAI()\n")


def test_a_write_under_a_test_of_an_unset_env_var_switches_the_service_on_only_when_it_is_set(tmp_path: Path) -> None:
    found = _langsmith(tmp_path, _GUARDED)
    assert found.reach == "opt-in"
    assert [(s.setting, s.shipped, s.taken) for s in found.switches] == [("env:LANGCHAIN_API_KEY", "unset", False)]


def test_a_write_under_a_test_the_deployment_passes_is_default(tmp_path: Path) -> None:
    assert _langsmith(tmp_path, _GUARDED, LANGCHAIN_API_KEY="lsv2-key").reach == "default"


def test_an_unconditional_write_is_default(tmp_path: Path) -> None:
    code = "import os\nfrom langchain_openai import ChatOpenAI\n\nos.environ['LANGCHAIN_TRACING_V2'] = 'true'\nllm = ChatOpenAI()\n"
    found = _langsmith(tmp_path, code)
    assert (found.reach, found.switches) == ("default", [])
