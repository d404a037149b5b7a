"""Rule documentation from ``rules/checks/*.yaml``: ids, severities, why and how to fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .catalog import CatalogError, default_rules_dir, load_rule_file
from .checks.base import RuleSeverity


@dataclass(frozen=True)
class RuleDoc:
    id: str
    severity: str
    summary: str
    why: str
    fix: str
    references: tuple[str, ...]
    examples: dict
    variants: dict[str, str] = field(default_factory=dict)  # variant name -> its severity
    variant_when: dict[str, str] = field(default_factory=dict)  # variant name -> when it applies
    every_role: bool = False  # reported in tests, examples, ... too (a coverage rule)


@lru_cache(maxsize=1)
def rule_docs() -> dict[str, RuleDoc]:
    docs: dict[str, RuleDoc] = {}
    for path in sorted((default_rules_dir() / "checks").glob("*.yaml")):
        data = load_rule_file(path, "rules-checks.schema.json")
        for entry in data["rules"]:
            if entry["id"] in docs:
                raise CatalogError(f"{path}: rule {entry['id']} is documented twice")
            docs[entry["id"]] = RuleDoc(
                entry["id"], entry["severity"], entry["summary"].strip(), " ".join(entry["why"].split()),
                " ".join(entry["fix"].split()), tuple(entry.get("references", [])), entry.get("examples", {}),
                {name: variant["severity"] for name, variant in entry.get("variants", {}).items()},
                {name: " ".join(variant["when"].split()) for name, variant in entry.get("variants", {}).items()},
                bool(entry.get("every_role", False)),
            )
    return docs


def rule_severities() -> dict[str, RuleSeverity]:
    """Each rule's documented severity and its variants' (what ``Findings.add`` reads)."""
    return {rule: RuleSeverity(doc.severity, dict(doc.variants)) for rule, doc in rule_docs().items()}


def known_rule_ids() -> set[str]:
    return set(rule_docs())


def rule_dict(doc: RuleDoc) -> dict:
    """One rule as JSON data (``flowscan rules --format json``)."""
    return {"id": doc.id, "severity": doc.severity, "summary": doc.summary, "why": doc.why, "fix": doc.fix,
            "references": list(doc.references), "every_role": doc.every_role,
            "variants": {name: {"severity": severity, "when": doc.variant_when.get(name, "")}
                         for name, severity in doc.variants.items()}}


def rules_json(docs: list[RuleDoc] | RuleDoc) -> str:
    """``docs`` (a list, or one rule) as JSON with sorted keys; a list keeps its order."""
    import json

    data = [rule_dict(d) for d in docs] if isinstance(docs, list) else rule_dict(docs)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
