"""The check interface: severities come from rule data and the policy only, a check reports
only the rules it declares, and a check runs only when a fact it reads is present."""

from __future__ import annotations

import pytest

from flowscan.checks import ScanFacts, all_checks, run_checks
from flowscan.checks.base import Check, Findings, RuleSeverity
from flowscan.model import Location, ParseError
from flowscan.policy import Policy
from flowscan.rules_index import rule_docs

SEVERITIES = {"demo/rule": RuleSeverity("warning", {"quiet": "note"})}


def _lines(path: str, line: int) -> str:
    return f"text of {path}:{line}"


def test_severity_comes_from_rule_data_and_variants() -> None:
    out = Findings(SEVERITIES, {}, _lines)
    out.add("demo/rule", "loud", Location("a.py", 3))
    out.add("demo/rule", "quiet", Location("a.py", 4), variant="quiet")
    assert [(f.severity, f.line) for f in out.found] == [("warning", 3), ("note", 4)]


def test_policy_override_wins_and_off_drops() -> None:
    out = Findings(SEVERITIES, {"demo/rule": "error"}, _lines)
    out.add("demo/rule", "m", Location("a.py", 3), variant="quiet")
    assert [f.severity for f in out.found] == ["error"]
    out = Findings(SEVERITIES, {"demo/rule": "off"}, _lines)
    out.add("demo/rule", "m", Location("a.py", 3))
    assert out.found == []


def test_fingerprint_depends_on_line_text_and_key_not_line_number() -> None:
    out = Findings(SEVERITIES, {}, lambda path, line: "same text")
    out.add("demo/rule", "m", Location("a.py", 3), key="k")
    out.add("demo/rule", "m", Location("a.py", 9), key="k")
    out.add("demo/rule", "m", Location("a.py", 9), key="other")
    first, moved, other = (f.fingerprint for f in out.found)
    assert first == moved != other


@pytest.mark.parametrize(("rule", "variant"), [("demo/undocumented", None), ("demo/rule", "unknown-variant")])
def test_undocumented_rules_and_variants_are_refused(rule: str, variant: str | None) -> None:
    with pytest.raises(ValueError):
        Findings(SEVERITIES, {}, _lines).add(rule, "m", Location("a.py", 1), variant=variant)


def test_a_check_cannot_report_a_rule_it_does_not_declare() -> None:
    class Sneaky(Check):
        rules = ("demo/rule",)
        reads = frozenset({"parse_errors"})

        def run(self, facts: ScanFacts, out: Findings) -> None:
            out.add("scan/parse-error", "not mine", Location("a.py", 1))

    facts = ScanFacts((), (), (), (), [ParseError("a.py", 1, "bad")], Policy())
    with pytest.raises(ValueError, match="not declared"):
        run_checks(facts, _lines, (Sneaky(),))


def test_a_check_runs_only_when_a_fact_it_reads_is_present() -> None:
    ran: list[str] = []

    class Recorder(Check):
        rules = ("scan/parse-error",)
        reads = frozenset({"resources"})

        def run(self, facts: ScanFacts, out: Findings) -> None:
            ran.append("ran")

    with_errors = ScanFacts((), (), (), (), [ParseError("a.py", 1, "bad")], Policy())
    assert run_checks(with_errors, _lines, (Recorder(),)) == [] and ran == []


def test_every_check_declares_documented_rules_and_real_facts() -> None:
    docs = rule_docs()
    reported = set()
    for check in all_checks():
        assert check.rules and check.reads, type(check).__name__
        assert set(check.rules) <= set(docs), type(check).__name__
        assert check.reads <= ScanFacts.field_names(), type(check).__name__
        reported |= set(check.rules)
    from flowscan.suppress import RULES as SUPPRESSION_RULES

    assert reported | set(SUPPRESSION_RULES) == set(docs), "a documented rule no check reports, or the reverse"
