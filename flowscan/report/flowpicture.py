"""An SVG picture of where data goes: code file -> config file -> host -> region, hosts coloured by policy
verdict, regions by jurisdiction. Layered (Sugiyama-style): four fixed layers, one barycentre
pass orders each layer to cut crossings, and a fixed grid keeps labels apart and the SVG stable."""

from __future__ import annotations

from html import escape

from ..model import Report
from .evidence import NOT_ALLOWED

VERDICT_COLOURS = {"outside": "#c62828", "unknown": "#ef8f00", "allowed": "#2e7d32", "unjudged": "#546e7a"}
_JURISDICTION_COLOURS = {"eu": "#1565c0", "us": "#6a1b9a", "internal": "#00695c", "uk": "#00838f", "cn": "#8d6e63"}
_PALETTE = ["#1565c0", "#6a1b9a", "#00838f", "#8d6e63", "#ad1457", "#283593", "#558b2f", "#4e342e"]
ROW = 26
COLUMN = 320
LAYERS = 4  # code, config, host, region
MARGIN = 16


def jurisdiction_colour(jurisdiction: str) -> str:
    if jurisdiction == "unknown":
        return VERDICT_COLOURS["unknown"]
    if jurisdiction in _JURISDICTION_COLOURS:
        return _JURISDICTION_COLOURS[jurisdiction]
    return _PALETTE[sum(jurisdiction.encode()) % len(_PALETTE)]


def flow_svg(report: Report) -> str:
    import networkx as nx

    outside = {f.endpoint for f in report.findings if f.rule == NOT_ALLOWED}
    judged = bool(report.policy.get("allowed"))
    g = nx.DiGraph()
    for endpoint in report.endpoints:
        if endpoint.host is None:
            continue
        host = f"host:{endpoint.host}"
        p = endpoint.placement
        verdict = ("outside" if endpoint.id in outside else "unknown" if p.jurisdiction is None
                   else "allowed" if judged else "unjudged")
        previous = g.nodes[host].get("verdict") if host in g else None
        rank = ["allowed", "unjudged", "unknown", "outside"]
        if previous is None or rank.index(verdict) > rank.index(previous):
            g.add_node(host, layer=2, label=endpoint.host, verdict=verdict)
        jurisdiction = p.jurisdiction or "unknown"
        region = f"region:{p.region or '?'}|{jurisdiction}"
        g.add_node(region, layer=3, label=f"{p.region or 'region unknown'} ({jurisdiction})", jurisdiction=jurisdiction)
        g.add_edge(host, region)
        code = {location.path for location in endpoint.locations}
        for path in code:
            g.add_node(f"file:{path}", layer=0, label=path)
            g.add_edge(f"file:{path}", host)
        for step in endpoint.provenance:
            if step.path not in code and not step.path.endswith(".py"):
                g.add_node(f"config:{step.path}", layer=1, label=step.path)
                g.add_edge(f"config:{step.path}", host)
    if not g:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="40" role="img" aria-label="no outbound hosts">' \
               '<text x="8" y="24">No outbound hosts.</text></svg>'
    positions = _grid(_ordered_layers(g))
    height = max(y for _, y in positions.values()) + ROW + MARGIN
    width = LAYERS * COLUMN
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" role="img" aria-label="data-flow graph: code, config, hosts, regions" id="flow-graph">']
    for a, b in sorted(g.edges):
        (x1, y1), (x2, y2) = positions[a], positions[b]
        start = x1 + 14 + 7 * len(_label(g.nodes[a]["label"]))  # past the label (12px text, ~7px a character)
        out.append(f'<line x1="{start}" y1="{y1}" x2="{x2 - 6}" y2="{y2}" stroke="#b0bec5" stroke-width="1"/>')
    for node in sorted(g.nodes):
        data = g.nodes[node]
        x, y = positions[node]
        colour = (VERDICT_COLOURS[data["verdict"]] if "verdict" in data
                  else jurisdiction_colour(data["jurisdiction"]) if "jurisdiction" in data else "#37474f")
        label = _label(data["label"])
        out.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{colour}"><title>{escape(data["label"])}</title></circle>')
        out.append(f'<text x="{x + 9}" y="{y + 4}" font-size="12" fill="{colour}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _label(text: str) -> str:
    return text if len(text) <= 40 else "…" + text[-39:]


def _ordered_layers(g) -> list[list[str]]:
    """Each layer's nodes, top to bottom: the first layer by name, every later node at the mean
    position of its predecessors (the barycentre heuristic), ties by name."""
    layers = [sorted(n for n in g if g.nodes[n]["layer"] == depth) for depth in range(LAYERS)]
    rank: dict[str, float] = {}
    for depth, layer in enumerate(layers):
        if depth:
            layer.sort(key=lambda n: (sum(rank[p] for p in g.predecessors(n)) / g.in_degree(n) if g.in_degree(n) else -1, n))
        rank.update((node, i) for i, node in enumerate(layer))
    return layers


def _grid(layers: list[list[str]]) -> dict[str, tuple[int, int]]:
    return {node: (MARGIN + depth * COLUMN, MARGIN + ROW // 2 + i * ROW)
            for depth, layer in enumerate(layers) for i, node in enumerate(layer)}
