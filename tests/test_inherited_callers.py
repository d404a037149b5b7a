"""Callers of an ``__init__`` through the classes that inherit it (``inherited_callers``): a
subclass without its own ``__init__`` (``Chat(…)`` of ``class Chat(_Shared)``), a class called
through a local name (``klass = Completion if … else Chat``; ``klass(…)``) and a subclass's
``super().__init__(**kwargs)`` all pass the base's parameters. Before, no ``_Shared(…)`` call
meant "never passed": only the None default (the SDK's own host) was reported, and the user's
base URL was lost."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

MODELS = '''\
    import openai


    class _Shared:
        def __init__(self, model_id, api_base=None, headers=None):
            self.model_id = model_id
            self.api_base = api_base
            self.headers = headers

        def client(self):
            kwargs = {}
            if self.api_base:
                kwargs["base_url"] = self.api_base
            return openai.OpenAI(**kwargs)


    class Chat(_Shared):
        pass


    class Tuned(Chat):
        def __init__(self, model_id, **kwargs):
            super().__init__(model_id, **kwargs)
'''

CLI = '''\
    import sys

    import yaml

    from .models import Chat, Tuned


    def main():
        models = [Chat("gpt-4o"), Tuned("ft:gpt-4o-mini:acme", api_base="https://llm-gateway.example.eu/v1")]
        with open(sys.argv[1]) as f:
            extra = yaml.safe_load(f)
        for entry in extra:
            klass = Tuned if entry.get("tuned") else Chat
            models.append(klass(entry["model_id"], api_base=sys.argv[2]))
        for model in models:
            model.client().chat.completions.create(model=model.model_id, messages=[])
'''


def _found(tmp_path: Path) -> list[tuple]:
    (tmp_path / "chatapp").mkdir()
    (tmp_path / "chatapp" / "__init__.py").write_text("")
    (tmp_path / "chatapp" / "models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "chatapp" / "cli.py").write_text(textwrap.dedent(CLI))
    return [(e.host, e.reach, " ".join(e.unresolved)) for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
            if any(loc.path == "chatapp/models.py" and loc.line == 14 for loc in e.locations)]


def test_a_subclass_and_its_super_init_pass_the_base_parameters(tmp_path: Path) -> None:
    found = _found(tmp_path)
    assert ("api.openai.com", "default", "") in found, found  # Chat("gpt-4o"): no api_base
    # Tuned(…, api_base=…) through super().__init__(model_id, **kwargs)
    assert any(host == "llm-gateway.example.eu" for host, _, _ in found), found


def test_a_class_called_through_a_local_name_passes_its_arguments(tmp_path: Path) -> None:
    found = _found(tmp_path)
    # klass(…, api_base=sys.argv[2]): the user's command line, never dropped
    assert any(host is None and "argv" in why for host, _, why in found), found
