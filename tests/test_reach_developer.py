"""Opt-in by the developer's own code: the outbound calls in the methods of a class nothing in
the scanned tree instantiates (a library's mixin, a preset combining mixins that nothing uses)
are made only when code outside the tree creates it; a class the tree instantiates, passes or
stores anywhere, or one that something outside the tree may create by itself (a framework's
subclass, a class registering its subclasses), keeps its calls' reach."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

_BASE = '''\
    from abc import ABC, abstractmethod


    class AssistantBase(ABC):
        def __init__(self, config=None):
            self.config = config or {}

        @abstractmethod
        def submit_prompt(self, prompt): ...
'''

_MIXINS = '''\
    import os

    import requests

    from .base import AssistantBase


    class GroqChat(AssistantBase):
        def submit_prompt(self, prompt):
            return requests.post("https://api.groq.com/openai/v1/chat/completions", json={"messages": prompt})


    class LocalChat(AssistantBase):
        def submit_prompt(self, prompt):
            return requests.post("http://localhost:11434/api/chat", json={"messages": prompt})
'''


def _reach(tmp_path: Path, files: dict[str, str], include: tuple[str, ...] = ()) -> dict[str | None, tuple[str, list[str]]]:
    for name, source in {"assist/__init__.py": "", "assist/base.py": _BASE, **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, include=include)).report
    return {e.host: (e.reach, sorted({s.setting for s in e.switches})) for e in report.endpoints}


def test_a_mixin_nothing_instantiates_is_opt_in_and_one_the_cli_uses_is_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/cli.py": '''\
        import sys

        from .chats import LocalChat


        class LocalAssistant(LocalChat):
            pass


        def main():
            print(LocalAssistant().submit_prompt([{"role": "user", "content": sys.argv[1]}]))
    '''})
    assert found["api.groq.com"] == ("opt-in", ["developer code instantiating assist.chats.GroqChat"])
    assert found["localhost"] == ("default", [])


def test_a_mixin_only_a_preset_nothing_uses_combines_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/presets.py": '''\
        from .chats import GroqChat, LocalChat


        class GroqPreset(GroqChat):
            pass


        class LocalPreset(LocalChat):
            pass


        DEFAULT = LocalPreset
    '''})
    assert found["api.groq.com"] == ("opt-in", ["developer code instantiating assist.chats.GroqChat"])
    assert found["localhost"] == ("default", [])  # LocalPreset is stored in a name: it may run


def test_a_class_passed_or_listed_anywhere_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/registry.py": '''\
        from .chats import GroqChat, LocalChat

        BACKENDS = [GroqChat]


        def pick(register):
            register(LocalChat)
    '''})
    assert found["api.groq.com"] == ("default", [])
    assert found["localhost"] == ("default", [])


def test_a_class_that_is_a_parameters_default_keeps_its_reach(tmp_path: Path) -> None:
    """``def __init__(self, chat_handler=GroqChat)`` then ``self.chat_handler()``: the default
    runs the class whenever the caller passes no other."""
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/agent.py": '''\
        from .chats import GroqChat


        class Agent:
            def __init__(self, chat_handler=GroqChat):
                self.chat_handler = chat_handler

            def answer(self, prompt):
                return self.chat_handler().submit_prompt(prompt)
    '''})
    assert found["api.groq.com"] == ("default", [])
    assert found["localhost"][0] == "opt-in"


def test_a_subclass_of_a_class_outside_the_tree_is_undecided_and_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/alerts.py": '''\
        import logging

        import requests


        class SlackAlerts(logging.Handler):
            def emit(self, record):
                requests.post("https://hooks.slack.com/services/T000/B000/XXX", json={"text": record.getMessage()})
    '''})
    assert found["hooks.slack.com"] == ("default", [])  # logging may be configured to create it by name


def test_a_base_that_registers_its_subclasses_keeps_their_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/plugins.py": '''\
        import requests

        PLUGINS = {}


        class Plugin:
            def __init_subclass__(cls, **kwargs):
                super().__init_subclass__(**kwargs)
                PLUGINS[cls.__name__.lower()] = cls


        class Weather(Plugin):
            def run(self, city):
                return requests.get("https://api.open-meteo.com/v1/forecast", params={"city": city})
    ''', "assist/meta.py": '''\
        import requests

        from .registry_meta import Registered


        class Crawler(metaclass=Registered):
            def fetch(self):
                return requests.get("https://r.jina.ai/https://example.com")
    ''', "assist/registry_meta.py": '''\
        class Registered(type):
            pass
    '''})
    assert found["api.open-meteo.com"] == ("default", [])
    assert found["r.jina.ai"] == ("default", [])


def test_a_class_named_as_text_may_be_loaded_by_it_and_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/plugins.py": '''\
        PLUGINS = ["chats.GroqChat"]  # loaded by a path flowscan does not spell the same way
    ''', "conf/assistant.yaml": '''\
        llm:
          _target_: assist.chats.LocalChat
    '''})
    assert found["api.groq.com"] == ("default", [])
    assert found["localhost"] == ("default", [])


def test_a_static_method_the_tree_calls_on_the_class_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/telemetry.py": '''\
        import requests


        class Telemetry:
            @staticmethod
            def send(event):
                requests.post("https://telemetry.example.com/v1", json=event)
    ''', "assist/cli.py": '''\
        from .telemetry import Telemetry


        def main():
            Telemetry.send({"event": "start"})
    '''})
    assert found["telemetry.example.com"] == ("default", [])


def test_classes_found_by_listing_subclasses_or_by_getattr_keep_their_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/discover.py": '''\
        import importlib

        from .base import AssistantBase


        def backends():
            return {cls.__name__: cls for cls in AssistantBase.__subclasses__()}
    '''})
    assert found["api.groq.com"] == ("default", [])
    found = _reach(tmp_path / "by-name", {"assist/chats.py": _MIXINS, "assist/load.py": '''\
        import importlib


        def local():
            return getattr(importlib.import_module("assist.chats"), "LocalChat")()
    '''})
    assert found["localhost"] == ("default", [])
    assert found["api.groq.com"] == ("opt-in", ["developer code instantiating assist.chats.GroqChat"])


def test_a_class_named_only_in_prose_of_a_config_file_is_still_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "docs/notes.yaml": '''\
        summary: "GroqChat is a mixin: combine assist.chats.GroqChat with a store"
    '''})
    assert found["api.groq.com"] == ("opt-in", ["developer code instantiating assist.chats.GroqChat"])


def test_a_subclass_calling_its_bases_init_on_itself_is_no_use_of_them(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/chats.py": _MIXINS, "assist/presets.py": '''\
        from .chats import GroqChat


        class GroqPreset(GroqChat):
            def __init__(self, config=None):
                GroqChat.__init__(self, config=config)
    '''})
    assert found["api.groq.com"] == ("opt-in", ["developer code instantiating assist.chats.GroqChat"])


def test_a_class_a_test_runner_finds_by_its_name_keeps_its_reach(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"assist/test_live.py": '''\
        import requests


        class TestLiveApi:
            def test_status(self):
                response = requests.get("https://status.example.com/v1")
                assert response.ok


        class LiveClient:
            def ping(self):
                return requests.get("https://ping.example.com/v1")
    '''}, include=("all",))
    assert found["status.example.com"] == ("default", [])  # pytest collects Test* classes of test_*.py files
    assert found["ping.example.com"] == ("opt-in", ["developer code instantiating assist.test_live.LiveClient"])
