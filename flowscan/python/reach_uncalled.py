"""Opt-in by an uncalled static method or library function: a ``@staticmethod`` or
``@classmethod`` of a class that nothing in the scanned tree calls (``GCPAuthenticator.get_genai_client``
beside the ``setup_vertex_ai`` the app does call), or a module-level function of a package
(a folder with ``__init__.py``) that nothing names (``anthropic_complete`` in a library's
``llm/anthropic.py`` that no entry point imports), runs only when code outside the tree calls
it, so its outbound calls are ``opt-in``, with the switch "developer code calling pkg.module.Class.method"
(``pkg.module.function``). A function's decorators must all be wrappers that register nothing
(``functools.lru_cache``, ``tenacity.retry``); any other (a route, a CLI command, a hook) may
register it, and makes no switch, as does a file outside a package (a script, a migration a
tool loads by its path). Functions are read so only in a tree that declares its commands (console
scripts in ``pyproject.toml``, ``setup.cfg`` or ``setup.py``): those are what the shipped program
runs; a tree that declares none may be run from any of its functions, which keep their reach.

Unlike an instance method, such a method is no hook a framework calls on an object of a subclass;
one with any other decorator (``@field_validator``, a route) may be registered, and makes no switch.
It is undecidable, and makes no switch, when the tree may reach it without a call site naming it:
the method's name appears anywhere else in the tree's Python (a call, a reference handed on, a
``getattr`` string) or as a dotted path in a configuration file's value, its class is not at module level, its chain is not
closed (``reach_developer``: a base from outside the tree, a class registering subclasses), or a
framework finds the class by its name.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from ..model import Switch
from .entrypoints import entry_rules
from .facts import Call, ModuleFacts, Name, imported_callee
from .reach_developer import DEVELOPER_CODE, _closed_chain, config_value_pattern
from .resolve import Resolver, _enclosing_class

_METHOD_KINDS = frozenset({"staticmethod", "classmethod", "builtins.staticmethod", "builtins.classmethod"})
# decorators that wrap a function and register it nowhere (functools and tenacity/backoff retries)
_PACKAGING_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
_COMMAND_TABLES = (b"console_scripts", b"[project.scripts]", b"[tool.poetry.scripts]")
_COMMANDS: WeakKeyDictionary = WeakKeyDictionary()  # program -> (its setup.py files, whether it declares commands)
_WRAPPERS = frozenset({"functools.lru_cache", "functools.cache", "functools.cached_property", "functools.wraps",
                       "tenacity.retry", "backoff.on_exception", "backoff.on_predicate", "typing.overload"})


def uncalled_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The switch of the static or class method, or the package's module-level function, a call
    at ``qualname`` is in when nothing in the tree names it but its definition; none otherwise."""
    if "." not in qualname:
        return _uncalled_function(module, qualname, resolver)
    klass = _enclosing_class(module.scope, qualname)
    if klass is None or klass.qualname != klass.name or qualname.count(".") != 1:
        return ()
    method = klass.children.get(qualname.rsplit(".", 1)[1])
    if method is None or method.kind != "function" or method.name.startswith("__") or not method.decorators \
            or not all(_decorator(module, d) in _METHOD_KINDS for d in method.decorators):
        return ()  # an instance method, or one a decorator registers (``@field_validator``, ``@app.get``)
    if any(rule.finds(module.path, klass.name) for rule in entry_rules().discovered) \
            or not _closed_chain(module, klass, resolver) or _named_elsewhere(module, method.name, resolver):
        return ()
    dotted = f"{module.module}.{klass.name}.{method.name}"
    return (Switch(module.path, method.line, f"{DEVELOPER_CODE} calling {dotted}",
                   f"code outside the scanned tree calls {dotted}", "nothing in the scanned tree calls it", False),)


