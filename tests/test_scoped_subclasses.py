"""The hook and constructors' inherited callers (``inherited_callers``): looking for the
subclasses of a class reads each file that mentions it by name only (its classes' bases, which
the hook compares itself), so an edit of a file that merely mentions the class re-resolves
only that file's own calls; a file starting to build a subclass with a new base URL changes
the endpoint as a full scan does."""

from __future__ import annotations

from pathlib import Path

from .test_scoped_hook import _append, _scoped_after_edits, _write

TREE = {
    "chatkit/__init__.py": "",
    "chatkit/models.py": """\
        import openai


        class Shared:
            def __init__(self, model_id, api_base=None):
                self.model_id = model_id
                self.api_base = api_base

            def client(self):
                if self.api_base:
                    return openai.OpenAI(base_url=self.api_base)
                return openai.OpenAI()


        class Chat(Shared):
            pass
    """,
    "chatkit/cli.py": """\
        from chatkit.models import Chat


        def main():
            Chat("gpt-4o").client().models.list()
    """,
    "chatkit/docs.py": """\
        import requests

        from chatkit.models import Shared  # named for its docstring only


        def publish():
            return requests.post("https://docs.example.com/publish", json={"doc": Shared.__doc__})
    """,
}


def test_an_edit_of_a_file_naming_the_base_resolves_only_its_own_calls(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, TREE)
    edit = _append("chatkit/docs.py", """

        def page():
            return requests.get("https://docs.example.com/page")
    """)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped == 2  # docs.py's two calls; the client's calls only asked docs.py for its bases


def test_a_new_subclass_built_with_a_base_url_is_found_by_the_hook(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, TREE)
    edit = _append("chatkit/cli.py", """

        class Gateway(Chat):
            pass


        def gateway():
            Gateway("gpt-4o", api_base="https://llm.example.eu/v1").client().models.list()
    """)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert "llm.example.eu" in {e.host for e in hook.report.endpoints}
