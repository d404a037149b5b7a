"""A broken or mismatched parser install stops the scan with exit 2 and the fix (issue 11):
Checkov's bc-python-hcl2 shadowing python-hcl2, or a python-hcl2 older than 8, must never
turn every .tf file into a parse warning and exit 0. Each case puts a fake ``hcl2`` package
with its distribution metadata first on PYTHONPATH, as pip would have installed it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowscan.deps import hcl2_problem


def _fake_hcl2(site: Path, distribution: str, version: str) -> None:
    (site / "hcl2").mkdir(parents=True)
    (site / "hcl2" / "__init__.py").write_text("def loads(text):\n    return {}\n")
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    (info / "RECORD").write_text(f"hcl2/__init__.py,,\n{info.name}/METADATA,,\n")


def _scan(tree: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "flowscan", "scan", str(tree), "--no-cache"], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    root.mkdir()
    (root / "main.tf").write_text('resource "google_storage_bucket" "b" {\n  location = "US"\n}\n')
    return root


@pytest.mark.parametrize("distribution, version, says", [
    ("bc-python-hcl2", "0.4.3", "comes from bc-python-hcl2 0.4.3, not python-hcl2"),
    ("python-hcl2", "7.3.1", "python-hcl2 7.3.1 is installed; flowscan needs >=8,<9"),
])
def test_a_wrong_hcl2_exits_2_with_the_fix(tmp_path: Path, tree: Path, distribution: str, version: str,
                                           says: str) -> None:
    site = tmp_path / "site"
    _fake_hcl2(site, distribution, version)
    result = _scan(tree, site)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr
    assert "pip install 'python-hcl2>=8,<9'" in result.stderr


def test_a_tree_without_terraform_does_not_need_hcl2(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _fake_hcl2(site, "bc-python-hcl2", "0.4.3")
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("import requests\nrequests.get('https://api.openai.com/v1')\n")
    result = _scan(app, site)
    assert result.returncode == 0 and "api.openai.com" in result.stdout


def test_the_installed_hcl2_is_the_right_one() -> None:
    assert hcl2_problem() is None
