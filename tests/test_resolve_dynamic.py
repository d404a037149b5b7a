"""Names looked up at run time: ``importlib.import_module(path)`` is the module ``path`` names and
``getattr(obj, name)`` is ``obj.name`` when the strings are known statically (plugin registries
of dotted class paths are written this way)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _scan(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int], list]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    out: dict[tuple[str, int], list] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault((location.path, location.line), []).append(endpoint)
    return out


def _hosts(found: dict, path: str, line: int) -> list[tuple]:
    return sorted((e.host or "", *e.unresolved) for e in found[(path, line)])


def test_a_module_imported_by_its_name_gives_its_values(tmp_path: Path) -> None:
    found = _scan(tmp_path, {
        "app/__init__.py": "",
        "app/settings_eu.py": 'API_URL = "https://api.example.de/v2"\n',
        "app/client.py": '''\
            import importlib
            import requests

            settings = importlib.import_module("app.settings_eu")
            requests.get(getattr(settings, "API_URL"))
            requests.get(getattr(settings, "MIRROR_URL", "https://mirror.example.fi"))
            requests.get(getattr(settings, input("setting: ")))
        ''',
    })
    assert _hosts(found, "app/client.py", 5) == [("api.example.de",)]
    # the attribute is missing, so the default is used; flowscan says so beside it
    assert ("mirror.example.fi",) in _hosts(found, "app/client.py", 6)
    assert [h for h in _hosts(found, "app/client.py", 7)] == [
        ("", "attribute {user-supplied: text typed at the terminal, input() (input())} named at run time")]


def test_a_class_loaded_from_a_dotted_path_is_that_class(tmp_path: Path) -> None:
    """A registry of ``"pkg.module.Class"`` strings, split and loaded with importlib: the
    instance is of that class, so what the caller reads from it is the class's value."""
    found = _scan(tmp_path, {
        "plug/__init__.py": "",
        "plug/search/__init__.py": "",
        "plug/search/brave.py": '''\
            class BraveSearch:
                endpoint = "https://api.search.example.ch/res/v1/web/search"
        ''',
        "plug/registry.py": '''\
            import importlib
            import requests

            ENGINES = {"brave": "plug.search.brave.BraveSearch"}

            def load(name):
                module_path, class_name = ENGINES[name].rsplit(".", 1)
                return getattr(importlib.import_module(module_path), class_name)

            def search(query):
                engine = load("brave")()
                return requests.get(engine.endpoint, params={"q": query})
        ''',
    })
    assert _hosts(found, "plug/registry.py", 12) == [("api.search.example.ch",)]
