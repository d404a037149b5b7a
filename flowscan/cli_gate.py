"""The gate commands: ``flowscan baseline``, ``flowscan diff`` (the drift gate) and
``flowscan pre-commit`` (the hook: the filenames pre-commit passes). Registered on the
``flowscan`` group by ``cli.py``."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import _allow_opt, _cache_opt, _exit_for, _ignore_opt, _jobs_opt, _options, _path_arg, _policy_opt, _render, _run_scan, main
from .cli import _strict_opt
from .gc_pause import scan_objects_kept_from_collection


def apply_baseline(report, baseline_file: Path) -> None:
    """Drop the findings ``baseline_file`` holds; a coverage note says how many."""
    from .baseline import BaselineError, load_baseline, new_findings

    try:
        baseline = load_baseline(baseline_file)
    except BaselineError as exc:
        raise click.UsageError(str(exc)) from exc
    report.findings, hidden = new_findings(report.findings, baseline)
    if hidden:
        report.coverage.notes.append(f"{hidden} findings in the baseline {baseline_file.name} are not shown")


@main.command("baseline")
@_path_arg
@_policy_opt
@_allow_opt
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the baseline. Default: .flowscan-baseline.json in PATH.")
@_jobs_opt
@_cache_opt
@_ignore_opt
def baseline_command(path: Path, policy: Path | None, allow: tuple[str, ...], output: Path | None, jobs: int | None,
                     no_cache: bool, no_ignore: bool) -> None:
    """Record today's findings and inventory (providers, hosts, regions, jurisdictions) in
    .flowscan-baseline.json: `scan --baseline` then reports only new findings and `diff`
    fails on new destinations. Commit the file."""
    from .baseline import BASELINE_FILE, render_baseline
    from .cli import _emit
    from .inventory import inventory_of

    target = output or path / BASELINE_FILE
    report = _run_scan(path, _options(policy, allow, jobs, False, no_cache, no_ignore=no_ignore)).report
    _emit(render_baseline(report), target)
    hosts = len(inventory_of(report).items["hosts"])
    click.echo(f"flowscan: wrote {target}: {len(report.findings)} findings, {hosts} hosts")


@main.command("diff")
@_path_arg
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The baseline to compare with. Default: .flowscan-baseline.json in PATH.")
@_policy_opt
@_allow_opt
@_jobs_opt
@_cache_opt
@_ignore_opt
def diff_command(path: Path, baseline_file: Path | None, policy: Path | None, allow: tuple[str, ...],
                 jobs: int | None, no_cache: bool, no_ignore: bool) -> None:
    """The drift gate: exit 1 when PATH sends data to a provider, host, region or jurisdiction
    the baseline does not list (a new sub-processor a DPA must hear about), naming each."""
    import sys

    from .baseline import BASELINE_FILE, BaselineError, load_baseline
    from .inventory import added, drift_lines, inventory_of

    source = baseline_file or path / BASELINE_FILE
    if not source.is_file():
        raise click.UsageError(f"no baseline at {source}: write one with `flowscan baseline`")
    try:
        baseline = load_baseline(source)
    except BaselineError as exc:
        raise click.UsageError(str(exc)) from exc
    now = inventory_of(_run_scan(path, _options(policy, allow, jobs, False, no_cache, no_ignore=no_ignore)).report)
    lines = drift_lines(added(baseline.inventory, now))
    gone = sorted(item for kind, items in baseline.inventory.items() for item in items
                  if item not in now.items.get(kind, {}))
    if gone:
        click.echo(f"no longer seen (refresh with `flowscan baseline`): {', '.join(gone)}")
    if lines:
        click.echo("\n".join(lines))
        click.echo(f"flowscan: {len(lines)} new in the inventory since {source}", err=True)
        sys.exit(1)
    click.echo(f"flowscan: no new provider, host, region or jurisdiction since {source}")


@main.command("pre-commit")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_policy_opt
@_allow_opt
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Report only findings not in this baseline.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default="error", show_default=True)
@_jobs_opt
@_cache_opt
@_ignore_opt
@_strict_opt
@click.option("--stats", is_flag=True, help="Print phase timings and what was resolved to stderr.")
@scan_objects_kept_from_collection()
def pre_commit_command(files: tuple[Path, ...], policy: Path | None, allow: tuple[str, ...],
                       baseline_file: Path | None, fail_on: str, jobs: int | None, no_cache: bool,
                       no_ignore: bool, strict: bool = False, stats: bool = False) -> None:
    """The pre-commit hook: analyse the whole repository (the working folder) for context,
    report only findings whose location or provenance is in one of FILES (the files
    pre-commit passes); every finding when flowscan.yaml or the baseline changed. The summary
    line counts the endpoints called from FILES or whose values pass through them."""
    from .changed import relative_paths, touching, touching_endpoints

    root = Path(".")
    options = _options(policy, allow, jobs, False, no_cache, no_ignore=no_ignore)
    options.scoped = True  # only findings touching FILES are shown: resolve only what they can affect
    result = _run_scan(root, options)
    report = result.report
    if stats:
        for line in result.stats.lines():
            click.echo(f"flowscan stats: {line}", err=True)
    if strict:
        from .strict import apply_strict

        apply_strict(report)
    if baseline_file is not None:
        apply_baseline(report, baseline_file)
    changed = relative_paths(Path(report.root), tuple(str(f) for f in files))
    report.endpoints = touching_endpoints(report, changed)  # the summary counts what the commit touches
    report.findings = touching(report, changed)
    _render(report, "console", None, True)
    _exit_for(report, fail_on)
