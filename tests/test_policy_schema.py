"""The policy file is validated against flowscan/schemas/policy.schema.json: every mistake
stops the scan with file:line and exit 2; country codes are checked against ISO 3166-1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from flowscan.cli import main
from flowscan.countries import iso_countries
from flowscan.policy_schema import policy_schema
from flowscan.roles import ROLES
from flowscan.rules_index import known_rule_ids

ROOT = Path(__file__).resolve().parent.parent


def _scan(tmp_path: Path, policy: str):
    (tmp_path / "flowscan.yaml").write_text(policy)
    return CliRunner().invoke(main, ["scan", str(tmp_path), "--no-cache"])


@pytest.mark.parametrize("policy, expected", [
    ("residency:\n  alowed: [eu]\n",
     "flowscan.yaml:2: residency.alowed: unknown key 'alowed' (expected one of: allowed, endpoints, exempt); "
     "did you mean 'allowed'?"),
    ("residency:\n  allowed: eu\n", "flowscan.yaml:2: residency.allowed: must be a list, not a string"),
    ("residency:\n  allowed: [eu]\nrules:\n  scan/parse-error: note\n  residency/region-unknwn: error\n",
     "flowscan.yaml:5: rules.residency/region-unknwn: unknown rule id (see `flowscan rules`); "
     "did you mean 'residency/region-unknown'?"),
    ("rules:\n  scan/parse-error: loud\n",
     "flowscan.yaml:2: rules.scan/parse-error: 'loud' is not one of error, warning, note, off"),
    ("paths:\n  roles:\n    tests: [\"t/**\"]\n",
     "flowscan.yaml:3: paths.roles.tests: unknown name; one of " + ", ".join(ROLES) + "; did you mean 'test'?"),
    ("residency:\n  exempt:\n    - host: api.github.com\n",
     "flowscan.yaml:3: residency.exempt[0]: 'reason' is missing"),
    ("residency:\n  allowed:\n    - eu\n    - eu-wset-1\n", "flowscan.yaml:4: residency.allowed[1]: 'eu-wset-1' is not"),
    ("residency:\n  allowed: [eu, NO]\n",
     "flowscan.yaml:2: residency.allowed[1]: must be a string, not true/false (YAML reads a bare NO"),
    ("residency:\n  allowed: [eu, XX]\n",
     "flowscan.yaml:2: residency.allowed[1]: 'XX' is not an ISO 3166-1 alpha-2 country code"),
    ("residency:\n  endpoints:\n    - host: x.example.com\n      country: ZZ\n      reason: ours\n",
     "flowscan.yaml:4: residency.endpoints[0].country: 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
])
def test_a_policy_mistake_exits_2_with_file_and_line(tmp_path: Path, policy: str, expected: str) -> None:
    result = _scan(tmp_path, policy)
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())


def test_a_misspelt_region_suggests_the_catalog_name(tmp_path: Path) -> None:
    result = _scan(tmp_path, "residency:\n  allowed: [eu-wset-1]\n")
    assert "did you mean 'eu-west-1'?" in " ".join(result.output.split())


def test_valid_policies_pass_including_a_bare_off_and_schema_key(tmp_path: Path) -> None:
    policy = ("$schema: https://flowscan.dev/schemas/policy.schema.json\nversion: 1\n"
              "residency:\n  allowed: [eu, CH, 'NO', eu-central-2]\n"
              "  endpoints:\n    - host: '*.openai.azure.com'\n      region: swedencentral\n      reason: ours\n"
              "rules:\n  scan/parse-error: off\n")
    assert _scan(tmp_path, policy).exit_code == 0


def test_bare_off_switches_the_rule_off(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "x" "y" {\n  a = \n')
    assert _scan(tmp_path, "rules:\n  scan/parse-error: warning\n").stdout.count("scan/parse-error") == 1
    result = _scan(tmp_path, "rules:\n  scan/parse-error: off\n")
    assert result.exit_code == 0 and "scan/parse-error" not in result.stdout


def test_the_schema_names_every_rule_and_role() -> None:
    schema = policy_schema()
    assert set(schema["properties"]["rules"]["propertyNames"]["enum"]) == known_rule_ids()
    assert schema["properties"]["paths"]["properties"]["roles"]["propertyNames"]["enum"] == list(ROLES)
    Draft202012Validator.check_schema(schema)


def test_the_readme_policy_example_is_valid() -> None:
    text = (ROOT / "README.md").read_text()
    start = text.index("```yaml\n", text.index("## Policy: `flowscan.yaml`")) + len("```yaml\n")
    example = yaml.safe_load(text[start:text.index("```", start)])
    assert list(Draft202012Validator(policy_schema()).iter_errors(example)) == []


def test_the_country_table_is_generated_and_complete() -> None:
    table = (ROOT / "rules" / "tables" / "iso-3166-1.yaml").read_text()
    assert "generated_by: scripts/gen_iso_countries.py" in table and 'package: pycountry' in table
    countries = iso_countries()
    assert len(countries) == 249 and countries["NO"] == "Norway" and countries["DE"] == "Germany"
    assert all(len(code) == 2 and code.isupper() for code in countries)


def test_the_catalog_uses_iso_country_codes() -> None:
    """Every country the region catalog names is an ISO 3166-1 code."""
    from flowscan.catalog import bundled_catalog

    catalog = bundled_catalog()
    named = {r.country for table in (*catalog.regions.values(), *catalog.multi_regions.values())
             for r in table.values() if r.country}
    assert named and named <= set(iso_countries())
    json.dumps(sorted(named))
