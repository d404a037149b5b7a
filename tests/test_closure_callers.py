"""A function a factory returns is called by the name its result is bound to:
``OpenAI = client_factory("OpenAI")`` then ``OpenAI(base_url=url)`` passes ``base_url`` to the
inner function (a lazy client wrapper)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

LAZY_CLIENT = """\
from typing import Any


class _LazyClient:
    def __init__(self, cls_name: str, kwargs: dict[str, Any]):
        self._cls_name = cls_name
        self._kwargs = kwargs

    def materialize(self) -> Any:
        import openai

        kwargs = dict(self._kwargs)
        return getattr(openai, self._cls_name)(**kwargs)


def _lazy_client_factory(cls_name: str):
    def factory(**kwargs: Any):
        return _LazyClient(cls_name, kwargs)

    return factory


def init(api_key: str, base_url: str) -> None:
    OpenAI = _lazy_client_factory("OpenAI")
    OpenAI(api_key=api_key, base_url=base_url).materialize()


def setup(provider: str) -> None:
    if provider == "nvidia":
        init(api_key="k", base_url="https://integrate.api.nvidia.com/v1")
    elif provider == "deepseek":
        init(api_key="k", base_url="https://api.deepseek.com/v1")
"""


def _hosts(root: Path, code: str) -> set[str | None]:
    (root / "app.py").write_text(code)
    return {e.host for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_the_keywords_of_a_call_through_the_bound_name_reach_the_inner_function(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, LAZY_CLIENT)
    assert {"integrate.api.nvidia.com", "api.deepseek.com"} <= hosts, hosts


def test_a_call_before_the_binding_is_not_one(tmp_path: Path) -> None:
    code = LAZY_CLIENT.replace(
        '    OpenAI = _lazy_client_factory("OpenAI")\n    OpenAI(api_key=api_key, base_url=base_url).materialize()\n',
        '    OpenAI(api_key=api_key, base_url=base_url).materialize()\n    OpenAI = _lazy_client_factory("OpenAI")\n')
    assert "integrate.api.nvidia.com" not in _hosts(tmp_path, code)


def test_a_factory_that_does_not_return_the_function_gives_no_callers(tmp_path: Path) -> None:
    code = LAZY_CLIENT.replace("    return factory\n", "    return None\n")
    assert "integrate.api.nvidia.com" not in _hosts(tmp_path, code)
