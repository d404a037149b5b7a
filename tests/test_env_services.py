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


LANGFUSE_APP = """\
import os

if os.environ.get("LANGFUSE_PUBLIC_KEY"):
    from langfuse.openai import AsyncOpenAI
else:
    from openai import AsyncOpenAI

client = AsyncOpenAI()
"""


def test_an_imported_tracing_integration_is_opt_in_where_no_config_sets_its_key(tmp_path: Path) -> None:
    """``from langfuse.openai import AsyncOpenAI`` is the code's choice of Langfuse (``unset_opt_in``):
    reported at the import, opt-in on LANGFUSE_PUBLIC_KEY; LangChain code with LANGSMITH_TRACING
    unset (a library's latent feature) is not."""
    endpoints = _scan(tmp_path, LANGFUSE_APP + LANGCHAIN_APP, "OPENAI_API_KEY=sk-x\n")
    (langfuse,) = [e for e in endpoints if e.provider == "langfuse"]
    assert langfuse.host == "cloud.langfuse.com" and langfuse.reach == "opt-in"
    assert [str(loc) for loc in langfuse.locations] == ["app.py:4"]
    assert [(s.setting, s.taken) for s in langfuse.switches] == [("env:LANGFUSE_PUBLIC_KEY", False)]
    assert not [e for e in endpoints if e.provider == "langsmith"]


def test_an_imported_tracing_integration_whose_key_a_config_sets(tmp_path: Path) -> None:
    """The .env's deployment reaches the host it names; the code as shipped (the default
    context, which no config sets) keeps the opt-in default."""
    endpoints = _scan(tmp_path, LANGFUSE_APP, "LANGFUSE_PUBLIC_KEY=pk-lf-1\nLANGFUSE_HOST=https://us.cloud.langfuse.com\n")
    assert {(e.context, e.host, e.reach) for e in endpoints if e.provider == "langfuse"} == {
        ("dotenv:.env", "us.cloud.langfuse.com", "default"), ("default", "cloud.langfuse.com", "opt-in")}
