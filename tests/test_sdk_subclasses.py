"""An SDK client subclassed in the tree is the SDK: its constructor call, or the
super().__init__ of a subclass that defines __init__, is the SDK's constructor call."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import endpoints_by_line


def test_subclass_constructor_and_super_init_are_the_sdk(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, """\
        from openai import OpenAI


        class Gateway(OpenAI):
            \"\"\"Our LLM gateway in Frankfurt.\"\"\"

            def __init__(self, team: str):
                super().__init__(base_url="https://llm-gw.eu.example.com/v1", default_headers={"x-team": team})


        class Plain(OpenAI):
            pass


        class Audited(Plain):
            pass


        def ask(question):
            Gateway("search").chat.completions.create(model="gpt-4o", messages=[question])
            Plain(base_url="https://plain.example.com/v1").chat.completions.create(model="gpt-4o", messages=[question])
            return Audited().chat.completions.create(model="gpt-4o", messages=[question])
    """)
    assert {line: [e.host for e in found[line]] for line in found} == {
        8: ["llm-gw.eu.example.com"],  # the super().__init__ call of a subclass with its own __init__
        21: ["plain.example.com"],  # a subclass without __init__: its constructor is the SDK's
        22: ["api.openai.com"],  # two levels down, no base_url: the SDK's default
    }
    assert all(e.sdk == "openai.OpenAI" for endpoints in found.values() for e in endpoints)


def test_a_class_that_only_shares_a_base_name_is_not_an_sdk(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, """\
        class OpenAI:
            \"\"\"A local stub with the SDK's name.\"\"\"


        class Fake(OpenAI):
            def __init__(self):
                super().__init__()


        Fake()
    """)
    assert found == {}
