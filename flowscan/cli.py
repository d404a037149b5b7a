"""The ``flowscan`` command line (click). Thin: the work is in ``api.py``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .gc_pause import scan_objects_kept_from_collection

# Everything but click is imported where it is used: `flowscan --version` and `--help` stay
# instant, and a scan loads only what its output format needs.

FAIL_LEVELS = {"error": 0, "warning": 1, "note": 2}
_RANK = {"error": 0, "warning": 1, "note": 2}


class _Group(click.Group):
    """Exit 130 on Ctrl-C, as shells expect of an interrupted command (click would exit 1,
    the code for "findings")."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("flowscan: interrupted", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `flowscan regions | head`: the reader left; no traceback, no "internal error"
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
            sys.exit(141)  # 128 + SIGPIPE, as a shell reports a command killed by a closed pipe
        except Exception as exc:  # a bug outside what the scan contains per file: exit 2, never 0 or "findings"
            if os.environ.get("FLOWSCAN_DEBUG"):
                raise
            click.echo(f"flowscan: internal error ({type(exc).__name__}); no report was written. "
                       "Set FLOWSCAN_DEBUG=1 for the traceback.", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="flowscan")
def main() -> None:
    """flowscan: where does your application's data go?

    Lists every outbound endpoint that Python code calls (SDK defaults, settings classes,
    env defaults, f-strings, imports across packages) with provider, region, country and
    jurisdiction, and flags endpoints outside the regions your policy allows.

    \b
    Quick start:
      flowscan scan .                      inventory + findings for this repository
      flowscan scan . --allow eu           allow only EU regions
      flowscan scan . --format json -o report.json
      flowscan explain api.openai.com .    how a host was reached, step by step
      flowscan rules                       what each finding means
      flowscan report . -o residency.md    residency evidence (markdown, html, csv, cyclonedx)
      flowscan readiness .                 is the self-hosted model deployment ready for traffic?
      flowscan pre-commit FILES            the hook: findings touching these files only

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, config or internal error,
    130 interrupted.
    """


def _options(policy: Path | None, allow: tuple[str, ...], jobs: int | None, no_prepass: bool,
             no_cache: bool = False, include: tuple[str, ...] = (), all_code: bool = False, no_ignore: bool = False):
    from .api import ScanOptions
    from .roles import ROLES

    allowed: list[str] = []
    for item in allow:
        allowed.extend(x.strip() for x in item.split(",") if x.strip())
    roles = [x.strip() for item in include for x in item.split(",") if x.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise click.BadParameter(f"unknown role {unknown[0]!r}; one of {', '.join(ROLES)}", param_hint="--include")
    options = ScanOptions(policy_file=policy, allow=allowed, jobs=jobs, prepass=not no_prepass,
                          include=("all",) if all_code else tuple(roles))
    if no_cache:
        options.cache_dir = None
    options.gitignore = not no_ignore
    options.repository_paths = True  # every output names files from the repository root (flowscan.repopaths)
    return options


_path_arg = click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
_policy_opt = click.option("--policy", type=click.Path(exists=True, dir_okay=False, path_type=Path), envvar="FLOWSCAN_POLICY",
                           help="Policy file. Default: flowscan.yaml at the scan root, if present.")
_allow_opt = click.option("--allow", multiple=True, metavar="REGIONS",
                          help="Allowed regions, added to the policy's residency.allowed: groups (eu, eea, europe, us, uk, "
                               "in:eu-locations), jurisdictions, ISO countries (DE) or region codes (eu-west-1). "
                               "Repeat or separate with commas.")
_include_opt = click.option(
    "--include", multiple=True, metavar="ROLES",
    help="Also show these code roles beside production code and deployment config: test, example, docs, "
         "benchmark, eval, script (repeat or separate with commas). Roles come from folder and file names "
         "(tests/, test_*.py, examples/, docs/, ...) and the policy's paths.roles.")
_all_code_opt = click.option("--all-code", is_flag=True, help="Show every code role (tests, examples, ... included).")
_jobs_opt = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                         help="Parallel parser processes. Default: one per core.")
_prepass_opt = click.option("--no-prepass", is_flag=True,
                            help="Parse every Python file instead of only those the byte pre-pass selects (slower).")
