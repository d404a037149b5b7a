"""The ``flowscan readiness`` table: one row per pitfall, its status and evidence lines."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..readiness import AT_RISK, NOT_FOUND, READY, ModelServer, Row

_STYLE = {READY: "green", AT_RISK: "yellow", NOT_FOUND: "dim", "unknown": "magenta"}


def render_readiness(rows: Sequence[Row], servers: Sequence[ModelServer], console: Console) -> None:
    if servers:
        console.print(f"self-hosted model servers: {len(servers)}")
        for server in servers:
            console.print(escape(f"  {server.server} [{server.context}] {server.path}:{server.line}"), highlight=False)
    else:
        console.print(f"self-hosted model servers: none found ({NOT_FOUND} below means nothing to judge)")
    table = Table(title="Production readiness", show_lines=True)
    table.add_column("pitfall")
    table.add_column("status")
    table.add_column("evidence", overflow="fold")
    for row in rows:
        lines = [escape(f"{f.path}:{f.line} {f.rule}: {f.message}") for f in row.evidence]
        lines += [escape(f"not checked: {s.server} [{s.context}] {s.path}:{s.line}") for s in row.unchecked]
        lines += [escape(f"could not decide: {reason}") for reason in row.undecided]
        evidence = "\n".join(lines)
        table.add_row(escape(row.pitfall.title), f"[{_STYLE.get(row.status, '')}]{row.status}[/]", evidence or "-")
    console.print(table)
