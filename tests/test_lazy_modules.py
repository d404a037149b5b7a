"""A lazy-import proxy (a class whose ``__getattr__`` imports a module by name and hands out
its attributes) stands for that module: calls through an instance of it are the module's calls,
from files that import only the proxy."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog
from flowscan.discover import canonical_modules, prepass_python, seed_files
from flowscan.model import Endpoint

PROXY = '''\
    import importlib

    class LazyModule:
        _lazy = None

        def __getattr__(self, name):
            self._load()
            return getattr(self._lazy, name)

        def _load(self):
            if self._lazy is None:
                self._lazy = importlib.import_module("litellm")

    litellm = LazyModule()
'''

CALLER = '''\
    from app.llm import litellm

    def ask(messages):
        return litellm.completion(model="anthropic/claude-3-5-sonnet-20241022", messages=messages)
'''

TWO_MODULES = '''\
    from importlib import import_module

    class Either:
        def __getattr__(self, name):
            return getattr(import_module("litellm") if name else import_module("openai"), name)

    proxy = Either()
'''


def _scan(root: Path, files: dict[str, str]) -> list[Endpoint]:
    for name, code in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_calls_through_a_lazy_proxy_are_the_module_calls(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app/__init__.py": "", "app/llm.py": PROXY, "app/chat.py": CALLER})
    (endpoint,) = endpoints
    assert endpoint.host == "api.anthropic.com"
    assert endpoint.sdk == "litellm.completion"
    assert [str(loc) for loc in endpoint.locations] == ["app/chat.py:4"]


def test_the_prepass_records_modules_imported_by_name() -> None:
    summary = prepass_python("app/llm.py", textwrap.dedent(PROXY).encode())
    assert summary.lazy_imports == ("litellm",)
    assert "litellm" not in summary.imports


def test_only_a_proxy_that_imports_a_sink_module_is_a_seed() -> None:
    sources = {"app/__init__.py": b"", "app/llm.py": textwrap.dedent(PROXY).encode(),
               "app/probe.py": b"import importlib\nimportlib.import_module('litellm')\n"}
    summaries = {path: prepass_python(path, data) for path, data in sources.items()}
    seeds = seed_files(summaries, sources, bundled_catalog(), canonical_modules(sources))
    assert seeds == {"app/llm.py"}  # the probe imports it by name but hands nothing out


def test_a_proxy_of_two_modules_is_not_resolved(tmp_path: Path) -> None:
    caller = "from app.llm import proxy\nproxy.completion(model='anthropic/claude-3-5-sonnet-20241022', messages=[])\n"
    endpoints = _scan(tmp_path, {"app/__init__.py": "", "app/llm.py": TWO_MODULES, "app/chat.py": caller})
    assert endpoints == []


def test_a_class_without_getattr_is_no_proxy(tmp_path: Path) -> None:
    plain = PROXY.replace("def __getattr__(self, name):", "def get(self, name):")
    endpoints = _scan(tmp_path, {"app/__init__.py": "", "app/llm.py": plain, "app/chat.py": CALLER})
    assert endpoints == []
