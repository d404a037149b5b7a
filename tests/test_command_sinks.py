"""Commands the code runs that download on their own (``command: true`` / ``match: words`` in
rules/sinks/commands.yaml), and the words matching behind them."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.python.commands import first_words_case
from flowscan.values import StrValue

CASES = {"pip install": {}, "playwright install": {}}


def _command(*parts: str | None) -> StrValue:
    """A command whose None parts are holes."""
    return StrValue(tuple(StrValue.hole("word").parts[0] if p is None else p for p in parts))


def test_words_match_adjacent_known_words() -> None:
    assert first_words_case(_command(None, " -m pip install -U ", None), CASES) == "pip install"
    assert first_words_case(_command("python -m playwright install chromium"), CASES) == "playwright install"


def test_words_split_by_a_hole_or_out_of_order_do_not_match() -> None:
    assert first_words_case(_command("pip ", None, " install"), CASES) is None
    assert first_words_case(_command("pip", None, " install x"), CASES) is None  # "pip{hole}" is one unknown word
    assert first_words_case(_command("install pip"), CASES) is None
    assert first_words_case(_command("pipx install ruff"), CASES) is None


def _hosts(root: Path, code: str) -> set[str | None]:
    (root / "app.py").write_text(code)
    return {e.host for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_pip_install_reaches_pypi_and_its_file_host(tmp_path: Path) -> None:
    code = ("import subprocess, sys\n\ndef ensure(pkg):\n"
            "    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-U', pkg])\n")
    assert _hosts(tmp_path, code) == {"pypi.org", "files.pythonhosted.org"}


def test_an_unknown_command_is_no_endpoint(tmp_path: Path) -> None:
    code = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, check=True)\n    subprocess.run(['git', 'pull'])\n"
    assert _hosts(tmp_path, code) == set()


def test_a_command_joined_from_lists_in_a_helper_is_read(tmp_path: Path) -> None:
    """``cmd = [...]; cmd += args`` in one function, the extra words from its callers, and
    ``[sys.executable] + "-m playwright install chromium".split()``."""
    code = ("import subprocess, sys\n\n"
            "def pip_install(args):\n"
            "    cmd = [sys.executable, '-m', 'pip', 'install', '--upgrade']\n"
            "    cmd += args\n"
            "    return cmd\n\n"
            "def run(cmd):\n"
            "    return subprocess.Popen(cmd)\n\n"
            "def install_extras():\n"
            "    run(pip_install(['app[browser]']))\n"
            "    run([sys.executable] + '-m playwright install --with-deps chromium'.split())\n")
    assert _hosts(tmp_path, code) == {"pypi.org", "files.pythonhosted.org", "cdn.playwright.dev"}
