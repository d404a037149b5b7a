"""Code roles: which files are the shipped application, and which are tests, examples, docs.

A file's role comes from the policy's ``paths.roles`` globs first, then from the packaging
metadata (code in a package the project ships is production unless it is a test; see
``packaging.py``), then from conventions:
a folder named ``tests``/``test``/``testing`` or a ``test_*.py``/``*_test.py``/``conftest.py``
file is ``test``; ``examples``/``example``/``samples``/``cookbook`` is ``example``;
``docs``/``doc`` is ``docs``; ``benchmarks``/``benchmark``/``bench`` is ``benchmark``;
``evals``/``eval`` is ``eval``; a Python file under ``scripts``/``tools`` is ``script`` (a shell
script or config there is how the app is deployed, so it stays ``production``). Everything
else is ``production``. By default the inventory and the findings show production code and
deployment config; the rest is counted in coverage and shown with ``--include`` or ``--all-code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from .model import Endpoint, Finding

PRODUCTION = "production"
ROLES = ("production", "test", "example", "docs", "benchmark", "eval", "script")

_FOLDERS = {
    "tests": "test", "test": "test", "testing": "test", "__tests__": "test",
    "examples": "example", "example": "example", "samples": "example", "cookbook": "example",
    "docs": "docs", "doc": "docs",
    "benchmarks": "benchmark", "benchmark": "benchmark", "bench": "benchmark",
    "evals": "eval", "eval": "eval",
}
_PYTHON_ONLY_FOLDERS = {"scripts": "script", "tools": "script"}


def test_file_role(path: str) -> str | None:
    """``test`` for a test file or a file in a test folder, else None."""
    parts = path.split("/")
    if any(_FOLDERS.get(folder.lower()) == "test" for folder in parts[:-1]):
        return "test"
    name = parts[-1]
    if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"):
        return "test"
    return None


def conventional_role(path: str, shipped: tuple[str, ...] = ()) -> str:
    """The role a path's folders and name give it (no policy). In a package the project ships
    (``shipped``: its folders, from the packaging metadata) only the test conventions apply:
    an agent's ``tools/`` or a package's ``examples`` module is code the application runs."""
    if shipped and any(path.startswith(folder + "/") for folder in shipped):
        return test_file_role(path) or PRODUCTION
    parts = path.split("/")
    name = parts[-1]
    for folder in parts[:-1]:
        role = _FOLDERS.get(folder.lower())
        if role is not None:
            return role
    if name.endswith(".py"):
        if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
            return "test"
        for folder in parts[:-1]:
            role = _PYTHON_ONLY_FOLDERS.get(folder.lower())
            if role is not None:
                return role
    return PRODUCTION


class RoleMap:
    """Roles of the scanned files: the policy's globs (``{role: [glob, ...]}``, first match
    wins, in the order written) over the conventions; answers are cached per path."""

    def __init__(self, overrides: dict[str, list[str]], match: Callable[[str, str], bool],
                 shipped: tuple[str, ...] = ()):
        self._overrides = overrides
        self._match = match
        self._shipped = shipped
        self._cache: dict[str, str] = {}

    def role(self, path: str) -> str:
        found = self._cache.get(path)
        if found is None:
            found = next((role for role, globs in self._overrides.items()
                          if any(self._match(path, glob) for glob in globs)), None) or conventional_role(path, self._shipped)
            self._cache[path] = found
        return found


def shown_roles(include: Iterable[str] | None) -> frozenset[str]:
    """The roles a report shows: production, plus those asked for (``all``: every role)."""
    asked = set(include or ())
    return frozenset(ROLES) if "all" in asked else frozenset({PRODUCTION, *asked})


def filter_by_role(endpoints: list[Endpoint], findings: list[Finding], paths: Iterable[str], roles: RoleMap,
                   shown: frozenset[str], every_role: frozenset[str] = frozenset()
                   ) -> tuple[list[Endpoint], list[Finding], dict[str, dict[str, int]]]:
    """The endpoints and findings at locations of a shown role, and per role how many files
    there are and how many endpoint call sites and findings were left out. An endpoint some of
    whose call sites are shown keeps those call sites only; findings of the ``every_role``
    rules (coverage rules such as scan/parse-error) are always kept."""
    summary: dict[str, dict[str, int]] = {}

    def count(role: str, what: str, n: int = 1) -> None:
        summary.setdefault(role, {"files": 0, "call_sites_hidden": 0, "findings_hidden": 0})[what] += n

    for path in paths:
        count(roles.role(path), "files")
    kept: list[Endpoint] = []
    for endpoint in endpoints:
        locations = []
        for location in endpoint.locations:
            role = roles.role(location.path)
            if role in shown:
                locations.append(location)
            else:
                count(role, "call_sites_hidden")
        if locations:
            endpoint.locations = locations
            kept.append(endpoint)
    shown_findings = []
    for finding in findings:
        role = roles.role(finding.path)
        if role in shown or finding.rule in every_role:
            shown_findings.append(finding)
        else:
            count(role, "findings_hidden")
    return kept, shown_findings, dict(sorted(summary.items()))
