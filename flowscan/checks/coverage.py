"""``scan/parse-error`` (warning): a file flowscan could not parse, so could not see into."""

from __future__ import annotations

from ..model import Location
from .base import Check, Findings, ScanFacts

PARSE_ERROR = "scan/parse-error"


class ParseErrors(Check):
    rules = (PARSE_ERROR,)
    reads = frozenset({"parse_errors"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for error in facts.parse_errors:
            out.add(PARSE_ERROR, f"could not parse {error.path}: {error.message}", Location(error.path, error.line))


__all__ = ["ParseErrors", "PARSE_ERROR"]
