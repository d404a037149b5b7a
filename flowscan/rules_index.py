"""Rule documentation from ``rules/checks/*.yaml``: ids, severities, why and how to fix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jsonschema
from .catalog import CatalogError, default_rules_dir, load_rule_yaml


@dataclass(frozen=True)
class RuleDoc:
    id: str
    severity: str
    summary: str
    why: str
    fix: str
    references: tuple[str, ...]
    examples: dict


@lru_cache(maxsize=1)
def rule_docs() -> dict[str, RuleDoc]:
    schema = json.loads(resources.files("flowscan.schemas").joinpath("rules-checks.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    docs: dict[str, RuleDoc] = {}
    for path in sorted((default_rules_dir() / "checks").glob("*.yaml")):
        data = load_rule_yaml(path)
        for error in validator.iter_errors(data):
            where = "/".join(str(p) for p in error.absolute_path)
            raise CatalogError(f"{path}: {where}: {error.message}")
        for entry in data["rules"]:
            if entry["id"] in docs:
                raise CatalogError(f"{path}: rule {entry['id']} is documented twice")
            docs[entry["id"]] = RuleDoc(
                entry["id"], entry["severity"], entry["summary"].strip(), " ".join(entry["why"].split()),
                " ".join(entry["fix"].split()), tuple(entry.get("references", [])), entry.get("examples", {}),
            )
    return docs


def known_rule_ids() -> set[str]:
    return set(rule_docs())
