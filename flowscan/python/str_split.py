"""``str.split`` / ``rsplit`` / ``partition`` of strings with holes, and indexing the pieces:
``provider, model = settings.llm.split(":", 1)`` keeps the provider a setting names
(``"openai:gpt-4o"`` -> ``"openai"``) with the setting's provenance."""

from __future__ import annotations

from ..model import Step
from ..values import Hole, StrValue, join_parts
from .objects import Obj, Pieces, Strs

SPLITTERS = frozenset({"split", "rsplit", "partition", "rpartition"})
PART_OF_ENV = "part {index} of env:"  # the label of a piece of an env var's whole value (``part 0 of env:MODEL``)


def split_values(values: tuple[StrValue, ...], method: str, sep: str | None, maxsplit: int, step: Step) -> Pieces:
    """The pieces of each alternative of a string split by ``method``."""
    rows = []
    for value in values:
        pieces, certain = _split(value, method, sep, maxsplit)
        trail = (*value.trail, step)
        rows.append((tuple(StrValue(join_parts(p), trail) for p in pieces), certain))
    return Pieces(tuple(rows))


def piece(pieces: Pieces, index: int, path: str, line: int) -> list[Obj]:
    """Item ``index`` of the pieces: the certain ones; a hole where a hole before it may hold
    more separators."""
    out: list[StrValue] = []
    for row, certain in pieces.rows:
        count = len(row)
        if 0 <= index < certain or (index < 0 and certain == count and -count <= index):
            out.append(row[index])
        elif not (certain == count and (index >= count or index < -count)):  # not an IndexError
            out.append(_unknown_piece(row, index, Step(path, line, "not resolved: a split of a string with unknown parts")))
    return [Strs(tuple(out))] if out else []


def _unknown_piece(row: tuple[StrValue, ...], index: int, step: Step) -> StrValue:
    """A piece not known statically. Of an env var's whole value (``os.getenv("MODEL").split("/")[0]``)
    it names the var and keeps its chain (``part 0 of env:MODEL``): a piece of a var no scanned
    config sets is not set either; of anything else, a hole of its own."""
    whole = row[0] if len(row) == 1 and len(row[0].parts) == 1 else None
    hole = whole.parts[0] if whole is not None else None
    if isinstance(hole, Hole) and hole.label.startswith("env:"):
        label = PART_OF_ENV.format(index=index) + hole.label.removeprefix("env:")
        return StrValue.hole(label, (*whole.trail, step))
    return StrValue.hole(f"part {index} of a split string", (step,))


def _split(value: StrValue, method: str, sep: str | None, maxsplit: int) -> tuple[list[list], int]:
    """(pieces as lists of parts, how many are certain)."""
    if value.is_known:
        text = value.text
        if method == "partition":
            return [[p] for p in text.partition(sep)], 3
        if method == "rpartition":
            return [[p] for p in text.rpartition(sep)], 3
        found = text.split(sep, maxsplit) if method == "split" else text.rsplit(sep, maxsplit)
        return [[p] for p in found], len(found)
    if sep is None or method in ("rsplit", "rpartition"):
        return [list(value.parts)], 0
    limit = 1 if method == "partition" else maxsplit
    pieces: list[list] = []
    current: list = []
    certain: int | None = None
    for part in value.parts:
        if isinstance(part, Hole):
            if certain is None and (limit < 0 or len(pieces) < limit):
                certain = len(pieces)  # the hole may hold a separator: the pieces from here are not known
            current.append(part)
            continue
        text = part
        while (limit < 0 or len(pieces) < limit) and sep in text:
            head, text = text.split(sep, 1)
            current.append(head)
            pieces.append(current)
            current = []
        current.append(text)
    pieces.append(current)
    if method == "partition":
        if len(pieces) == 2:
            pieces = [pieces[0], [sep], pieces[1]]
        return pieces, (3 if certain is None else 0)
    return pieces, len(pieces) if certain is None else certain