_ignore_opt = click.option("--no-ignore", is_flag=True,
                           help="Also read files git ignores (.gitignore, .git/info/exclude); paths.exclude still applies.")
_strict_opt = click.option(
    "--strict", is_flag=True,
    help="Configuration a residency decision depends on (Terraform, Bicep, CloudFormation, Kubernetes, compose, Helm, "
         "Dockerfile, .env, settings) that could not be parsed or read is an error (exit 1), not a warning.")
_cache_opt = click.option("--no-cache", is_flag=True,
                          help="Do not read or write the cache ($FLOWSCAN_CACHE_DIR, default ~/.cache/flowscan): parsed "
                               "facts, and the report a re-scan reuses when nothing it depended on changed.")


_progress_opt = click.option("--no-progress", is_flag=True,
                             help="No progress line on stderr (it shows only on a terminal, after a second).")


def _run_scan(path: Path, options, progress: bool = False):
    """The scan, with a progress line on stderr when ``progress`` (see flowscan.progress)."""
    from .api import scan
    from .catalog import CatalogError
    from .deps import DependencyError
    from .policy import PolicyError

    try:
        if progress:
            from rich.console import Console

            from .progress import ScanProgress

            with ScanProgress(Console(stderr=True)) as display:
                options.progress = display.update
                return scan(path, options)
        return scan(path, options)
    except (PolicyError, CatalogError) as exc:
        raise click.UsageError(str(exc)) from exc
    except DependencyError as exc:
        error = click.ClickException(str(exc))
        error.exit_code = 2  # a broken install, like a usage error: never "findings" (1) or "clean" (0)
        raise error from exc


_paths_arg = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def _targeted(paths: tuple[Path, ...], options) -> Path:
    """The scan root for PATHS (default: .); ``options`` is told which files under it were asked for."""
    from .targets import targets_of

    from .discover import classify

    for path in paths:
        if path.is_file() and classify(path.name) is None:
            click.echo(f"flowscan: {path} is not a kind of file flowscan reads (Python, Terraform, YAML, .env, "
                       "Dockerfile, shell, Bicep, CloudFormation JSON); nothing in it is analysed", err=True)
    targets = targets_of(paths)
    options.only = targets.only
    return targets.root


@main.command("scan")
@_paths_arg
@_policy_opt
@_allow_opt
@click.option("--format", "fmt",
              type=click.Choice(["console", "json", "sarif", "text", "markdown", "html", "csv", "cyclonedx"]),
              default="console", show_default=True,
              help="Report format. json follows flowscan/schemas/report.schema.json; sarif is SARIF 2.1.0; text is one "
                   "line per finding (path:line:col: severity rule message); markdown/html/csv/cyclonedx are the "
                   "evidence formats of `flowscan report`.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of stdout.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity exists.")
@click.option("--quiet", "-q", is_flag=True, help="Console: only findings and the summary line (for pre-commit).")
@_include_opt
@_all_code_opt
@_jobs_opt
@_prepass_opt
@_cache_opt
@click.option("--stats", is_flag=True,
              help="Print what the scan cost to stderr: time per phase, Python files parsed and why, cache hits.")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Report only findings not in this baseline (written by `flowscan baseline`).")
