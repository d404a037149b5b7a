"""``flowscan readiness``: is this self-hosted model deployment ready for production traffic?

One row per pitfall teams hit when they move from hosted APIs to their own model servers, each
``ready`` (a model server was found and no finding of the pitfall's rules), ``at risk`` (with
the findings as evidence, each naming its deployment context), ``not found`` (no self-hosted
model server in the scan: nothing to judge) or ``unknown`` (the pitfall's rules are switched off
by the policy, or do not read how any of the servers is deployed). Servers of a kind a row's
rules do not read are listed with the row as not checked. The rows are read from the scan's findings: the checks are the single source.
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
    checks: frozenset[str] | None = None  # launch kinds (context prefixes) the rules read; None: every kind


_WORKLOADS = frozenset({"k8s", "helm"})
PITFALLS: tuple[Pitfall, ...] = (
    Pitfall("cold-starts", "Cold starts during deploys and restarts", ("serving/cold-start-unprotected",),
            _WORKLOADS | {"compose"}),
    Pitfall("fallback", "Hosted fallback when the server is down", ("fallback/",)),
    Pitfall("prefix-caching", "Prefix caching on (and routed to)",
            ("caching/prefix-caching-disabled", "caching/cache-aware-routing-off")),
    Pitfall("gpu", "GPU / accelerator requested", ("capacity/no-gpu-resources",), _WORKLOADS),
    Pitfall("kv-cache", "KV-cache room for the model, sequence length and batch", ("caching/kv-cache-pressure",)),
    Pitfall("autoscaling", "Capacity follows load (autoscaling)", ("capacity/no-autoscaling",),
            _WORKLOADS | {"kserve", "kubeai", "ray"}),
    Pitfall("monitoring", "Metrics collected before traffic", ("monitoring/metrics-not-scraped",),
            _WORKLOADS | {"compose"}),
    Pitfall("eval-baseline", "Eval baseline before the switch", ("readiness/no-eval-baseline",)),
    Pitfall("load-test", "Load test before launch", ("readiness/no-load-test",)),
)


@dataclass(frozen=True)
class ModelServer:
    server: str
    context: str
    path: str
    line: int

    @property
    def kind(self) -> str:
        """How it is deployed: the context's prefix (k8s, helm, compose, kserve, kubeai, ...)."""
        return self.context.split(":", 1)[0] if ":" in self.context else self.context


@dataclass
class Row:
    pitfall: Pitfall
    status: str
    evidence: list[Finding] = field(default_factory=list)
    unchecked: list[ModelServer] = field(default_factory=list)  # servers of a kind the pitfall's rules do not read
    undecided: list[str] = field(default_factory=list)  # launches the pitfall's check could not decide, and why


def model_servers(configs: Sequence, modules: Sequence) -> list[ModelServer]:
    """Every model-server launch of the scan (configs, Helm contexts, platforms, scripts, Python)."""
    if not configs and not modules:
        return []  # nothing to read: the server catalog is not loaded
    from .servers import launches_in_configs, launches_in_module

    launches = launches_in_configs(configs)
    for module in modules:
        launches += launches_in_module(module)
    found = {ModelServer(launch.server.name, launch.context, launch.path, launch.line) for launch in launches}
    return sorted(found, key=lambda s: (s.path, s.line, s.context))


def readiness_rows(findings: Sequence[Finding], servers: Sequence[ModelServer], switched_off: set[str],
                   notes: dict[str, list[str]] | None = None) -> list[Row]:
    """``notes``: pitfall id -> the launches its check could not decide; a pitfall with such
    launches and no finding is ``unknown``, not ``ready``."""
    rows = []
    for pitfall in PITFALLS:
        evidence = [f for f in findings if _matches(f.rule, pitfall.rules)]
        unchecked = [s for s in servers if pitfall.checks is not None and s.kind not in pitfall.checks]
        undecided = list((notes or {}).get(pitfall.id, []))
        if evidence:
            rows.append(Row(pitfall, AT_RISK, evidence, unchecked, undecided))
        elif any(_matches(rule, pitfall.rules) for rule in switched_off):
            rows.append(Row(pitfall, UNKNOWN))
        elif not servers:
            rows.append(Row(pitfall, NOT_FOUND))
        else:
            status = UNKNOWN if len(unchecked) == len(servers) or undecided else READY
            rows.append(Row(pitfall, status, [], unchecked, undecided))
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
                          for f in row.evidence],
             "not_checked": [{"server": s.server, "context": s.context, "path": s.path, "line": s.line}
                             for s in row.unchecked],
             "undecided": row.undecided}
            for row in rows
        ],
    }
