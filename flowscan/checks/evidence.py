"""Readiness evidence: a self-hosted model with no eval baseline or no load test in the repository.

``readiness/no-eval-baseline`` and ``readiness/no-load-test`` (notes): the scan found a
model-server launch (configs, Helm, platforms, scripts, in-process engines) and nothing in the
repository shows an eval harness / a load-test tool (``rules/readiness/tools.yaml``: config file
names, Python imports, shell-script commands). Reported once each, at the first launch.
"""

from __future__ import annotations

from ..configfacts import ShellFacts
from ..model import Location
from ..readiness_tools import find_evidence, tools
from ..servers import Launch, launches_in_configs, launches_in_module
from .base import Check, Findings, ScanFacts

NO_EVAL = "readiness/no-eval-baseline"
NO_LOAD_TEST = "readiness/no-load-test"


class ReadinessEvidence(Check):
    """Eval harnesses and load tests next to a self-hosted model."""

    rules = (NO_EVAL, NO_LOAD_TEST)
    reads = frozenset({"configs", "modules"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        launches = launches_in_configs(facts.configs)
        for module in facts.modules:
            launches += launches_in_module(module)
        if not launches:
            return
        first = min(launches, key=lambda launch: (launch.path, launch.line))
        commands = [(config.path, command.line, command.words) for config in facts.configs
                    if isinstance(config.details, ShellFacts) for command in config.details.commands]
        for rule, purpose in ((NO_EVAL, "eval"), (NO_LOAD_TEST, "load")):
            if find_evidence(purpose, facts.files, facts.python_imports, commands):
                continue
            out.add(rule, _message(first, len(launches), purpose), Location(first.path, first.line), key=purpose)


_RISK = {
    "eval": ("eval harness", "answer quality after a switch from a hosted model has no baseline to compare against"),
    "load": ("load test", "throughput and latency under real concurrency are unknown until launch traffic shows them"),
}


def _message(first: Launch, count: int, purpose: str) -> str:
    what, risk = _RISK[purpose]
    names = ", ".join(t.id for t in tools() if t.purpose == purpose)
    servers = f"{first.server.name} [{first.context}]" + (f" and {count - 1} more launch(es)" if count > 1 else "")
    return f"{servers} is self-hosted here but the repository has no {what} ({names}): {risk}"


__all__ = ["ReadinessEvidence", "NO_EVAL", "NO_LOAD_TEST"]
