"""An argument that is sometimes None: the SDK's own choice applies on that side."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan


def _hosts(tmp_path: Path, code: str) -> set[str | None]:
    (tmp_path / "app.py").write_text(code)
    return {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_base_url_that_may_be_none_reports_the_sdk_default_too(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, (
        "import os\n"
        "from openai import OpenAI\n"
        'EU = "https://llm.eu.example.com/v1"\n'
        'client = OpenAI(base_url=EU if os.environ.get("USE_EU_GATEWAY") else None)\n'
    ))
    assert hosts == {"llm.eu.example.com", "api.openai.com"}


def test_a_base_url_that_is_never_none_reports_only_itself(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, (
        "import os\n"
        "from openai import OpenAI\n"
        'client = OpenAI(base_url="https://a.example.com/v1" if os.environ.get("A") else "https://b.example.com/v1")\n'
    ))
    assert hosts == {"a.example.com", "b.example.com"}


def test_a_region_that_may_be_none_falls_back_to_the_env_the_sdk_reads(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("AWS_REGION=eu-west-1\n")
    hosts = _hosts(tmp_path, (
        "import boto3\n"
        "def client(region=None):\n"
        '    return boto3.client("bedrock-runtime", region_name=region)\n'
        'client("us-east-1")\n'
        "client()\n"
    ))
    assert {"bedrock-runtime.us-east-1.amazonaws.com", "bedrock-runtime.eu-west-1.amazonaws.com"} <= hosts
