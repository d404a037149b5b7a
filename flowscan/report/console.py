"""The rich console report: inventory by jurisdiction and provider, findings with code, summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .. import __version__
from ..model import Endpoint, Finding, Report, Step
from ..origins import USER_SUPPLIED, origin_kind
from ..redact import redact
from ..values import merge_trails
from .summary import summary_line

_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def _place(endpoint: Endpoint) -> str:
    p = endpoint.placement
    if p.jurisdiction is None:
        return "?"
    return " / ".join(x for x in (p.region, p.country) if x) or "-"


def render_console(report: Report, console: Console, quiet: bool = False) -> None:
    root = Path(report.root)
    if not quiet:
        _header(report, console)
        _inventory(report, console)
    _findings(report, console, root)
    if not quiet:
        _coverage(report, console)
    _summary(report, console)


def _header(report: Report, console: Console) -> None:
    policy = report.policy
    allowed = ", ".join(policy.get("allowed", [])) or "none (inventory only: add residency.allowed or --allow)"
    scope = f"  (scanned: {escape(report.scope)}/)" if report.scope else ""
    console.print(f"[bold]flowscan {__version__}[/bold]  {escape(report.root)}{scope}")
    console.print(f"policy: {escape(policy.get('source', 'none'))}   allowed: {escape(allowed)}")
    if len(report.contexts) > 1:
        console.print(f"contexts: {escape(', '.join(report.contexts))}")
    for line in summary_lines(report):
        console.print(escape(line))
    console.print()


def summary_lines(report: Report) -> list[str]:
    """A few lines an auditor can paste: destinations by jurisdiction and provider, what is
    outside the policy, what could not be placed and why, cloud resources."""
    hosts = {e.host for e in report.endpoints if e.host}
    unknown_rows = [e for e in report.endpoints if e.host is None]
    by_jurisdiction = Counter(e.placement.jurisdiction or "unknown" for e in report.endpoints if e.host)
    providers = sorted({e.provider for e in report.endpoints if e.provider})
    lines = [f"destinations: {len(hosts)} hosts"
             + (f" in {', '.join(f'{j} {n}' for j, n in sorted(by_jurisdiction.items()))}" if by_jurisdiction else "")
             + (f"; {len(unknown_rows)} more whose host is decided at run time" if unknown_rows else "")
             + (f" ({chosen} chosen by the user)" if (chosen := sum(
                 origin_kind(e.host, e.unresolved) == USER_SUPPLIED for e in unknown_rows)) else "")]
    if providers:
        lines.append(f"providers: {', '.join(providers[:12])}" + (f" and {len(providers) - 12} more" if len(providers) > 12 else ""))
    host_of = {e.id: e.host for e in report.endpoints}
    outside = sorted({host_of.get(f.endpoint or "") or f.message.split(" ", 1)[0]  # a resource's message starts with its address
                      for f in report.findings if f.rule == "residency/region-not-allowed"})
    if outside:
        lines.append(f"outside the policy: {', '.join(outside[:8])}" + (" …" if len(outside) > 8 else ""))
    unplaced = sorted({e.host for e in report.endpoints if e.host and e.placement.jurisdiction is None})
    if unplaced:
        lines.append(f"not placed (region unknown): {', '.join(unplaced[:8])}" + (" …" if len(unplaced) > 8 else ""))
    exempt = sorted({f"{e.host} ({e.exempt})" for e in report.endpoints if e.host and e.exempt})
    if exempt:
        lines.append(f"exempt by policy: {', '.join(exempt[:8])}" + (" …" if len(exempt) > 8 else ""))
    by_default = {e.host for e in report.endpoints if e.host and e.reach == "default"}
    behind = sorted({e.host for e in report.endpoints if e.host and e.reach == "opt-in"} - by_default)
    undecided = {e.host for e in report.endpoints if e.host and e.reach == "unknown"} - by_default
    if behind or undecided:
        lines.append(f"reached only once a setting selects them: {', '.join(behind[:8]) or 'none'}"
                     + (" …" if len(behind) > 8 else "")
                     + (f"; {len(undecided)} more behind a setting whose shipped value is not known" if undecided else ""))
    if report.resources:
        lines.append(f"cloud resources: {len(report.resources)} with a location")
    return lines


def reach_text(endpoint: Endpoint) -> str:
    """``default``, or ``opt-in: env:LLM_PROVIDER`` (the settings it waits for)."""
    if endpoint.reach == "default":
        return "default"
    settings = list(dict.fromkeys(s.setting for s in endpoint.switches))
    shown = ", ".join(settings[:2]) + (" …" if len(settings) > 2 else "")
    return f"{endpoint.reach}: {shown}" if shown else endpoint.reach


def _inventory(report: Report, console: Console) -> None:
    if not report.endpoints and not report.resources:
        console.print("No outbound endpoints found.\n")
        return
    if report.endpoints:
        _endpoint_table(report, console)
    if report.resources:
        _resource_table(report, console)


def _endpoint_table(report: Report, console: Console) -> None:
    groups: dict[str, dict[str, list[Endpoint]]] = defaultdict(lambda: defaultdict(list))
    for endpoint in report.endpoints:
        groups[endpoint.placement.jurisdiction or "unknown"][endpoint.provider or "-"].append(endpoint)
    with_reach = any(e.reach != "default" for e in report.endpoints)  # the column only when it says something
    columns = ("jurisdiction", "provider", "host", "region / country", "how placed", "context",
               *(["reach"] if with_reach else []), "called at")
    rows = []
    for jurisdiction in sorted(groups, key=lambda j: (j == "unknown", j)):
        for provider in sorted(groups[jurisdiction]):
            for endpoint in groups[jurisdiction][provider]:
                first = endpoint.locations[0]
                more = f" (+{len(endpoint.locations) - 1})" if len(endpoint.locations) > 1 else ""
                host = endpoint.host or f"? {endpoint.url or endpoint.sdk or ''}"
                rows.append((
                    jurisdiction, provider, redact(host), _place(endpoint),
                    endpoint.placement.source + (" (exempt)" if endpoint.exempt else ""),
                    endpoint.context, *([reach_text(endpoint)] if with_reach else []),
                    f"{first.path}:{first.line}{more}",
                ))
    _table_or_list(console, "Outbound endpoints", columns, rows, keep_whole=("host", "called at"))


def _table_or_list(console: Console, title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]],
                   keep_whole: tuple[str, ...]) -> None:
    """A table when the console is wide enough to show every ``keep_whole`` cell (a host, a
    path) on one line; otherwise one block per row, so a narrow or piped console never cuts a
    host in pieces."""
    widths = _column_widths(columns, rows, keep_whole, console.width)
    if widths is not None:
        table = Table(title=title, title_justify="left")
        for column, width in zip(columns, widths, strict=True):
            table.add_column(column, overflow="fold", width=width)
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
        console.print()
        return
    console.print(f"[bold]{escape(title)}[/bold]")
    for row in rows:
        cells = dict(zip(columns, row, strict=True))
        console.print(escape(cells[keep_whole[0]]), style="bold", soft_wrap=True)
        details = [f"{c}: {cells[c]}" for c in columns if c not in keep_whole[:1] and cells[c] not in ("", "-")]
        console.print("  " + escape("; ".join(details)))
    console.print()


def _column_widths(columns: tuple[str, ...], rows: list[tuple[str, ...]], keep_whole: tuple[str, ...],
                   room: int) -> list[int | None] | None:
    """The width of each column of a table in ``room`` characters (None: as wide as its cells),
    or None when it does not fit: ``keep_whole`` columns at full width, every other column at
    least its header's longest word and 10 characters of its cells, the spare room given to the
    narrowest columns that can use it. Fixed widths, so rich never narrows a whole column or
    folds a header word."""
    cells = [max((len(row[i]) for row in rows), default=0) for i in range(len(columns))]
    natural = [max(len(column), width) for column, width in zip(columns, cells, strict=True)]
    borders = 3 * len(columns) + 1  # a space either side of each cell, a rule between and around
    if sum(natural) + borders <= room:
        return [None] * len(columns)
    widths = [natural[i] if column in keep_whole else max(max(len(word) for word in column.split()), min(cells[i], 10))
              for i, column in enumerate(columns)]
    spare = room - borders - sum(widths)
    if spare < 0:
        return None
    for _ in range(spare):
        wanting = [i for i, column in enumerate(columns) if column not in keep_whole and widths[i] < natural[i]]
        if not wanting:
            break
        widths[min(wanting, key=lambda i: widths[i])] += 1
    return [None if column in keep_whole else width for column, width in zip(columns, widths, strict=True)]


def _resource_table(report: Report, console: Console) -> None:
    rows = [(r.placement.jurisdiction or "unknown", f"{r.address}.{r.attribute}",
             " / ".join(x for x in (r.placement.region, r.placement.country) if x) or "?", r.context, str(r.location))
            for r in report.resources]
    _table_or_list(console, "Cloud resources with a location", ("jurisdiction", "resource", "region / country",
                   "context", "set at"), rows, keep_whole=("resource", "set at"))


def _findings(report: Report, console: Console, root: Path) -> None:
    endpoints = {e.id: e for e in report.endpoints}
    lines: dict[str, list[str]] = {}
    for finding in report.findings:
        style = _STYLE.get(finding.severity, "")
        head = Text()
        head.append(f"{finding.severity:<7}", style=style)
        head.append(f" {finding.rule}  ", style="bold")
        head.append(f"{finding.path}:{finding.line}")
        if finding.suppression is not None:
            s = finding.suppression
            by = f" by {s.owner}" if s.owner else ""
            head.append(f"  suppressed ({s.kind}{by}{' until ' + s.until if s.until else ''}: {s.reason or 'no reason'})",
                        style="dim")
        console.print(head)
        console.print(f"    {escape(redact(finding.message))}")
        excerpt = _line(root, finding.path, finding.line, lines)
        if excerpt:
            console.print(Text(f"    {finding.line:>4} | {redact(excerpt.rstrip())}", style="dim"))
        endpoint = endpoints.get(finding.endpoint or "")
        chain = _chain_to(endpoint, finding) if endpoint is not None else []
        if chain:
            places = [f"{s.path}:{s.line}" for s in chain]
            places = [p for i, p in enumerate(places) if i == 0 or p != places[i - 1]]
            chain = " -> ".join(places[-5:])
            console.print(Text(f"    via {chain}", style="dim"))
    if report.findings:
        console.print()


def _chain_to(endpoint: Endpoint, finding: Finding) -> list[Step]:
    """The steps of the endpoint's chains that end at the finding's call site (an endpoint
    called from several places merges all of them in ``provenance``)."""
    ending_here = [trail for trail in endpoint.trails
                   if trail and (trail[-1].path, trail[-1].line) == (finding.path, finding.line)]
    return list(merge_trails(*ending_here)) if ending_here else endpoint.provenance


def _line(root: Path, path: str, line: int, cache: dict[str, list[str]]) -> str:
    if path not in cache:
        try:
            cache[path] = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            cache[path] = []
    text = cache[path]
    return text[line - 1] if 0 < line <= len(text) else ""


def _coverage(report: Report, console: Console) -> None:
    c = report.coverage
    console.print(f"coverage: {len(c.files_scanned)} files read, {len(c.files_analyzed)} Python files analysed, "
                  f"{len(c.parse_errors)} parse errors, {len(c.files_skipped)} skipped")
    reasons = Counter(s.reason for s in c.files_skipped)
    for reason, count in sorted(reasons.items()):
        console.print(f"  skipped {count}: {escape(reason)}", style="dim")
    for role, counts in c.roles.items():
        if counts["call_sites_hidden"] or counts["findings_hidden"]:
            console.print(f"  not shown: {counts['call_sites_hidden']} endpoint call sites and {counts['findings_hidden']} "
                          f"findings in {counts['files']} {role} files (--include {role}, or --all-code)", style="dim")
    for note in c.notes:
        console.print(f"  note: {escape(note)}", style="dim")


def _summary(report: Report, console: Console) -> None:
    text, style = summary_line(report)
    console.print(text, style=style)


def render_explain(endpoint: Endpoint, sources: list[str], findings: list[Finding], console: Console) -> None:
    """The chains for one endpoint as a tree (origin -> ... -> call), and every location of
    the data-flow graph whose value reaches it."""
    p = endpoint.placement
    title = (f"[bold]{escape(endpoint.host or endpoint.url or '?')}[/bold]  provider={endpoint.provider or '-'}  "
             f"region={p.region or '?'} country={p.country or '?'} jurisdiction={p.jurisdiction or '?'} "
             f"({p.source}{': ' + escape(p.note) if p.note else ''})  context={endpoint.context}")
    tree = Tree(title)
    for trail in endpoint.trails or [tuple(endpoint.provenance)]:
        branch = tree.add("chain")
        for step in trail:
            branch = branch.add(f"{step.path}:{step.line}  {escape(step.detail)}")
    if endpoint.reach != "default":
        reach = tree.add(f"reach: {endpoint.reach}")
        for switch in endpoint.switches:
            taken = {True: "taken", False: "not taken", None: "not known"}[switch.taken]
            reach.add(f"{switch.path}:{switch.line}  {escape(switch.condition)}  (shipped: {escape(switch.shipped)}; {taken})")
    calls = tree.add("called at")
    for location in endpoint.locations:
        calls.add(f"{location.path}:{location.line}")
    if sources:
        tree.add(f"{len(sources)} locations feed it: " + ", ".join(sources))
    for finding in findings:
        tree.add(Text(f"{finding.severity} {finding.rule} {finding.path}:{finding.line} [{finding.fingerprint}]",
                      style=_STYLE.get(finding.severity, "")))
    console.print(tree)


def render_resource(resource, console: Console) -> None:
    """The chain that decided a cloud resource's location."""
    p = resource.placement
    tree = Tree(f"[bold]{escape(resource.address)}.{resource.attribute}[/bold]  region={p.region or '?'} "
                f"country={p.country or '?'} jurisdiction={p.jurisdiction or '?'}  context={resource.context}")
    branch = tree.add("chain")
    for step in resource.provenance:
        branch = branch.add(f"{step.path}:{step.line}  {escape(step.detail)}")
    tree.add(f"set at {resource.location}")
    console.print(tree)
