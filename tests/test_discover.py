"""The file walk: order, what is skipped and why, and files that must never be opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flowscan.discover import walk


def _tree(root: Path) -> None:
    for rel, text in {
        "app/main.py": "import requests\n",
        "app/z.yaml": "a: 1\n",
        "app/sub/deep.py": "x = 1\n",
        "README.md": "# not read\n",
        "node_modules/pkg/index.py": "x = 1\n",
        "build.sh": "echo hi\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_walk_lists_a_folders_files_before_its_subfolders(tmp_path: Path) -> None:
    _tree(tmp_path)
    inventory = walk(tmp_path, lambda rel, is_dir: False)
    assert [(f.path, f.kind) for f in inventory.files] == [
        ("build.sh", "shell"), ("app/main.py", "python"), ("app/z.yaml", "yaml"), ("app/sub/deep.py", "python"),
    ]
    assert [(s.path, s.reason) for s in inventory.skipped] == [("node_modules/", "tool or dependency folder")]


def test_walk_reports_excluded_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    inventory = walk(tmp_path, lambda rel, is_dir: rel in {"app/sub", "app/z.yaml"})
    assert [f.path for f in inventory.files] == ["build.sh", "app/main.py"]
    assert sorted((s.path, s.reason) for s in inventory.skipped) == [
        ("app/sub/", "excluded by paths.exclude"), ("app/z.yaml", "excluded by paths.exclude"),
        ("node_modules/", "tool or dependency folder"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_walk_never_opens_a_fifo(tmp_path: Path) -> None:
    """A FIFO named like a config file would block a reader forever: it is listed, not read."""
    _tree(tmp_path)
    os.mkfifo(tmp_path / "app" / "values.yaml")
    inventory = walk(tmp_path, lambda rel, is_dir: False)
    assert "app/values.yaml" not in [f.path for f in inventory.files]
    assert ("app/values.yaml", "not a regular file (FIFO, socket or device)") in [
        (s.path, s.reason) for s in inventory.skipped]


def test_walk_does_not_follow_symbolic_links(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "app", target_is_directory=True)
    (tmp_path / "alias.py").symlink_to(tmp_path / "app" / "main.py")
    (tmp_path / "notes.txt").symlink_to(tmp_path / "README.md")
    inventory = walk(tmp_path, lambda rel, is_dir: False)
    assert [f.path for f in inventory.files] == ["build.sh", "app/main.py", "app/z.yaml", "app/sub/deep.py"]
    assert sorted((s.path, s.reason) for s in inventory.skipped) == [
        ("alias.py", "symbolic link not followed"), ("linked/", "symbolic link not followed"),
        ("node_modules/", "tool or dependency folder"),
    ]
