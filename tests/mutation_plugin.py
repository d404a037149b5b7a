"""pytest plugin for mutation runs only (``[tool.mutmut] pytest_add_cli_args``); the default
test run never loads it.

- Each pytest session gets its own empty cache directory, removed when the session ends.
  mutmut runs every mutant in a process forked from one that already imported ``conftest``,
  so the directory it chose would be shared by all mutants, and a report cached under the
  mutated source (which holds every mutant, so its hash never changes) would hide a mutant.
- Tests run fastest first (by the durations mutmut recorded), so that with ``-x`` a killed
  mutant stops at its cheapest failing test. Order changes the time, never the verdict.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_DIR_KEY = "_flowscan_mutation_cache_dir"
_STATS = Path("mutmut-stats.json")  # in mutants/, the working directory of mutmut's test runs


def pytest_configure(config: pytest.Config) -> None:
    directory = tempfile.mkdtemp(prefix="flowscan-mutant-cache-")
    os.environ["FLOWSCAN_CACHE_DIR"] = directory
    setattr(config, _DIR_KEY, directory)


def pytest_unconfigure(config: pytest.Config) -> None:
    directory = getattr(config, _DIR_KEY, None)
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    try:
        durations: dict[str, float] = json.loads(_STATS.read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
