"""Opt-in by a command-line subcommand: a function a click group registers (``@cli.command()``
under ``@click.group() def cli():``, a subgroup's commands) or a command of a typer app that
needs the command's name (one with a callback, or with more than one command) runs only when
the user names it on the command line (``ec deploy``). A run of the program naming none is the
shipped configuration: it prints the help (or runs only the group's callback), so the outbound
calls of the subcommand, and of what it calls (``reach.caller_switches``), are ``opt-in``,
with the switch "CLI subcommand deploy".

Which decorators and classes make a group, a subcommand or a typer callback is data
(``command_groups``, ``subcommand_methods``, ``callbacks`` of ``flags:`` in
``rules/entrypoints/cli-flags.yaml``). A standalone ``@click.command()`` or a typer app's only
command (without a callback) runs by default, and makes no switch; so does a command whose
group is not resolved.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from ..model import Switch
from .entrypoints import FlagRule, entry_rules
from .facts import Attr, Call, Expr, Lit, ModuleFacts, Name, Scope
from .objects import Ext, Frame, FuncRef, Inst
from .reach_memo import memoised
from .resolve import Resolver

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, function name) -> switches
MAX_GROUP_DEPTH = 4  # how many subgroups deep a command's group is followed
SUBCOMMAND = "CLI subcommand"  # the setting a subcommand's switch names
_CLICK_SUFFIXES = frozenset({"command", "cmd", "group", "grp"})


def subcommand_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The switch of the module-level function a call at ``qualname`` is in (or nested in)
    when it is a subcommand the user must name; none otherwise."""
    name = qualname.split(".", 1)[0] if qualname else ""
    scope = module.scope.children.get(name)
    if scope is None or scope.kind != "function" or not scope.decorators:
        return ()
    return memoised(_MEMO, "subcommand-switches", (module.path, name), resolver,
                    lambda: _switches(module, scope, resolver))


def _switches(module: ModuleFacts, scope: Scope, resolver: Resolver) -> tuple[Switch, ...]:
    if resolver.deps is not None:
        resolver.deps.read(module.path)  # the decorators, and the typer app's other commands
    frame = Frame(module, "", scope.line)
    for decorator in scope.decorators:
        command = _command_name(module, scope, decorator, frame, resolver)
        if command is not None:
            return (Switch(module.path, decorator.line or scope.line, f"{SUBCOMMAND} {command}",
                           f"the user runs the {command} subcommand", "no subcommand given", False),)
    return ()


def _command_name(module: ModuleFacts, scope: Scope, decorator: Expr, frame: Frame, resolver: Resolver) -> str | None:
    """The subcommand name ``decorator`` registers ``scope`` under, when it registers it with a
    click group or a typer app that needs the name; else None."""
    func = decorator.func if isinstance(decorator, Call) else decorator
    if not isinstance(func, Attr):
        return None
    rules = [rule for rule in entry_rules().flags if rule.style in ("click", "typer")]
    given = _given_name(decorator)
    for rule in rules:
        if rule.style == "click" and func.attr in rule.subcommand_methods and \
                _is_group(resolver.eval(func.base, frame), rule, resolver, MAX_GROUP_DEPTH):
            return given or _click_name(scope.name)
        if rule.style == "typer" and _typer_needs_name(module, func, frame, rule, resolver):
            return given or scope.name.lower().replace("_", "-")
    return None


def _given_name(decorator: Expr) -> str | None:
    """The name a ``command("name")`` / ``command(name="name")`` decorator gives."""
    if not isinstance(decorator, Call):
        return None
    named = next((value for key, value in decorator.kwargs if key == "name"), None)
    first = named if named is not None else (decorator.args[0] if decorator.args else None)
    return first.text if isinstance(first, Lit) and isinstance(first.text, str) else None


def _click_name(function: str) -> str:
    name = function.lower().replace("_", "-")
    left, sep, suffix = name.rpartition("-")
    return left if sep and suffix in _CLICK_SUFFIXES else name


def _is_group(objs: list, rule: FlagRule, resolver: Resolver, depth: int) -> bool:
    """Whether every object is a click group: a function a group decorator (or a group's
    ``group`` method) makes one, or an instance of a group class."""
    if not objs or depth <= 0:
        return False
    deps = resolver.deps
    for obj in objs:
        if isinstance(obj, FuncRef) and deps is not None:
            deps.read(obj.module.path)  # the group's decorators
        if isinstance(obj, Inst) and isinstance(obj.of, Ext) and obj.of.dotted in rule.command_groups:
            continue
        if not isinstance(obj, FuncRef) or not any(
                _makes_group(d, obj, rule, resolver, depth) for d in obj.scope.decorators):
            return False
    return True


def _makes_group(decorator: Expr, ref: FuncRef, rule: FlagRule, resolver: Resolver, depth: int) -> bool:
    func = decorator.func if isinstance(decorator, Call) else decorator
    frame = Frame(ref.module, "", ref.scope.line)
    found = resolver.eval(func, frame)
    if found and all(isinstance(o, Ext) and o.dotted in rule.command_groups for o in found):
        return True
    return isinstance(func, Attr) and func.attr == "group" and \
        _is_group(resolver.eval(func.base, frame), rule, resolver, depth - 1)


def _typer_needs_name(module: ModuleFacts, func: Attr, frame: Frame, rule: FlagRule, resolver: Resolver) -> bool:
    """Whether ``func`` (``app.command``) registers a command of a typer app that has a
    callback or more than one command in this module."""
    if not isinstance(func.base, Name):
        return False
    found = resolver.eval(func, frame)
    commands = rule.decorators - rule.callbacks
    if not found or not all(isinstance(o, Ext) and o.dotted in commands for o in found):
        return False
    registered = [f for scope in module.scope.children.values() if scope.kind == "function"
                  for d in scope.decorators
                  if isinstance(f := (d.func if isinstance(d, Call) else d), Attr)
                  and isinstance(f.base, Name) and f.base.id == func.base.id]
    named = [f.attr for f in registered]
    return named.count(func.attr) > 1 or any(attr != func.attr and _is_callback(f, frame, rule, resolver)
                                              for f, attr in zip(registered, named))


def _is_callback(func: Attr, frame: Frame, rule: FlagRule, resolver: Resolver) -> bool:
    found = resolver.eval(func, frame)
    return bool(found) and all(isinstance(o, Ext) and o.dotted in rule.callbacks for o in found)
