"""``.flowscan-baseline.json``: the findings (by fingerprint) and the inventory a repository
has accepted. ``--baseline`` reports only findings that are not in it; ``flowscan diff``
compares the inventory.

Fingerprints quote the rule, the file and the finding's line text (never its number), so
moving a line or editing other lines keeps a finding matched; identical lines in one file
are matched by count."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .inventory import inventory_of
from .model import Finding, Report

BASELINE_FILE = ".flowscan-baseline.json"
FORMAT = 1


class BaselineError(Exception):
    """The baseline file cannot be read; the message says why."""


@dataclass
class Baseline:
    fingerprints: Counter[str]
    inventory: dict[str, list[str]]


def baseline_dict(report: Report) -> dict[str, Any]:
    findings = [{"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "line": f.line, "message": f.message}
                for f in report.findings]
    return {"flowscan_baseline": FORMAT, "tool_version": __version__, "findings": findings,
            "inventory": inventory_of(report).to_dict()}


def render_baseline(report: Report) -> str:
    from .report.json_report import _redact_all

    return json.dumps(_redact_all(baseline_dict(report)), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc}") from exc
    if not isinstance(data, dict) or data.get("flowscan_baseline") != FORMAT:
        raise BaselineError(f"{path}: not a flowscan baseline (write one with `flowscan baseline`)")
    try:
        prints = Counter(_base(str(f["fingerprint"])) for f in data["findings"])
        inventory = {str(k): [str(x) for x in v] for k, v in data["inventory"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"{path}: malformed baseline ({exc})") from exc
    return Baseline(prints, inventory)


def new_findings(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], int]:
    """The findings not in ``baseline``, and how many were in it. Each baselined fingerprint
    hides as many findings as it was recorded for, so a copy of an accepted line is new."""
    left = Counter(baseline.fingerprints)
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        base = _base(finding.fingerprint)
        if left[base] > 0:
            left[base] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden


def _base(fingerprint: str) -> str:
    """A fingerprint without the ``-n`` that tells apart identical lines of one file."""
    return fingerprint.split("-", 1)[0]