@_ignore_opt
@_strict_opt
@_progress_opt
@scan_objects_kept_from_collection()
def scan_command(paths: tuple[Path, ...], policy: Path | None, allow: tuple[str, ...], fmt: str, output: Path | None,
                 fail_on: str, quiet: bool, include: tuple[str, ...], all_code: bool, jobs: int | None,
                 no_prepass: bool, no_cache: bool, stats: bool, baseline_file: Path | None = None,
                 no_ignore: bool = False, strict: bool = False, no_progress: bool = False) -> None:
    """Inventory outbound endpoints under PATHS (default: .) and check them against the residency policy.

    Every endpoint carries the file:line of its call and the chain of values that led to
    it; secrets in URLs are redacted. Files that cannot be parsed and values that cannot be
    resolved are reported (scan/parse-error, residency/region-unknown), never dropped.
    Several folders or files are analysed together as one program rooted at their common
    folder; files outside them are not read.

    \b
    Examples:
      flowscan scan . --allow eu
      flowscan scan src/api deploy/k8s     the service's code and its manifests, together
      flowscan scan . --format sarif -o flowscan.sarif --fail-on warning
      flowscan scan services/api --policy ../flowscan.yaml -q
      flowscan scan . --strict             unparsed Terraform, k8s, compose, .env ... fails the gate
    """
    if output is not None:
        _check_output(output)  # before the scan: a bad path is a usage error, not a lost report
    from .progress import progress_wanted

    options = _options(policy, allow, jobs, no_prepass, no_cache, include, all_code, no_ignore)
    result = _run_scan(_targeted(paths, options), options, progress_wanted(no_progress, quiet, sys.stderr))
    report = result.report
    if stats:
        for line in result.stats.lines():
            click.echo(f"flowscan stats: {line}", err=True)
    if strict:
        from .strict import apply_strict

        apply_strict(report)
    if baseline_file is not None:
        from .cli_gate import apply_baseline

        apply_baseline(report, baseline_file)
    _render(report, fmt, output, quiet)
    _exit_for(report, fail_on)


def _render(report, fmt: str, output: Path | None, quiet: bool) -> None:
    if fmt == "text":
        from .report.text import render_text

        _emit(render_text(report), output)
    elif fmt != "console":
        _emit(render_report(fmt, report), output)
    elif output is not None:
        import io

        from rich.console import Console

        from .report.console import render_console

        buffer = io.StringIO()
        render_console(report, Console(file=buffer, width=120, no_color=True), quiet=quiet)
        _emit(buffer.getvalue(), output)
    elif quiet and not report.findings:  # only the summary line (a hook's usual run): rich is not loaded
        from .report.summary import summary_line

        text, style = summary_line(report)
        colour = None if os.environ.get("NO_COLOR") is None else False  # as rich: NO_COLOR set turns colour off
        click.secho(text, fg=style.rsplit(" ", 1)[-1], bold=style.startswith("bold"), color=colour)
    else:
        from rich.console import Console

        from .report.console import render_console

        # Piped: rich reads COLUMNS (80 when unset) and NO_COLOR; narrow tables become lists, never cut hosts.
        render_console(report, Console(), quiet=quiet)


def _exit_for(report, fail_on: str) -> None:
    if fail_on != "never" and any(_RANK[f.severity] <= FAIL_LEVELS[fail_on] for f in report.findings
                                  if f.suppression is None):  # suppressed: reported, never failing
        sys.exit(1)


def render_report(fmt: str, report) -> str:
    """A file format of the report: json, sarif, or an evidence format (markdown, html, csv, cyclonedx)."""
    if fmt == "sarif":
        from .report.sarif import render_sarif

        return render_sarif(report)
    from .catalog import bundled_catalog, default_rules_dir
    from .report.runinfo import run_info

    catalog = bundled_catalog()
    run = run_info(Path(report.root), report.policy.get("source"), catalog.files, default_rules_dir())
    if fmt == "json":
        from .report.json_report import render_json

        return render_json(report, run)
    from .report.evidence import build_evidence

    evidence = build_evidence(report, catalog.providers, catalog.purposes)
    if fmt == "markdown":
        from .report.markdown import render_markdown

        return render_markdown(evidence, run)
    if fmt == "html":
        from .report.html_report import render_html

        return render_html(evidence, run)
    if fmt == "cyclonedx":
        from .report.cyclonedx_report import render_cyclonedx

        return render_cyclonedx(evidence, run)
    from .report.csv_report import render_csv

    return render_csv(evidence)


@main.command("readiness")
@_path_arg
@_policy_opt
@click.option("--format", "fmt", type=click.Choice(["console", "json"]), default="console", show_default=True,
              help="console: one table; json: the same rows with their evidence.")
