"""Mutation-test a uniform random sample of the core modules' mutants (see tests/MUTATION.md).

A full mutmut run over the core modules takes about nine hours on one core; a stratified
random sample estimates the same score in a fraction of that, with a stated margin.

    python tests/mutation_sample.py --size 900 --seed 1       # generate, sample, run
    python tests/mutation_sample.py --size 900 --seed 1 --dry-run   # only write the sample
    python tests/mutation_summary.py --sample mutants/sample.txt    # score of the sample

Mutants are generated (and mutmut's per-test stats collected) by a first ``mutmut run`` limited
to mutant 1 of each ``redact`` function, unless ``mutants/`` already holds them. The sample is
drawn per module in proportion to its mutant count (at least one each), from a seeded
generator, so the same seed over the same code gives the same sample; it is written to
``mutants/sample.txt`` and then run, one core, one child.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
WARM_UP = "flowscan.redact.*__mutmut_1"


def module_of(mutant: str) -> str:
    """``flowscan.checks.residency.xǁEndpointResidencyǁrun__mutmut_1`` → ``flowscan.checks.residency``."""
    head = mutant.split("__mutmut_")[0]
    return head.rsplit(".", 1)[0]


def all_mutants() -> list[str]:
    names: list[str] = []
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        names += json.loads(meta.read_text())["exit_code_by_key"]
    return sorted(names)


def stratified_sample(names: list[str], size: int, seed: int) -> list[str]:
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_module[module_of(name)].append(name)
    generator = random.Random(seed)
    chosen: list[str] = []
    for module in sorted(by_module):
        members = by_module[module]
        share = max(1, round(size * len(members) / len(names)))
        chosen += generator.sample(members, min(share, len(members)))
    return sorted(chosen)


def mutmut(*args: str, cpu: str) -> int:
    command = ["taskset", "-c", cpu, "mutmut", "run", "--max-children", "1", *args]
    return subprocess.call(command, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=900, help="mutants to sample (default 900)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu", default=os.environ.get("MUTATION_CPU", "0"), help="core to pin mutmut to")
    parser.add_argument("--dry-run", action="store_true", help="write mutants/sample.txt, run nothing")
    options = parser.parse_args()

    if not all_mutants():
        mutmut(WARM_UP, cpu=options.cpu)
    names = all_mutants()
    if not names:
        print("mutmut generated no mutants; see its output above", file=sys.stderr)
        return 1
    sample = stratified_sample(names, options.size, options.seed)
    (MUTANTS / "sample.txt").write_text("".join(name + "\n" for name in sample))
    print(f"{len(sample)} of {len(names)} mutants sampled (seed {options.seed}) → mutants/sample.txt")
    if options.dry_run:
        return 0
    return mutmut(*sample, cpu=options.cpu)


if __name__ == "__main__":
    sys.exit(main())
