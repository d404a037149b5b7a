"""Opt-in by loading a file by its path: a Python file shipped as data inside a package (a folder
without ``__init__.py``, or a name that is no identifier) runs only when something loads it by
its path, so its calls and the values it writes are opt-in; a file the tree imports or names
keeps its reach, and so does a script outside any package."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

_APP = {
    "agent/__init__.py": "from agent.core import Agent\n\nagent = Agent()\n",
    "agent/core.py": '''\
        import requests


        class Agent:
            def __init__(self):
                self.api_base = "https://api.openai.com/v1"

            def ask(self, text):
                return requests.post(f"{self.api_base}/chat/completions", json={"messages": [text]})
    ''',
    "agent/cli.py": '''\
        import sys
        from pathlib import Path

        from agent import agent


        def main():
            if len(sys.argv) > 2:
                path = Path(__file__).parent / "profiles" / f"{sys.argv[2]}.py"
                exec(path.read_text(), {})
            print(agent.ask(sys.argv[1]))
    ''',
}


def _reach(tmp_path: Path, files: dict[str, str]) -> dict[str | None, tuple[str, list[str]]]:
    for name, source in {**_APP, **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return {e.host: (e.reach, sorted({s.setting for s in e.switches})) for e in report.endpoints}


_GROQ = 'from agent import agent\n\nagent.api_base = "https://api.groq.com/openai/v1"\n'
_WEATHER = 'import requests\n\nrequests.get("https://api.open-meteo.com/v1/forecast")\n'


def test_values_and_calls_of_a_data_folder_file_are_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"agent/profiles/groq.py": _GROQ, "agent/profiles/weather-tool.py": _WEATHER})
    assert found["api.openai.com"] == ("default", [])
    assert found["api.groq.com"] == ("opt-in", ["loading agent/profiles/groq.py"])
    assert found["api.open-meteo.com"] == ("opt-in", ["loading agent/profiles/weather-tool.py"])


def test_a_file_with_no_identifier_name_in_a_package_folder_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"agent/weather-tool.py": _WEATHER})
    assert found["api.open-meteo.com"] == ("opt-in", ["loading agent/weather-tool.py"])


def test_a_file_the_tree_names_or_imports_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {
        "agent/profiles/groq.py": _GROQ,
        "agent/profiles/weather.py": _WEATHER,
        "agent/defaults.py": 'DEFAULT_PROFILE = "groq.py"\n',
        "agent/tools.py": "from agent.profiles import weather\n",  # a namespace package
    })
    assert found["api.groq.com"] == ("default", [])
    assert found["api.open-meteo.com"] == ("default", [])


def test_a_configuration_value_naming_the_file_keeps_its_reach_and_prose_does_not(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"agent/profiles/groq.py": _GROQ, "agent/profiles/weather.py": _WEATHER,
                              "agent/settings.yaml": "profile: groq.py\nprovider: weather  # see profiles/weather.py\n"})
    assert found["api.groq.com"] == ("default", [])
    assert found["api.open-meteo.com"] == ("opt-in", ["loading agent/profiles/weather.py"])


def test_a_script_outside_any_package_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"fetch-weather.py": _WEATHER, "service/weather.py": _WEATHER})
    assert found["api.open-meteo.com"] == ("default", [])


def test_a_file_named_only_under_a_flag_is_opt_in_by_that_flag(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"agent/profiles/groq.py": _GROQ, "agent/profiles/weather.py": _WEATHER, "agent/start.py": '''\
        import argparse
        import runpy
        from pathlib import Path


        def main():
            parser = argparse.ArgumentParser()
            parser.add_argument("--groq", action="store_true", help="use the groq profile")
            parser.add_argument("--profile", default=None)
            args = parser.parse_args()
            if args.groq:
                args.profile = "groq.py"
            if args.profile:
                runpy.run_path(str(Path(__file__).parent / "profiles" / args.profile))
            weather = "weather.py"
            runpy.run_path(str(Path(__file__).parent / "profiles" / weather))
    ''', "agent/local.py": '''\
        import os
        import runpy

        if os.getenv("AGENT_LOCAL_MODELS"):
            profile = "local-models.py"
            runpy.run_path(os.path.join(os.path.dirname(__file__), "profiles", profile))
    ''', "agent/profiles/local-models.py": 'from agent import agent\n\nagent.api_base = "http://localhost:11434/v1"\n'})
    assert found["api.groq.com"][0] == "opt-in"
    assert found["api.groq.com"][1] == ["loading agent/profiles/groq.py"]
    assert found["api.open-meteo.com"] == ("default", [])  # named outside any test
    assert found["localhost"] == ("opt-in", ["loading agent/profiles/local-models.py"])


def test_a_folder_whose_modules_a_file_lists_and_imports_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"agent/built_in/weather.py": _WEATHER, "agent/registry.py": '''\
        import importlib
        import os
        import pkgutil
        import sys

        BUILT_IN = os.path.join(os.path.dirname(__file__), "built_in")


        def load_tools():
            sys.path.append(os.path.dirname(BUILT_IN))
            return [importlib.import_module(f"built_in.{name}") for _, name, _ in pkgutil.iter_modules([BUILT_IN])]
    '''})
    assert found["api.open-meteo.com"] == ("default", [])
