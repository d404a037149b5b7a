"""``scan/internal-error`` (error): flowscan itself failed on part of the tree.

A bug in a parser, an extractor, the resolver or a check is contained to the file, call or
check it happened in: the scan goes on and the failure is reported here, with the exception
type, as an error. Whatever that part would have found is missing, so the finding keeps a
scan that may have hidden a violation from exiting 0.
"""

from __future__ import annotations

from ..model import Location
from .base import Check, Findings, ScanFacts

INTERNAL_ERROR = "scan/internal-error"


class InternalErrors(Check):
    rules = (INTERNAL_ERROR,)
    reads = frozenset({"internal_errors"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for error in facts.internal_errors:
            out.add(INTERNAL_ERROR, f"flowscan failed on {error.path}: {error.message}", Location(error.path, error.line),
                    key=error.message)


def describe(exc: BaseException, while_doing: str) -> str:
    """One line for an internal error: what flowscan was doing and the exception's type (its
    text may quote the scanned file, so it is not repeated)."""
    return f"internal error ({type(exc).__name__}) while {while_doing}; what it would have found is missing"


def is_internal(message: str) -> bool:
    """Whether a file's failure message (``describe``) is flowscan's fault, not the file's."""
    return message.startswith("internal error (")


__all__ = ["InternalErrors", "INTERNAL_ERROR", "describe", "is_internal"]
