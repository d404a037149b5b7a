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


def test_an_unknown_settings_file_is_reported_at_the_line_that_loads_it(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        import os

        import requests
        import yaml

        config = yaml.safe_load(open(os.environ["APP_CONFIG"]))

        requests.get(config.get("status_url"))
        """)
    [endpoint] = by_line[8]
    assert endpoint.unresolved == ["yaml.safe_load() of a file not known statically"]
    assert [str(s) for s in endpoint.provenance][0] == (
        "app.py:6 not resolved: yaml.safe_load() of a file not known statically")
