"""The policy's validation and matching rules, one behaviour per test: what each kind of
``residency.allowed`` entry admits, declared and exempt hosts, ``paths.exclude`` globs,
rule severities, and the errors (each names the offending key) for every invalid shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flowscan.catalog import bundled_catalog
from flowscan.model import Placement
from flowscan.policy import (
    Policy,
    PolicyError,
    _glob_match,
    find_policy_file,
    load_policy,
    read_policy_file,
)


def _policy(data: object, extra: list[str] | None = None, known_rules: set[str] | None = None) -> Policy:
    return load_policy(data, bundled_catalog(), "p.yaml", extra_allowed=extra, known_rules=known_rules)


def _allowed(*items: str) -> Policy:
    return _policy({"residency": {"allowed": list(items)}})


def _at(region: str) -> Placement:
    found = bundled_catalog().find_region(region)
    assert found is not None, region
    return Placement(found.code, found.country, found.jurisdiction, "host")


def _error(data: object, known_rules: set[str] | None = None) -> str:
    with pytest.raises(PolicyError) as raised:
        _policy(data, known_rules=known_rules)
    return str(raised.value)


# -- an empty policy -----------------------------------------------------------

@pytest.mark.parametrize("data", [None, {}, {"residency": None, "paths": None, "rules": None}, {"version": 1}])
def test_an_empty_policy_allows_nothing_and_excludes_nothing(data: object) -> None:
    policy = _policy(data)
    assert not policy.has_allowed and not policy.is_allowed(_at("eu-west-1"))
    assert policy.to_dict() == {"source": "p.yaml", "allowed": [], "endpoints": [], "exempt": [], "exclude": [],
                                "roles": {}}
    assert policy.severities == {} and not policy.excluded("tests/test_x.py")


# -- residency.allowed ---------------------------------------------------------

def test_a_group_is_case_insensitive_and_kept_as_written() -> None:
    policy = _allowed(" EU ")
    assert policy.allowed == ["EU"] and policy.has_allowed
    assert policy.allowed_jurisdictions == {"eu"}
    assert policy.is_allowed(_at("eu-west-1")) and not policy.is_allowed(_at("us-east-1"))


def test_a_group_adds_its_countries_as_well_as_its_jurisdictions() -> None:
    policy = _allowed("europe")
    assert {"eu", "uk", "ch"} <= policy.allowed_jurisdictions
    assert "GG" in policy.allowed_countries  # Guernsey: a country of the group, not a jurisdiction
    assert policy.is_allowed(Placement(None, "GG", "gg", "provider"))


def test_google_style_location_groups() -> None:
    eu = _allowed("in:eu-locations")
    europe = _allowed("in:europe-locations")
    assert eu.allowed == ["in:eu-locations"]
    assert eu.is_allowed(_at("europe-west4")) and not eu.is_allowed(_at("europe-west6"))  # Zurich
    assert europe.is_allowed(_at("europe-west6"))


def test_an_unknown_google_style_group_is_an_error() -> None:
    message = _error({"residency": {"allowed": ["in:mars-locations"]}})
    assert "residency.allowed[0]" in message and "'in:mars-locations'" in message


def test_a_cloud_qualified_region_allows_that_region_only() -> None:
    policy = _allowed("gcp:europe-west4")
    assert policy.allowed_regions == {"europe-west4"}
    assert policy.is_allowed(_at("europe-west4")) and not policy.is_allowed(_at("europe-west1"))
    assert not policy.allowed_countries and not policy.allowed_jurisdictions


@pytest.mark.parametrize("entry", ["gcp:eu", "gcp:EU", "eur4", "EUR4", "gcp:eur4"])
def test_a_region_code_is_kept_as_the_catalog_spells_it(entry: str) -> None:
    """Multi-region codes are looked up case-insensitively; placements carry the catalog's
    spelling (EU, EUR4), so that is what the policy must compare them with."""
    found = bundled_catalog().find_region(entry.partition(":")[2] or entry)
    assert found is not None
    policy = _allowed(entry)
    assert policy.allowed_regions == {found.code}
    assert policy.is_allowed(Placement(found.code, found.country, found.jurisdiction, "argument"))


def test_an_allowed_multi_region_admits_the_buckets_placed_in_it(tmp_path: Path) -> None:
    from flowscan.api import ScanOptions, scan

    from .conftest import FIXTURES

    policy = tmp_path / "policy.yaml"
    policy.write_text('residency:\n  allowed: ["gcp:eu"]\n')
    report = scan(FIXTURES / "terraform-gcp-eu", ScanOptions(policy_file=policy, jobs=1, cache_dir=None)).report
    flagged = {f.message.split()[0] for f in report.findings if f.rule == "residency/region-not-allowed"}
    assert flagged == {"google_storage_bucket.exports", "google_cloud_run_v2_service.api"}  # US, europe-west4


def test_a_region_of_another_cloud_is_an_error() -> None:
    assert "residency.allowed[0]" in _error({"residency": {"allowed": ["aws:europe-west4"]}})


def test_an_upper_case_pair_is_a_country() -> None:
    policy = _allowed("DE")
    assert policy.allowed_countries == {"DE"} and not policy.allowed_regions
    assert policy.is_allowed(_at("eu-central-1")) and not policy.is_allowed(_at("eu-west-1"))


def test_a_bare_region_code() -> None:
    policy = _allowed("eu-west-1")
    assert policy.allowed_regions == {"eu-west-1"}
    assert policy.is_allowed(_at("eu-west-1")) and not policy.is_allowed(_at("eu-west-3"))


@pytest.mark.parametrize("jurisdiction", ["li", "global", "internal", "jp"])
def test_a_jurisdiction_label(jurisdiction: str) -> None:
    """Labels named only in groups (li), the two special ones, and those of regions are known."""
    policy = _allowed(jurisdiction)
    assert policy.allowed_jurisdictions == {jurisdiction}
    assert policy.is_allowed(Placement(None, None, jurisdiction, "provider"))
    assert not policy.is_allowed(Placement(None, None, "us", "provider"))


def test_an_unknown_entry_names_its_index_the_groups_and_the_other_kinds() -> None:
    message = _error({"residency": {"allowed": ["eu", "mars"]}})
    groups = ", ".join(sorted(bundled_catalog().groups))
    assert message == (f"p.yaml: residency.allowed[1]: 'mars' is not a region group ({groups}), jurisdiction, "
                       "ISO country code (upper case, e.g. DE) or region code (e.g. eu-west-1)")
    assert "africa, asia, australia, ch, eea, eu, europe" in message  # every group, sorted


def test_entries_of_one_kind_add_up() -> None:
    policy = _allowed("gcp:europe-west4", "eu-west-1", "DE", "FR", "li", "jp", "uk", "ch")
    assert policy.allowed_regions == {"europe-west4", "eu-west-1"}
    assert policy.allowed_countries == {"DE", "FR"}
    assert policy.allowed_jurisdictions == {"li", "jp", "uk", "ch"}


def test_a_group_may_list_only_countries() -> None:
    import dataclasses

    catalog = dataclasses.replace(bundled_catalog(), groups={"micro": {"countries": ["MC", "SM"]},
                                                             "alps": {"jurisdictions": ["ch", "li"]}})
    policy = load_policy({"residency": {"allowed": ["micro", "li"]}}, catalog, "p.yaml")
    assert (policy.allowed_countries, policy.allowed_jurisdictions) == ({"MC", "SM"}, {"li"})


def test_command_line_entries_follow_the_file_entries() -> None:
    policy = _policy({"residency": {"allowed": ["eu"]}}, extra=["CH"])
    assert policy.allowed == ["eu", "CH"] and policy.is_allowed(_at("eu-central-2"))
    with pytest.raises(PolicyError, match=r"residency\.allowed\[1\]: 'mars'"):
        _policy({"residency": {"allowed": ["eu"]}}, extra=["mars"])
    assert _policy(None, extra=["us"]).is_allowed(_at("us-east-1"))


@pytest.mark.parametrize("placement, allowed", [
    (Placement("eu-west-1", "IE", "eu", "host"), True),  # by region
    (Placement("x-1", "FR", "fr-label", "host"), True),  # by country
    (Placement(None, None, "ch", "provider"), True),  # by jurisdiction
    (Placement("internal", None, "internal", "provider"), True),  # never a residency question
    (Placement(None, None, None, "unknown"), False),  # unknown is never allowed
    (Placement("us-east-1", "US", "us", "host"), False),
])
def test_is_allowed_matches_region_country_or_jurisdiction(placement: Placement, allowed: bool) -> None:
    policy = _allowed("eu-west-1", "FR", "ch")
    assert policy.is_allowed(placement) is allowed


# -- residency.endpoints and residency.exempt ----------------------------------

def test_a_declared_region_gives_its_country_jurisdiction_and_reason() -> None:
    policy = _policy({"residency": {"endpoints": [
        {"host": "*.OpenAI.Azure.com", "region": "swedencentral", "reason": "SEC-142"}]}})
    declared = policy.declared("shop.openai.azure.com")
    assert declared is not None and declared.glob == "*.openai.azure.com" and declared.reason == "SEC-142"
    assert declared.placement == Placement("swedencentral", "SE", "eu", "declared", "SEC-142")
    assert policy.declared("api.openai.com") is None
    assert policy.to_dict()["endpoints"] == [
        {"host": "*.openai.azure.com", "region": "swedencentral", "jurisdiction": "eu", "reason": "SEC-142"}]


def test_a_declared_country_gives_its_jurisdiction() -> None:
    policy = _policy({"residency": {"endpoints": [{"host": "llm.example.com", "country": "DE", "reason": "r"}]}})
    declared = policy.declared("llm.example.com")
    assert declared is not None and declared.placement == Placement(None, "DE", "eu", "declared", "r")


def test_a_declared_jurisdiction_with_an_unlisted_region() -> None:
    policy = _policy({"residency": {"endpoints": [
        {"host": "db.example.com", "region": "fra-2", "jurisdiction": "eu", "reason": "r"}]}})
    declared = policy.declared("db.example.com")
    assert declared is not None and declared.placement == Placement("fra-2", None, "eu", "declared", "r")


def test_the_first_matching_declaration_wins() -> None:
    policy = _policy({"residency": {"endpoints": [
        {"host": "a.example.com", "country": "DE", "reason": "first"},
        {"host": "*.example.com", "country": "US", "reason": "second"}]}})
    assert policy.declared("a.example.com").reason == "first"  # type: ignore[union-attr]
    assert policy.declared("b.example.com").reason == "second"  # type: ignore[union-attr]


def test_a_declaration_needs_a_place() -> None:
    message = _error({"residency": {"endpoints": [{"host": "x.example.com", "reason": "r"}]}})
    assert message == "p.yaml: residency.endpoints[0]: give a region (e.g. swedencentral), a country or a jurisdiction"
    message = _error({"residency": {"endpoints": [{"host": "x.example.com", "region": "mars-1", "reason": "r"}]}})
    assert "residency.endpoints[0]: region 'mars-1' is not a known cloud region" in message


@pytest.mark.parametrize("entry, expected", [
    ("x.example.com", "residency.endpoints[0]: must be a mapping with keys host, reason"),
    ({"host": "x", "country": "DE"}, "residency.endpoints[0]: missing key 'reason'"),
    ({"reason": "r", "country": "DE"}, "residency.endpoints[0]: missing key 'host'"),
    ({"host": "x", "reason": "r", "country": "DE", "zone": "a"}, "residency.endpoints[0]: unknown key 'zone'"),
])
def test_invalid_declarations_name_the_problem(entry: object, expected: str) -> None:
    assert expected in _error({"residency": {"endpoints": [entry]}})


def test_exempt_hosts_match_case_insensitively_written_globs() -> None:
    policy = _policy({"residency": {"exempt": [{"host": "Hooks.Slack.com", "reason": "deploy notes"},
                                               {"host": "*.github.com", "reason": "ci"}]}})
    exemption = policy.exemption("hooks.slack.com")
    assert exemption is not None and exemption.reason == "deploy notes" and exemption.glob == "hooks.slack.com"
    assert policy.exemption("api.github.com").reason == "ci"  # type: ignore[union-attr]
    assert policy.exemption("slack.com") is None
    assert policy.to_dict()["exempt"] == [{"host": "hooks.slack.com", "reason": "deploy notes"},
                                          {"host": "*.github.com", "reason": "ci"}]


@pytest.mark.parametrize("entry, expected", [
    ({"host": "x"}, "residency.exempt[0]: missing key 'reason'"),
    ({"host": "x", "reason": "r", "region": "eu-west-1"}, "residency.exempt[0]: unknown key 'region'"),
    (["x"], "residency.exempt[0]: must be a mapping with keys host, reason"),
])
def test_invalid_exemptions_name_the_problem(entry: object, expected: str) -> None:
    assert expected in _error({"residency": {"exempt": [entry]}})


# -- shapes --------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (["eu"], "p.yaml: the policy must be a mapping with keys residency, paths, rules"),
    ({"residncy": {}}, "p.yaml: unknown key 'residncy' (expected one of: $schema, paths, residency, rules, version)"),
    ({"residency": ["eu"]}, "p.yaml: residency: must be a mapping"),
    ({"residency": {"allow": ["eu"]}}, "p.yaml: residency: unknown key 'allow' (expected one of: allowed, endpoints, exempt)"),
    ({"residency": {"allowed": "eu"}}, "p.yaml: residency.allowed: must be a list"),
    ({"residency": {"allowed": ["eu", 7]}}, "p.yaml: residency.allowed[1]: must be a string"),
    ({"residency": {"endpoints": {"host": "x"}}}, "p.yaml: residency.endpoints: must be a list"),
    ({"residency": {"exempt": "x"}}, "p.yaml: residency.exempt: must be a list"),
    ({"paths": ["tests/**"]}, "p.yaml: paths: must be a mapping"),
    ({"paths": {"include": []}}, "p.yaml: paths: unknown key 'include' (expected one of: exclude, roles)"),
    ({"paths": {"exclude": [1]}}, "p.yaml: paths.exclude[0]: must be a string"),
    ({"rules": ["residency/region-unknown"]}, "p.yaml: rules: must be a mapping of rule id to severity"),
    ({"rules": {"residency/region-unknown": "loud"}},
     "p.yaml: rules.residency/region-unknown: severity must be one of error, warning, note, off"),
])
def test_every_invalid_shape_names_its_key(data: object, expected: str) -> None:
    assert _error(data) == expected


def test_rule_ids_are_checked_only_against_a_given_list() -> None:
    assert _policy({"rules": {"custom/rule": "note"}}).severities == {"custom/rule": "note"}
    message = _error({"rules": {"custom/rule": "note"}}, known_rules={"residency/region-unknown"})
    assert message == "p.yaml: rules.custom/rule: unknown rule (see `flowscan rules`)"
    policy = _policy({"rules": {"residency/region-unknown": "off", "a/b": "error", "c/d": "warning"}},
                     known_rules={"residency/region-unknown", "a/b", "c/d"})
    assert policy.severities == {"residency/region-unknown": "off", "a/b": "error", "c/d": "warning"}


# -- paths.exclude ---------------------------------------------------------------

@pytest.mark.parametrize("pattern, path, excluded", [
    ("tests/**", "tests/unit/test_a.py", True),
    ("tests/**", "src/tests/test_a.py", False),  # a pattern with '/' is anchored at the root
    ("**/generated/*.py", "generated/a.py", True),
    ("**/generated/*.py", "src/x/generated/a.py", True),
    ("**/generated/*.py", "src/generated/sub/a.py", False),  # '*' stays within one folder
    ("src/**/settings.py", "src/settings.py", True),  # '**/' spans zero folders too
    ("src/**/settings.py", "src/a/b/settings.py", True),
    ("src/**/settings.py", "lib/src/a/settings.py", False),
    ("legacy_*.py", "scripts/legacy_sync.py", True),  # no '/': any folder
    ("legacy_*.py", "scripts/legacy_sync.pyc", False),
    ("docs", "docs/conf.py", True),  # a folder and everything under it
    ("docs", "src/docs/conf.py", True),
    ("docs", "docsite/conf.py", False),
    ("a?.py", "ab.py", True),
    ("a?.py", "abc.py", False),
    ("a?.py", "a/.py", False),  # '?' is never a '/'
    ("*.py", "x/y.py", True),
    ("src/*.py", "src/a/y.py", False),
    ("data.v1.json", "data-v1-json", False),  # other characters are literal
    ("x**", "x/y/z.py", True),
    ("src/**.py", "src/a/b.py", True),  # '**' without '/' spans folders too ...
    ("src/**.py", "src/a/b_py", False),  # ... and the rest of the pattern still counts
    ("*.py", "src/setup_py", False),
    ("cacheX/", "cacheX/a.py", True),  # only '/' is stripped from the end
    ("cacheX/", "cache/a.py", False),
    ("build/", "build", True),  # a trailing '/': the folder (as the walk asks about it) ...
    ("build/", "build/lib/x.py", True),  # ... and everything under it, at any depth
    ("build/", "src/build/x.py", True),
    ("build/", "builder/x.py", False),
    ("src/gen/", "src/gen/a.py", True),
    ("src/gen/", "lib/src/gen/a.py", False),
])
def test_exclude_globs(pattern: str, path: str, excluded: bool) -> None:
    """The role globs (_glob_match) and paths.exclude (gitignore patterns, flowscan.ignore) agree
    but where gitignore says otherwise: '**' not between '/' is a plain '*'."""
    assert _glob_match(path, pattern) is excluded
    as_git = GITIGNORE_DIFFERS.get((pattern, path), excluded)
    policy = _policy({"paths": {"exclude": ["nothing/here", pattern]}})
    assert policy.excluded(path, is_dir=path == "build") is as_git


GITIGNORE_DIFFERS = {("src/**.py", "src/a/b.py"): False}


def test_exclude_takes_gitignore_negation_and_folder_only_patterns() -> None:
    policy = _policy({"paths": {"exclude": ["generated/", "!generated/keep.py", "*.gen.py"]}})
    assert policy.excluded("generated", is_dir=True) and not policy.excluded("generated", is_dir=False)
    assert policy.excluded("generated/a.py") and not policy.excluded("generated/keep.py")
    assert policy.excluded("src/x.gen.py") and not policy.excluded("src/x.py")


def test_an_excluded_folder_is_not_read(tmp_path: Path) -> None:
    from flowscan.api import ScanOptions, scan

    (tmp_path / "build" / "lib").mkdir(parents=True)
    (tmp_path / "build" / "lib" / "client.py").write_text("from openai import OpenAI\nc = OpenAI()\n")
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://api.example.com')\n")
    (tmp_path / "flowscan.yaml").write_text("paths:\n  exclude: [build/]\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert "build/lib/client.py" not in report.coverage.files_scanned
    assert [(s.path, s.reason) for s in report.coverage.files_skipped if s.path.startswith("build")] == [
        ("build/", "excluded by paths.exclude")]
    assert [e.host for e in report.endpoints] == ["api.example.com"]


def test_to_dict_lists_allowed_and_exclude_as_given() -> None:
    policy = _policy({"residency": {"allowed": ["eu", "CH"]}, "paths": {"exclude": ["tests/**"]}})
    assert policy.to_dict() == {"source": "p.yaml", "allowed": ["eu", "CH"], "endpoints": [], "exempt": [],
                                "exclude": ["tests/**"], "roles": {}}


# -- files -----------------------------------------------------------------------

def test_the_policy_file_is_flowscan_yaml_at_the_root(tmp_path: Path) -> None:
    assert find_policy_file(tmp_path) is None
    (tmp_path / "flowscan.yaml").mkdir()
    assert find_policy_file(tmp_path) is None  # a folder of that name is not a policy
    (tmp_path / "flowscan.yaml").rmdir()
    (tmp_path / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")
    assert find_policy_file(tmp_path) == tmp_path / "flowscan.yaml"
    assert read_policy_file(tmp_path / "flowscan.yaml") == {"residency": {"allowed": ["eu"]}}


def test_unreadable_policy_files_are_policy_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("residency: [eu\n")
    with pytest.raises(PolicyError, match=re.escape(f"{broken}: cannot read policy: ")):
        read_policy_file(broken)
    with pytest.raises(PolicyError, match=re.escape(f"{tmp_path / 'missing.yaml'}: cannot read policy: ")):
        read_policy_file(tmp_path / "missing.yaml")
