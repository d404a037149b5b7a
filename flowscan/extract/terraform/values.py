"""Evaluated values with provenance (:class:`Val`, ``UNKNOWN``) and the few pure Terraform
functions flowscan computes on them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ...model import Step


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Encoded:
    """``jsonencode(x)``: a JSON string whose structure is kept (for ECS container definitions)."""

    inner: "Val"


@dataclass(frozen=True)
class Val:
    """An evaluated value: a scalar, ``dict[str, Val]``, ``list[Val]``, :class:`Encoded`, or
    ``UNKNOWN``; ``line`` is where the expression sits; ``chain`` is its provenance, earliest first."""

    value: Any
    line: int = 0
    chain: tuple[Step, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def then(self, *steps: Step) -> "Val":
        return Val(self.value, self.line, _merge(self.chain, steps))

    def at(self, line: int) -> "Val":
        return Val(self.value, line, self.chain)


def _merge(*chains: Iterable[Step]) -> tuple[Step, ...]:
    out: list[Step] = []
    for chain in chains:
        for step in chain:
            if step not in out:
                out.append(step)
    return tuple(out)


def unknown(line: int, *steps: Step) -> Val:
    return Val(UNKNOWN, line, tuple(steps))


def to_str(val: Val) -> str | None:
    """The string form Terraform gives a scalar in a template; None if not a known scalar."""
    v = val.value
    if isinstance(v, Encoded):
        plain = to_plain(v.inner)
        return None if plain is UNKNOWN else json.dumps(plain, separators=(",", ":"))
    if v is UNKNOWN or v is None or isinstance(v, (dict, list)):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def to_plain(val: Val) -> Any:
    """Plain Python data, or UNKNOWN if any part is unknown."""
    v = val.value
    if isinstance(v, dict):
        out = {k: to_plain(x) for k, x in v.items()}
        return UNKNOWN if any(x is UNKNOWN for x in out.values()) else out
    if isinstance(v, list):
        items = [to_plain(x) for x in v]
        return UNKNOWN if any(x is UNKNOWN for x in items) else items
    if isinstance(v, Encoded):
        return to_str(val) if to_str(val) is not None else UNKNOWN
    return v


def call_function(name: str, args: list[Val]) -> Any:
    """The few pure Terraform functions flowscan evaluates; UNKNOWN for the rest."""
    if name == "jsonencode" and len(args) == 1:
        return Encoded(args[0])
    if name == "lookup" and len(args) in (2, 3):
        table, key = args[0].value, to_str(args[1])
        if isinstance(table, dict) and key is not None:
            if key in table:
                return table[key].value
            return args[2].value if len(args) == 3 else UNKNOWN
        return UNKNOWN
    if name == "merge" and args and all(isinstance(a.value, dict) for a in args):
        out: dict[str, Val] = {}
        for a in args:
            out.update(a.value)
        return out
    if name == "coalesce":
        for a in args:
            if not a.known:
                return UNKNOWN
            if a.value not in (None, ""):
                return a.value
        return UNKNOWN
    texts = [to_str(a) for a in args]
    if any(t is None for t in texts) or not texts:
        return UNKNOWN
    if name in ("lower", "upper", "trimspace", "tostring") and len(texts) == 1:
        return {"lower": str.lower, "upper": str.upper, "trimspace": str.strip, "tostring": str}[name](texts[0])
    if name == "format" and "%" in texts[0]:
        pieces = re.split(r"(%[sdv%])", texts[0])
        values, out_parts = iter(texts[1:]), []
        for piece in pieces:
            if piece == "%%":
                out_parts.append("%")
            elif piece in ("%s", "%d", "%v"):
                out_parts.append(next(values, None))
            else:
                out_parts.append(piece)
        return UNKNOWN if None in out_parts else "".join(out_parts)  # type: ignore[arg-type]
    return UNKNOWN
