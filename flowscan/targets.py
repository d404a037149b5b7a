"""Several paths on the command line (``flowscan scan src/api deploy/k8s app.py``).

They are scanned as one program rooted at their nearest common folder, or above it when that
folder is a Python package (so ``src/shop/api.py`` is still module ``shop.api``); the policy and
contexts are worked out from that root, as for a single folder. The walk reads only the files
inside the paths given, plus the ``__init__.py`` of each package on the way down to them (they
say which folders are packages, hence the modules' names). Files outside are not part of the
request: they are neither read nor listed as skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


@dataclass(frozen=True)
class Targets:
    root: Path  # the folder the scan is rooted at
    only: tuple[str, ...] = ()  # root-relative POSIX paths (files or folders) to read; empty: all of root


def targets_of(paths: Sequence[Path]) -> Targets:
    """The scan root and the paths under it to read. One folder is a scan of that folder, as
    always; otherwise the root is the nearest folder holding every path given."""
    if not paths:
        return Targets(Path("."))
    if len(paths) == 1 and paths[0].is_dir():
        return Targets(paths[0])
    resolved = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))
    while (common / "__init__.py").is_file() and common.parent != common:
        common = common.parent
    only = tuple(sorted({p.relative_to(common).as_posix() for p in resolved}))
    if "." in only:  # one of the paths is the root itself: all of it is asked for
        only = ()
    return Targets(_display(common), only)


def _display(folder: Path) -> Path:
    """``folder`` relative to the working folder when it lies under it (reports and notes then
    name it as the user would), else absolute."""
    try:
        relative = folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder
    return relative if relative.parts else Path(".")


def outside(only: tuple[str, ...], rel: str, is_dir: bool) -> bool:
    """Whether ``rel`` (root-relative) lies outside every path in ``only``. A folder that holds
    a target is inside: the walk goes through it to reach the target."""
    if not only:
        return False
    folder, _, name = rel.rpartition("/")
    package_marker = not is_dir and name == "__init__.py"
    for target in only:
        if rel == target or rel.startswith(target + "/"):
            return False
        if is_dir and target.startswith(rel + "/"):
            return False
        if package_marker and (not folder or target.startswith(folder + "/")):
            return False
    return True
