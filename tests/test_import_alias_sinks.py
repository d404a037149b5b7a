"""A sink called through a name it was imported under (``from turbopuffer import Turbopuffer as
Client``) is still a sink (``flows._called_name``)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan


def _hosts(root: Path, code: str) -> set[str | None]:
    (root / "app.py").write_text(code)
    return {e.host for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_client_imported_under_another_name_is_a_sink(tmp_path: Path) -> None:
    code = ("from openai import OpenAI as LLMClient\n"
            "from turbopuffer import Turbopuffer as TurbopufferClient\n\n"
            "llm = LLMClient()\n"
            "store = TurbopufferClient(region='gcp-europe-west3')\n")
    assert _hosts(tmp_path, code) == {"api.openai.com", "gcp-europe-west3.turbopuffer.com"}


def test_a_local_function_named_like_an_alias_is_not_a_sink(tmp_path: Path) -> None:
    code = ("from openai import OpenAI as LLMClient\n\n"
            "def OpenAI():\n    return None\n\n"
            "client = OpenAI()\n")
    assert _hosts(tmp_path, code) == set()