def readiness_command(path: Path, policy: Path | None, fmt: str) -> None:
    """Is the self-hosted model deployment under PATH ready for production traffic?

    One row per pitfall (cold starts, fallback, prefix caching, GPU requests, KV-cache room,
    autoscaling, metrics, eval baseline, load test): ready, at risk (with the findings as
    evidence, each naming its deployment context), not found (no model server found) or unknown
    (rule off, or what a check could not decide and why).

    \b
    Examples:
      flowscan readiness .
      flowscan readiness deploy/ --format json
    """
    import json

    from .readiness import readiness_json, readiness_rows

    options = _options(policy, (), None, False, no_cache=True)
    result = _run_scan(path, options)
    servers = result.servers or []
    off = {rule for rule, severity in (result.report.policy.get("rules") or {}).items() if severity == "off"}
    rows = readiness_rows(result.report.findings, servers, off, result.readiness_notes)
    if fmt == "json":
        click.echo(json.dumps(readiness_json(rows, servers), indent=2))
        return
    from rich.console import Console

    from .report.readiness_console import render_readiness

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    render_readiness(rows, servers, console)


def _check_output(output: Path) -> None:
    """``-o`` must name a file in an existing, writable folder (exit 2 before any work)."""
    import os

    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {folder} does not exist", param_hint="--output")
    if not os.access(folder, os.W_OK):
        raise click.BadParameter(f"folder {folder} is not writable", param_hint="--output")
    if output.is_dir():
        raise click.BadParameter(f"{output} is a folder", param_hint="--output")


def _emit(text: str, output: Path | None) -> None:
    """Print the report, or write it atomically: a temporary file in the same folder, renamed
    over ``output`` once complete (an interrupted run leaves no partial report). A device or
    pipe (``-o /dev/null``, ``-o /dev/stdout``, a FIFO) is written to, never replaced."""
    if output is None:
        click.echo(text, nl=False)
        return
    import os
    import stat
    import tempfile

    try:
        special = not stat.S_ISREG(output.stat().st_mode)
    except OSError:  # no such file yet: written whole below
        special = False
    if special:
        with output.open("w", encoding="utf-8") as stream:
            stream.write(text)
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent if str(output.parent) else ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it owner-only; a report is an ordinary file
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@main.command("report")
@_paths_arg
@_policy_opt
@_allow_opt
@click.option("--format", "fmt", type=click.Choice(["markdown", "html", "csv", "cyclonedx", "json"]), default="markdown",
              show_default=True, help="markdown/html: the evidence report; csv: the sub-processor inventory; "
                                      "cyclonedx: the same as CycloneDX 1.6 services; json: the full report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of stdout.")
@_include_opt
@_all_code_opt
@_progress_opt
def report_command(paths: tuple[Path, ...], policy: Path | None, allow: tuple[str, ...], fmt: str,
                   output: Path | None, include: tuple[str, ...], all_code: bool, no_progress: bool = False) -> None:
    """Residency evidence for a security questionnaire: which sub-processors, where, and how flowscan knows.

    The report pins its run (tool and rules-catalog version, git commit and whether the tree
    was dirty, UTC time, policy file and its sha256, the command), then gives a one-sentence
    verdict, the sub-processor inventory, the chain of values behind every endpoint, the
    findings with their fix, the policy's declarations and exemptions, and what was not
    analysed. Secrets are redacted. The time honours SOURCE_DATE_EPOCH, so the same inputs give
    a byte-identical report. Exits 0 whatever the findings (use `scan` to gate).

    \b
    Examples:
      flowscan report . -o residency.md
      flowscan report . --format html -o residency.html
      flowscan report . --format csv -o sub-processors.csv
    """
    if output is not None:
        _check_output(output)
    from .progress import progress_wanted

    options = _options(policy, allow, None, False, include=include, all_code=all_code)
    result = _run_scan(_targeted(paths, options), options, progress_wanted(no_progress, False, sys.stderr))
    _emit(render_report(fmt, result.report), output)


@main.command("graph")
@_paths_arg
@_policy_opt
@_allow_opt
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "dot", "mermaid"]), default="json",
              show_default=True, help="node-link JSON, GraphML, Graphviz DOT or a Mermaid flowchart.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the graph to this file (atomically) instead of stdout.")
@_include_opt
@_all_code_opt
def graph_command(paths: tuple[Path, ...], policy: Path | None, allow: tuple[str, ...], fmt: str,
                  output: Path | None, include: tuple[str, ...], all_code: bool) -> None:
    """Export the data-flow graph: code and config locations (per deployment context) -> endpoints.

    \b
    Examples:
      flowscan graph . --format dot -o flows.dot && dot -Tsvg flows.dot > flows.svg
      flowscan graph . --format mermaid
    """
    from .report.graph_export import export_graph

    if output is not None:
        _check_output(output)
    options = _options(policy, allow, None, False, include=include, all_code=all_code)
    result = _run_scan(_targeted(paths, options), options)
    _emit(export_graph(result.graph, fmt), output)


