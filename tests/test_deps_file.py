"""The scoped hook's record of what each call site depended on (``scoped.load_deps``): units
are kept as indexes into the names, checked when read, and a plan asks which sites depend on
a set of names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowscan.scoped import FORMAT, deps_file, load_deps


def _write(directory: Path, units: list) -> None:
    data = {"format": FORMAT, "digests": {"a.py": "1", "b.py": "2"}, "names": ["a.py", "mention:post", "b.py"],
            "units": units, "holders": {"mention:post": ["a.py"]}, "classes": {}, "env_keys": None}
    deps_file(directory, "key").write_text(json.dumps(data))


def test_sites_depending_on_names(tmp_path: Path) -> None:
    _write(tmp_path, [["a.py", 3, [0]], ["b.py", 7, [1, 2]], ["b.py", 9, []]])
    recorded = load_deps(tmp_path, "key")
    assert recorded is not None
    assert recorded.sites_depending_on({"mention:post"}) == {("b.py", 7)}
    assert recorded.sites_depending_on({"a.py", "b.py"}) == {("a.py", 3), ("b.py", 7)}
    assert recorded.sites_depending_on({"c.py"}) == set()
    assert recorded.holders == {"mention:post": frozenset({"a.py"})}


@pytest.mark.parametrize("deps", [[3], [-1], ["a.py"], [True], [[0]], [1.0]])
def test_a_unit_naming_no_recorded_name_refuses_the_file(tmp_path: Path, deps: list) -> None:
    _write(tmp_path, [["a.py", 3, [0]], ["b.py", 7, deps]])
    assert load_deps(tmp_path, "key") is None
