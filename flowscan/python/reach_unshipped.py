"""Opt-in by a value nothing ships: a test that selects on a value read from a database row
(``if chat_model.model_type == ChatModel.ModelType.OPENAI:``, the row from
``ChatModel.objects.filter(…).first()``) takes its branch only once an admin or a user stores a
row that passes it. With the shipped files there is no row: the value is read as None, so
``==`` / ``in`` a value and a truthiness test fail (the call under them is ``opt-in``, the
switch naming the field and ``none shipped``), while ``!=``, ``not in``, ``is None`` and
``else`` branches are taken. A key of the user's own settings file (a file under the home
folder, ``resolve_user_files``) is read the same way: no scanned tree holds the file, so the
key is unset; a registry entry such a key looks up is not selected (``unshipped_lookup``).

Alternatives beside the row's value may be None (an unset default) or a command-line flag's
given value (not given in a run with the shipped configuration); any other (a string known
statically, an env var, a run-time value) leaves the test to the other readers. Fail closed:
when the tree itself writes rows of the model with the shipped configuration (a create call
under no test and with no opt-in caller, a data migration that loads the model by name and
writes), rows may exist, and this module makes no switch; when a write runs under a test not
decided statically (``if configured: Model.objects.create(…)``), the switch is undecided (reach
``unknown``). A module that names the user's file and writes files may put a shipped template
there: its keys are read as before.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import Attr, Call, Expr, Lit, ModuleFacts, Name, Sub, Test, scope_at
from .objects import Absent, Frame, UserInput
from .reach import _UNSET, _condition, _evaluate, _expected, _holds, _is_flag, caller_switches
from .reach import _setting as _config_setting
from .resolve import Resolver
from .resolve_records import DB_ROWS, Unshipped, record_rules
from .resolve_user_files import USER_FILE, file_writes

NONE_SHIPPED = "none shipped (rows are stored at run time)"
USER_OWN = "none shipped (the user's own file, outside the scanned tree)"
WRITTEN_AT_RUN_TIME = "none shipped; the code writes rows under a test not decided statically"
QUOTED_NAME = "quoted-name:"  # the tree-wide question of the files naming a model in a string
_OPS = frozenset({"==", "!=", "in", "not in", "is", "is not", "truthy"})
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> model (path, qualname) -> rows shipped


def unshipped_switch(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    """The switch of a test of a value no shipped file holds (see the module's docstring);
    None for any other test."""
    if test.op not in _OPS:
        return None
    subject = resolver.eval(test.subject, frame)
    stored = [o for o in subject if isinstance(o, Unshipped)]
    if not stored or not all(_unset(o, frame) for o in subject):
        return None  # a value known statically, a setting or a run-time value beside it
    expected = _expected(test, frame, resolver)
    if test.op != "truthy" and expected is None:
        return None
    shipped = [rows_shipped(o, resolver) for o in stored]
    if True in shipped:
        return None  # the tree writes such rows by default: the test is read as before
    taken = _holds(_UNSET, test.op, expected)
    if taken is None:
        return None
    if test.negated:
        taken = not taken
    names = [unshipped_setting(o, test.subject) for o in stored] + [o.origin for o in subject if isinstance(o, UserInput)]
    setting = " or ".join(dict.fromkeys(names))
    condition = _condition(setting, test, expected)
    if None in shipped and taken is False:
        return Switch(frame.module.path, test.line, setting, condition, WRITTEN_AT_RUN_TIME, None)
    kinds = dict.fromkeys(NONE_SHIPPED if o.source.startswith(DB_ROWS) else USER_OWN for o in stored)
    return Switch(frame.module.path, test.line, setting, condition, "; ".join(kinds), taken)


def unshipped_lookup(key: Expr, frame: Frame, entry: str | None, resolver: Resolver) -> Switch | None:
    """The switch of a registry lookup ``REGISTRY[key]`` whose key no shipped file holds: the
    entry ``entry`` is not selected (opt-in); None for any other key."""
    test = Test(key, "==", Lit(entry or "", frame.line), False, frame.line)
    return unshipped_switch(test, frame, resolver) if entry is not None else None


def _unset(obj, frame: Frame) -> bool:
    """A value a run with the shipped files does not have: a stored row's, None that no setting
    gives, a command-line flag's given value."""
    if isinstance(obj, Absent):
        return _config_setting([obj.trail], frame.module.path) is None
    return isinstance(obj, Unshipped) or (isinstance(obj, UserInput) and _is_flag(obj))


def unshipped_setting(value: Unshipped, subject) -> str:
    """``db field ChatModel.model_type`` for a field read off a row, ``user config key model
    (~/.config/app/config.toml)`` for a key of the user's file; else the rows or the file."""
    if value.source.startswith(USER_FILE):
        key = _key(subject)
        where = value.source.removeprefix(USER_FILE)
        return f"user config key {key} ({where})" if key else f"user config file {where}"
    model = value.source.removeprefix(DB_ROWS)
    if isinstance(subject, Attr):
        return f"db field {model}.{subject.attr}"
    return value.source


def _key(subject) -> str | None:
    """The key a test reads: ``cfg["model"]``, ``cfg.get("model")``, ``cfg.model``."""
    if isinstance(subject, Sub) and isinstance(subject.key, Lit):
        return subject.key.text
    if isinstance(subject, Call) and isinstance(subject.func, Attr) and subject.func.attr == "get" \
            and subject.args and isinstance(subject.args[0], Lit):
        return subject.args[0].text
    if isinstance(subject, Attr):
        return subject.attr
    return None


def rows_shipped(value: Unshipped, resolver: Resolver) -> bool | None:
    """For the user's file: whether the module naming it writes files (a template may land
    there). For rows: whether the tree writes rows of the model with the shipped configuration: True for a
    write call (``Model.objects.create(…)``, ``Model(…).save()``) under no test and with no
    opt-in caller, or a data migration loading the model by name in a function that writes;
    None when some write runs under a test not decided statically (rows may be written at run
    time); False when every write is opt-in, or there is none."""
    path, qualname = value.model
    if value.source.startswith(USER_FILE):
        return path != "" and _writes_files(resolver.program.load(path, "records"))
    if not path:
        return False
    table = _MEMO.setdefault(resolver, {})
    deps, unit = resolver.deps, ("unshipped-rows", resolver.dep_scope)
    if value.model in table:
        if deps is not None:
            deps.hit(unit, value.model)
        return table[value.model]
    table[value.model] = False  # a write gated by a row of the model itself: none from an empty database
    if deps is not None:
        deps.begin()
    spent, resolver.steps = resolver.steps, 0  # a budget of its own: the answer must not depend on who asks first
    table[value.model] = _written(path, qualname, resolver)
    resolver.steps += spent
    if deps is not None:
        deps.end(unit, value.model)
    return table[value.model]


def _written(path: str, qualname: str, resolver: Resolver) -> bool | None:
    program = resolver.program
    name = qualname.rpartition(".")[2]
    if any(_migration_writes(program.load(file, "records"), name) for file in _files_naming(program, name)):
        return True
    defining = program.load(path, "records")
    undecided = False
    for file in program.files_mentioning(name, defining):
        facts = program.load(file, "records")
        local = _local_names(facts, name, file == path)
        for site in facts.calls:
            if not _writes(site.func, local):
                continue
            state = _write_reach(facts, site, resolver)
            if state is True:
                return True
            undecided = undecided or state is None
    return None if undecided else False


def _write_reach(facts: ModuleFacts, site, resolver: Resolver) -> bool | None:
    """A write's reach: False when a test around it or its callers' fails with the shipped
    configuration, None when a test around it is not decided (run-time control flow included),
    True when it runs with the shipped configuration."""
    frame = Frame(facts, site.scope, site.line)
    own = [_evaluate(test, frame, resolver) for test in site.tests]
    if any(s is not None and s.taken is False for s in own):
        return False
    if site.tests and not all(s is not None and s.taken is True for s in own):
        return None
    up = caller_switches(facts, site.scope, resolver) if scope_at(facts.scope, site.scope).kind == "function" else ()
    if up and all(s.taken is False for s in up):
        return False
    return None if up else True


def _writes_files(facts: ModuleFacts) -> bool:
    """Whether a module writes files (``Path.write_text``, ``json.dump``, ``shutil.copy``,
    ``open(P, "w")``): naming the user's file, it may write a shipped template there."""
    writes = file_writes()
    for site in facts.calls:
        name = site.func.attr if isinstance(site.func, Attr) else site.func.id if isinstance(site.func, Name) else ""
        if name in writes:
            return True
        mode = next((v for k, v in site.kwargs if k == "mode"), site.args[1] if len(site.args) > 1 else None)
        if name == "open" and mode is not None and (not isinstance(mode, Lit) or any(c in mode.text for c in "wax+")):
            return True
    return False


def _local_names(facts: ModuleFacts, name: str, defining: bool) -> frozenset[str]:
    if defining:
        return frozenset({name})
    return frozenset(alias for alias, target in facts.imports.items() if target.rsplit(".", 1)[-1] == name)


def _writes(func, names: frozenset[str]) -> bool:
    """``Model.objects.create``, ``Model.objects.filter(…).update_or_create``, and ``Model(…)``:
    a row made is taken as saved (``row = Model(…); row.save()``)."""
    rules = record_rules()
    if isinstance(func, Name) and func.id in names:
        return True
    if not isinstance(func, Attr) or func.attr not in rules.creates:
        return False
    base = func.base
    while isinstance(base, (Attr, Call)):
        if isinstance(base, Call):
            if isinstance(base.func, Name) and base.func.id in names:
                return True  # Model(…).save()
            base = base.func
            continue
        if base.attr in rules.managers and isinstance(base.base, Name) and base.base.id in names:
            return True
        base = base.base
    return False


def _files_naming(program, name: str) -> list[str]:
    """The files holding ``name`` as a quoted string (``apps.get_model("app", "ChatModel")``)."""
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer (any file, for the hook)
        program.deps.ask(f"{QUOTED_NAME}{name}")
    needles = (f'"{name}"'.encode(), f"'{name}'".encode())
    return sorted(path for path, data in program.sources.items()
                  if path.endswith(".py") and any(n in data for n in needles))


def _migration_writes(facts: ModuleFacts, name: str) -> bool:
    """Whether a function of ``facts`` loads the model by name (``apps.get_model``) and writes."""
    rules = record_rules()
    loading = {site.scope for site in facts.calls
               if isinstance(site.func, Attr) and site.func.attr in rules.loaders
               and any(isinstance(a, Lit) and a.text == name for a in site.args)}
    return any(site.scope in loading and isinstance(site.func, Attr) and site.func.attr in rules.creates
               for site in facts.calls)

