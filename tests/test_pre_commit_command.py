"""`flowscan pre-commit FILES`: the whole repository is analysed, only findings whose location
or provenance touches a passed file are reported (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from flowscan.cli import main


def _repo(root: Path) -> None:
    files = {
        "flowscan.yaml": "residency:\n  allowed: [eu]\n",
        "app/client.py": "import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=os.environ['OPENAI_BASE_URL'])\n",
        ".env": "OPENAI_BASE_URL=https://api.openai.com/v1\n",
        "legacy.py": "import requests\nrequests.get('https://api.anthropic.com/v1/models')\n",
        "util.py": "def add(a, b):\n    return a + b\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _hook(root: Path, *files: str):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["pre-commit", *files, "--no-cache"])
    finally:
        os.chdir(cwd)


def test_a_changed_env_reports_the_call_it_moves_in_an_unchanged_file(tmp_path: Path) -> None:
    _repo(tmp_path)
    result = _hook(tmp_path, ".env")
    assert result.exit_code == 1
    assert "app/client.py:3" in result.output and "api.anthropic.com" not in result.output


def test_an_unrelated_file_reports_nothing_and_passes(tmp_path: Path) -> None:
    _repo(tmp_path)
    result = _hook(tmp_path, "util.py")
    assert result.exit_code == 0, result.output
    assert "residency/region-not-allowed" not in result.output


def test_a_changed_policy_reports_everything(tmp_path: Path) -> None:
    _repo(tmp_path)
    result = _hook(tmp_path, "flowscan.yaml")
    assert result.exit_code == 1
    assert "app/client.py:3" in result.output and "legacy.py:2" in result.output
