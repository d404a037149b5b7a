"""pytest plugin for mutation runs only (``[tool.mutmut] pytest_add_cli_args``); the default
test run never loads it.

mutmut records which tests call each function (its "stats" run), then runs each mutant in a
process forked from one that already ran the suite once. Two kinds of state would lie to it:

- **The report cache on disk.** A test that finds its scan cached never calls the engine, so
  the stats run would not tie it to the functions it checks, and a mutant's run could reuse a
  report cached under the mutated source (which holds every mutant, so its hash never
  changes). Every *test* therefore gets its own empty cache directory.
- **In-memory caches** (``functools.lru_cache``) of the mutated modules: a value cached by the
  unmutated code before the fork would hide a mutant of the cached function. They are cleared
  before every test.

Left out: the tests that install this checkout as a pre-commit hook source (they need a git
checkout, and mutmut's copy, ``mutants/``, is not one) and the start-up import test (mutmut's
trampolines change what importing a module loads).

Tests run fastest first (by the durations mutmut recorded), so that with ``-x`` a killed mutant
stops at its cheapest failing test. Order changes the time, never the verdict.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

_STATS = Path("mutmut-stats.json")  # in mutants/, the working directory of mutmut's test runs


def _mutated_files() -> list[str]:
    """The ``only_mutate`` globs of ``[tool.mutmut]`` (paths like ``flowscan/checks/*.py``)."""
    for folder in (Path.cwd(), *Path.cwd().parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            return tomllib.loads(pyproject.read_text())["tool"]["mutmut"]["only_mutate"]
    return []


_MUTATED = _mutated_files()


def _is_mutated(module_name: str) -> bool:
    path = module_name.replace(".", "/") + ".py"
    return any(fnmatch.fnmatch(path, pattern) for pattern in _MUTATED)


def clear_mutated_caches() -> int:
    """Empty every ``lru_cache`` defined in a mutated module; return how many were cleared."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("flowscan") or not _is_mutated(name):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()
                cleared += 1
    return cleared


@pytest.fixture(autouse=True)
def _isolated_from_other_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("FLOWSCAN_CACHE_DIR")
    os.environ["FLOWSCAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("flowscan-cache"))
    clear_mutated_caches()
    yield
    if previous is None:
        os.environ.pop("FLOWSCAN_CACHE_DIR", None)
    else:
        os.environ["FLOWSCAN_CACHE_DIR"] = previous


_NEEDS_A_CHECKOUT = ("tests/test_pre_commit_hook.py", "tests/test_startup_imports.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept = [item for item in items if not item.nodeid.startswith(_NEEDS_A_CHECKOUT)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    try:
        durations: dict[str, float] = json.loads(_STATS.read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))
