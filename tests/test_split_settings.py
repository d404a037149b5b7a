"""Strings split from settings keep their value and provenance: ``provider, model =
cfg.llm.split(":", 1)``, ``cfg.llm.split(":")[0]``, ``partition``, and tuple unpacking of a
call's returned tuple, so a provider switch on the piece is still a setting."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Step
from flowscan.python.objects import Strs
from flowscan.python.str_split import piece, split_values
from flowscan.values import Hole, StrValue

_STEP = Step("app.py", 1, ".split(':')")


def _reach(tmp_path: Path, source: str, **env: str) -> dict[str | None, tuple[str, list[tuple[str, str, str]]]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report
    return {e.host: (e.reach, sorted({(s.setting, s.condition, s.shipped) for s in e.switches})) for e in report.endpoints}


_PROVIDERS = '''\
    import os
    from anthropic import Anthropic
    from openai import OpenAI

    LLM = os.getenv("LLM", "openai:gpt-4o-mini")


    def parse_llm(spec):
        provider, model = spec.split(":", 1)
        return provider, model


    class Settings:
        def __init__(self):
            self.provider, self.model = parse_llm(LLM)


    def chat_client():
        settings = Settings()
        if settings.provider == "anthropic":
            return Anthropic()
        return OpenAI()


    def embedding_client():
        if LLM.split(":")[0] == "openai":
            return OpenAI()
'''


def test_a_provider_split_from_a_setting_is_a_switch_on_that_setting(tmp_path: Path) -> None:
    found = _reach(tmp_path, _PROVIDERS)
    assert found["api.anthropic.com"] == ("opt-in", [("env:LLM", "env:LLM == 'anthropic'", "'openai'")])
    assert found["api.openai.com"] == ("default", [])


def test_a_deployment_naming_another_provider_selects_it(tmp_path: Path) -> None:
    found = _reach(tmp_path, _PROVIDERS, LLM="anthropic:claude-3-5-sonnet")
    assert found["api.anthropic.com"] == ("default", [])


def test_a_host_split_from_a_url_setting_reaches_the_sink(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent('''\
        import os
        import requests

        scheme, _, rest = os.getenv("SEARCH_URL", "https://search.example.eu/v1").partition("://")
        host = rest.split("/")[0]


        def search(q):
            return requests.get(f"https://{host}/q", params={"q": q})
    '''))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert {e.host for e in report.endpoints} == {"search.example.eu"}


def test_pieces_before_a_hole_are_known_and_those_after_it_are_not() -> None:
    value = StrValue(("openai:", Hole("env:MODEL")))
    pieces = split_values((value,), "split", ":", 1, _STEP)
    assert [v.text for o in piece(pieces, 0, "app.py", 1) for v in o.values] == ["openai"]
    assert [v.text for o in piece(pieces, 1, "app.py", 1) for v in o.values] == ["{env:MODEL}"]
    hidden = split_values((StrValue((Hole("env:LLM"), ":x")),), "split", ":", -1, _STEP)
    (first,) = piece(hidden, 0, "app.py", 1)
    assert isinstance(first, Strs) and not first.values[0].is_known  # the hole may hold a ':' itself
    assert piece(split_values((StrValue(("a:b",)),), "split", ":", -1, _STEP), 5, "app.py", 1) == []  # an IndexError


def test_negative_indexes_and_rsplit_of_known_strings() -> None:
    pieces = split_values((StrValue(("bedrock/anthropic/claude",)),), "rsplit", "/", 1, _STEP)
    assert [v.text for o in piece(pieces, -1, "app.py", 1) for v in o.values] == ["claude"]
    assert [v.text for o in piece(pieces, 0, "app.py", 1) for v in o.values] == ["bedrock/anthropic"]
    assert piece(pieces, 0, "app.py", 1)[0].values[0].trail[-1] == _STEP
