"""Cold-scan benchmark: flowscan on a large real Python tree vs ``ast.parse`` of the same files.

Usage (the corpus stays outside the repo):

    pip download --no-deps --no-binary :all: sqlalchemy==2.0.36 -d /tmp/corpus
    tar -xzf /tmp/corpus/sqlalchemy-2.0.36.tar.gz -C /tmp/corpus
    python bench/bench_scan.py /tmp/corpus/sqlalchemy-2.0.36 [--jobs 2] [--repeat 3]

Prints the ``ast.parse`` time of every .py file in one process, the flowscan cold-scan time
(one fresh process per run, so nothing is warm), and their ratio. Goal: ratio <= 1.0.
Also checks that the pre-pass loses no endpoint (``--check-prepass`` reruns without it).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

from flowscan.discover import SKIP_DIRS


def python_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    return out


def time_ast(files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    lines = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            data = path.read_bytes()
            lines += data.count(b"\n")
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                pass
    return time.perf_counter() - start, lines


def time_flowscan(root: Path, jobs: int | None, extra: list[str]) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "flowscan.cli", "scan", str(root), "--format", "json", "--fail-on", "never", "--no-cache", *extra]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"flowscan failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check-prepass", action="store_true", help="also scan without the pre-pass and compare")
    args = parser.parse_args()

    files = python_files(args.root)
    ast_times = []
    for _ in range(args.repeat):
        elapsed, lines = time_ast(files)
        ast_times.append(elapsed)
    scan_times = []
    report = {}
    for _ in range(args.repeat):
        elapsed, report = time_flowscan(args.root, args.jobs, [])
        scan_times.append(elapsed)
    ast_best, scan_best = min(ast_times), min(scan_times)
    coverage = report["coverage"]
    print(f"tree: {args.root}  {len(files)} .py files, {lines} lines")
    print(f"ast.parse, one process:   {ast_best:6.2f} s   (best of {args.repeat})")
    print(f"flowscan cold scan:       {scan_best:6.2f} s   (best of {args.repeat}, fresh process each, jobs={args.jobs or os.cpu_count()})")
    print(f"ratio flowscan / ast:     {scan_best / ast_best:6.2f}   (goal <= 1.0)")
    print(f"files analysed in full:   {len(coverage['files_analyzed'])} of {len(coverage['files_scanned'])} read; "
          f"{len(report['endpoints'])} endpoints, {len(report['findings'])} findings, "
          f"{len(coverage['parse_errors'])} parse errors")
    if args.check_prepass:
        elapsed, full = time_flowscan(args.root, args.jobs, ["--no-prepass"])
        fast_keys = sorted((e["host"] or "?", e["region"] or "", e["context"]) for e in report["endpoints"])
        full_keys = sorted((e["host"] or "?", e["region"] or "", e["context"]) for e in full["endpoints"])
        lost = sorted(set(full_keys) - set(fast_keys))
        print(f"without pre-pass:         {elapsed:6.2f} s; endpoints {len(full_keys)}; lost by pre-pass: {len(lost)}")
        for item in lost[:20]:
            print(f"  lost: {item}")


if __name__ == "__main__":
    main()
