"""Findings that touch a set of changed files (the pre-commit hook): the whole repository
is analysed, so a changed ``.env`` still moves a call in an unchanged file, but only findings
whose location or provenance is in a changed file are reported."""

from __future__ import annotations

from pathlib import Path

from .model import Endpoint, Finding, Report
from .policy import POLICY_FILE

# A change to these concerns every finding: the policy decides them, the baseline hides them,
# .gitignore decides which files are read.
WHOLE_REPO_FILES = frozenset({POLICY_FILE, ".flowscan-baseline.json", ".gitignore"})


def relative_paths(root: Path, files: tuple[str, ...]) -> set[str]:
    """``files`` (as pre-commit passes them: relative to the working folder) relative to the
    scan root, with ``/``; files outside the root are dropped."""
    base = root.resolve()
    paths = set()
    for name in files:
        try:
            paths.add(Path(name).resolve().relative_to(base).as_posix())
        except ValueError:
            continue
    return paths


def touching_endpoints(report: Report, changed: set[str]) -> list[Endpoint]:
    """The endpoints called from a changed file or whose provenance passes through one, and those
    the touching findings name; every endpoint when the policy or the baseline changed. The
    hook's summary counts these, the same on its scoped path as on a full scan."""
    if any(path.rsplit("/", 1)[-1] in WHOLE_REPO_FILES for path in changed):
        return list(report.endpoints)
    named = {f.endpoint for f in touching(report, changed)}
    return [e for e in report.endpoints
            if e.id in named or _endpoint_paths(e, with_locations=True) & changed]


def _endpoint_paths(endpoint: Endpoint, with_locations: bool = False) -> set[str]:
    paths = {s.path for s in endpoint.provenance} | {s.path for t in endpoint.trails for s in t}
    if with_locations:
        paths |= {loc.path for loc in endpoint.locations}
    return paths


def touching(report: Report, changed: set[str]) -> list[Finding]:
    """The findings located in a changed file or whose endpoint's or resource's provenance
    passes through one; every finding when the policy or the baseline changed."""
    if any(path.rsplit("/", 1)[-1] in WHOLE_REPO_FILES for path in changed):
        return list(report.findings)
    endpoint_paths = {e.id: _endpoint_paths(e) for e in report.endpoints}
    resource_paths: dict[tuple[str, int], set[str]] = {}
    for resource in report.resources:
        key = (resource.location.path, resource.location.line)
        resource_paths.setdefault(key, set()).update(s.path for s in resource.provenance)
    kept = []
    for finding in report.findings:
        paths = {finding.path} | endpoint_paths.get(finding.endpoint or "", set()) \
            | resource_paths.get((finding.path, finding.line), set())
        if finding.suppression is not None:
            paths.add(finding.suppression.path)
        if paths & changed:
            kept.append(finding)
    return kept
