"""Sanity checks on the region data files in rules/regions/ (plain YAML, no flowscan imports)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REGIONS_DIR = Path(__file__).resolve().parent.parent / "rules" / "regions"
CLOUDS = ("aws", "gcp", "azure")
COUNTRY = re.compile(r"[A-Z]{2}")
LABEL = re.compile(r"[a-z]+")


def _load(name: str) -> dict:
    with open(REGIONS_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def clouds() -> dict[str, dict]:
    return {cloud: _load(cloud) for cloud in CLOUDS}


@pytest.fixture(scope="module")
def jurisdictions() -> dict:
    return _load("jurisdictions")


def _by_code(data: dict) -> dict[str, dict]:
    return {entry["code"]: entry for entry in data["regions"]}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_cloud_file_shape(clouds, cloud):
    data = clouds[cloud]
    assert data["cloud"] == cloud
    assert data.get("source") or data.get("sources"), "record where the list came from"
    assert data["regions"], "no regions"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_region_has_code_name_country(clouds, cloud):
    for entry in clouds[cloud]["regions"]:
        for key in ("code", "name", "country"):
            assert isinstance(entry.get(key), str) and entry[key], f"{cloud}: {entry!r} lacks {key}"
        assert re.fullmatch(r"[a-z0-9-]+", entry["code"]), entry["code"]
        # A bare NO in YAML is the boolean false: the isinstance check above catches it too.
        assert COUNTRY.fullmatch(entry["country"]), f"{cloud}: {entry['code']}: bad country {entry['country']!r}"
        if "jurisdiction" in entry:
            assert LABEL.fullmatch(entry["jurisdiction"]), entry


@pytest.mark.parametrize("cloud", CLOUDS)
def test_no_duplicate_codes(clouds, cloud):
    data = clouds[cloud]
    codes = [e["code"] for e in data["regions"]] + [e["code"] for e in data.get("multi_regions", [])]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    assert not dupes, f"{cloud}: duplicate codes {dupes}"


def test_codes_do_not_collide_across_clouds(clouds):
    seen: dict[str, str] = {}
    for cloud, data in clouds.items():
        for entry in [*data["regions"], *data.get("multi_regions", [])]:
            code = entry["code"].lower()
            assert code not in seen, f"{code} is in both {seen[code]} and {cloud}"
            seen[code] = cloud


@pytest.mark.parametrize("cloud", CLOUDS)
def test_multi_regions_shape(clouds, cloud):
    for entry in clouds[cloud].get("multi_regions", []):
        assert entry["code"] and entry["name"], entry
        assert isinstance(entry["jurisdiction"], str) and LABEL.fullmatch(entry["jurisdiction"]), entry
        for country in entry.get("countries", []):
            assert isinstance(country, str) and COUNTRY.fullmatch(country), entry


@pytest.mark.parametrize("cloud, code, country", [
    ("aws", "eu-central-2", "CH"),       # Zurich
    ("aws", "eu-west-2", "GB"),          # London
    ("aws", "eu-south-2", "ES"),         # Spain
    ("aws", "us-east-1", "US"),
    ("aws", "il-central-1", "IL"),
    ("aws", "mx-central-1", "MX"),
    ("aws", "ca-west-1", "CA"),
    ("aws", "ap-southeast-5", "MY"),
    ("aws", "ap-southeast-7", "TH"),
    ("aws", "us-gov-west-1", "US"),
    ("aws", "cn-north-1", "CN"),
    ("aws", "cn-northwest-1", "CN"),
    ("gcp", "europe-west2", "GB"),       # London
    ("gcp", "europe-west6", "CH"),       # Zurich
    ("gcp", "europe-west4", "NL"),
    ("gcp", "europe-west12", "IT"),      # Turin
    ("gcp", "me-central1", "QA"),        # Doha
    ("gcp", "me-central2", "SA"),        # Dammam
    ("gcp", "me-west1", "IL"),           # Tel Aviv
    ("gcp", "asia-northeast1", "JP"),
    ("gcp", "northamerica-south1", "MX"),
    ("gcp", "africa-south1", "ZA"),
    ("azure", "norwayeast", "NO"),
    ("azure", "norwaywest", "NO"),
    ("azure", "westeurope", "NL"),
    ("azure", "northeurope", "IE"),
    ("azure", "swedencentral", "SE"),
    ("azure", "switzerlandnorth", "CH"),
    ("azure", "uksouth", "GB"),
    ("azure", "germanywestcentral", "DE"),
    ("azure", "eastasia", "HK"),
    ("azure", "southeastasia", "SG"),
    ("azure", "usgovvirginia", "US"),
])
def test_spot_checks(clouds, cloud, code, country):
    regions = _by_code(clouds[cloud])
    assert code in regions, f"{cloud}: {code} missing"
    assert regions[code]["country"] == country


@pytest.mark.parametrize("code, jurisdiction", [
    ("US", "us"), ("EU", "eu"), ("EUR4", "eu"), ("NAM4", "us"), ("ASIA1", "jp"),
    ("EUR5", "europe"), ("EUR7", "europe"), ("EUR8", "europe"),
])
def test_gcp_multi_region_spot_checks(clouds, code, jurisdiction):
    multi = {e["code"]: e for e in clouds["gcp"]["multi_regions"]}
    assert multi[code]["jurisdiction"] == jurisdiction


def test_no_needless_jurisdiction_override(clouds, jurisdictions):
    eu = set(jurisdictions["eu_members"])
    special = jurisdictions.get("special", {})
    for cloud, data in clouds.items():
        for entry in data["regions"]:
            if "jurisdiction" not in entry:
                continue
            country = entry["country"]
            derived = "eu" if country in eu else special.get(country, country.lower())
            assert entry["jurisdiction"] != derived, f"{cloud}: {entry['code']}: override equals the derived value"


def test_eu_members(jurisdictions):
    members = jurisdictions["eu_members"]
    assert len(members) == 27
    assert len(set(members)) == 27
    assert all(isinstance(c, str) and COUNTRY.fullmatch(c) for c in members)
    assert "GB" not in members and "CH" not in members and "NO" not in members
    assert jurisdictions["special"]["GB"] == "uk"


def test_groups(jurisdictions):
    groups = jurisdictions["groups"]
    for name in ("eu", "eea", "europe", "us", "uk", "ch", "asia", "northamerica",
                 "southamerica", "australia", "me", "africa"):
        assert name in groups, f"group {name} missing"
    for name, group in groups.items():
        assert LABEL.fullmatch(name), name
        assert group.get("description"), name
        assert group.get("jurisdictions") or group.get("countries"), name
        for label in group.get("jurisdictions", []):
            # Catches a bare `no` (Norway) read as the boolean false, and upper-case labels.
            assert isinstance(label, str) and LABEL.fullmatch(label), f"group {name}: bad label {label!r}"
        for country in group.get("countries", []):
            assert isinstance(country, str) and COUNTRY.fullmatch(country), f"group {name}: bad country {country!r}"
    assert groups["eu"]["jurisdictions"] == ["eu"]
    assert set(groups["eea"]["jurisdictions"]) == {"eu", "no", "is", "li"}
    assert {"eu", "no", "ch", "uk"} <= set(groups["europe"]["jurisdictions"])
    assert {"tr", "il", "ru"}.isdisjoint(groups["europe"]["jurisdictions"])
    assert set(groups["northamerica"]["jurisdictions"]) == {"us", "ca", "mx"}


def test_multi_region_labels_are_known(clouds, jurisdictions):
    """Every multi-region jurisdiction is admitted by at least one group, so a policy can allow it."""
    labels = {j for g in jurisdictions["groups"].values() for j in g.get("jurisdictions", [])}
    for cloud, data in clouds.items():
        for entry in data.get("multi_regions", []):
            assert entry["jurisdiction"] in labels, f"{cloud}: {entry['code']}: {entry['jurisdiction']}"
