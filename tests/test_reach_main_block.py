"""A module's script block (``if __name__ == "__main__":``) in a package whose tree declares its
console scripts runs only when someone runs the module (``python -m pkg.module``): its calls, and
the functions only it calls, are opt-in. A tree without commands, or a module a shown file runs
by name (a Dockerfile's ``python -m``), keeps them default."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

PYPROJECT = """\
[project]
name = "acme"
version = "0.1.0"

[project.scripts]
acme = "acme.cli:main"
"""

CLI = """\
import requests


def main():
    requests.get("https://api.acme-search.example.com/v1/status")
"""

RERANK = """\
import asyncio

import requests


async def demo_rerank(query):
    return requests.post("https://rerank.example-vendor.com/v1/rerank", json={"q": query})


if __name__ == "__main__":
    async def main():
        print(await demo_rerank("capital of France"))

    asyncio.run(main())
    requests.get("https://selftest.example.com/ping")
"""


def _scan(root: Path, pyproject: str = PYPROJECT, **files: str) -> dict[str | None, tuple[str, list[str]]]:
    (root / "acme").mkdir(parents=True)
    (root / "acme" / "__init__.py").write_text("")
    (root / "acme" / "cli.py").write_text(CLI)
    (root / "acme" / "rerank.py").write_text(RERANK)
    (root / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        (root / name).write_text(text)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    return {e.host: (e.reach, [s.setting for s in e.switches]) for e in report.endpoints}


def test_a_script_block_of_a_package_module_is_opt_in(tmp_path: Path) -> None:
    found = _scan(tmp_path)
    assert found["api.acme-search.example.com"] == ("default", [])
    assert found["selftest.example.com"] == ("opt-in", ["module acme.rerank run as a script"])
    # called only from the script block (through a function defined there)
    assert found["rerank.example-vendor.com"] == ("opt-in", ["module acme.rerank run as a script"])


def test_a_module_a_deployment_runs_by_name_keeps_its_script_block_default(tmp_path: Path) -> None:
    found = _scan(tmp_path, Dockerfile='FROM python:3.12-slim\nCMD ["python", "-m", "acme.rerank"]\n')
    assert found["selftest.example.com"][0] == "default"
    assert found["rerank.example-vendor.com"][0] == "default"


def test_a_tree_declaring_no_commands_keeps_script_blocks_default(tmp_path: Path) -> None:
    found = _scan(tmp_path, pyproject='[project]\nname = "acme"\nversion = "0.1.0"\n')
    assert found["selftest.example.com"][0] == "default"
