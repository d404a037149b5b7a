"""Items the tree stores into an object it imports: a request-scoped store filled by the app's own
middleware (``context["settings"] = copy.deepcopy(global_settings)`` with ``from starlette_context
import context``) holds, under that key, what the tree put there. ``context["settings"]`` read
elsewhere is those values; a key the tree never stores stays an unknown item.

The statements are found by their bytes (``["settings"] =``) in the files whose words hold the
key, once per (object, key); only keys written as identifiers are looked up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ..model import Step
from .facts import Lit, Sub
from .objects import Ext, Frame, Obj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (object, key) -> the values stored
#: ``copy.deepcopy(x)`` / ``copy.copy(x)``: the same value as ``x`` for the analysis.
COPIES = frozenset({"copy.copy", "copy.deepcopy"})


class ExternalItemResolution:
    """Mixed into the resolver; uses its ``eval`` and ``program``."""

    def external_item(self: Resolver, base: Ext, key: str, line: int) -> list[Obj] | None:
        """What the tree stores into ``base[key]``; None when it stores nothing there."""
        if not key.isidentifier():
            return None
        memo = _MEMO.setdefault(self, {})
        deps = self.program.deps
        if deps is not None:
            deps.ask(f"mention:{key}")  # a file starting or ceasing to write the key changes the answer
        found = memo.get((base.dotted, key))
        if found is not None:
            if deps is not None:
                deps.hit("external-items", (base.dotted, key))
            return found or None
        memo[(base.dotted, key)] = []  # a store of the item into itself is no value of it
        if deps is not None:
            deps.begin()
        found = memo[(base.dotted, key)] = self._stored_items(base, key)
        if deps is not None:
            deps.end("external-items", (base.dotted, key))
        return found or None

    def _stored_items(self: Resolver, base: Ext, key: str) -> list[Obj]:
        program = self.program
        written = re.compile(rb"""\[\s*["']""" + re.escape(key.encode()) + rb"""["']\s*\]\s*=(?!=)""")
        out: list[Obj] = []
        for path in sorted(program.sources):
            if not path.endswith(".py") or not program.mentions(path, key, read=False) \
                    or not written.search(program.sources[path]):
                continue
            module = program.load(path, "external items")
            for assign in module.attr_assigns:
                target = assign.target
                if not (isinstance(target, Sub) and isinstance(target.key, Lit) and target.key.text == key):
                    continue
                frame = Frame(module, assign.scope, assign.line)
                if not any(isinstance(o, Ext) and o.dotted == base.dotted for o in self.eval(target.base, frame)):
                    continue
                step = Step(path, assign.line, assign.text or f'[{key!r}] = …')
                out.extend(Strs(tuple(v.then(step) for v in o.values)) if isinstance(o, Strs) else o
                           for o in self.eval(assign.value, frame))
        return out
