"""Policy files and the source lines the console quotes are UTF-8 whatever the locale: a CI
runner with an ASCII locale (no C-locale coercion, no UTF-8 mode) reads them the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_an_ascii_locale_reads_policy_and_sources_as_utf8(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "app.py").write_text('import requests\nrequests.get("https://api.example.com")  # Zürich\n')
    (root / "flowscan.yaml").write_text(
        'residency:\n  allowed: [eu]\n  exempt:\n    - host: api.example.com\n      reason: "Büro Zürich"\n')
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0",
           "PYTHONIOENCODING": "utf-8"}
    run = [sys.executable, "-c", "from flowscan.cli import main; main()", "scan", str(root), "--no-cache",
           "--fail-on", "never"]
    as_json = subprocess.run([*run, "--format", "json", "-o", str(tmp_path / "r.json")], env=env,
                             capture_output=True, text=True, check=False)
    assert as_json.returncode == 0, as_json.stderr
    policy = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["policy"]
    assert policy["exempt"] == [{"host": "api.example.com", "reason": "Büro Zürich"}]

    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")
    console = subprocess.run([*run, "-o", str(tmp_path / "r.txt")], env=env, capture_output=True, text=True, check=False)
    assert console.returncode == 0, console.stderr
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert '       2 | requests.get("https://api.example.com")  # Zürich' in text.splitlines()
