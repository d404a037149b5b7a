"""The shipped pre-commit hooks, driven by the real `pre-commit` tool against a throwaway git
repository, with this checkout (as it is on disk) as the hook source. Skipped when
pre-commit or git is not installed (`pip install -e .[test]` installs pre-commit).

The hook environment is built by pre-commit itself (a virtualenv with flowscan and its
dependencies installed by pip), as a user's first run would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or subprocess.run([sys.executable, "-c", "import pre_commit"],
                                                  capture_output=True).returncode != 0,
    reason="needs git and pre-commit")

GIT_ENV = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev",
           "GIT_COMMITTER_EMAIL": "dev@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
# pre-commit's store (hook environments by repository and rev) outlives the session: the hook
# source's commit is the same for the same files, so a re-run of unchanged code installs nothing.
PRE_COMMIT_HOME = Path(tempfile.gettempdir()) / "flowscan-test-pre-commit-home"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's files (tracked and new, as on disk) committed to a fresh repository:
    pre-commit installs hooks from a commit, and the suite must test the code on disk."""
    env = {**os.environ, **GIT_ENV}
    source = tmp_path_factory.mktemp("hook-source")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "hook source"]):
        _run(args, source, env).check_returncode()
    rev = _run(["git", "rev-parse", "HEAD"], source, env).stdout.strip()
    return source, rev


@pytest.fixture
def repo(tmp_path: Path, hook_source: tuple[Path, str]):
    source, rev = hook_source
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(PRE_COMMIT_HOME)}
    root = tmp_path / "app"
    root.mkdir()
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: flowscan\n      - id: flowscan-inventory\n")
    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")
    (root / "app.py").write_text("import requests\n\n\ndef chat():\n"
                                 "    return requests.post(\"https://api.mistral.ai/v1/chat/completions\")\n")
    (root / "README.md").write_text("# app\n")
    for args in (["git", "init", "-q"], [sys.executable, "-m", "pre_commit", "install"]):
        _run(args, root, env).check_returncode()

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return _run(["git", *args], root, env)

    baseline = _run([sys.executable, "-m", "flowscan", "baseline", "."], root, env)
    assert baseline.returncode == 0, baseline.stderr
    git("add", "-A")
    first = git("commit", "-qm", "first")
    assert first.returncode == 0, first.stdout + first.stderr
    return root, git


def test_the_hook_blocks_a_us_endpoint_under_an_eu_policy_until_it_carries_an_allow(repo) -> None:
    root, git = repo
    with (root / "app.py").open("a") as handle:
        handle.write("\n\ndef models():\n    return requests.get(\"https://api.openai.com/v1/models\")\n")
    git("add", "app.py")
    blocked = git("commit", "-qm", "list openai models")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "residency/region-not-allowed  app.py:9" in output
    assert "new host: api.openai.com (app.py:9)" in output  # the drift gate names the new sub-processor
    assert git("log", "--oneline").stdout.count("\n") == 1

    text = (root / "app.py").read_text().replace(
        "    return requests.get(\"https://api.openai.com/v1/models\")",
        "    # flowscan: allow[residency/region-not-allowed] reason=\"model list only, no customer data\" owner=ml-platform\n"
        "    return requests.get(\"https://api.openai.com/v1/models\")")
    (root / "app.py").write_text(text)
    (root / "README.md").write_text("# app\n")
    baseline = subprocess.run([sys.executable, "-m", "flowscan", "baseline", "."], cwd=root, capture_output=True,
                              text=True)
    assert baseline.returncode == 0
    git("add", "-A")
    allowed = git("commit", "-qm", "list openai models (accepted)")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_old_findings_in_other_files_do_not_block_an_unrelated_commit(repo) -> None:
    root, git = repo
    (root / "legacy.py").write_text("import requests\nrequests.get(\"https://api.anthropic.com/v1/models\")\n")
    git("add", "legacy.py")
    assert git("commit", "-qm", "legacy", "--no-verify").returncode == 0
    (root / "README.md").write_text("# app\n\nDocs only.\n")
    git("add", "README.md")
    docs = git("commit", "-qm", "docs")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    (root / "util.py").write_text("def add(a, b):\n    return a + b\n")
    git("add", "util.py")
    unrelated = git("commit", "-qm", "util")
    output = unrelated.stdout + unrelated.stderr
    assert re.search(r"flowscan \(outbound endpoints and residency\)\.+Passed", output), output
    assert "residency/region-not-allowed" not in output
    # the drift gate still names legacy.py's host, committed without a baseline update
    assert unrelated.returncode != 0 and "new host: api.anthropic.com (legacy.py:2)" in output
