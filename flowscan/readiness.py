"""``flowscan readiness``: is this self-hosted model deployment ready for production traffic?

One row per pitfall teams hit when they move from hosted APIs to their own model servers, each
``ready`` (a model server was found and no finding of the pitfall's rules), ``at risk`` (with
the findings as evidence, each naming its deployment context), ``not found`` (no self-hosted
model server in the scan: nothing to judge) or ``unknown`` (the pitfall's rules are switched off
by the policy). The rows are read from the scan's findings: the checks are the single source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .model import Finding

READY, AT_RISK, NOT_FOUND, UNKNOWN = "ready", "at risk", "not found", "unknown"


@dataclass(frozen=True)
class Pitfall:
    id: str
    title: str
    rules: tuple[str, ...]  # rule ids; an id ending in "/" stands for its whole family


PITFALLS: tuple[Pitfall, ...] = (
    Pitfall("cold-starts", "Cold starts during deploys and restarts", ("serving/cold-start-unprotected",)),
    Pitfall("fallback", "Hosted fallback when the server is down", ("fallback/",)),
    Pitfall("prefix-caching", "Prefix caching on (and routed to)",
            ("caching/prefix-caching-disabled", "caching/cache-aware-routing-off")),
    Pitfall("gpu", "GPU / accelerator requested", ("capacity/no-gpu-resources",)),
    Pitfall("autoscaling", "Capacity follows load (autoscaling)", ("capacity/no-autoscaling",)),
    Pitfall("monitoring", "Metrics collected before traffic", ("monitoring/metrics-not-scraped",)),
    Pitfall("eval-baseline", "Eval baseline before the switch", ("readiness/no-eval-baseline",)),
    Pitfall("load-test", "Load test before launch", ("readiness/no-load-test",)),
)


@dataclass(frozen=True)
class ModelServer:
    server: str
    context: str
    path: str
    line: int


@dataclass
class Row:
    pitfall: Pitfall
    status: str
    evidence: list[Finding] = field(default_factory=list)


def model_servers(configs: Sequence, modules: Sequence) -> list[ModelServer]:
    """Every model-server launch of the scan (configs, Helm contexts, platforms, scripts, Python)."""
    from .servers import launches_in_configs, launches_in_module

    launches = launches_in_configs(configs)
    for module in modules:
        launches += launches_in_module(module)
    found = {ModelServer(launch.server.name, launch.context, launch.path, launch.line) for launch in launches}
    return sorted(found, key=lambda s: (s.path, s.line, s.context))


def readiness_rows(findings: Sequence[Finding], servers: Sequence[ModelServer], switched_off: set[str]) -> list[Row]:
    rows = []
    for pitfall in PITFALLS:
        evidence = [f for f in findings if _matches(f.rule, pitfall.rules)]
        if evidence:
            rows.append(Row(pitfall, AT_RISK, evidence))
        elif any(_matches(rule, pitfall.rules) for rule in switched_off):
            rows.append(Row(pitfall, UNKNOWN))
        else:
            rows.append(Row(pitfall, READY if servers else NOT_FOUND))
    return rows


def _matches(rule: str, rules: tuple[str, ...]) -> bool:
    return any(rule == r or (r.endswith("/") and rule.startswith(r)) for r in rules)


def readiness_json(rows: Sequence[Row], servers: Sequence[ModelServer]) -> dict:
    return {
        "model_servers": [{"server": s.server, "context": s.context, "path": s.path, "line": s.line} for s in servers],
        "pitfalls": [
            {"id": row.pitfall.id, "title": row.pitfall.title, "status": row.status,
             "rules": list(row.pitfall.rules),
             "evidence": [{"rule": f.rule, "severity": f.severity, "path": f.path, "line": f.line, "message": f.message}
                          for f in row.evidence]}
            for row in rows
        ],
    }
