"""Benchmark flowscan on real trees: speed, memory and "no loss" of inventory, as a Markdown table.

    python bench/bench_scan.py --fetch               download + unpack the corpora of bench/corpora.yaml
    python bench/bench_scan.py --all [--quick]       every corpus; the table goes to stdout
    python bench/bench_scan.py TREE                  one tree (a corpus folder is checked against its baseline)
    python bench/bench_scan.py --fixtures            inventory check of every folder under fixtures/
    python bench/bench_scan.py --scaling TREE        cold scans of 1, 2 and 4 renamed copies of TREE

Every measurement is a fresh child process, and flowscan is only ever run as one (just SKIP_DIRS
is imported), so the harness works across engine changes. Timings are medians of --pairs rounds
of (ast.parse, flowscan cold, semgrep); ratios are medians of the per-round ratios. Inventories
are compared with bench/inventory/*.json (--update-inventory writes them instead): a difference
or a failed flowscan run makes the exit status 1; a missed target does not. See bench/README.md.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import inventory, runs
from benchkit.corpora import Corpus, fetch, load_corpora
from benchkit.table import Row, median, render_table, seconds, verdict

FIXTURES = runs.REPO / "fixtures"
SCALES = (1, 2, 4)
Report = dict[str, Any]


@dataclass
class Issues:
    failures: list[str] = field(default_factory=list)  # make the exit status 1
    notes: list[str] = field(default_factory=list)  # printed only


class ScanFailed(Exception):
    pass


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def scan_ok(tree: Path, what: str, cache: Path | None = None) -> tuple[runs.Run, Report]:
    run, report = runs.scan(tree, cache)
    if report is None:
        raise ScanFailed(run.failure(what))
    return run, report


def inventory_hash(report: Report) -> str:
    return str(inventory.summarize(report)["inventory_sha256"])


def analysed_python(report: Report) -> list[str]:
    return sorted(p for p in report["coverage"]["files_analyzed"] if p.endswith(".py"))


def pick_touch_file(tree: Path, report: Report) -> Path | None:
    """The analysed .py file of median size (ties by path): deterministic and mid-sized. No symlinks."""
    paths = [p for p in analysed_python(report) if (tree / p).is_file() and not (tree / p).is_symlink()]
    sized = sorted(((tree / p).stat().st_size, p) for p in paths)
    return tree / sized[len(sized) // 2][1] if sized else None


def bench_cold(row: Row, tree: Path, pairs: int, semgrep: Path | None, issues: Issues) -> Report:
    """Fill ``row`` with the paired rounds (ast.parse, cold scan, semgrep) on ``tree``; the first cold report."""
    files = runs.python_files(tree)
    row.files, row.lines = len(files), runs.count_lines(files)
    first: Report | None = None
    with tempfile.TemporaryDirectory(prefix="flowscan-bench-") as tmp:
        list_file = Path(tmp) / "files.txt"
        list_file.write_text("\n".join(str(p) for p in files), encoding="utf-8")
        for i in range(pairs):
            loop_s, process_s = runs.time_ast(list_file)
            row.ast_s.append(loop_s)
            row.ast_process_s.append(process_s)
            run, report = scan_ok(tree, "flowscan cold scan")
            row.cold_s.append(run.seconds)
            row.rss_mib.append(run.rss_mib)
            first = first or report
            if inventory_hash(report) != inventory_hash(first):
                issues.failures.append(f"cold scan {i + 1} has another inventory than scan 1 (nondeterministic)")
            semgrep_text = ""
            if semgrep is not None:
                sg = runs.time_semgrep(semgrep, tree)
                if sg.returncode == 0:
                    row.semgrep_s.append(sg.seconds)
                    semgrep_text = f", semgrep {sg.seconds:.2f} s"
                else:
                    row.semgrep_note = "n/a (failed)"
                    issues.notes.append(sg.failure("semgrep"))
            log(f"  [{row.label}] round {i + 1}/{pairs}: ast {row.ast_s[-1]:.2f} s, cold {run.seconds:.2f} s "
                f"({run.rss_mib:.0f} MiB){semgrep_text}")
    assert first is not None
    row.parsed = len(analysed_python(first))
    return first


def bench_warm(row: Row, tree: Path, cold: Report, pairs: int, issues: Issues) -> None:
    """Warm scans of a copy of ``tree`` with a filled cache: unchanged, then one analysed file touched."""
    cold_hash = inventory_hash(cold)
    with tempfile.TemporaryDirectory(prefix="flowscan-warm-") as tmp:
        copy, cache = Path(tmp) / tree.name, Path(tmp) / "cache"
        runs.copy_tree(tree, copy)
        scan_ok(copy, "flowscan cache-filling scan", cache)
        touched = pick_touch_file(copy, cold)
        for i in range(pairs):
            run, report = scan_ok(copy, "flowscan warm scan (unchanged)", cache)
            row.warm_unchanged_s.append(run.seconds)
            if inventory_hash(report) != cold_hash:
                issues.failures.append("warm scan (unchanged) has another inventory than the cold scan")
            if touched is None:
                continue
            data = touched.read_bytes()
            touched.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + f"# touched {i}\n".encode())
            run, report = scan_ok(copy, f"flowscan warm scan ({touched.relative_to(copy)} touched)", cache)
            row.warm_touched_s.append(run.seconds)
            if inventory_hash(report) != cold_hash:
                issues.failures.append("warm scan (one file touched) has another inventory than the cold scan")
            log(f"  [{row.label}] warm round {i + 1}/{pairs}: unchanged {row.warm_unchanged_s[-1]:.2f} s, "
                f"touched {run.seconds:.2f} s ({touched.relative_to(copy)})")


def bench_startup(target: float | None, count: int) -> tuple[str, str]:
    """Medians of ``flowscan --version`` and of a scan of an empty folder (a Markdown line); the version."""
    version_s, empty_s, version = [], [], "?"
    env = runs.base_env()
    with tempfile.TemporaryDirectory(prefix="flowscan-empty-") as empty:
        runs.run_child([*runs.flowscan_entry(), "scan", empty, "--format", "json"], env)  # writes bytecode; untimed
        for _ in range(count):
            run = runs.run_child([*runs.flowscan_entry(), "--version"], env)
            version_s.append(run.seconds)
            version = run.stdout.strip() or version
            scan = [*runs.flowscan_entry(), "scan", empty, "--format", "json", "--fail-on", "never", "--no-cache"]
            empty_s.append(runs.run_child(scan, env).seconds)
    cells = [f"{what} {verdict(median(times), target, seconds(median(times)))}"
             for what, times in (("`flowscan --version`", version_s), ("`flowscan scan EMPTY_DIR`", empty_s))]
    return f"- start-up (median of {count}): " + "; ".join(cells), version


def bench_scaling(tree: Path, pairs: int, target: float | None) -> str:
    """Cold scans of 1x, 2x and 4x renamed copies of ``tree``, paired per round; the Markdown line."""
    times: dict[int, list[float]] = {n: [] for n in SCALES}
    with tempfile.TemporaryDirectory(prefix="flowscan-scaling-") as tmp:
        pool = Path(tmp) / "pool"
        renamed = 0
        for k in range(1, max(SCALES) + 1):
            renamed = runs.make_renamed_copy(tree, pool / f"copy{k}", f"_c{k}")
        for n in SCALES:
            for k in range(1, n + 1):
                runs.link_tree(pool / f"copy{k}", Path(tmp) / f"x{n}" / f"copy{k}")
        for i in range(pairs):
            for n in SCALES:
                run, report = scan_ok(Path(tmp) / f"x{n}", f"flowscan scaling scan {n}x")
                times[n].append(run.seconds)
                log(f"  [scaling] round {i + 1}/{pairs}: {n}x {run.seconds:.2f} s, {len(report['endpoints'])} endpoints")
    ratio = median([a / b for a, b in zip(times[4], times[1], strict=True)])
    spread = " / ".join(seconds(median(times[n])) for n in SCALES)
    return (f"- scaling ({tree.name} copied 1x/2x/4x, {renamed} top-level package(s) renamed per copy; cold, "
            f"median of {pairs}): {spread}; 4x/1x = {verdict(ratio, target, f'{ratio:.2f}')}")


def check_fixtures(fixtures: Path, update: bool, issues: Issues) -> str:
    """Inventory summary of every folder under ``fixtures`` against ``inventory/fixtures.json``."""
    path = inventory.INVENTORY_DIR / "fixtures.json"
    expected: dict[str, Any] = inventory.load(path) or {}
    actual: dict[str, Any] = {}
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        try:
            actual[folder.name] = inventory.summarize(scan_ok(folder, f"flowscan on fixture {folder.name}")[1])
        except ScanFailed as exc:
            issues.failures.append(str(exc))
            continue
        log(f"  [fixtures] {folder.name}: {inventory.short(actual[folder.name])}")
    if update:
        inventory.save(path, actual)
        return f"- fixtures inventory: {len(actual)} written to bench/inventory/fixtures.json"
    same = 0
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            issues.failures.append(f"fixture {name}: in fixtures.json but not scanned")
        elif name not in expected:
            issues.failures.append(f"fixture {name}: not in fixtures.json (run --fixtures --update-inventory)")
        else:
            diff = inventory.differences(expected[name], actual[name])
            issues.failures += [f"fixture {name}: {line}" for line in diff]
            same += not diff
    ok = "✓" if same == len(actual) == len(expected) else "✗"
    return f"- fixtures inventory: {same} of {len(set(expected) | set(actual))} same {ok}"


def header(pairs: int | None, semgrep_note: str, version: str | None) -> list[str]:
    def out(*cmd: str) -> str:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=runs.REPO).stdout.strip()

    flowscan = "commit " + out("git", "rev-parse", "--short", "HEAD")
    if out("git", "status", "--porcelain", "--", "flowscan", "rules"):
        flowscan += " + uncommitted changes in flowscan/ or rules/"
    if version:
        flowscan += f" ({version.removeprefix('flowscan, ')})"
    system = f"{platform.system()} {platform.release()}"
    lines = [f"- date: {out('date', '-u')}",
             f"- machine: nproc {out('nproc')}, Python {platform.python_version()}, {system}",
             f"- flowscan: {flowscan}"]
    if pairs is not None:
        lines += [f"- semgrep: {semgrep_note}", f"- runs: medians of {pairs} paired round(s), each run a fresh process"]
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("tree", type=Path, nargs="?", help="benchmark this one tree")
    add("--all", action="store_true", help="benchmark every corpus of bench/corpora.yaml")
    add("--fetch", action="store_true", help="download and unpack the corpora (skips those present), then stop")
    add("--only", action="append", metavar="NAME", help="with --all/--fetch: only this corpus (repeatable)")
    add("--corpus-dir", type=Path, default=Path("/work/corpus"), help="where corpora are unpacked (/work/corpus)")
    add("--pairs", type=int, default=3, help="paired rounds per measurement (default 3)")
    add("--quick", action="store_true", help="1 round; no semgrep; no scaling unless --scaling is given")
    add("--no-semgrep", action="store_true", help="skip the semgrep comparison")
    add("--scaling", type=Path, metavar="TREE", help="scaling run on TREE (--all without --quick: corpora.yaml's)")
    add("--fixtures", action="store_true", help="inventory check of every folder under fixtures/")
    add("--update-inventory", action="store_true", help="write bench/inventory/*.json instead of comparing")
    add("--markdown", type=Path, metavar="FILE", help="also write the Markdown output to FILE")
    args = parser.parse_args()
    if not (args.tree or args.all or args.fetch or args.fixtures or args.scaling):
        parser.error("give TREE, --all, --fetch, --fixtures or --scaling TREE")
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    config = load_corpora()
    corpora = [config.get(name) for name in args.only] if args.only else config.corpora
    if args.fetch:
        return fetch(corpora, args.corpus_dir)
    pairs = 1 if args.quick else args.pairs
    jobs: list[tuple[str, Path, Corpus | None]] = []
    if args.all:
        jobs += [(f"{c.name} {c.pip.split('==')[-1]} ({c.artifact})", args.corpus_dir / c.folder, c) for c in corpora]
    if args.tree:
        corpus = config.by_folder(args.tree)
        jobs.append((corpus.name if corpus else args.tree.resolve().name, args.tree, corpus))
    semgrep: Path | None = None
    skipped = "skipped (--quick)" if args.quick else "skipped (--no-semgrep)" if args.no_semgrep else ""
    semgrep_note = skipped or "not run"
    if jobs and not skipped:
        semgrep, why = runs.semgrep_binary(install=True)
        semgrep_note = f"{why} with {runs.PEER_RULES}" if semgrep else f"n/a: {why}"

    issues = Issues()
    rows: list[Row] = []
    for label, tree, corpus in jobs:
        row = Row(label=label, targets=config.targets_for(corpus), semgrep_note="skipped" if skipped else "n/a")
        rows.append(row)
        if not tree.is_dir():
            row.inventory = "✗ tree missing"
            issues.failures.append(f"{label}: {tree} is not a folder (run --fetch)")
            continue
        log(f"{label}: {tree}")
        mine = Issues()
        try:
            cold = bench_cold(row, tree, pairs, semgrep, mine)
            summary = inventory.summarize(cold)
            if corpus is None:
                row.inventory = f"– not checked ({inventory.short(summary)})"
            else:
                row.inventory, diff = inventory.check(corpus.name, summary, args.update_inventory)
                mine.failures += [f"inventory: {line}" for line in diff]
            bench_warm(row, tree, cold, pairs, mine)
        except ScanFailed as exc:
            row.inventory = "✗ cold scan failed" if row.inventory == "n/a" else row.inventory
            mine.failures.append(str(exc))
        issues.failures += [f"{label}: {p}" for p in mine.failures]
        issues.notes += [f"{label}: {p}" for p in mine.notes]

    extra: list[str] = []
    version: str | None = None
    if rows:
        startup, version = bench_startup(config.targets.get("startup_s"), 3 if args.quick else 5)
        extra.append(startup)
    scaling_tree = args.scaling
    if scaling_tree is None and args.all and not args.quick and config.scaling:
        scaling_tree = args.corpus_dir / config.get(config.scaling).folder
    if scaling_tree is not None:
        log(f"scaling: {scaling_tree}")
        try:
            extra.append(bench_scaling(scaling_tree, pairs, config.targets.get("scaling_4x")))
        except ScanFailed as exc:
            extra.append(f"- scaling ({scaling_tree.name}): failed")
            issues.failures.append(f"scaling: {exc}")
    if args.fixtures:
        log(f"fixtures: {FIXTURES}")
        extra.append(check_fixtures(FIXTURES, args.update_inventory, issues))

    body = ["## flowscan benchmark", ""]
    body += header(pairs if rows or scaling_tree else None, semgrep_note, version) + [""]
    body += (render_table(rows) + [""] if rows else []) + extra
    if issues.failures or issues.notes:
        body += ["", "### Problems", "", *[f"- {p}" for p in issues.failures], *[f"- (note) {p}" for p in issues.notes]]
    text = "\n".join(body) + "\n"
    print(text, end="")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 1 if issues.failures else 0


if __name__ == "__main__":
    sys.exit(main())
