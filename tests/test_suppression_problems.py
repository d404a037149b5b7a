"""What an incomplete ``flowscan: allow[...]`` directive is told it lacks."""

from __future__ import annotations

from datetime import date

from flowscan.suppress import parse_line

ON = date(2026, 6, 1)


def test_an_allow_names_each_missing_part() -> None:
    assert parse_line("a.py", 1, "# flowscan: allow[a/b] owner=sre", ON).problem == "allow without reason="
    assert parse_line("a.py", 1, '# flowscan: allow[a/b] reason="pilot"', ON).problem == "allow without owner="
    assert parse_line("a.py", 1, "# flowscan: allow[a/b]", ON).problem == "allow without reason= and owner="
