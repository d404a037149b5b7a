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


SETTINGS = '''\
    import importlib.resources
    import pathlib
    from typing import cast

    import litellm
    from pydantic import BaseModel, Field
    from pydantic_settings import BaseSettings

    import qa.configs


    class AgentSettings(BaseModel):
        agent_llm: str = Field(default="gpt-4o-mini")


    class Settings(BaseSettings):
        llm: str = Field(default="gpt-4o-2024-11-20")
        agent: AgentSettings = Field(default_factory=AgentSettings)

        @classmethod
        def from_name(cls, config_name: str = "default") -> "Settings":
            if config_name == "default":
                return Settings()
            pkg_config_path = importlib.resources.files(qa.configs) / f"{config_name}.json"
            json_path: pathlib.Path | None = None
            if pkg_config_path.is_file():
                json_path = cast("pathlib.Path", pkg_config_path)
            if json_path:
                tmp = Settings.model_validate_json(json_path.read_text())
                return Settings(**(tmp.model_dump()))
            raise FileNotFoundError(config_name)

        def complete(self, prompt: str):
            return litellm.completion(model=self.llm, messages=[{"role": "user", "content": prompt}])

        def plan(self, prompt: str):
            return litellm.completion(model=self.agent.agent_llm, messages=[{"role": "user", "content": prompt}])
'''

CLI = '''\
    import argparse

    from qa.settings import Settings


    def main():
        parser = argparse.ArgumentParser()
        parser.add_argument("--settings", default="default")
        parser.add_argument("question")
        args = parser.parse_args()
        settings = Settings.from_name(args.settings)
        print(settings.plan(args.question), settings.complete(args.question))


    if __name__ == "__main__":
        main()
'''


def test_a_model_built_from_a_packaged_preset_holds_each_presets_values(tmp_path: Path) -> None:
    package = tmp_path / "src" / "qa"
    (package / "configs").mkdir(parents=True)  # a folder of data files, no __init__.py
    (package / "__init__.py").write_text("")
    (package / "configs" / "contracrow.json").write_text(json.dumps(
        {"llm": "claude-3-5-sonnet-20240620", "agent": {"agent_llm": "gemini/gemini-2.0-flash-exp"}}))
    (package / "configs" / "fast.json").write_text(json.dumps({"temperature": 0.5}))
    (package / "settings.py").write_text(textwrap.dedent(SETTINGS))
    (package / "cli.py").write_text(textwrap.dedent(CLI))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    by_line: dict[int, dict[str, str]] = {}
    for endpoint in endpoints:
        for location in endpoint.locations:
            if location.path == "src/qa/settings.py":
                by_line.setdefault(location.line, {})[endpoint.host] = endpoint.reach
    # the class default where a preset lacks the field (fast.json), each preset's value as a choice
    assert by_line[34] == {"api.openai.com": "default", "api.anthropic.com": "opt-in"}
    assert by_line[37] == {"api.openai.com": "default", "generativelanguage.googleapis.com": "opt-in"}
