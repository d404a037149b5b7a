"""Values chosen by the user at run time, for the resolver: the parameters of the handlers a
framework calls with user input (``rules/entrypoints/``) and what is read from a library object
holding such input. They stay named as user input through attributes, items and calls, so a
destination built from one is reported as user-supplied, with the handler it comes from."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from ..model import Step
from .entrypoints import EntryRule, describe, entry_rules
from .facts import Call, CallSite, Lit, ModuleFacts, Name, Param, Scope, callee_name
from .objects import ARGV, UNREAD_FLAGS, ClassRef, Ext, Frame, FuncRef, Obj, Unknown, UserInput

if TYPE_CHECKING:
    from .resolve import Resolver

_NOT_INPUT_DEFAULTS = frozenset({"Depends", "Security"})  # FastAPI: a dependency's result, not request data


class InputResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def entry_param(self: Resolver, module: ModuleFacts, scope: Scope, param: Param) -> UserInput | None:
        """The user input a framework passes as ``param`` of handler ``scope``; None when
        ``scope`` is no handler (or the parameter is a dependency the framework computes)."""
        if param.kind == "starstar" or (isinstance(param.default, Call) and callee_name(param.default.func) in _NOT_INPUT_DEFAULTS):
            return None
        entry = self._entry(module, scope)
        if entry is None:
            return None
        rule, decorator, route, line = entry
        origin = describe(rule, param.name, scope.qualname, decorator, route)
        step = Step(module.path, line, f"{rule.kind}: {origin}")
        return UserInput(rule.kind, origin, param.name, param.name, (step,), rule.server_state)

    def _entry(self: Resolver, module: ModuleFacts, scope: Scope) -> tuple[EntryRule, str, str, int] | None:
        key = (module.path, scope.qualname)
        deps = self.deps
        if key not in self._entries:
            self._entries[key] = None  # a handler found while looking is not looked for again
            if deps is not None:
                deps.begin()
            self._entries[key] = self._find_entry(module, scope)
            if deps is not None:
                deps.end(("entry", self.dep_scope), key)
        elif deps is not None:
            deps.hit(("entry", self.dep_scope), key)
        return self._entries[key]

    def _find_entry(self: Resolver, module: ModuleFacts, scope: Scope) -> tuple[EntryRule, str, str, int] | None:
        rules = entry_rules()
        outer = Frame(module, scope.qualname.rpartition(".")[0], scope.line)
        for decorator in scope.decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            for obj in self.eval(target, outer):
                rule = rules.decorators.get(obj.dotted) if isinstance(obj, Ext) else None
                if rule is None:
                    continue
                route = ""
                if isinstance(decorator, Call) and decorator.args:
                    route = self._known_text_of(decorator.args[0], outer) or ""
                return rule, obj.dotted.rsplit(".", 1)[-1], route, decorator.line or scope.line
        klass = self._class_of(module, scope)
        if klass is not None:
            for base in self._ext_bases(ClassRef(module, klass), frozenset()):
                found = rules.bases.get(base.dotted)
                if found is not None and scope.name in found[1]:
                    return found[0], "", "", scope.line
            return None
        for site_module, site, rule in self._registrations(module, scope):
            return rule, "", "", site.line
        return None

    def _class_of(self: Resolver, module: ModuleFacts, scope: Scope) -> Scope | None:
        from .resolve import _enclosing_class, _is_method
        return _enclosing_class(module.scope, scope.qualname) if _is_method(module, scope) else None

    def _ext_bases(self: Resolver, ref: ClassRef, seen: frozenset) -> Iterator[Ext]:
        """The external classes ``ref`` derives from, through in-tree bases."""
        seen = seen | {(ref.module.path, ref.scope.qualname)}
        for obj in self._bases(ref):
            if isinstance(obj, Ext):
                yield obj
            elif isinstance(obj, ClassRef) and (obj.module.path, obj.scope.qualname) not in seen:
                yield from self._ext_bases(obj, seen)

    def _registrations(self: Resolver, module: ModuleFacts, scope: Scope) -> Iterator[tuple[ModuleFacts, CallSite, EntryRule]]:
        """Calls that register function ``scope`` as a tool (``FunctionTool.from_defaults(fn=f)``)."""
        registrations = entry_rules().registrations
        if "." in scope.qualname:
            return
        paths = [module.path, *[p for p in self.program.files_mentioning(scope.name, module) if p != module.path]]
        for path in paths:
            facts = module if path == module.path else self.program.load(path, read=False)
            if self.deps is not None and path != module.path:  # read: its calls given the name (as asked)
                self.deps.read(path, asked=True)
            for site, named in self.program.calls_passing(facts, scope.name):
                frame = Frame(facts, site.scope, site.line)
                if not any(isinstance(o, FuncRef) and o.module.path == module.path and o.scope.qualname == scope.qualname
                           for o in self.eval(Name(scope.name, site.line), frame)):
                    continue
                for obj in self.eval(site.func, frame):
                    found = registrations.get(obj.dotted) if isinstance(obj, Ext) else None
                    if found is not None and any(k == found.kw if k else i == found.arg for i, k in named):
                        yield facts, site, found.rule

    def input_of(self: Resolver, dotted: str, line: int, path: str) -> UserInput | None:
        """``dotted`` (an external name) as user input when a rule says it holds some."""
        rule = entry_rules().inputs.get(dotted)
        if rule is None:
            return None
        root = dotted.rsplit(".", 1)[-1]
        cli = ARGV if dotted in entry_rules().argv else UNREAD_FLAGS if _parses_flags(dotted) else ""
        return UserInput(rule.kind, rule.says, root, root, (Step(path, line, f"{rule.kind}: {rule.says}"),), cli=cli)


def _parses_flags(dotted: str) -> bool:
    """Whether ``dotted`` is a command-line library's parsing method (``parse_args``): what it
    gives holds flags, which are settings even where the parser is not read."""
    owner, _, method = dotted.rpartition(".")
    return any(owner in rule.parsers and method in rule.parse for rule in entry_rules().flags)


def input_attr(value: UserInput, attr: str) -> Obj:
    """An attribute of user input is user input, except one the framework's rule names as the
    server's own state (``request.app`` of a FastAPI handler): what is read through it was not
    sent by the client. An attribute of a parsed command line whose parser is not read is the
    flag it names (``args.api_base``: ``--api-base``), its default not known."""
    if value.expr == value.root and attr in value.server_state:
        return Unknown(f"{value.root}.{attr}: the server's state, not request data")
    reached = value.reached(f"{value.expr}.{attr}")
    if value.cli == UNREAD_FLAGS:
        return replace(reached, cli="--" + attr.replace("_", "-"))
    return reached


def input_item(value: UserInput, key: str | None) -> Obj:
    if key is None:
        return value.reached(f"{value.expr}[…]")
    return value.reached(f"{value.expr}[{key}]" if key.isdigit() else f"{value.expr}[{key!r}]")


def input_call(value: UserInput, first_arg: Lit | None) -> Obj:
    """``x.get("k")`` reads item k; any other call keeps the input, named by the call."""
    if value.expr.endswith(".get") and first_arg is not None:
        return value.reached(f"{value.expr[:-4]}[{first_arg.text!r}]")
    return value.reached(f"{value.expr}()")
