"""What each outbound call's resolution depended on, for the scoped pre-commit hook.

A *unit* is the resolution of the call sites on one line of a seed module (``find_hits``
gives each its own step budget). While a recording scan resolves, ``DepTracker`` keeps a
stack of dependency sets: reading a file's facts (``Program.load``, an expression evaluated in
the file) adds the file; asking it by name (``Program.mentions``, its calls named NAME) adds
``asked:PATH``; a question asked of the whole tree adds a key (``mention:NAME``: which modules
assign ``x.NAME = …``; ``quoting:pkg.Class``; ``env-writes``). Each memoised value keeps the
set gathered while it was computed, and a later memo hit adds that set to the asker: so a unit
depends on what its own value depended on, not on everything the unit that first computed a
shared value read (salsa/Adapton-style). Settings files are not tracked: any config change
takes the hook's full path.

Sets are Python ints used as bit sets (one bit per file or key): a union is one ``|``.
``flowscan/scoped.py`` stores the units' sets with the scan's record and, in the hook,
re-resolves only the units whose set holds a changed file or a key a changed file touches.
"""

from __future__ import annotations


class DepTracker:
    """Dependency sets of memoised values and of units, as bit sets over files and keys."""

    def __init__(self, paths: list[str]) -> None:
        self.names: list[str] = sorted(paths)  # bit i: names[i] (files first, keys appended)
        self._bits: dict[str, int] = {p: 1 << i for i, p in enumerate(self.names)}
        self._stack: list[int] = [0]
        self._memo: dict[tuple, int] = {}  # (memo name, key) -> its value's dependency set
        self.units: dict[tuple[str, int], int] = {}  # (path, line) -> dependency set, every context
        self._unit: tuple[str, int] | None = None
        self._scopes = 0

    def scope(self) -> int:
        """A fresh name for the memos of one object (a resolver per context), so keys of
        different objects never meet."""
        self._scopes += 1
        return self._scopes

    def bit(self, name: str) -> int:
        found = self._bits.get(name)
        if found is None:
            found = self._bits[name] = 1 << len(self.names)
            self.names.append(name)
        return found

    # -- what is read --------------------------------------------------------
    def read(self, path: str, asked: bool = False) -> None:
        """The current computation read the facts or bytes of file ``path``; ``asked``: only
        which identifiers it mentions and its calls named so (``asked_of``)."""
        self._stack[-1] |= self.bit(asked_of(path) if asked else path)

    def ask(self, key: str) -> None:
        """The current computation asked a tree-wide question (``mention:NAME``: which files hold NAME)."""
        self._stack[-1] |= self.bit(key)

    # -- memoised values -----------------------------------------------------
    def begin(self) -> None:
        """A memoised value starts being computed."""
        self._stack.append(0)

    def end(self, memo: str, key: object) -> None:
        """The value started by the last ``begin`` is memoised under (``memo``, ``key``)."""
        found = self._stack.pop()
        self._memo[(memo, key)] = found
        self._stack[-1] |= found

    def drop(self) -> None:
        """The value started by the last ``begin`` is not memoised; what it read stays read."""
        found = self._stack.pop()
        self._stack[-1] |= found

    def hit(self, memo: str, key: object) -> None:
        """A memoised value was reused: what it depended on, the asker depends on."""
        self._stack[-1] |= self._memo.get((memo, key), 0)

    # -- units ---------------------------------------------------------------
    def start_unit(self, site: tuple[str, int] | None) -> None:
        """The next unit (None: no unit runs now); the previous one's set is kept."""
        self._close_unit()
        self._unit = site
        self._stack = [self.bit(site[0]) if site is not None else 0]

    def _close_unit(self) -> None:
        if self._unit is not None:
            self.units[self._unit] = self.units.get(self._unit, 0) | self._stack[0]
        self._unit = None

    def finish(self) -> dict[tuple[str, int], list[str]]:
        """Every unit's dependencies, by name (files and keys), sorted."""
        self._close_unit()
        return {site: [self.names[i] for i in _bits_of(mask)] for site, mask in self.units.items()}


def asked_of(path: str) -> str:
    """The dependency on ``path``'s answers to identifier questions (``Program.mentions``) and on
    its call sites by callee name (``Program.sites_calling``), not on the rest of its facts."""
    return f"asked:{path}"


def _bits_of(mask: int) -> list[int]:
    out = []
    i = 0
    while mask:
        low = mask & -mask
        i = low.bit_length() - 1
        out.append(i)
        mask ^= low
    return out
