"""The scoped hook's record of what each call site depended on (``scoped.load_deps``): units
are kept as indexes into the names, checked when read, and a plan asks which sites depend on
a set of names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowscan.scoped import FORMAT, deps_file, load_deps


def _write(directory: Path, units: list) -> None:
    """``units``: [path, line, [dependency index, ...]], written as the scan writes them (each
    distinct set once)."""
    sets: list[list] = []
    for _, _, deps in units:
        if deps not in sets:
            sets.append(deps)
    data = {"format": FORMAT, "digests": {"a.py": "1", "b.py": "2"}, "names": ["a.py", "mention:post", "b.py"],
            "sets": sets, "units": [[path, line, sets.index(deps)] for path, line, deps in units],
            "holders": {"mention:post": ["a.py"]}, "classes": {}, "env_keys": None}
    deps_file(directory, "key").write_text(json.dumps(data))


def test_sites_depending_on_names(tmp_path: Path) -> None:
    _write(tmp_path, [["a.py", 3, [0]], ["b.py", 7, [1, 2]], ["b.py", 9, []], ["b.py", 11, [1, 2]]])
    recorded = load_deps(tmp_path, "key")
    assert recorded is not None
    assert len(recorded.sets) == 3  # b.py:7 and b.py:11 share one set
    assert recorded.sites_depending_on({"mention:post"}) == {("b.py", 7), ("b.py", 11)}
    assert recorded.sites_depending_on({"a.py", "b.py"}) == {("a.py", 3), ("b.py", 7), ("b.py", 11)}
    assert recorded.sites_depending_on({"c.py"}) == set()
    assert recorded.holders == {"mention:post": frozenset({"a.py"})}


@pytest.mark.parametrize("deps", [[3], [-1], ["a.py"], [True], [[0]], [1.0]])
def test_a_unit_naming_no_recorded_name_refuses_the_file(tmp_path: Path, deps: list) -> None:
    _write(tmp_path, [["a.py", 3, [0]], ["b.py", 7, deps]])
    assert load_deps(tmp_path, "key") is None


@pytest.mark.parametrize("number", [3, -1, "0", True, None])
def test_a_unit_naming_no_recorded_set_refuses_the_file(tmp_path: Path, number: object) -> None:
    _write(tmp_path, [["a.py", 3, [0]]])
    data = json.loads(deps_file(tmp_path, "key").read_text())
    data["units"].append(["b.py", 7, number])
    deps_file(tmp_path, "key").write_text(json.dumps(data))
    assert load_deps(tmp_path, "key") is None
