"""Settings files picked by name at run time (``configs/{name}.json``): a path with an unknown
file name that the code loads reads every settings file of the tree it may name, JSON files in a
``configs``/``settings`` folder included; each file's values are entries chosen by that name, so
their hosts are opt-in with the file as the switch, never the shipped default."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.discover import classify

LOADER = '''\
    import json
    import os
    import sys

    import requests


    def load(name: str) -> dict:
        with open(os.path.join(os.path.dirname(__file__), "configs", f"{name}.json")) as f:
            return json.load(f)


    def main():
        settings = load(sys.argv[1])
        requests.post(settings["llm_url"], json={"q": "hi"})


    if __name__ == "__main__":
        main()
'''


def _app(tmp_path: Path) -> Path:
    package = tmp_path / "app"
    (package / "configs").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "configs" / "fast.json").write_text(json.dumps({"llm_url": "https://fast.example.com/v1"}))
    (package / "configs" / "eu.json").write_text(json.dumps({"llm_url": "https://eu.example.com/v1"}))
    (package / "main.py").write_text(textwrap.dedent(LOADER))
    return tmp_path


def test_json_in_a_configs_folder_is_a_settings_file() -> None:
    assert classify("src/pkg/configs/fast.json") == "settings-json"
    assert classify("settings/eu.json") == "settings-json"
    assert classify("src/pkg/data/fast.json") is None


def test_every_file_a_name_may_pick_is_read_as_an_opt_in_choice(tmp_path: Path) -> None:
    endpoints = scan(_app(tmp_path), ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert sorted(e.host for e in endpoints) == ["eu.example.com", "fast.example.com"]
    for endpoint in endpoints:
        assert endpoint.reach == "opt-in"
        [switch] = endpoint.switches
        assert switch.setting == "settings file app/configs/*.json picked by name" and switch.taken is False
        entry = endpoint.host.split(".")[0]
        assert switch.condition.endswith(f"== {entry!r}")
