"""The data-flow graph (networkx): from where values are written to the calls that use them.

Nodes are code or config locations (``path:line``), env vars and endpoints; an edge means
"this value flows on to there". Built from every endpoint's provenance chain, so code and
config sources meet in one graph; ``explain`` walks it backwards from an endpoint.
"""

from __future__ import annotations

import networkx as nx

from .model import Endpoint, Step


def step_node(step: Step) -> str:
    return f"{step.path}:{step.line}"


class FlowGraph:
    def __init__(self) -> None:
        self.g = nx.DiGraph()

    def add_endpoint(self, endpoint: Endpoint) -> None:
        node = f"endpoint:{endpoint.id}"
        self.g.add_node(node, kind="endpoint", label=endpoint.host or endpoint.url or "?", context=endpoint.context)
        for trail in endpoint.trails:
            self._add_chain(trail)
        for location in endpoint.locations:
            call = f"{location.path}:{location.line}"
            if call not in self.g:
                self.g.add_node(call, kind="location", path=location.path, line=location.line, details=["call"])
            self.g.add_edge(call, node)

    def _add_chain(self, trail: tuple[Step, ...]) -> None:
        previous: str | None = None
        for step in trail:
            current = step_node(step)
            details = self.g.nodes[current].setdefault("details", []) if current in self.g else None
            if details is None:
                self.g.add_node(current, kind="location", path=step.path, line=step.line, details=[step.detail])
            elif step.detail not in details:
                details.append(step.detail)
            if previous is not None and previous != current:
                self.g.add_edge(previous, current)
            previous = current

    def sources_of(self, endpoint_id: str) -> list[str]:
        """Every location whose value reaches the endpoint, in a stable order."""
        node = f"endpoint:{endpoint_id}"
        if node not in self.g:
            return []
        return sorted(nx.ancestors(self.g, node))

    def chains(self, endpoint_id: str) -> list[list[str]]:
        """Every simple path from a value's origin to the endpoint."""
        node = f"endpoint:{endpoint_id}"
        if node not in self.g:
            return []
        origins = [n for n in nx.ancestors(self.g, node) if self.g.in_degree(n) == 0]
        paths: list[list[str]] = []
        for origin in sorted(origins):
            paths.extend(nx.all_simple_paths(self.g, origin, node, cutoff=32))
        return sorted(paths)
