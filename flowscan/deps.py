"""Start-up checks of the parser libraries flowscan imports internal modules of: a wrong
install must stop the scan (exit 2 with the fix), never turn every file into a parse
warning. Checked only when the tree has files of the kind (``check_for_kinds``).

python-hcl2 (Terraform): flowscan walks its typed tree (``hcl2.rules``, ``hcl2.parses``),
which version 8 introduced. Checkov depends on ``bc-python-hcl2``, a fork that installs the
same ``hcl2`` package with the old API: in one environment, whichever was installed last
owns ``hcl2``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HCL2_DISTRIBUTIONS = ("python-hcl2", "bc-python-hcl2")  # the two that install an hcl2 package
HCL2_RANGE = (8, 9)  # python-hcl2 >= 8, < 9 (pyproject.toml pins the same)
HCL2_FIX = ("fix: pip uninstall -y bc-python-hcl2 python-hcl2 && pip install 'python-hcl2>=8,<9' "
            "(to use Checkov too, install flowscan in its own environment: pipx install flowscan)")


class DependencyError(Exception):
    """A parser library is missing or the wrong one; the message says how to fix it."""


def hcl2_problem() -> str | None:
    """Why the installed ``hcl2`` package is not python-hcl2 8.x, or None when it is."""
    from importlib import metadata  # costs a few hundred ms to import: only for trees with Terraform

    spec = importlib.util.find_spec("hcl2")
    if spec is None or spec.origin is None:
        return "the hcl2 module (python-hcl2) is not installed"
    origin = Path(spec.origin).resolve()
    owner = next((name for name in HCL2_DISTRIBUTIONS if _owns(name, origin)), None)
    if owner is None:
        return f"the hcl2 module at {origin.parent} is not python-hcl2's (no installed python-hcl2 lists it)"
    if owner.lower().replace("_", "-") != "python-hcl2":
        return f"the hcl2 module at {origin.parent} comes from {owner} {metadata.version(owner)}, not python-hcl2"
    version = metadata.version(owner)
    major = _major(version)
    if major is None or not HCL2_RANGE[0] <= major < HCL2_RANGE[1]:
        return f"python-hcl2 {version} is installed; flowscan needs >={HCL2_RANGE[0]},<{HCL2_RANGE[1]}"
    if importlib.util.find_spec("hcl2.rules.abstract") is None:
        return f"python-hcl2 {version} is installed but hcl2.rules is missing (another package overwrote its files)"
    return None


def check_for_kinds(kinds: set[str]) -> None:
    """Raise :class:`DependencyError` when a parser the tree's file kinds need is broken."""
    if "terraform" in kinds:
        problem = hcl2_problem()
        if problem is not None:
            raise DependencyError(f"Terraform files cannot be parsed: {problem}\n{HCL2_FIX}")


def _owns(distribution: str, origin: Path) -> bool:
    from importlib import metadata

    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    files = dist.files or []
    return any(Path(str(dist.locate_file(f))).resolve() == origin for f in files if str(f).startswith("hcl2/"))


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None
