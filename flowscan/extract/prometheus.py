"""Prometheus scrape configurations → the targets they scrape.

A Prometheus config (top-level ``scrape_configs``) or an OpenTelemetry collector config whose
``receivers`` hold a ``prometheus`` receiver (``receivers.prometheus[/name].config.scrape_configs``):
each ``static_configs[].targets`` entry ``host:port`` is a :class:`ScrapeTarget` at its line;
jobs that discover Kubernetes pods or endpoints (``kubernetes_sd_configs``) are kept by job name.
"""

from __future__ import annotations

from ..configfacts import ConfigFacts, ScrapeFacts, ScrapeTarget
from .yamlnodes import ParsedYaml, Y, parse_yaml

KIND = "prometheus"


def extract_prometheus(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    facts = ConfigFacts(path=path, kind=KIND)
    if b"scrape_configs" not in data:
        return facts
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        return facts
    scrape = ScrapeFacts()
    for doc in parsed.documents:
        for jobs in _scrape_config_lists(doc):
            for job in jobs.elements():
                _add_job(job, scrape)
    if scrape.targets or scrape.kubernetes_sd:
        facts.details = scrape
    return facts


def _scrape_config_lists(doc: Y) -> list[Y]:
    if not isinstance(doc.value, dict):
        return []
    out = [doc.get("scrape_configs")] if doc.get("scrape_configs") is not None else []
    receivers = doc.get("receivers")
    for name, receiver in receivers.items() if receivers is not None else []:
        config = receiver.get("config") if name.split("/", 1)[0] == "prometheus" and isinstance(
            receiver.value, dict) else None
        if config is not None and isinstance(config.value, dict) and config.get("scrape_configs") is not None:
            out.append(config.get("scrape_configs"))
    return [node for node in out if isinstance(node.value, list)]


def _add_job(job: Y, scrape: ScrapeFacts) -> None:
    if not isinstance(job.value, dict):
        return
    name = job.get("job_name").scalar() if job.get("job_name") is not None else None
    name = name or "?"
    if job.get("kubernetes_sd_configs") is not None:
        scrape.kubernetes_sd.append((name, job.line))
    statics = job.get("static_configs")
    for static in statics.elements() if statics is not None else []:
        targets = static.get("targets") if isinstance(static.value, dict) else None
        for target in targets.elements() if targets is not None else []:
            text = target.scalar()
            if text:
                host, _, port = text.rpartition(":") if ":" in text else (text, "", "")
                scrape.targets.append(ScrapeTarget(name, host, port or None, target.line))
