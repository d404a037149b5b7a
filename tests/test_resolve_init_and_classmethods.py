"""A class whose ``__init__`` sets a field (its constructor arguments are not the fields), and a
classmethod's arguments (``cls`` is not a positional argument of the call)."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line


def test_a_field_set_by_init_is_not_the_constructor_argument(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        from openai import OpenAI


        class LLMConfig:
            base_url: str = "https://api.openai.com/v1"

            def __init__(self, region: str) -> None:
                self.base_url = f"https://{region}.api.openai.com/v1"


        config = LLMConfig("eu")
        client = OpenAI(base_url=config.base_url)
        """)
    assert [e.host for e in by_line[12]] == ["eu.api.openai.com"]


def test_a_classmethod_argument_binds_after_cls(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        from openai import OpenAI


        class Gateway:
            @classmethod
            def connect(cls, base_url: str) -> OpenAI:
                return OpenAI(base_url=base_url)


        client = Gateway.connect("https://eu.api.openai.com/v1")
        """)
    assert [e.host for e in by_line[7]] == ["eu.api.openai.com"]
