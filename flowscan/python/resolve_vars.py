"""Settings read as a mapping, for the resolver.

``vars(args)`` (or ``args.__dict__``) of an argparse namespace is a dict whose keys are the
parser's ``dest`` names and whose values are the flags (each the user's flag or its declared
default, ``CliResolution.flag_value``). An in-tree subclass of ``dict`` that does not change how
it is built or read (``class DotDict(dict): __getattr__ = dict.get``) holds the mapping it is
built from: ``DotDict(options)["url"]``, ``.get("url")`` and, through ``__getattr__``,
``.url`` read ``options``. Read as anything else, such an object is an "item of …" hole, and a
flag whose default is None (the SDK's own host) was lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .facts import Attr, Lit, Name
from .objects import CallCtx, ClassRef, DictGet, DictObj, Ext, Frame, Inst, MappingCopy, Namespace, Obj, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

VARS = frozenset({"vars", "builtins.vars"})
_DICT_CLASSES = frozenset({"dict", "builtins.dict", "collections.OrderedDict", "collections.UserDict",
                           "typing.Dict", "typing.OrderedDict"})
# What ``__getattr__ = …`` in the class body makes an attribute read: an item read
_ITEM_GETTERS = frozenset({"dict.get", "builtins.dict.get", "dict.__getitem__", "builtins.dict.__getitem__"})
# Methods of a dict built that reshape it, which the class must not redefine for it to hold its mapping
_REDEFINED = ("__init__", "__new__", "__getitem__", "__missing__", "get")
_NAMESPACE = "\0namespace"  # the binding of the namespace a ``vars()`` dict's values read (no identifier)
_MAX_DEPTH = 4  # in-tree classes between a subclass and dict


class VarsResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def vars_of(self: Resolver, ctx: CallCtx) -> list[Obj]:
        """``vars(x)``: the dict of an argparse namespace's flags; anything else is not modelled."""
        out: list[Obj] = []
        for obj in self.eval(ctx.args[0], ctx.frame):
            if isinstance(obj, Namespace) and not obj.pair:
                out.append(self.namespace_dict(obj, ctx.frame, ctx.line))
            else:
                out.append(Unknown("vars() of an object whose attributes are not known statically", ctx.line))
        return out

    def namespace_dict(self: Resolver, namespace: Namespace, frame: Frame, line: int) -> Obj:
        """The dict of ``namespace``'s flags: one entry per ``dest`` the parser declares, read
        as ``namespace.dest``; a hole when a declaration's dest is not known statically."""
        dests = self.namespace_dests(namespace)
        if dests is None:
            return Unknown("the dict of a namespace whose flags are not all known statically", line)
        at = Frame(frame.module, frame.scope, line, self.intern([(_NAMESPACE, (namespace,))]), frame.depth, frame.inline)
        base = Name(_NAMESPACE, line)
        return DictObj(tuple((dest, Attr(base, dest, line)) for dest in dests), at)

    def held_mappings(self: Resolver, inst: Inst) -> list[Obj] | None:
        """The mapping an instance of an in-tree ``dict`` subclass holds (what it was built
        from); None when it is not such an instance or its construction is not a plain copy."""
        if not isinstance(inst.of, ClassRef) or inst.call is None or not self._plain_dict_class(inst.of, 0):
            return None
        call = inst.call
        if len(call.args) == 1 and not call.kwargs:
            return self.eval(call.args[0], call.frame)
        if not call.args and all(key != "**" for key, _ in call.kwargs):
            return [DictObj(tuple(call.kwargs), call.frame)]
        return None

    def mapping_attr(self: Resolver, inst: Inst, attr: str, line: int) -> list[Obj] | None:
        """An attribute of an instance of an in-tree ``dict`` subclass that reads its mapping:
        ``get`` and ``copy``, and any name the class does not define when its ``__getattr__``
        is ``dict.get`` (or ``dict.__getitem__``); None otherwise."""
        mappings = self.held_mappings(inst)
        if mappings is None or _defines(inst.of, attr):  # type: ignore[arg-type]
            return None
        if attr in ("get", "copy"):
            return [(DictGet(m) if attr == "get" else MappingCopy(m)) if isinstance(m, DictObj)
                    else Unknown(f"{attr} of a mapping not known statically", line) for m in mappings]
        if attr.startswith("__") or not self._getattr_reads_items(inst.of, 0):  # type: ignore[arg-type]
            return None
        key = Lit(attr, line)
        ctx = CallCtx(inst.call.frame, (key,), (), line)  # type: ignore[union-attr]
        out: list[Obj] = []
        for mapping in mappings:
            out.extend(self._dict_get(mapping, ctx) if isinstance(mapping, DictObj)
                       else [Unknown(f"attribute {attr} of a mapping not known statically", line)])
        return out

    def _plain_dict_class(self: Resolver, ref: ClassRef, depth: int) -> bool:
        """Whether ``ref`` is a subclass of dict (through in-tree classes) none of which
        redefines how it is built or read."""
        if depth > _MAX_DEPTH or any(name in ref.scope.children or name in ref.scope.assigns for name in _REDEFINED):
            return False
        bases = list(self._bases(ref))
        if not bases:
            return False
        return all((isinstance(b, Ext) and b.dotted in _DICT_CLASSES)
                   or (isinstance(b, ClassRef) and self._plain_dict_class(b, depth + 1)) for b in bases)

    def _getattr_reads_items(self: Resolver, ref: ClassRef, depth: int) -> bool:
        """Whether the class (or an in-tree base) sets ``__getattr__ = dict.get`` or ``dict.__getitem__``."""
        assigns = ref.scope.assigns.get("__getattr__")
        if assigns:
            frame = Frame(ref.module, ref.scope.qualname, assigns[-1].line)
            return any(isinstance(o, Ext) and o.dotted in _ITEM_GETTERS for o in self.eval(assigns[-1].value, frame))
        if depth >= _MAX_DEPTH:
            return False
        return any(isinstance(b, ClassRef) and self._getattr_reads_items(b, depth + 1) for b in self._bases(ref))


def _defines(ref: ClassRef, attr: str) -> bool:
    scope = ref.scope
    return attr in scope.children or attr in scope.assigns or attr in scope.instance_attrs