@main.command("explain")
@click.argument("target")
@_path_arg
@_policy_opt
@_allow_opt
@_include_opt
@_all_code_opt
@click.option("--format", "fmt", type=click.Choice(["console", "json"]), default="console", show_default=True,
              help="console: a tree per chain; json: the endpoints (as in the JSON report, with the locations "
                   "that feed them and their findings), resources or finding, keys sorted.")
def explain_command(target: str, path: Path, policy: Path | None, allow: tuple[str, ...], include: tuple[str, ...],
                    all_code: bool, fmt: str = "console") -> None:
    """Show how TARGET was reached: a host (api.openai.com), a Terraform resource address
    (google_storage_bucket.logs) or a finding fingerprint.

    Prints each chain of values from where it was written (a literal, a settings default,
    an env var) to the call that uses it.
    """
    from .explain import explain_json, explain_target, findings_of

    result = _run_scan(path, _options(policy, allow, None, False, include=include, all_code=all_code))
    report = result.report
    explained = explain_target(report, target)
    if explained.empty:
        hosts = sorted({e.host for e in report.endpoints if e.host} | {r.address for r in report.resources})
        raise click.UsageError(f"no endpoint, resource or finding {target!r}; known: {', '.join(hosts) or 'none'}")
    if fmt == "json":
        click.echo(explain_json(report, result.graph, target, explained), nl=False)
        return
    from rich.console import Console

    from .report.console import render_explain, render_resource

    console = Console()
    for resource in explained.resources:
        render_resource(resource, console)
    if explained.finding is not None:
        finding = explained.finding
        console.print(f"{finding.severity} {finding.rule} {finding.path}:{finding.line}: {finding.message}")
    for endpoint in explained.endpoints:
        render_explain(endpoint, result.graph.sources_of(endpoint.id), findings_of(report, endpoint), console)


_rules_format_opt = click.option("--format", "fmt", type=click.Choice(["console", "json"]), default="console",
                                 show_default=True, help="json: id, severity, summary, why, fix, references and "
                                                         "variants of each rule, keys sorted.")


@main.group("rules", invoke_without_command=True)
@_rules_format_opt
@click.pass_context
def rules_command(ctx: click.Context, fmt: str = "console") -> None:
    """List the rules flowscan reports, with id, default severity and summary."""
    from .rules_index import rule_docs, rules_json

    if ctx.invoked_subcommand is None:
        if fmt == "json":
            click.echo(rules_json(list(rule_docs().values())), nl=False)
            return
        for doc in rule_docs().values():
            click.echo(f"{doc.id:<36} {doc.severity:<8} {doc.summary}")


@rules_command.command("show")
@click.argument("rule_id")
@_rules_format_opt
def rules_show(rule_id: str, fmt: str = "console") -> None:
    """Print the full text of one rule: why it matters, how to fix it, references."""
    from .rules_index import rule_docs, rules_json

    docs = rule_docs()
    if rule_id not in docs:
        raise click.UsageError(f"unknown rule {rule_id!r}; known: {', '.join(docs)}")
    doc = docs[rule_id]
    if fmt == "json":
        click.echo(rules_json(doc), nl=False)
        return
    click.echo(f"{doc.id} ({doc.severity})\n\n{doc.summary}\n\nWhy it matters:\n  {doc.why}\n\nHow to fix:\n  {doc.fix}")
    if doc.variants:
        click.echo("\nReported at another severity:\n" + "\n".join(
            f"  {doc.variants[name]}: {doc.variant_when[name]}" for name in doc.variants))
    if doc.references:
        click.echo("\nReferences:\n" + "\n".join(f"  {r}" for r in doc.references))


from . import cli_gate  # noqa: E402,F401  (registers baseline, diff and pre-commit)
from . import cli_catalog  # noqa: E402,F401  (registers init, regions and providers)

if __name__ == "__main__":
    main()