def _uncalled_function(module: ModuleFacts, name: str, resolver: Resolver) -> tuple[Switch, ...]:
    function = module.scope.children.get(name)
    if function is None or function.kind != "function" or function.name.startswith("__") \
            or not _in_package(module.path, resolver) \
            or not all(_decorator_name(module, d) in _WRAPPERS for d in function.decorators) \
            or not _declares_commands(resolver):
        return ()
    if any(rule.finds(module.path, name) for rule in entry_rules().discovered) \
            or _function_named_elsewhere(module, name, resolver):
        return ()
    dotted = f"{module.module}.{name}"
    return (Switch(module.path, function.line, f"{DEVELOPER_CODE} calling {dotted}",
                   f"code outside the scanned tree calls {dotted}", "nothing in the scanned tree calls it", False),)


def _in_package(path: str, resolver: Resolver) -> bool:
    """Whether the file is a module of a package (its folder has ``__init__.py``), not a script
    or a file a tool loads by its path."""
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return bool(folder) and f"{folder}/__init__.py" in resolver.program.sources and not path.endswith("/__main__.py")


def _declares_commands(resolver: Resolver) -> bool:
    """Whether a packaging file of the tree declares console scripts (worked out once per tree).
    A ``setup.py`` read is a dependency of the answer; ``pyproject.toml`` and ``setup.cfg`` are
    configuration files, whose change the hook never scopes."""
    program = resolver.program
    found = _COMMANDS.get(program)
    if found is None:
        packaging = [path for path in sorted(program.shown_sources) if path.rsplit("/", 1)[-1] in _PACKAGING_FILES]
        found = _COMMANDS[program] = (tuple(p for p in packaging if p.endswith(".py")), any(
            table in program.sources[path] for path in packaging for table in _COMMAND_TABLES))
    if program.deps is not None:  # a setup.py starting or ceasing to declare commands changes the answer
        for path in found[0]:
            program.deps.read(path)
    return found[1]


def _decorator_name(module: ModuleFacts, expr) -> str | None:
    """The decorator's dotted name, a call's callee for a decorator factory (``@retry(...)``)."""
    return _decorator(module, expr.func if isinstance(expr, Call) else expr)


def _decorator(module: ModuleFacts, expr) -> str | None:
    return expr.id if isinstance(expr, Name) and expr.id not in module.imports else imported_callee(module, expr)


def _function_named_elsewhere(module: ModuleFacts, name: str, resolver: Resolver) -> bool:
    """``_named_elsewhere`` for a module-level function, asking the narrowest question: the
    answer found in the function's own file or in one other Python file depends on that file's
    answer by name alone (a common name such as ``completion`` asks no tree-wide question, which
    would make the hook re-resolve the call on any edit naming it); only a name no other file
    holds depends on every file starting to name it (``mention:NAME``)."""
    program = resolver.program
    own = program.sources[module.path]
    if len(_word(name).findall(own)) > 1:
        return True  # its own file, which the call's resolution reads already
    value = config_value_pattern(name)
    for path in sorted(program.shown_sources):
        if path == module.path or name.encode() not in program.words(path) or not program.runs(path, module.path):
            continue
        if not path.endswith(".py"):
            if value.search(program.sources[path]):
                return True  # a configuration file: the hook rescans all when one changes
        elif program.mentions(path, name):
            return True
    if program.deps is not None:  # a file starting to name it changes the answer
        program.deps.ask(f"mention:{name}")
    return False


def _word(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![\w])" + re.escape(name.encode()) + rb"(?![\w])")


def _named_elsewhere(module: ModuleFacts, name: str, resolver: Resolver) -> bool:
    """Whether ``name`` appears in the tree's Python beyond its one definition (in another file at
    all, or twice in its own: a docstring naming it counts too, fail closed), or as a dotted
    path's last part in a configuration file's value (``factory: pkg.auth:GCPAuth.client``)."""
    program = resolver.program
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer
        program.deps.ask(f"mention:{name}")
    word = re.compile(rb"(?<![\w])" + re.escape(name.encode()) + rb"(?![\w])")
    value = config_value_pattern(name)
    for path in sorted(program.shown_sources):
        if name.encode() not in program.words(path) or not program.runs(path, module.path):
            continue  # a test naming it does not call it in the shipped program
        if not path.endswith(".py"):
            if value.search(program.sources[path]):
                return True
        elif path != module.path or len(word.findall(program.sources[path])) > 1:
            return True
    return False
