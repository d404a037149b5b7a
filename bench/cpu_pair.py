"""CPU time of cold scans by two checkouts of flowscan, alternated, for a machine others share.

Wall-clock ratios mean little when other jobs take the cores. CPU time (user + sys of the whole
process tree, pool workers included) mostly does. This script alternates a base checkout with this
one in the same minutes, and measures the CPU of ``ast.parse`` over the same analysed files::

    git archive main | tar -x -C /tmp/main-tree
    python bench/cpu_pair.py --base /tmp/main-tree --rounds 3 /work/corpus/litellm-1.55.0

The base runs with ``PYTHONPATH=BASE``, so its ``flowscan`` package comes first; its rules must
be its own (``flowscan.rules`` is the repository's ``rules/`` folder, which an editable install maps
to this checkout's), so the script links ``BASE/flowscan/rules`` to ``BASE/rules`` when missing.
Runs start in a neutral folder (``python -m`` puts the working directory first on ``sys.path``).
Bytecode is kept (``PYTHONPYCACHEPREFIX``), as in ``bench_scan.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_AST_CPU = ("import ast, json, sys, time\nfiles = json.load(open(sys.argv[1]))\nt = time.process_time()\n"
            "for f in files:\n    try:\n        ast.parse(open(f, 'rb').read())\n"
            "    except (SyntaxError, ValueError):\n        pass\nprint(time.process_time() - t)\n")


# Runs start here, not in the caller's folder: ``python -m`` puts the working directory first on
# sys.path, so run from a checkout its ``flowscan`` would shadow the base's PYTHONPATH.
_NEUTRAL = tempfile.gettempdir()


def _env(base: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "FLOWSCAN_CACHE_DIR")}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "flowscan-bench-pycache")
    if base is not None:
        env["PYTHONPATH"] = base
    return env


def _cold_cpu(tree: Path, base: str | None, report: Path) -> tuple[float, str]:
    """CPU seconds of one cold scan (children included), and its ``--stats`` phase line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "flowscan.cli", "scan", str(tree), "--format", "json", "--fail-on",
                           "never", "--no-cache", "--all-code", "--stats", "-o", str(report)],
                          env=_env(base), capture_output=True, text=True, check=True, cwd=_NEUTRAL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    phases = next((line.split("phases: ", 1)[1] for line in done.stderr.splitlines() if "phases: " in line), "?")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), phases


def _ast_cpu(tree: Path, report: Path, scratch: Path) -> float:
    analysed = [f for f in json.loads(report.read_text())["coverage"]["files_analyzed"] if f.endswith(".py")]
    # paths are relative to the tree, or to its git repository's root when it is in one (run from there)
    files = [str(tree / f if (tree / f).is_file() else Path(f)) for f in analysed]
    listing = scratch / "files.json"
    listing.write_text(json.dumps(files))
    out = subprocess.run([sys.executable, "-c", _AST_CPU, str(listing)], env=_env(None), capture_output=True,
                         text=True, check=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--base", required=True, help="a checkout of the base flowscan (its folder holds flowscan/)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rules = Path(args.base) / "flowscan" / "rules"
    if not rules.exists() and (Path(args.base) / "rules").is_dir():
        rules.symlink_to(Path(args.base).resolve() / "rules")  # the base's own rules, not this checkout's
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for tree in args.trees:
            cpu: dict[str, list[float]] = {"base": [], "this": []}
            parse: list[float] = []
            for round_ in range(1, args.rounds + 1):
                for which, base in (("base", args.base), ("this", None)):
                    seconds, phases = _cold_cpu(tree, base, scratch / f"{which}.json")
                    cpu[which].append(seconds)
                    print(f"{tree.name} {which} round {round_}: cold CPU {seconds:.2f} s; {phases}", file=sys.stderr)
                parse.append(_ast_cpu(tree, scratch / "this.json", scratch))
            base_cpu, this_cpu, ast_cpu = (statistics.median(v) for v in (cpu["base"], cpu["this"], parse))
            print(f"| {tree.name} | {base_cpu:.1f} s ({min(cpu['base']):.1f}–{max(cpu['base']):.1f}) "
                  f"| {this_cpu:.1f} s ({min(cpu['this']):.1f}–{max(cpu['this']):.1f}) "
                  f"| {(this_cpu - base_cpu) / base_cpu:+.0%} | {ast_cpu:.2f} s "
                  f"| {base_cpu / ast_cpu:.1f} → {this_cpu / ast_cpu:.1f} |")


if __name__ == "__main__":
    main()
