"""A one-clause comprehension over a dict filled under conditions keeps each version apart: the
filter idiom ``{k: v for k, v in params.items() if v is not None}`` over a dict with several
optional keys (16 versions and the "more values" hole) never gives one key another key's value,
and never merges the versions into one dict holding every key."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    from os import getenv
    from typing import Any, Optional

    from google import genai


    class Gemini:
        vertexai: bool = False
        api_key: Optional[str] = None
        project_id: Optional[str] = None
        location: Optional[str] = None
        credentials: Optional[Any] = None
        timeout: Optional[float] = None
        client_params: Optional[dict] = None

        def get_client(self):
            client_params = {}
            vertexai = self.vertexai or getenv("GOOGLE_GENAI_USE_VERTEXAI", "false").lower() == "true"
            if not vertexai:
                self.api_key = self.api_key or getenv("GOOGLE_API_KEY")
                client_params["api_key"] = self.api_key
            else:
                client_params["vertexai"] = True
                client_params["project"] = self.project_id or getenv("GOOGLE_CLOUD_PROJECT")
                client_params["location"] = self.location or getenv("GOOGLE_CLOUD_LOCATION")
                if self.credentials:
                    client_params["credentials"] = self.credentials
            client_params = {k: v for k, v in client_params.items() if v is not None}
            if self.timeout is not None:
                client_params["http_options"] = {"timeout": int(self.timeout * 1000)}
            if self.client_params:
                client_params.update(self.client_params)
            return genai.Client(**client_params)


    def main():
        return Gemini().get_client()
'''


def test_each_version_of_a_filtered_dict_keeps_its_own_keys(tmp_path: Path) -> None:
    (tmp_path / "gemini_app.py").write_text(textwrap.dedent(APP))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    hosts = {e.host for e in report.endpoints}
    # the API-key version (no vertexai key) and the Vertex AI versions both stay
    assert "generativelanguage.googleapis.com" in hosts
    assert "{env:GOOGLE_CLOUD_LOCATION}-aiplatform.googleapis.com" in hosts
    # no other key's value (True, the project, the API key) is read as the location
    assert not any(h and (h.startswith("true-") or "GOOGLE_CLOUD_PROJECT" in h or "GOOGLE_API_KEY" in h)
                   for h in hosts), hosts
