"""A scan loads only what its tree needs (start-up is a bench target: bench/README.md): an
empty folder loads no gitignore matcher, no model-server catalog, no package-metadata parsers
and no resolver; a tree that has them loads and uses them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("pathspec", "flowscan.servers", "tomllib", "configparser", "flowscan.python.resolve")


def _loaded_after_scan(root: Path) -> dict[str, bool]:
    probe = ("import sys; from flowscan.api import scan, ScanOptions; "
             f"r = scan({str(root)!r}, ScanOptions(jobs=1, cache_dir=None)).report; "
             f"print(*[name in sys.modules for name in {HEAVY!r}], ','.join(r.coverage.files_scanned) or '-')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    return {**dict(zip(HEAVY, (word == "True" for word in out))), "files": out[-1]}


def test_an_empty_folder_loads_none_of_them(tmp_path: Path) -> None:
    assert _loaded_after_scan(tmp_path) == {name: False for name in HEAVY} | {"files": "-"}


def test_a_tree_with_a_gitignore_and_package_metadata_loads_them(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = app\n")
    (tmp_path / "app.py").write_text('import requests\nrequests.get("https://api.openai.com/v1/models")\n')
    loaded = _loaded_after_scan(tmp_path)
    assert loaded["pathspec"] and loaded["flowscan.servers"] and loaded["tomllib"] and loaded["configparser"]
    assert loaded["flowscan.python.resolve"]  # an outbound call to resolve
    assert "app.py" in loaded["files"].split(",") and "build/gen.py" not in loaded["files"]  # ignored by .gitignore
