"""Per-module mutation counts from mutmut's result files (``mutants/**/*.py.meta``).

Run from the repository root after ``tests/mutation.sh``; prints a Markdown table and the
surviving mutants. Score = (killed + timeout) / every checked mutant (survived, no tests and
suspicious count against it; mutants not yet checked are listed apart, never counted)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}
COLUMNS = ["killed", "timeout", "survived", "no tests", "suspicious"]


def main(root: Path, sample: set[str] | None) -> int:
    totals: Counter[str] = Counter()
    survivors: list[str] = []
    print("| module | mutants | " + " | ".join(COLUMNS) + " | not checked | score |")
    print("|---" * (len(COLUMNS) + 4) + "|")
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if sample is not None:
            codes = {name: code for name, code in codes.items() if name in sample}
            if not codes:
                continue
        counts = Counter(STATUS.get(code, "suspicious") for code in codes.values())
        survivors += sorted((k for k, v in codes.items() if STATUS.get(v, "suspicious") != "killed"
                             and STATUS.get(v) not in ("timeout", "not checked")), key=_natural)
        totals.update(counts)
        module = meta.relative_to(root / "mutants").as_posix().removesuffix(".meta")
        print(f"| {module} | {sum(counts.values())} | " + " | ".join(str(counts[c]) for c in COLUMNS)
              + f" | {counts['not checked']} | {_score(counts)} |")
    print(f"| **all** | {sum(totals.values())} | " + " | ".join(str(totals[c]) for c in COLUMNS)
          + f" | {totals['not checked']} | **{_score(totals)}** |")
    print("\nNot killed:")
    for name in survivors:
        print(f"- {name}")
    return 0


def _score(counts: Counter[str]) -> str:
    checked = sum(counts[c] for c in COLUMNS)
    return f"{100 * (counts['killed'] + counts['timeout']) / checked:.1f}%" if checked else "-"


def _natural(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("_")
    return base, int(number) if number.isdigit() else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Per-module mutation counts from mutmut's result files.")
    parser.add_argument("--sample", type=Path, help="count only the mutants named in this file (tests/mutation_sample.py)")
    options = parser.parse_args()
    names = set(options.sample.read_text().split()) if options.sample else None
    sys.exit(main(Path(__file__).resolve().parent.parent, names))
