"""Services a library switches on from the environment alone (``env_services`` in rules/):
LangSmith tracing in LangChain code once a config sets LANGSMITH_TRACING=true, an OTLP
exporter once a config sets OTEL_EXPORTER_OTLP_ENDPOINT."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

LANGCHAIN_APP = 'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\n'


def _scan(root: Path, code: str, dotenv: str) -> list[Endpoint]:
    (root / "app.py").write_text(code)
    (root / ".env").write_text(dotenv)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_langsmith_tracing_switched_on_in_a_dotenv(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, LANGCHAIN_APP, "OPENAI_API_KEY=sk-x\nLANGCHAIN_TRACING_V2=true\n")
    (langsmith,) = [e for e in endpoints if e.provider == "langsmith"]
    assert langsmith.host == "api.smith.langchain.com" and langsmith.placement.jurisdiction == "us"
    assert langsmith.context == "dotenv:.env" and langsmith.reach == "default"
    assert [str(loc) for loc in langsmith.locations] == [".env:2"]
    assert [s.detail for s in langsmith.provenance] == [
        "LANGCHAIN_TRACING_V2=true switches on LangSmith in code importing langchain_openai (app.py)",
        "LangSmith default (LANGSMITH_ENDPOINT, LANGCHAIN_ENDPOINT not set in any scanned config)"]


def test_the_endpoint_variable_moves_it(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, LANGCHAIN_APP,
                      "LANGSMITH_TRACING=true\nLANGSMITH_ENDPOINT=https://eu.api.smith.langchain.com\n")
    assert {e.host for e in endpoints if e.provider == "langsmith"} == {"eu.api.smith.langchain.com"}


def test_off_or_without_langchain_nothing_is_reported(tmp_path: Path) -> None:
    (tmp_path / "off").mkdir()
    off = _scan(tmp_path / "off", LANGCHAIN_APP, "LANGSMITH_TRACING=false\n")
    assert not [e for e in off if e.provider == "langsmith"]
    (tmp_path / "plain").mkdir()
    plain = _scan(tmp_path / "plain", "import requests\nrequests.get('https://api.example.com')\n",
                  "LANGSMITH_TRACING=true\n")
    assert not [e for e in plain if e.provider == "langsmith"]


def test_an_otlp_endpoint_in_the_env_of_opentelemetry_code(tmp_path: Path) -> None:
    code = ("from opentelemetry import trace\nimport requests\n"
            "tracer = trace.get_tracer(__name__)\nrequests.get('https://api.example.com')\n")
    endpoints = _scan(tmp_path, code, "OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp.eu01.nr-data.net\n")
    (otlp,) = [e for e in endpoints if e.host == "otlp.eu01.nr-data.net"]
    assert otlp.sdk == "env:OTEL_EXPORTER_OTLP_ENDPOINT" and otlp.provider == "newrelic"
    assert [str(loc) for loc in otlp.locations] == [".env:1"]
