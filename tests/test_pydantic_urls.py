"""pydantic 2 settings fields typed ``AnyUrl`` / ``HttpUrl`` give a URL without a path a trailing
``/`` (``pydantic_urls``): ``str(settings.OTEL_URL) + "v1/traces"`` is ``https://otel.example.eu/v1/traces``.
Before, the host read ``otel.example.euv1``. A pydantic 1 ``BaseSettings`` keeps the text."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

V2 = '''\
    from typing import Optional

    import requests
    from pydantic import AnyUrl, Field
    from pydantic_settings import BaseSettings


    class Settings(BaseSettings):
        OTEL_URL: Optional[AnyUrl] = Field("https://otel.example.eu", description="OTLP endpoint")
        API_URL: AnyUrl = "https://api.example.eu/v2"


    settings = Settings()
    requests.post(str(settings.OTEL_URL) + "v1/traces", data=b"")
    requests.get(str(settings.API_URL) + "/status")
'''

V1 = '''\
    import requests
    from pydantic import AnyUrl, BaseSettings


    class Settings(BaseSettings):
        OTEL_URL: AnyUrl = "https://otel.example.eu"


    requests.post(str(Settings().OTEL_URL) + "/v1/traces", data=b"")
'''


def _hosts(tmp_path: Path, code: str) -> dict[int, set]:
    (tmp_path / "app.py").write_text(textwrap.dedent(code))
    out: dict[int, set] = {}
    for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for loc in e.locations:
            out.setdefault(loc.line, set()).add(e.host)
    return out


def test_a_pydantic_2_url_field_without_a_path_gains_a_slash(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, V2)
    assert hosts[14] == {"otel.example.eu"}, hosts
    assert hosts[15] == {"api.example.eu"}, hosts  # a path is kept as written


def test_a_pydantic_1_url_keeps_its_text(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, V1)
    assert hosts[9] == {"otel.example.eu"}, hosts
