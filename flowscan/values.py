"""The value domain: a bounded set of possible strings whose unknown parts stay holes.

``f"https://{HOST}/v2/{path}"`` with ``HOST`` known and ``path`` unknown is one
:class:`StrValue` with parts ``("https://api.x.com/v2/", Hole("path"))``; the host is
still readable from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from .model import Step

MAX_ALTERNATIVES = 16


@dataclass(frozen=True)
class Hole:
    """An unknown part of a string; ``label`` says what it came from (``env:X``, ``param url``)."""

    label: str

    def __str__(self) -> str:
        return "{" + self.label + "}"


Part = str | Hole

NUMBER_HOLE = "number: "  # how the label of a hole starts that stands for a number or bool (never a host)


def is_number_hole(part: Part) -> bool:
    """Whether ``part`` is an unknown number or bool (``int(os.environ["PORT"])``, ``a == b``)."""
    return isinstance(part, Hole) and part.label.startswith(NUMBER_HOLE)


@dataclass(frozen=True)
class StrValue:
    """One possible string value and the chain of steps that produced it."""

    parts: tuple[Part, ...]
    trail: tuple[Step, ...] = ()

    def __hash__(self) -> int:
        """Cached: values sit in the resolver's memo keys, and trails make them deep."""
        found = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.parts, self.trail))
            object.__setattr__(self, "_hash", found)
        return found

    @staticmethod
    def literal(text: str, trail: tuple[Step, ...] = ()) -> StrValue:
        return StrValue((text,) if text else (), trail)

    @staticmethod
    def hole(label: str, trail: tuple[Step, ...] = ()) -> StrValue:
        return StrValue((Hole(label),), trail)

    @property
    def is_known(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)

    @property
    def text(self) -> str:
        """The string with holes rendered as ``{label}``."""
        return "".join(str(p) for p in self.parts)

    @property
    def known_prefix(self) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, Hole):
                break
            out.append(part)
        return "".join(out)

    def holes(self) -> list[Hole]:
        return [p for p in self.parts if isinstance(p, Hole)]

    def then(self, step: Step) -> StrValue:
        """The same value, one step further along its chain."""
        if self.trail and self.trail[-1] == step:
            return self
        return StrValue(self.parts, self.trail + (step,))


def merge_trails(*trails: tuple[Step, ...]) -> tuple[Step, ...]:
    seen: dict[Step, None] = {}
    for trail in trails:
        for step in trail:
            seen.setdefault(step, None)
    return tuple(seen)


def join_parts(parts: list[Part]) -> tuple[Part, ...]:
    """Normalise a part list: merge adjacent strings, drop empty ones."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return tuple(out)


TRUNCATED = f"more values than the {MAX_ALTERNATIVES} the analysis lists"


def concat(pieces: list[list[StrValue]]) -> tuple[list[StrValue], bool]:
    """Every combination of one alternative per piece, concatenated; capped. Where the cap cuts
    combinations off, 16 are listed (known ones first, as ``dedupe`` picks them) and a hole says
    the rest exist (``TRUNCATED``, with the chain of a combination left out): reported as unknown,
    never dropped. At most 64 combinations are formed.

    Returns the values and whether the cap cut some combinations off. A piece that cannot change
    a URL's host (its user, password, port, path or query:
    ``f"postgresql://{user}:{password}@{host}:{port}/{db}"``) keeps one alternative where all of
    them are unknown (they differ only in what fills a hole there), and where the combinations
    would pass the cap, whatever they are: the host's alternatives are listed, not cut off.
    """
    outside = _outside_host(pieces) if any(len(piece) > 1 for piece in pieces) else set()
    if outside:
        over = _combinations(pieces) > MAX_ALTERNATIVES
        pieces = [piece[:1] if i in outside and (over or all(_only_holes(v) for v in piece)) else piece
                  for i, piece in enumerate(pieces)]
    results: list[StrValue] = []
    left_out: StrValue | None = None
    for combo in product(*pieces):
        trail = merge_trails(*(v.trail for v in combo))
        if len(results) >= 4 * MAX_ALTERNATIVES:
            left_out = StrValue.hole(TRUNCATED, trail)
            break
        parts: list[Part] = []
        for value in combo:
            parts.extend(value.parts)
        results.append(StrValue(join_parts(parts), trail))
    values = dedupe(results)
    if left_out is not None and len(values) <= MAX_ALTERNATIVES:
        values.append(left_out)
    truncated = len(values) > MAX_ALTERNATIVES
    return values, truncated


def _only_holes(value: StrValue) -> bool:
    return bool(value.parts) and all(isinstance(part, Hole) for part in value.parts)


def _combinations(pieces: list[list[StrValue]]) -> int:
    count = 1
    for piece in pieces:
        count *= max(len(piece), 1)
    return count


_MARK = "\x00"  # a piece that is not one known text, in ``_outside_host``'s template


def _outside_host(pieces: list[list[StrValue]]) -> set[int]:
    """The pieces with several alternatives that sit outside the host of the URL the pieces
    spell, read from the known text around them: after a literal ``scheme://``, in the user
    info (before the authority's last ``@``), the port, the path, the query or the fragment.
    None where the scheme is not written out (``f"{base}/v1"``: the host is not known to come
    after it)."""
    template = ""
    marks: list[tuple[int, int]] = []
    for i, piece in enumerate(pieces):
        if len(piece) == 1 and piece[0].is_known:
            template += piece[0].text
            continue
        if len(piece) > 1:
            marks.append((i, len(template)))
        template += _MARK
    scheme = template.find("://")
    if scheme <= 0 or _MARK in template[:scheme]:
        return set()
    start = scheme + 3
    end = min((found for found in (template.find(c, start) for c in "/?#") if found >= 0), default=len(template))
    host_start = template.rfind("@", start, end) + 1 or start
    port = template.find(":", host_start, end)
    host_end = port if port >= 0 else end
    return {i for i, offset in marks if not host_start <= offset < host_end}


def dedupe(values: list[StrValue]) -> list[StrValue]:
    """Keep one value per distinct string (the first, with the shortest trail kept first); over
    the cap, 16 of them and a hole saying more exist (``TRUNCATED``), never a silent cut. The 16
    are the first fully known values, then the first with holes: a known host is a finding, an
    unknown one adds little to the hole that says more values exist."""
    seen: dict[tuple[Part, ...], StrValue] = {}
    for value in values:
        seen.setdefault(value.parts, value)
    kept = list(seen.values())
    if len(kept) <= MAX_ALTERNATIVES or (len(kept) == MAX_ALTERNATIVES + 1 and kept[-1].parts == (Hole(TRUNCATED),)):
        return kept
    listed = set(map(id, sorted(kept, key=lambda v: not v.is_known)[:MAX_ALTERNATIVES]))
    first_left_out = next(v for v in kept if id(v) not in listed)
    return [*(v for v in kept if id(v) in listed), StrValue.hole(TRUNCATED, first_left_out.trail)]
