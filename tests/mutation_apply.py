"""Check a surviving mutant by hand: apply its diff to the source, run some tests, restore.

The survivors' diffs are read from a Markdown list (``### <mutant name>`` then a fenced
``diff`` block with one ``-`` and one ``+`` line, as ``mutmut show`` prints them). The ``-``
line is looked up inside the mutant's function (by its stripped text; a method's diff is
dedented) and replaced by the ``+`` line at the file's indentation.

    python tests/mutation_apply.py LIST.md NAME [NAME ...] -- pytest -x -q tests/test_x.py
    python tests/mutation_apply.py LIST.md --all -- pytest -x -q tests/test_x.py

A mutant is "killed" when the command fails with it applied. The source file is restored
after each run, also when this script is stopped (Ctrl-C, SIGTERM). This is not mutmut: the next mutmut run confirms the verdict.
"""

from __future__ import annotations

import argparse
import ast
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    name: str  # flowscan.report.console.x__table_or_list__mutmut_22
    before: str
    after: str

    @property
    def path(self) -> Path:
        module = self.name.split("__mutmut_")[0].rsplit(".", 1)[0]
        return ROOT / (module.replace(".", "/") + ".py")

    @property
    def function(self) -> tuple[str | None, str]:
        """(class or None, function) from mutmut's mangled name: ``x_f``, ``xǁClassǁmethod``."""
        mangled = self.name.split("__mutmut_")[0].rsplit(".", 1)[1]
        if mangled.startswith("xǁ"):
            _, cls, method = mangled.split("ǁ")
            return cls, method
        return None, mangled[2:]


def read_mutants(listing: Path) -> dict[str, Mutant]:
    mutants: dict[str, Mutant] = {}
    for block in re.split(r"^### ", listing.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name = block.split(None, 1)[0]
        lines = block.splitlines()
        before = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
        after = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
        if len(before) != 1 or len(after) != 1:
            raise SystemExit(f"{name}: expected one - and one + line")
        mutants[name] = Mutant(name, before[0], after[0])
    return mutants


def _function_lines(tree: ast.Module, cls: str | None, name: str) -> range:
    body = tree.body
    if cls is not None:
        body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    node = next(n for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name)
    return range(node.lineno - 1, node.end_lineno)


def mutated_source(mutant: Mutant, source: str) -> str:
    lines = source.splitlines(keepends=True)
    span = _function_lines(ast.parse(source), *mutant.function)
    hits = [i for i in span if lines[i].strip() == mutant.before.strip()]
    if len(hits) != 1:
        raise ValueError(f"the - line occurs {len(hits)} times in its function")
    i = hits[0]
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    shift = len(mutant.after) - len(mutant.after.lstrip()) - (len(mutant.before) - len(mutant.before.lstrip()))
    if shift:
        raise SystemExit(f"{mutant.name}: the + line changes the indentation")
    lines[i] = indent + mutant.after.strip() + "\n"
    return "".join(lines)


def run_with(mutant: Mutant, command: list[str]) -> bool:
    """True when ``command`` fails with ``mutant`` applied (the mutant is killed)."""
    original = mutant.path.read_text(encoding="utf-8")
    try:
        mutant.path.write_text(mutated_source(mutant, original), encoding="utf-8")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        mutant.path.write_text(original, encoding="utf-8")
    return done.returncode != 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # unwinds through run_with's restore


def main(argv: list[str] | None = None) -> int:
    # A background job may start with SIGINT ignored; either signal must still restore the source.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    args = sys.argv[1:] if argv is None else argv
    if "--" not in args:
        raise SystemExit(__doc__)
    split = args.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("listing", type=Path)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--all", action="store_true")
    options = parser.parse_args(args[:split])
    command = args[split + 1:]
    mutants = read_mutants(options.listing)
    names = list(mutants) if options.all else options.names
    survived = 0
    for name in names:
        try:
            killed = run_with(mutants[name], command)
        except ValueError as gone:  # the code changed since the run that listed the mutant
            print(f"GONE     {name}: {gone}", flush=True)
            continue
        survived += not killed
        print(f"{'killed  ' if killed else 'SURVIVED'} {name}", flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
