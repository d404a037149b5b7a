"""The scoped hook does not load a widened file whose call sites it read back: the findings the
module checks made there and tied to an endpoint are the recorded ones (``ScopePlan.module_findings``),
and they still touch a changed file that now feeds that endpoint, as a full scan's do."""

from __future__ import annotations

from pathlib import Path

from flowscan.changed import touching
from tests.test_scoped_hook import _append, _scoped_after_edits, _write

SELF_HOSTED_APP = {
    "app/__init__.py": "",
    "app/chat.py": """\
        from openai import OpenAI

        client = OpenAI(base_url="http://vllm.internal:8000/v1", api_key="none")


        def ask(question):
            return client.chat.completions.create(model="qwen", messages=[question])
    """,
    "app/jobs.py": """\
        import requests


        def run():
            return requests.get("https://status.example.eu/health")
    """,
}
NEW_CALL = """

    def warm():
        return requests.post("http://vllm.internal:8000/v1/completions", json={})
"""


def test_a_module_finding_of_a_read_back_file_touches_the_changed_file(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, SELF_HOSTED_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [_append("app/jobs.py", NEW_CALL)])
    assert hook.stats.scoped is not None
    assert "app/chat.py" not in hook.program.loaded  # its sites were read back
    shown = touching(hook.report, {"app/jobs.py"})
    assert [(f.rule, f.path) for f in shown if f.rule == "fallback/missing"] == [("fallback/missing", "app/chat.py")]
