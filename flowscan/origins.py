"""What decides a destination whose host is not in the code: the kind of its origin.

- ``user-supplied``: the user chooses it at run time (a web request, a chat message, an agent
  tool's argument, the command line; ``rules/entrypoints/``);
- ``env``: an environment variable no scanned config sets;
- ``parameter``: a parameter of a function no caller in the tree passes;
- ``unresolved``: anything else the analysis could not follow (data read at run time, ...).
"""

from __future__ import annotations

from .python.entrypoints import USER_SUPPLIED

__all__ = ["KINDS", "USER_SUPPLIED", "origin_kind", "why_unplaced"]

KINDS = (USER_SUPPLIED, "env", "parameter", "unresolved")


def origin_kind(host: str | None, unresolved: list[str]) -> str | None:
    """The kind of what decides an endpoint's host; None when the host is known."""
    if host is not None:
        return None
    first = unresolved[0] if unresolved else ""
    if f"{USER_SUPPLIED}: " in first:
        return USER_SUPPLIED
    if first.startswith("env:"):
        return "env"
    if first.startswith("parameter "):
        return "parameter"
    return "unresolved"


def why_unplaced(host: str | None, unresolved: list[str]) -> str | None:
    """An auditor's answer for a destination decided at run time; None when there is none."""
    kind = origin_kind(host, unresolved)
    if kind == USER_SUPPLIED:
        return f"the destination is chosen by the user at run time ({unresolved[0].removeprefix(USER_SUPPLIED + ': ')})"
    if kind == "env":
        return f"the destination is whatever {unresolved[0].removeprefix('env:')} is set to, and no scanned config sets it"
    if kind == "parameter":
        return f"the destination is whatever is passed as {unresolved[0]}, and no caller in the tree passes it"
    return None
