"""Step Functions rule data (``rules/stepfunctions/*.yaml``) and the boto3 endpoint table it names."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...catalog import default_rules_dir
from ...rulefiles import load_rule_file


@dataclass(frozen=True)
class Optimized:
    """One optimized integration: ``SERVICE:ACTION`` (a glob) → a boto3 client, or the state
    parameter holding the host it calls."""

    integration: str
    client: str | None = None
    url_parameter: str | None = None


@dataclass
class StepFunctionsRules:
    optimized: list[Optimized]
    sdk_services: dict[str, str]
    endpoints: dict[str, str]  # boto3 client -> URL template ({region}, {dns_suffix})
    regional: dict[str, str]  # "client@region" -> URL
    dns_suffixes: dict[str, str]

    def integration(self, service: str, action: str) -> Optimized | None:
        return next((o for o in self.optimized if fnmatch.fnmatchcase(f"{service}:{action}", o.integration)), None)

    def sdk_client(self, name: str) -> str | None:
        """The boto3 client of an AWS SDK service name (``bedrockruntime`` → ``bedrock-runtime``)."""
        if name in self.sdk_services:
            return self.sdk_services[name]
        return next((client for client in self.endpoints if client.replace("-", "") == name), None)

    def url(self, client: str, region: str | None, unknown: str = "{region}") -> str:
        """The client's endpoint in ``region`` (botocore's table); ``unknown`` stands for a region
        not known statically."""
        if region is not None and f"{client}@{region}" in self.regional:
            return self.regional[f"{client}@{region}"]
        template = self.endpoints.get(client, f"https://{client}.{{region}}.{{dns_suffix}}")
        suffix = self.dns_suffixes.get(region or "", "amazonaws.com")
        return template.replace("{region}", region if region is not None else unknown).replace("{dns_suffix}", suffix)


def load_stepfunctions_rules(rules_dir: Path | None = None) -> StepFunctionsRules:
    """Read and validate ``rules/stepfunctions/*.yaml`` and the endpoint table."""
    folder = rules_dir or default_rules_dir()
    tables = load_rule_file(folder / "tables" / "aws-endpoints.yaml", "rules-tables.schema.json")["tables"]
    out = StepFunctionsRules([], {}, tables["endpoints"], tables["regional_endpoints"], tables["dns_suffixes"])
    for path in sorted((folder / "stepfunctions").glob("*.yaml")):
        data = load_rule_file(path, "rules-stepfunctions.schema.json")
        out.optimized += [Optimized(e["integration"], e.get("client"), e.get("url_parameter")) for e in data["optimized"]]
        out.sdk_services.update(data.get("sdk_services", {}))
    return out


@lru_cache(maxsize=1)
def bundled_stepfunctions_rules() -> StepFunctionsRules:
    return load_stepfunctions_rules()
