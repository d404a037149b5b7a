"""Value resolution: what reaches an outbound call, through the shapes real code uses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _scan(tmp_path: Path, files: dict[str, str], **env: str):
    for name, code in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))
    return scan(tmp_path, ScanOptions(jobs=1, env=env)).report


def _hosts(report) -> set[str | None]:
    return {e.host for e in report.endpoints}


def test_fstring_keeps_the_host_when_the_path_is_unknown(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": '''
        import requests
        HOST = "api.example.eu"
        def get(path):
            return requests.get(f"https://{HOST}/v2/{path}")
    '''})
    assert _hosts(report) == {"api.example.eu"}


def test_format_percent_and_urljoin(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": '''
        import httpx
        from urllib.parse import urljoin
        BASE = "https://{}.example.com".format("eu")
        httpx.get(urljoin(BASE, "/x"))
        httpx.get("https://%s.example.org/y" % "de")
    '''})
    assert _hosts(report) == {"eu.example.com", "de.example.org"}


def test_imports_across_packages_and_module_aliases(tmp_path: Path) -> None:
    report = _scan(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/config.py": 'URL = "https://ingest.de.sentry.io/1"\n',
        "pkg/sub/__init__.py": "",
        "pkg/sub/app.py": '''
            import requests
            import pkg.config as c
            from ..config import URL
            requests.post(c.URL)
            requests.put(URL)
        ''',
    })
    endpoint = next(e for e in report.endpoints if e.host == "ingest.de.sentry.io")
    assert len(endpoint.locations) == 2
    assert endpoint.placement.jurisdiction == "eu"


def test_pydantic_settings_field_is_an_env_var_with_prefix(tmp_path: Path) -> None:
    files = {"s.py": '''
        from openai import OpenAI
        from pydantic_settings import BaseSettings, SettingsConfigDict
        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_")
            llm_url: str = "https://api.openai.com/v1"
        settings = Settings()
        client = OpenAI(base_url=settings.llm_url)
    '''}
    assert _hosts(_scan(tmp_path, files)) == {"api.openai.com"}
    overridden = _scan(tmp_path, files, APP_LLM_URL="http://vllm:8000/v1")
    assert _hosts(overridden) == {"vllm"}


def test_dataclass_defaults_and_constructor_arguments(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"d.py": '''
        from dataclasses import dataclass
        import boto3
        @dataclass
        class Cfg:
            region: str = "eu-west-1"
        default = Cfg()
        paris = Cfg(region="eu-west-3")
        boto3.client("s3", region_name=default.region)
        boto3.client("sqs", region_name=paris.region)
    '''})
    assert _hosts(report) == {"s3.eu-west-1.amazonaws.com", "sqs.eu-west-3.amazonaws.com"}


def test_env_default_and_unset_env(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"e.py": '''
        import os, requests
        requests.get(os.getenv("A_URL", "https://a.example.com"))
        requests.get(os.environ["B_URL"])
    '''})
    assert "a.example.com" in _hosts(report)
    unknown = [e for e in report.endpoints if e.host is None]
    assert unknown and "env:B_URL" in unknown[0].unresolved
    assert any(f.rule == "residency/region-unknown" for f in report.findings)


def test_parameters_take_values_from_in_tree_callers(tmp_path: Path) -> None:
    report = _scan(tmp_path, {
        "lib.py": '''
            import requests
            def send(url, payload):
                return requests.post(url, json=payload)
        ''',
        "main.py": '''
            from lib import send
            send("https://hooks.slack.com/services/x", {})
            send(url="https://api.github.com/repos", payload={})
        ''',
    })
    assert _hosts(report) == {"hooks.slack.com", "api.github.com"}
    slack = next(e for e in report.endpoints if e.host == "hooks.slack.com")
    assert any(s.path == "main.py" for s in slack.provenance)


def test_docstrings_comments_and_unused_urls_are_not_endpoints(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"doc.py": '''
        """See https://docs.example.com for details."""
        import requests
        UNUSED = "https://unused.example.com"
        # requests.get("https://commented.example.com")
        def f():
            """Calls https://doc-in-function.example.com."""
            return requests.get("https://used.example.com")
    '''})
    assert _hosts(report) == {"used.example.com"}


def test_relative_paths_are_not_endpoints_but_base_urls_are(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"c.py": '''
        import httpx
        client = httpx.Client(base_url="https://eu.api.openai.com/v1")
        client.get("/models")
        with httpx.Client() as plain:
            plain.get("https://api.mistral.ai/v1/models")
    '''})
    assert _hosts(report) == {"eu.api.openai.com", "api.mistral.ai"}


def test_recursion_and_import_cycles_terminate(tmp_path: Path) -> None:
    report = _scan(tmp_path, {
        "a.py": "from b import X\nY = X\n",
        "b.py": "from a import Y\nX = Y\n",
        "c.py": "import requests\nfrom a import Y\ndef f(u):\n    return f(u)\nrequests.get(Y)\nrequests.get(f('x'))\n",
    })
    assert all(e.host is None for e in report.endpoints)
