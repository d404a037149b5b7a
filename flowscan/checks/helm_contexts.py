"""Findings over Helm deployment contexts: a chart is read once per values file, so a check
of its rendered objects would report the same template line once per context. A
:class:`ContextFindings` collects them and reports each once, naming the contexts it holds in
(a finding that an overlay clears names only the others)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..configfacts import ConfigFacts, HelmFacts, KubernetesFacts
from ..model import Location
from .base import Findings


def helm_rendered(configs: Any) -> Iterator[tuple[str, str, KubernetesFacts]]:
    """(context name, template path, facts) of every Helm context's rendered objects."""
    for config in configs:
        if isinstance(config.details, HelmFacts):
            for path, k8s in config.details.rendered:
                yield context_name(config), path, k8s


def context_name(config: ConfigFacts) -> str:
    helm = config.details
    assert isinstance(helm, HelmFacts)
    rel = posixpath.relpath(config.path, helm.chart_dir) if helm.chart_dir else config.path
    return f"helm:{helm.chart}/{rel}"


@dataclass
class _Pending:
    rule: str
    message: str
    location: Location
    options: dict[str, Any]
    contexts: list[str] = field(default_factory=list)


class ContextFindings:
    """Stands in for :class:`Findings` while a check runs over Helm contexts; ``flush``
    reports each distinct finding once."""

    context: str  # the Helm context being checked: the check sets it before its findings for that context

    def __init__(self, out: Findings):
        self._out = out
        self.line_text = out.line_text
        self._pending: dict[tuple[str, str, int, str], _Pending] = {}

    def add(self, rule: str, message: str, location: Location, *, key: str = "", **options: Any) -> None:
        found = self._pending.setdefault((rule, location.path, location.line, key),
                                         _Pending(rule, message, location, {"key": key, **options}))
        if self.context not in found.contexts:
            found.contexts.append(self.context)

    def flush(self) -> None:
        for pending in self._pending.values():
            contexts = ", ".join(pending.contexts)
            self._out.add(pending.rule, f"{pending.message} [{contexts}]", pending.location, **pending.options)
        self._pending.clear()
