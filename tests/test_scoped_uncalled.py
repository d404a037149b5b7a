"""The hook and a library's uncalled functions (``reach_uncalled``): whether a package function
is named elsewhere depends on the one file found naming it, so an edit of another file that
merely mentions a common name re-resolves nothing else; a file starting to call an uncalled
function changes its calls' reach as a full scan does."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

from .test_scoped_hook import _append, _scoped_after_edits, _write

TREE = {
    "pyproject.toml": '[project]\nname = "ragkit"\n\n[project.scripts]\nragkit = "ragkit.server:main"\n',
    "ragkit/__init__.py": "",
    "ragkit/llm/__init__.py": "",
    "ragkit/llm/claude.py": """\
        from anthropic import Anthropic


        def claude_complete(prompt):
            return Anthropic().messages.create(model="claude-3-5-sonnet", messages=[{"role": "user", "content": prompt}])
    """,
    "ragkit/llm/mistral.py": """\
        import requests


        def complete(prompt):
            return requests.post("https://api.mistral.ai/v1/chat/completions", json={"prompt": prompt})
    """,
    "ragkit/server.py": """\
        from ragkit.llm import claude
        from ragkit.llm.mistral import complete


        def main():
            print("providers:", claude.__name__)
            return complete("hello")
    """,
    "ragkit/jobs.py": """\
        import requests


        def ping():
            return requests.get("https://status.example.com/ping")
    """,
}


def test_an_edit_mentioning_a_called_function_s_name_resolves_only_its_own_calls(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, TREE)
    edit = _append("ragkit/jobs.py", """

        def complete_job(job):
            complete = job.done  # names 'complete' (not a call of ragkit.llm.mistral.complete)
            return complete
    """)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped == 1  # jobs.py's own call; mistral.py's call asked server.py, not every file


def test_a_file_starting_to_call_an_uncalled_function_makes_its_call_default(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, TREE)
    first = scan(root, ScanOptions(cache_dir=None))
    assert {e.host: e.reach for e in first.report.endpoints}["api.anthropic.com"] == "opt-in"
    edit = _append("ragkit/server.py", """

        GREETING = claude.claude_complete("hello")
    """)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert {e.host: e.reach for e in hook.report.endpoints}["api.anthropic.com"] == "default"
