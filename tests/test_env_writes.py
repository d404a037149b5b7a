"""Environment variables set in code (``os.environ[K] = v``, ``setdefault``, ``putenv``,
``update``) flow to later reads and to SDK env defaults, with the assignment line as
provenance; a write that may not have run leaves the other values in place."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.python.extract import extract_python
from flowscan.python.redact_facts import redact_facts


def _endpoints(tmp_path: Path, source: str, **env: str):
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def _hosts(tmp_path: Path, source: str, **env: str) -> set[str | None]:
    return {e.host for e in _endpoints(tmp_path, source, **env)}


def test_a_module_level_assignment_is_what_the_sdk_reads(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path, '''\
        import os
        from openai import OpenAI

        os.environ["OPENAI_BASE_URL"] = "https://llm-gateway.example.eu/v1"

        client = OpenAI()
    ''')
    assert {e.host for e in endpoints} == {"llm-gateway.example.eu"}
    steps = [(s.line, s.detail) for chain in endpoints[0].trails for s in chain]
    assert (4, 'os.environ["OPENAI_BASE_URL"] = "https://llm-gateway.example.eu/v1"') in steps


def test_the_assignment_replaces_the_deployments_value(tmp_path: Path) -> None:
    source = '''\
        import os
        import requests

        os.environ["SEARCH_URL"] = "https://search.example.eu/q"


        def search(q):
            return requests.get(os.environ["SEARCH_URL"], params={"q": q})
    '''
    assert _hosts(tmp_path, source, SEARCH_URL="https://search.example.com/q") == {"search.example.eu"}


def test_setdefault_keeps_a_value_the_deployment_sets(tmp_path: Path) -> None:
    source = '''\
        import os
        import requests

        os.environ.setdefault("SEARCH_URL", "https://search.example.eu/q")


        def search(q):
            return requests.get(os.getenv("SEARCH_URL"), params={"q": q})
    '''
    assert _hosts(tmp_path, source) == {"search.example.eu"}
    assert _hosts(tmp_path, source, SEARCH_URL="https://search.example.com/q") == {"search.example.com"}


def test_a_write_in_a_function_may_not_have_run_so_both_values_are_reported(tmp_path: Path) -> None:
    source = '''\
        import os
        import requests


        def use_mirror():
            os.environ["MIRROR_URL"] = "https://mirror.example.com/in"


        def push(event):
            requests.post(os.environ.get("MIRROR_URL", "https://primary.example.eu/in"), json=event)
    '''
    assert _hosts(tmp_path, source) == {"mirror.example.com", "primary.example.eu"}


def test_a_conditional_module_level_write_keeps_the_sdk_default_too(tmp_path: Path) -> None:
    source = '''\
        import os
        from openai import OpenAI

        if os.getenv("USE_GATEWAY"):
            os.putenv("OPENAI_BASE_URL", "https://llm-gateway.example.eu/v1")
            os.environ.update({"OPENAI_BASE_URL": "https://llm-gateway.example.eu/v1"})

        client = OpenAI()
    '''
    assert _hosts(tmp_path, source) == {"llm-gateway.example.eu", "api.openai.com"}


def test_update_with_a_dict_sets_each_key(tmp_path: Path) -> None:
    source = '''\
        import os
        import boto3

        os.environ.update({"AWS_DEFAULT_REGION": "eu-central-1"})
        os.environ.update(AWS_REGION="eu-central-1")

        s3 = boto3.client("s3")
    '''
    assert _hosts(tmp_path, source) == {"s3.eu-central-1.amazonaws.com"}


def test_offline_mode_set_in_code_stops_model_downloads(tmp_path: Path) -> None:
    source = '''\
        import os
        from huggingface_hub import snapshot_download

        os.environ["HF_HUB_OFFLINE"] = "{offline}"

        path = snapshot_download("sentence-transformers/all-MiniLM-L6-v2")
    '''
    assert "huggingface.co" in _hosts(tmp_path, source.format(offline="0"))
    assert "huggingface.co" not in _hosts(tmp_path, source.format(offline="1"))


def test_a_secret_set_in_code_is_masked_in_the_facts() -> None:
    facts = redact_facts(extract_python("app.py", b'import os\nos.environ["OPENAI_API_KEY"] = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"\n'))
    (assign,) = facts.attr_assigns
    assert "abcdefghijklmnop" not in repr(assign)
