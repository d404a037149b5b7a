"""String methods whose result differs from a look-alike: removesuffix/removeprefix are not
rstrip/lstrip of a character set, an empty default stays empty, and the trail of a stripped
string keeps its source."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _by_line(root: Path, code: str) -> dict[int, Endpoint]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.py").write_text(textwrap.dedent(code))
    return {loc.line: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints for loc in e.locations}


def test_remove_suffix_and_prefix_remove_the_text_not_its_characters(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import requests
        BASE = "https://chat.example.ai/api"
        HOST = "https://hub.example.com".removeprefix("https://")
        requests.get(BASE.removesuffix("/api") + "/v2")
        requests.get("https://" + HOST + "/v1")
        requests.get("https://Padded.Example.com/v1 ".lower().rstrip())
    ''')
    assert found[4].url == "https://chat.example.ai/v2"  # not https://chat.example./v2
    assert found[5].url == "https://hub.example.com/v1"  # not https://ub.example.com/v1
    assert found[6].url == "https://padded.example.com/v1"
    assert [(s.line, s.detail) for s in found[4].provenance][:2] == [
        (2, '"https://chat.example.ai/api"'), (2, 'BASE = "https://chat.example.ai/api"')]


def test_methods_on_an_env_value_and_on_its_empty_default(tmp_path: Path) -> None:
    code = '''\
        import os
        import requests

        REGION = os.getenv("APP_REGION", "").strip().lower()
        requests.get(f"https://{REGION}.api.example.com/v1")
    '''
    root = tmp_path / "bound"
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    bound = scan(root, ScanOptions(jobs=1, cache_dir=None, env={"APP_REGION": " EU "})).report.endpoints
    assert [e.url for e in bound] == ["https://eu.api.example.com/v1"]
    # unset: the code's own default, the empty string, builds a host-less URL; the empty default
    # also leaves the deployment's value as a possible one
    unset = tmp_path / "unset"
    unset.mkdir()
    (unset / "app.py").write_text(textwrap.dedent(code))
    urls = {e.url for e in scan(unset, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert urls == {"https://.api.example.com/v1", "https://{env:APP_REGION}.api.example.com/v1"}
