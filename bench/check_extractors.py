"""Prove the fast ``ast`` extractor equal to the libcst reference extractor on real code.

    python bench/check_extractors.py /work/corpus/open_webui-0.12.4 /work/corpus/litellm-1.55.0 ...

For every ``.py`` file under the given trees (the folders flowscan skips excluded), both
extractors run and their facts are compared field by field; a difference prints the file
and the first path where the facts part, and the script exits 1. Files ``ast`` cannot
parse go to libcst in both runs, so they count as equal by construction and are counted
apart ("via libcst").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from flowscan.discover import SKIP_DIRS
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import structure as as_tree


def first_difference(a, b, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}: {_short(a)} | {_short(b)}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'ast' if key in a else 'libcst'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, tuple):
        if len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], tuple) and a[0] != b[0]:
            return f"{path}: {a[0]} != {b[0]}: {_short(a)} | {_short(b)}"
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}: {_short(a)} | {_short(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def _short(value, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def python_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", type=Path, nargs="+")
    parser.add_argument("--show", type=int, default=20, help="differences to print")
    args = parser.parse_args()
    total = differing = via_libcst = 0
    fast_time = ref_time = 0.0
    for root in args.roots:
        for file in python_files(root):
            rel = file.relative_to(root).as_posix()
            data = file.read_bytes()
            start = time.perf_counter()
            fast = extract_python(rel, data)
            middle = time.perf_counter()
            reference = extract_python_cst(rel, data)
            fast_time += middle - start
            ref_time += time.perf_counter() - middle
            total += 1
            if fast.parse_error is not None or reference.parse_error is not None:
                via_libcst += 1
                if (fast.parse_error is None) != (reference.parse_error is None):
                    differing += 1
                    if differing <= args.show:
                        print(f"{root.name}/{rel}: parse error only in {'libcst' if fast.parse_error is None else 'ast'}: "
                              f"{fast.parse_error or reference.parse_error}")
                continue
            found = first_difference(as_tree(fast), as_tree(reference), "facts")
            if found:
                differing += 1
                if differing <= args.show:
                    print(f"{root.name}/{rel}: {found}")
    print(f"{total} files: {total - differing} equal, {differing} differ; "
          f"{via_libcst} with a parse error in either; ast {fast_time:.1f} s, libcst {ref_time:.1f} s")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
