"""A settings file whose path is not known statically: its keys are unresolved, and say so."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line


def test_a_json_file_named_by_an_env_var_is_reported_unresolved(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        import json
        import os

        import requests

        with open(os.environ["APP_CONFIG"]) as f:
            config = json.load(f)
        requests.get(config["api_url"])
        """)
    [endpoint] = by_line[8]
    assert endpoint.host is None
    assert endpoint.unresolved == ["item of json.load() of a file not known statically"]
