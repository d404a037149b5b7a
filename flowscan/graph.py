"""The data-flow graph (networkx): from where values are written to the calls that use them.

Nodes are code or config locations (``path:line``), env vars and endpoints; an edge means
"this value flows on to there". Built from every endpoint's provenance chain, so code and
config sources meet in one graph; ``explain`` walks it backwards from an endpoint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Endpoint, Step

if TYPE_CHECKING:
    import networkx as nx


def step_node(step: Step, context: str) -> str:
    """A location within one deployment context: the same code line carries different
    values in different contexts, so contexts do not share nodes."""
    return f"{context}|{step.path}:{step.line}"


class FlowGraph:
    """Built on first use (``explain``, exports): a scan only collects the endpoints, so it
    does not pay for networkx."""

    def __init__(self) -> None:
        self.endpoints: list[Endpoint] = []
        self._g: nx.DiGraph | None = None

    def add_endpoint(self, endpoint: Endpoint) -> None:
        self.endpoints.append(endpoint)
        if self._g is not None:
            self._add(endpoint)

    @property
    def g(self) -> nx.DiGraph:
        if self._g is None:
            import networkx as nx

            self._g = nx.DiGraph()
            for endpoint in self.endpoints:
                self._add(endpoint)
        return self._g

    def _add(self, endpoint: Endpoint) -> None:
        node = f"endpoint:{endpoint.id}"
        self.g.add_node(node, kind="endpoint", label=endpoint.host or endpoint.url or "?", context=endpoint.context)
        for trail in endpoint.trails:
            self._add_chain(trail, endpoint.context)
        for location in endpoint.locations:
            call = f"{endpoint.context}|{location.path}:{location.line}"
            if call not in self.g:
                self.g.add_node(call, kind="location", path=location.path, line=location.line, details=["call"])
            self.g.add_edge(call, node)

    def _add_chain(self, trail: tuple[Step, ...], context: str) -> None:
        previous: str | None = None
        for step in trail:
            current = step_node(step, context)
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
        import networkx as nx

        return sorted({n.split("|", 1)[1] for n in nx.ancestors(self.g, node)})
