"""pip's own options and URL requirements on a command line the code runs (``option`` and
``urls`` in rules/sinks/commands.yaml, ``option_values`` / ``url_words`` in python/commands.py)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.python.commands import option_values, url_words
from flowscan.values import Hole, StrValue


def _hosts(root: Path, code: str, env: dict[str, str] | None = None) -> set[str | None]:
    (root / "app.py").write_text(code)
    return {e.host for e in scan(root, ScanOptions(jobs=1, cache_dir=None, env=env or {})).report.endpoints}


def test_option_values_read_both_spellings_and_keep_an_unknown_value_open() -> None:
    command = StrValue(("pip install -i https://a.example/simple --index-url=", Hole("env:IDX"), " x"))
    assert [v.text for v in option_values(command, ["--index-url", "-i"])] == ["https://a.example/simple", "{env:IDX}"]
    assert option_values(StrValue.literal("pip install -U x"), ["--index-url", "-i"]) == []


def test_url_words_drop_vcs_prefixes_and_name_at() -> None:
    command = StrValue.literal("pip install 'git+https://github.com/org/a.git' b@git+ssh://git@gitlab.com/o/b.git"
                               " --extra-index-url https://download.pytorch.org/whl/cpu plain-name")
    assert [v.text for v in url_words(command)] == [
        "https://github.com/org/a.git", "ssh://git@gitlab.com/o/b.git", "https://download.pytorch.org/whl/cpu"]


def test_an_index_url_on_the_command_line_replaces_pypi(tmp_path: Path) -> None:
    code = "import subprocess\nsubprocess.check_call(['pip', 'install', '-i', 'https://nexus.internal/simple', 'torch'])\n"
    assert _hosts(tmp_path, code) == {"nexus.internal"}


def test_the_command_line_index_wins_over_pip_index_url(tmp_path: Path) -> None:
    code = "import subprocess\nsubprocess.run('pip install --index-url https://mirror.example/simple x', shell=True)\n"
    assert _hosts(tmp_path, code, {"PIP_INDEX_URL": "https://nexus.internal/simple"}) == {"mirror.example"}


def test_an_extra_index_keeps_pypi_and_adds_its_host(tmp_path: Path) -> None:
    code = ("import subprocess, sys\n\ndef install():\n"
            "    cmd = [sys.executable, '-m', 'pip', 'install', 'app[help]', '--extra-index-url',"
            " 'https://download.pytorch.org/whl/cpu']\n"
            "    subprocess.run(cmd)\n")
    assert _hosts(tmp_path, code) == {"pypi.org", "files.pythonhosted.org", "download.pytorch.org"}


def test_an_index_url_the_analysis_cannot_resolve_is_an_unknown_host(tmp_path: Path) -> None:
    code = ("import subprocess, sys\n\ndef install(index):\n"
            "    subprocess.run([sys.executable, '-m', 'pip', 'install', '--index-url', index, 'x'])\n")
    assert _hosts(tmp_path, code) == {None}


def test_urls_of_other_commands_are_not_read(tmp_path: Path) -> None:
    code = "import subprocess\nsubprocess.run(['git', 'clone', 'https://github.com/org/repo.git'])\n"
    assert _hosts(tmp_path, code) == set()
