import pytest

from flowscan.catalog import bundled_catalog
from flowscan.model import Placement
from flowscan.policy import PolicyError, load_policy


def _policy(data):
    return load_policy(data, bundled_catalog(), "flowscan.yaml")


def _at(region: str) -> Placement:
    found = bundled_catalog().find_region(region)
    return Placement(found.code, found.country, found.jurisdiction, "host")


def test_eu_group_excludes_zurich_london_and_norway() -> None:
    policy = _policy({"residency": {"allowed": ["eu"]}})
    assert policy.is_allowed(_at("eu-west-3"))
    assert not policy.is_allowed(_at("eu-central-2"))  # Zurich, CH
    assert not policy.is_allowed(_at("eu-west-2"))  # London, GB
    assert not policy.is_allowed(_at("norwayeast"))


def test_eea_and_gcp_style_groups() -> None:
    assert _policy({"residency": {"allowed": ["eea"]}}).is_allowed(_at("norwayeast"))
    assert _policy({"residency": {"allowed": ["in:eu-locations"]}}).is_allowed(_at("europe-west4"))


def test_countries_and_region_codes() -> None:
    policy = _policy({"residency": {"allowed": ["CH", "us-east-1"]}})
    assert policy.is_allowed(_at("eu-central-2"))
    assert policy.is_allowed(_at("us-east-1"))
    assert not policy.is_allowed(_at("us-west-2"))


def test_internal_is_always_allowed() -> None:
    assert _policy({"residency": {"allowed": ["eu"]}}).is_allowed(Placement("internal", None, "internal", "provider"))


@pytest.mark.parametrize("data, key", [
    ({"residency": {"allowed": ["mars"]}}, "residency.allowed[0]"),
    ({"residency": {"alowed": ["eu"]}}, "alowed"),
    ({"residency": {"endpoints": [{"host": "x"}]}}, "residency.endpoints[0]"),
    ({"rules": {"residency/nope": "error"}}, "rules.residency/nope"),
    ({"rules": {"residency/region-unknown": "loud"}}, "rules.residency/region-unknown"),
    ({"paths": {"exclude": "tests/**"}}, "paths.exclude"),
])
def test_invalid_policy_names_the_key(data, key) -> None:
    from flowscan.rules_index import known_rule_ids

    with pytest.raises(PolicyError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_policy(data, bundled_catalog(), "flowscan.yaml", known_rules=known_rule_ids())


def test_declared_endpoint_region() -> None:
    policy = _policy({"residency": {"endpoints": [{"host": "*.openai.azure.com", "region": "swedencentral", "reason": "r"}]}})
    declared = policy.declared("x.openai.azure.com")
    assert declared and declared.placement.country == "SE" and declared.placement.source == "declared"


def test_the_policy_is_found_above_the_scanned_folder_up_to_the_repository_root(tmp_path) -> None:
    """Scanning src/app of a repository must not lose the repository's policy (a gate that
    passes by mistake); globs stay relative to the policy's folder."""
    from flowscan.api import ScanOptions, scan

    repo = tmp_path / "repo"
    app = repo / "src" / "app"
    (repo / ".git").mkdir(parents=True)
    app.mkdir(parents=True)
    (repo / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\npaths:\n  exclude: [\"src/app/legacy/**\"]\n")
    (app / "client.py").write_text("from openai import OpenAI\nclient = OpenAI()\n")
    (app / "legacy").mkdir()
    (app / "legacy" / "old.py").write_text("import requests\nrequests.get('https://api.old-vendor.example.com')\n")
    report = scan(app, ScanOptions(jobs=1, cache_dir=None)).report
    assert report.policy["allowed"] == ["eu"]
    assert [f.rule for f in report.findings] == ["residency/region-not-allowed"]
    assert ("legacy/", "excluded by paths.exclude") in [(s.path, s.reason) for s in report.coverage.files_skipped]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "flowscan.yaml").write_text("residency:\n  allowed: [us]\n")
    (outside / "repo2" / ".git").mkdir(parents=True)
    assert scan(outside / "repo2", ScanOptions(jobs=1, cache_dir=None)).report.policy["source"] == "none"
