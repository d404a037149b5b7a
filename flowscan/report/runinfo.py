"""What a report says about its own run: tool and catalog version, commit, time, policy, command.

Apart from the time (which honours ``SOURCE_DATE_EPOCH``), the same inputs give the same
header, so two reports of one commit are byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..redact import redact


@dataclass(frozen=True)
class RunInfo:
    tool_version: str
    catalog_sha256: str  # over every rule file's path and bytes
    commit: str | None  # None: not a git checkout, or git is not installed
    dirty: bool | None  # tracked files changed since the commit; None: unknown
    time: str  # UTC, ISO 8601
    policy_file: str | None
    policy_sha256: str | None
    command: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_info(root: Path, policy_source: str | None, rule_files: list[str], rules_dir: Path,
             argv: list[str] | None = None) -> RunInfo:
    commit, dirty = git_state(root)
    policy_path = _policy_path(root, policy_source)
    policy_sha = _sha256_file(policy_path) if policy_path is not None else None
    return RunInfo(
        tool_version=__version__,
        catalog_sha256=catalog_digest(rules_dir, rule_files),
        commit=commit,
        dirty=dirty,
        time=report_time(),
        policy_file=str(policy_path) if policy_path is not None else None,
        policy_sha256=policy_sha,
        command=command_line(sys.argv if argv is None else argv),
    )


def _policy_path(root: Path, source: str | None) -> Path | None:
    """The policy file a report's ``policy.source`` names: as given, or beside the scan root."""
    if not source or source == "none":
        return None
    folder = root if root.is_dir() else root.parent
    for candidate in (Path(source), folder / source):
        if candidate.is_file():
            return candidate
    return None


def report_time() -> str:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` (reproducible builds' convention) when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def command_line(argv: list[str]) -> str:
    """The command as typed, program name shortened, secrets redacted."""
    words = ["flowscan", *argv[1:]] if argv else ["flowscan"]
    import shlex

    return redact(shlex.join(words))


def catalog_digest(rules_dir: Path, rule_files: list[str]) -> str:
    """sha256 over the rule files' paths (relative to ``rules_dir``) and bytes."""
    digest = hashlib.sha256()
    for name in sorted(set(rule_files)):
        digest.update(name.encode() + b"\0" + (rules_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def git_state(root: Path) -> tuple[str | None, bool | None]:
    """The checked-out commit and whether tracked files differ from it. git runs with
    fsmonitor and hooks off, so nothing the repository configures is executed."""
    import subprocess  # here, not at the top: a console report imports this module and never runs git

    folder = root if root.is_dir() else root.parent
    try:
        done = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "--no-optional-locks",
             "status", "--porcelain=v2", "--branch", "--untracked-files=no"],
            cwd=folder, capture_output=True, text=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if done.returncode != 0:
        return None, None
    commit: str | None = None
    dirty = False
    for line in done.stdout.splitlines():
        if line.startswith("# branch.oid "):
            oid = line.split()[2]
            commit = None if oid == "(initial)" else oid
        elif line and not line.startswith("#"):
            dirty = True
    return commit, dirty


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
