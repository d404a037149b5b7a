"""The data-flow graph in exchange formats: node-link JSON, GraphML, Graphviz DOT, Mermaid.

Nodes are code/config locations (per deployment context) and endpoints; an edge means "this
value flows on to there". Every label passes the redactor; the output is sorted, so the same
scan gives the same file.
"""

from __future__ import annotations

import json

from ..graph import FlowGraph
from ..redact import redact

FORMATS = ("json", "graphml", "dot", "mermaid")


def _nodes(flow: FlowGraph) -> list[tuple[str, dict[str, str]]]:
    out = []
    for node in sorted(flow.g.nodes):
        data = flow.g.nodes[node]
        attributes = {"kind": data.get("kind", "")}
        if data.get("kind") == "endpoint":
            attributes["label"] = redact(data.get("label", ""))
            attributes["context"] = data.get("context", "")
        else:
            attributes["label"] = f"{data.get('path')}:{data.get('line')}"
            attributes["details"] = redact("; ".join(data.get("details", [])))
            attributes["context"] = node.split("|", 1)[0]
        out.append((redact(node), attributes))
    return out


def _edges(flow: FlowGraph) -> list[tuple[str, str]]:
    return sorted((redact(a), redact(b)) for a, b in flow.g.edges)


def export_graph(flow: FlowGraph, fmt: str) -> str:
    nodes, edges = _nodes(flow), _edges(flow)
    if fmt == "json":
        return json.dumps({"directed": True, "nodes": [{"id": n, **a} for n, a in nodes],
                           "edges": [{"source": a, "target": b} for a, b in edges]}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "graphml":
        import networkx as nx

        g = nx.DiGraph()
        for node, attributes in nodes:
            g.add_node(node, **attributes)
        g.add_edges_from(edges)
        return "\n".join(nx.generate_graphml(g)) + "\n"
    if fmt == "dot":
        lines = ["digraph flowscan {", "  rankdir=LR;"]
        for node, a in nodes:
            shape = "box" if a["kind"] == "endpoint" else "ellipse"
            lines.append(f"  {_dot(node)} [label={_dot(a['label'])}, shape={shape}];")
        lines += [f"  {_dot(a)} -> {_dot(b)};" for a, b in edges]
        return "\n".join([*lines, "}"]) + "\n"
    if fmt == "mermaid":
        ids = {node: f"n{i}" for i, (node, _) in enumerate(nodes)}
        lines = ["flowchart LR"]
        for node, a in nodes:
            label = _mermaid(a["label"])
            lines.append(f"  {ids[node]}[[\"{label}\"]]" if a["kind"] == "endpoint" else f"  {ids[node]}[\"{label}\"]")
        lines += [f"  {ids[a]} --> {ids[b]}" for a, b in edges]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mermaid(text: str) -> str:
    return text.replace('"', "#quot;")
