"""Names looked up at run time, for the resolver: ``importlib.import_module(path)`` is the module
``path`` names, and ``getattr(obj, name)`` is ``obj.name``, whenever the analysis knows the
strings. Plugin registries are written this way (``"pkg.llms.ollama.OllamaLLM"`` split into a
module path and a class name), so the class a setting picks stays a class, with its calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .objects import Absent, CallCtx, Obj, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

IMPORT_BY_NAME = frozenset({"importlib.import_module", "__import__"})
IMPORT_MODULE = "importlib.import_module"  # (``__import__("a.b")`` gives the package ``a``)
GETATTR = frozenset({"getattr", "builtins.getattr"})
DUNDER_IMPORT = frozenset({"__import__", "builtins.__import__"})


class DynamicResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def import_by_name(self: Resolver, ctx: CallCtx, top_level: bool = False) -> list[Obj]:
        """The modules ``importlib.import_module(name)`` may load (with ``top_level``, the
        top-level package of each name): in-tree ones by their facts, others as external names;
        a name not known statically stays unknown."""
        out: list[Obj] = []
        for name in self.strings(self.eval(ctx.args[0], ctx.frame), ctx.frame, "module name"):
            if name.is_known and name.text and not name.text.startswith("."):
                out.extend(self._dotted(name.text.partition(".")[0] if top_level else name.text, ctx.frame.module))
            else:
                out.append(Unknown(f"module {name.text} imported by a name not known statically", ctx.line))
        return out

    def dunder_import(self: Resolver, ctx: CallCtx) -> list[Obj]:
        """``__import__(name)``: the top-level package of ``name`` (``__import__("a.b")`` gives
        ``a``, whose attribute ``b`` is then loaded), or ``name`` itself when a ``fromlist`` is
        given."""
        fromlist = ctx.args[3] if len(ctx.args) > 3 else ctx.kwarg("fromlist")
        return self.import_by_name(ctx, top_level=fromlist is None)

    def getattr_call(self: Resolver, ctx: CallCtx) -> list[Obj]:
        """``getattr(obj, name[, default])``: ``obj.name`` for each name known statically, and
        the default beside it (the attribute may be missing)."""
        frame = ctx.frame
        bases = self.eval(ctx.args[0], frame)
        out: list[Obj] = []
        for name in self.strings(self.eval(ctx.args[1], frame), frame, "attribute name"):
            if not name.is_known:
                out.append(Unknown(f"attribute {name.text} named at run time", ctx.line))
                continue
            for base in bases:
                if not isinstance(base, Absent):
                    out.extend(self._attr(base, name.text, ctx.line, frame))
        default = ctx.args[2] if len(ctx.args) > 2 else None
        if default is not None:
            out.extend(self.eval(default, frame))
        return out or [Unknown("getattr of None", ctx.line)]
