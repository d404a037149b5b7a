"""Every fixture repo's findings match its ``# expect:`` / ``# ok:`` annotations, both ways;
its ``expected.yaml`` endpoints are inventoried; no file is parsed twice; the pre-pass loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flowscan.api import ScanOptions, scan
from flowscan.testing import annotations, compare

from .conftest import FIXTURES

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _findings(result) -> list[tuple[str, int, str]]:
    return sorted((f.path, f.line, f.rule) for f in result.report.findings)


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda p: p.name)
def test_findings_match_annotations(fixture: Path) -> None:
    expected = annotations(fixture)
    assert expected, f"{fixture.name} has no annotations"
    result = scan(fixture, ScanOptions(jobs=1, cache_dir=None))
    problems = compare(expected, _findings(result))
    assert not problems, "\n".join(problems)
    assert [path for path, n in result.stats.parse_counts.items() if n > 1] == []  # every file parsed once


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda p: p.name)
def test_findings_have_the_policy_severity(fixture: Path) -> None:
    """Each finding's severity is its rule's documented default (or one of its documented
    variants'), or the fixture policy's ``rules:`` override; a rule switched off there gives no
    finding."""
    from flowscan.rules_index import rule_docs

    policy_file = fixture / "flowscan.yaml"
    policy = yaml.safe_load(policy_file.read_text()) if policy_file.exists() else {}
    overrides = (policy or {}).get("rules", {}) or {}
    docs = rule_docs()
    for finding in scan(fixture, ScanOptions(jobs=1, cache_dir=None)).report.findings:
        doc = docs[finding.rule]
        want = {overrides[finding.rule]} if finding.rule in overrides else {doc.severity, *doc.variants.values()}
        assert "off" not in want, f"{finding.rule} is off in {policy_file} but reported at {finding.path}:{finding.line}"
        assert finding.severity in want, f"{finding.path}:{finding.line} {finding.rule} is {finding.severity}, not {want}"


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda p: p.name)
def test_expected_endpoints(fixture: Path) -> None:
    spec_path = fixture / "expected.yaml"
    assert spec_path.exists(), f"{fixture.name} needs an expected.yaml (endpoints, hosts, resources)"
    spec = yaml.safe_load(spec_path.read_text())
    result = scan(fixture, ScanOptions(jobs=1))
    endpoints = result.report.endpoints
    for want in spec.get("endpoints", []):
        matches = [e for e in endpoints if e.host == want["host"] and e.context == want.get("context", e.context)]
        assert matches, f"endpoint {want['host']} not found; have {sorted({e.host or '?' for e in endpoints})}"
        for key in ("region", "country", "jurisdiction", "provider"):
            if key in want:
                got = {getattr(e.placement, key, None) if key != "provider" else e.provider for e in matches}
                assert want[key] in got, f"{want['host']}: {key} {got} != {want[key]}"
        if "reach" in want:  # default | opt-in | unknown, with the switches' settings when not default
            got_reach = {(e.reach, tuple(sorted({s.setting for s in e.switches}))) for e in matches}
            want_reach = (want["reach"], tuple(sorted(want.get("switches", []))))
            assert want_reach in got_reach, f"{want['host']}: reach {got_reach} != {want_reach}"
    hosts = {e.host for e in endpoints}
    for absent in spec.get("absent", []):
        assert absent not in hosts, f"{absent} must not be an endpoint (docstring, comment or unused)"
    if "count" in spec:
        assert len(endpoints) == spec["count"], sorted((e.host or "?", e.placement.region) for e in endpoints)
    # Both ways: every reported host is expected, and every expected host is reported.
    assert "hosts" in spec, f"{spec_path} must list every host the scan reports (hosts:)"
    assert sorted({e.host or "?" for e in endpoints}) == sorted(spec["hosts"])
    for missing in spec.get("known_missing", []):
        assert missing not in hosts, f"{missing} is found now: move it from known_missing to hosts"
    resources = result.report.resources
    for want in spec.get("resources", []):
        matches = [r for r in resources if r.address == want["address"]]
        assert matches, f"resource {want['address']} not found; have {sorted(r.address for r in resources)}"
        for key in ("region", "country", "jurisdiction"):
            if key in want:
                assert want[key] in {getattr(r.placement, key) for r in matches}, f"{want['address']}: {key}"
    assert len(resources) == spec.get("resource_count", 0), sorted(r.address for r in resources)


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=lambda p: p.name)
def test_prepass_keeps_every_finding(fixture: Path) -> None:
    fast = scan(fixture, ScanOptions(jobs=1, prepass=True))
    full = scan(fixture, ScanOptions(jobs=1, prepass=False))
    assert _findings(fast) == _findings(full)
    assert [(e.host, e.placement.region) for e in fast.report.endpoints] == \
        [(e.host, e.placement.region) for e in full.report.endpoints]
