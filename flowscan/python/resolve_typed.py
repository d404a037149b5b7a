"""Type annotations as evidence of what a receiver is, for the resolver.

A parameter annotated with a class the sink catalog knows (``session: aiohttp.ClientSession``),
and a class attribute annotated so (``client: OpenAI`` in the class body or a pydantic/dataclass
field, ``self.client: OpenAI`` in a method), hold an instance of that class. Where the code read
gives the value no object (no in-tree caller passes one, or the callers cannot be followed), the
annotation is the fallback: an instance made by a caller outside the code read, whose
constructor's arguments are unknown (``Inst.typed`` names the annotation). Objects the analysis
follows keep priority: they carry their constructor's arguments.

A parameter annotated with an in-tree class that has such an attribute
(``query: DOIQuery`` whose ``session: aiohttp.ClientSession``) is an instance of that class, so
``query.session`` is typed too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from .facts import Annotation, ModuleFacts, Scope
from .objects import ClassRef, Ext, Frame, Inst, Obj

if TYPE_CHECKING:
    from .resolve import Resolver

TYPED_CALLER_HOPS = 3  # caller hops followed for a typed parameter where others are not followed
MADE_BY_CALLER = "made by a caller"  # how an annotation's step says the object was not constructed in the code read


class TypedResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    # the classes an annotation makes a typed receiver of: the catalog's sinks and their classes
    # (``aiohttp.ClientSession`` of ``aiohttp.ClientSession.get``); set by ``flows.find_hits``
    receiver_classes: frozenset[str] = frozenset()

    def typed_instances(self: Resolver, module: ModuleFacts, annotation: Annotation, what: str) -> list[Obj]:
        """Instances of the classes ``annotation`` names that the catalog knows (through the
        module's imports and aliases), or of an in-tree class holding such an attribute; each
        made by a caller, its step naming the annotation."""
        if not self.receiver_classes:
            return []
        out: list[Obj] = []
        for obj in self._annotated_classes(module, annotation):
            if isinstance(obj, Ext) and obj.dotted in self.receiver_classes:
                out.append(Inst(Ext(obj.dotted), None, typed=_step(module, annotation, what, obj.dotted)))
            elif isinstance(obj, ClassRef) and self._holds_typed_receiver(obj):
                out.append(Inst(obj, None, typed=_step(module, annotation, what, obj.scope.qualname)))
        return out

    def annotated_instances(self: Resolver, module: ModuleFacts, annotation: Annotation | None,
                            what: str) -> tuple[Inst, ...]:
        """Instances, made by a caller, of the in-tree classes ``annotation`` names: what an
        attribute read on a ``None``-defaulted parameter (``config: Optional[Config] = None``)
        reads, since the ``None`` has no attributes."""
        if annotation is None:
            return ()
        return tuple(Inst(obj, None, typed=_step(module, annotation, what, obj.scope.qualname))
                     for obj in self._annotated_classes(module, annotation) if isinstance(obj, ClassRef))

    def typed_attribute(self: Resolver, ref: ClassRef, attr: str) -> list[Obj]:
        """The typed instances of attribute ``attr`` of class ``ref`` (its annotation's), if any."""
        annotation = ref.scope.attr_types.get(attr)
        if annotation is None:
            return []
        return [o for o in self.typed_instances(ref.module, annotation, f"attribute {attr} of {ref.scope.name}")
                if isinstance(o, Inst) and isinstance(o.of, Ext)]

    def _or_typed(self: Resolver, ref: ClassRef, attr: str, found: list[Obj]) -> list[Obj]:
        """``found`` (what the code sets attribute ``attr`` to), with the attribute's annotated
        class when that holds no object."""
        if attr not in ref.scope.attr_types or any(isinstance(o, Inst) for o in found):
            return found
        return [*found, *self.typed_attribute(ref, attr)]

    def _annotated_classes(self: Resolver, module: ModuleFacts, annotation: Annotation) -> list[Obj]:
        """What the names of ``annotation`` are, read at the module's level (memoised)."""
        from .resolve import END_OF_FILE

        key = ("annotation", module.path, annotation.names)
        found = self._recall(key)
        if found is not None:
            return found
        reads = self.env_reads_seen
        frame = Frame(module, "", END_OF_FILE)
        out: list[Obj] = []
        for name in annotation.names:
            first, *rest = name.split(".")
            objs = self._name(first, frame)
            for attr in rest:
                objs = [o for base in objs for o in self._attr(base, attr, annotation.line, None)]
            out.extend(objs)
        if not self.over_budget:
            self._remember(key, out, reads)
        else:
            self._forget()
        return out

    def _holds_typed_receiver(self: Resolver, ref: ClassRef) -> bool:
        """Whether in-tree class ``ref`` declares an attribute annotated with a catalog class."""
        klass: Scope = ref.scope
        return any(isinstance(obj, Ext) and obj.dotted in self.receiver_classes
                   for annotation in klass.attr_types.values()
                   for obj in self._annotated_classes(ref.module, annotation))


def _step(module: ModuleFacts, annotation: Annotation, what: str, dotted: str) -> Step:
    return Step(module.path, annotation.line, f"{what} is annotated {dotted}: {MADE_BY_CALLER}")
