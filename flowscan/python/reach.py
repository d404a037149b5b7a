"""Default or opt-in: whether the shipped configuration takes the branches an outbound call
is under.

A call's tests (``if settings.provider == "anthropic":``, ``if os.getenv("SENTRY_DSN"):``) are
evaluated like any value, in the call's deployment context. A test whose subject reads no
configuration (an env var, a settings field, a settings file) is run-time control flow and
says nothing about reach. A configuration test the shipped values pass keeps the call
``default``; one they fail makes it ``opt-in``; one whose shipped value is not known
statically makes it ``unknown``. An env var no scanned config sets is unset (None).
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from ..model import Switch
from ..values import TRUNCATED, Hole
from .entrypoints import USER_SUPPLIED
from .facts import Attr, CallSite, Lit, ModuleFacts, Name, NoneLit, Scope, Test
from .objects import ARGV, CALLER_SET, Absent, ClassRef, Ext, Frame, FuncRef, ListObj, Strs, Unknown, UserInput
from .reach_cli import NOT_GIVEN, argv_switch
from .reach_bound import bound_switches
from .reach_flags import flag_switch
from .reach_input import user_choice_switch
from .resolve import Resolver
from .resolve_cli import CLI_FLAG, FLAG_DEFAULT_STEP
from .resolve_models import CONFIG_FIELD_STEP
from .resolve_records import Unshipped
from .str_split import PART_OF_ENV

DEFAULT = "default"
OPT_IN = "opt-in"
UNKNOWN = "unknown"
_FALSY = frozenset({"", "False", "false", "0", "None", "null"})
_ENV_STEP = re.compile(r"\benv ([A-Za-z_][A-Za-z0-9_]*)")
_PIECE_OF_ENV = re.compile(re.escape(PART_OF_ENV).replace(re.escape("{index}"), r"-?\d+"))
_UNSET = object()  # an env var no scanned config sets, or None
_UNDETERMINED = object()
COMPUTED = "a computed value"  # the setting of a test whose value reads env vars on the way but names none
MAX_CALLER_HOPS = 2
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, function, hops) -> caller switches


def switches_of(site: CallSite, frame: Frame, resolver: Resolver) -> tuple[Switch, ...]:
    """The configuration tests around ``site``, each with its shipped value and outcome."""
    out: list[Switch] = []
    for test in site.tests:
        switch = _evaluate(test, frame, resolver)
        if switch is not None:
            out.append(switch)
    if isinstance(site, CallSite) and not any(s.taken is False for s in out):
        out.extend(bound_switches(site, frame, resolver, _evaluate))  # a name only a failing branch binds
    return tuple(out)


def caller_switches(module: ModuleFacts, qualname: str, resolver: Resolver, hops: int = MAX_CALLER_HOPS) -> tuple[Switch, ...]:
    """The failing configuration tests of the callers of the function ``qualname`` (the one a
    call is in), when every call site in the tree that names it is a resolved caller and each
    is opt-in, by its own tests or, up to ``hops`` calls back, by its callers'; the tests that
    cannot be decided instead when some caller is neither opt-in nor reached by default (the
    call's reach is then unknown). Otherwise (no caller, a caller reached by default, a
    same-named call not resolved): none."""
    scope = _function(module, qualname)
    if scope is None or hops <= 0:
        return ()
    memo = _MEMO.setdefault(resolver, {})
    key = (module.path, qualname, hops)
    deps = resolver.deps
    if key in memo:
        if deps is not None:
            deps.hit(("caller-switches", resolver.dep_scope), key)
        return memo[key]
    memo[key] = ()  # recursion through mutual callers: no evidence
    if deps is not None:
        deps.begin()
    # a same-named call of an external function (``requests.post`` beside ``Client.post``) is no
    # candidate: it cannot call this one
    program = resolver.program  # a test's call is not how the shipped program runs it (``Program.runs``)
    callers = [(facts, site) for facts, site in resolver.callers_of(module, scope) if program.runs(facts.path, module.path)]
    candidates = [(facts, site) for facts, site in resolver.caller_sites(module, scope)
                  if program.runs(facts.path, module.path) and not calls_external(resolver, facts, site)
                  and ((facts, site) in callers or not calls_other_in_tree(resolver, facts, site))]
    found: list[Switch] = []
    undecided: list[Switch] = []
    if callers and len(callers) == len(candidates):
        for facts, site in callers:
            own = switches_of(site, Frame(facts, site.scope, site.line), resolver)
            failing = [s for s in own if s.taken is False]
            up: tuple[Switch, ...] = ()
            if not failing:
                up = caller_switches(facts, site.scope, resolver, hops - 1)
                failing = list(up) if up and all(s.taken is False for s in up) else []
            if not failing:  # a caller in a class that configuration selects (``reach_selection``)
                from .reach_selection import selection_switches

                picked = selection_switches(facts, site.scope, resolver)
                failing = list(picked) if picked and all(s.taken is False for s in picked) else []
            if not failing and "." not in site.scope:  # a caller nothing in the tree calls (``reach_uncalled``)
                from .reach_uncalled import uncalled_switches

                failing = list(uncalled_switches(facts, site.scope, resolver))
            if not failing:  # a caller in a subcommand the user must name (``reach_subcommand``)
                from .reach_subcommand import subcommand_switches

                failing = list(subcommand_switches(facts, site.scope, resolver))
            if failing:
                found.extend(failing)
                continue
            open_tests = [s for s in (*own, *up) if s.taken is None]
            if not open_tests:
                found, undecided = [], []
                break
            undecided.extend(open_tests)
    memo[key] = tuple(dict.fromkeys(undecided or found))
    if deps is not None:
        deps.end(("caller-switches", resolver.dep_scope), key)
    return memo[key]


def calls_external(resolver: Resolver, facts: ModuleFacts, site: CallSite) -> bool:
    """Whether the call's callee is only ever an external (SDK or library) name."""
    called = resolver.eval(site.func, Frame(facts, site.scope, site.line))
    return bool(called) and all(isinstance(obj, Ext) for obj in called)


def calls_other_in_tree(resolver: Resolver, facts: ModuleFacts, site: CallSite) -> bool:
    """Whether the call's callee is only ever in-tree functions or classes named through a
    name, a module or a class (``LlmFactory.create`` beside ``RerankerFactory.create``): a
    call that is not a caller of a function then cannot call it. A method called on ``self``
    or ``cls`` is not: a subclass may override it."""
    func = site.func
    if isinstance(func, Attr) and not (isinstance(func.base, Name) and func.base.id not in ("self", "cls")):
        return False
    if not isinstance(func, (Attr, Name)):
        return False
    called = resolver.eval(func, Frame(facts, site.scope, site.line))
    return bool(called) and all(isinstance(obj, (FuncRef, ClassRef)) for obj in called)


def _function(module: ModuleFacts, qualname: str) -> Scope | None:
    scope = module.scope
    for part in qualname.split(".") if qualname else []:
        scope = scope.children.get(part)
        if scope is None:
            return None
    return scope if scope.kind == "function" else None


def reach_of(switches: tuple[Switch, ...]) -> str:
    """``opt-in`` when a configuration test fails with the shipped values, ``unknown`` when one
    cannot be decided, else ``default``."""
    if any(s.taken is False for s in switches):
        return OPT_IN
    if any(s.taken is None for s in switches):
        return UNKNOWN
    return DEFAULT


def hit_reach(switches: tuple[Switch, ...], unresolved: list[str], path: str, line: int) -> tuple[str, tuple[Switch, ...]]:
    """A call's reach, also from its value: a host that only an env var no scanned config sets
    would give (``env:AZURE_API_BASE``), or a library's caller (``set by the caller: …``), is
    reached once a user sets it."""
    if unresolved and all(label.startswith(("env:", _FLAG_LABEL, CALLER_SET)) or label == TRUNCATED
                          for label in unresolved):
        own = reach_of(switches)
        switches = (*switches, *(_unresolved_switch(label, path, line) for label in unresolved if label != TRUNCATED))
        if TRUNCATED in unresolved and own != OPT_IN:  # values not listed: their reach is not known either
            return UNKNOWN, (*switches, Switch(path, line, TRUNCATED, "one of the values not listed", "not known statically", None))
    return reach_of(switches), switches


_FLAG_LABEL = f"{USER_SUPPLIED}: {CLI_FLAG}"  # the hole of a command-line flag's value


def _unresolved_switch(label: str, path: str, line: int) -> Switch:
    """What a host only an unset env var, a command-line flag or a library's caller gives waits for."""
    if label.startswith(_FLAG_LABEL):
        flag = label.removeprefix(f"{USER_SUPPLIED}: ")
        return Switch(path, line, flag, f"{flag} is given", NOT_GIVEN, False)
    if label.startswith(CALLER_SET):
        return Switch(path, line, label, "a caller outside the scanned tree sets it", "not set in the tree", False)
    return Switch(path, line, label, f"{label} is set", "unset", False)


def combine(reaches: list[tuple[str, tuple[Switch, ...]]]) -> tuple[str, list[Switch]]:
    """An endpoint's reach from its calls': ``default`` when any call is reached by default
    (then no switch is listed), else ``unknown`` when any call's is, else ``opt-in``; the
    switches of its calls, in order."""
    kinds = {kind for kind, _ in reaches}
    if DEFAULT in kinds or not reaches:
        return DEFAULT, []
    switches = list(dict.fromkeys(s for kind, found in reaches for s in found if s.taken is not True))
    return (UNKNOWN if UNKNOWN in kinds else OPT_IN), switches


def _evaluate(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    at = Frame(frame.module, frame.scope, test.line, frame.bindings, frame.depth, frame.inline)
    reads = resolver.env_reads_seen
    from .reach_affix import affix_switch  # these two read this module's helpers
    from .reach_main_block import main_block_switch
    from .reach_unshipped import unshipped_switch

    # tests of a module's script block, of sys.argv, of a typed answer, of a value no shipped file holds, of a prefix
    for special in (main_block_switch, argv_switch, user_choice_switch, unshipped_switch, affix_switch):
        found = special(test, at, resolver)
        if found is not None:
            return found
    needle = _needle(test, at, resolver)  # "claude" in model: the setting is the string searched
    subject = resolver.eval(test.value if needle is not None and test.value is not None else test.subject, at)
    flag = flag_switch(test, subject, at, resolver, _evaluate) if needle is None else None  # a bool made of tests
    if flag is not None:
        return flag
    by_caller = [o.why for o in subject if _by_caller(o)]
    # a flag's given value is the user's choice at start-up, not shipped: its default decides
    flags = [o.cli for o in subject if _is_flag(o)]
    subject = [o for o in subject if not _by_caller(o) and not _is_flag(o)]
    stored = unshipped_beside(subject, test.value if needle is not None else test.subject)
    trails = [v.trail for o in subject if isinstance(o, Strs) for v in o.values]
    trails += [o.trail for o in subject if isinstance(o, Absent)]
    setting = _setting(trails, frame.module.path) or next(iter(by_caller), None) or (
        f"{CLI_FLAG}{flags[0]}" if flags else None) or next(iter(stored), None)
    if resolver.env_reads_seen == reads and setting is None:
        return None  # run-time control flow, not a setting
    # what a library's caller sets is not shipped; a flag with no default read is not known
    plain = [pair for o in subject for pair in _plain_values(o)] or [(_UNDETERMINED if flags else _UNSET, ())]
    values = [value for value, _ in plain]
    expected = [needle] if needle is not None else _expected(test, at, resolver)
    outcomes = [(_holds(value, test.op, expected) if needle is None else _contains(value, needle, test.op), value, trail)
                for value, trail in plain]
    if test.negated:
        outcomes = negated(outcomes)
    taken = _taken(outcomes, frame.module.path, shipped_beside=bool(stored))
    if taken is True:  # passing only with values no shipped configuration gives
        from .reach_value_origin import shipped_outcomes

        kept = shipped_outcomes(outcomes, resolver)
        if kept is not None:
            taken = _taken(kept, frame.module.path, shipped_beside=bool(stored))
    name = setting or COMPUTED
    shipped = sorted({_shown(v) for v in values})
    condition = _condition(name, test, expected) if needle is None else \
        f"{'not (' if test.negated else ''}{needle!r} {test.op} {name}{')' if test.negated else ''}"
    return Switch(frame.module.path, test.line, name, condition, ", ".join(shipped) or "unknown", taken)


def _needle(test: Test, frame: Frame, resolver: Resolver) -> str | None:
    """The literal of ``"claude" in model`` when what it is looked for in is a string (a
    substring test of a setting), not a collection; else None."""
    if test.op not in ("in", "not in") or not isinstance(test.subject, Lit) or test.value is None:
        return None
    objs = resolver.eval(test.value, frame)
    if not objs or not all(isinstance(o, (Strs, Absent, UserInput, Unshipped)) for o in objs):
        return None
    return test.subject.text


def _contains(value, needle: str, op: str) -> bool | None:
    """Whether ``needle in value`` (``not in``: its negation) holds for one shipped value."""
    if value is _UNDETERMINED:
        return None
    found = isinstance(value, str) and needle in value  # an unset value (None) holds nothing
    return found if op == "in" else not found


def _by_caller(obj) -> bool:
    """Whether ``obj`` is what a library's caller passes in a configuration mapping."""
    return isinstance(obj, Unknown) and obj.why.startswith(CALLER_SET)


def _is_flag(obj) -> bool:
    return isinstance(obj, UserInput) and obj.cli not in ("", ARGV)


def _shown(value) -> str:
    return "unset" if value is _UNSET else "unknown" if value is _UNDETERMINED else repr(value)


def _condition(name: str, test: Test, expected: list | None) -> str:
    """The test in words: ``env:X is set``, ``env:P == 'anthropic'``, ``not (…)``."""
    if test.op == "truthy":
        text = f"{name} is set and not false"
    else:
        shown = " or ".join(_shown(v) for v in expected) if expected else "a value not known statically"
        text = f"{name} {test.op} {shown}"
    return f"not ({text})" if test.negated else text


_KEY_STEP = re.compile(r"^([^\s:]+):(?: |$)")  # a settings file's step: ``llm:`` (a table), ``model: gpt-4o``


def _key_path(steps, path: str) -> str | None:
    """The dotted key a settings value was read by: the keys of the consecutive steps in file
    ``path`` (``config:`` then ``git_provider: github`` is ``config.git_provider``)."""
    keys = []
    for step in steps:
        found = _KEY_STEP.match(step.detail) if step.path == path else None
        if found is None:
            break
        keys.append(found.group(1))
    return ".".join(keys) or None


def _setting(trails: list, path: str) -> str | None:
    """What configuration a tested value comes from: ``env:NAME``, or a settings file's key."""
    for trail in trails:
        for i, step in enumerate(trail):
            found = _ENV_STEP.search(step.detail)
            if found and ("reads env" in step.detail or "not set" in step.detail or "default of env" in step.detail):
                return f"env:{found.group(1)}"
            if not step.path.endswith(".py"):
                return f"{step.path}: {_key_path(trail[i:], step.path) or step.detail}"
            if step.detail.startswith(CONFIG_FIELD_STEP):
                return f"config field {step.detail[len(CONFIG_FIELD_STEP):]}"
            if step.detail.startswith(FLAG_DEFAULT_STEP):
                return f"{CLI_FLAG}{step.detail[len(FLAG_DEFAULT_STEP):]}"
    return None


def _plain_values(obj) -> list[tuple[object, tuple]]:
    """A tested object as Python-like values, each with its chain: a string, ``_UNSET`` or
    ``_UNDETERMINED`` per alternative."""
    if isinstance(obj, Absent):
        return [(_UNSET, obj.trail)]
    if not isinstance(obj, Strs) or not obj.values:
        return [(_UNDETERMINED, ())]
    out: list[tuple[object, tuple]] = []
    for value in obj.values:
        if value.is_known:
            out.append((value.text, value.trail))
        elif len(value.parts) == 1 and _unset_env(value.parts[0]):
            out.append((_UNSET, value.trail))
        else:
            out.append((_UNDETERMINED, value.trail))
    return out


def _unset_env(part) -> bool:
    """An env var's whole value, or a piece of it (``os.getenv("MODEL").split("/")[0]``): unset
    when no scanned config sets the var."""
    return isinstance(part, Hole) and (part.label.startswith("env:") or _PIECE_OF_ENV.match(part.label) is not None)


def unshipped_beside(objs: list, tested) -> list[str]:
    """The settings of a user's file or a stored row among a tested value's ``objs`` when values
    written in the code are beside them (``cfg = read_user_file() or DEFAULTS``): those are what
    ships; none when there is no such value or nothing beside it."""
    from .reach_unshipped import unshipped_setting  # it imports this module

    if all(isinstance(o, Unshipped) for o in objs):
        return []
    return [unshipped_setting(o, tested) for o in objs if isinstance(o, Unshipped)]


def negated(outcomes: list[tuple[bool | None, object, tuple]]) -> list[tuple[bool | None, object, tuple]]:
    """Each value's outcome of the negated test: an else branch runs when one of the values
    fails the test, not when none passes it."""
    return [(None if held is None else not held, value, trail) for held, value, trail in outcomes]


def _taken(outcomes: list[tuple[bool | None, object, tuple]], path: str, shipped_beside: bool = False) -> bool | None:
    """A test's outcome (before negation) from its values': it holds when one value passes;
    not when all fail, or when a setting's shipped value fails and the others cannot be
    decided (fail closed: what the shipped configuration does not select is what a user may
    turn on, so it is opt-in, not dropped); else not known. ``shipped_beside``: the value
    not decided is the user's file or a stored row, so the values beside it are the shipped
    ones (``cfg = read_user_file() or DEFAULTS``)."""
    held = [h for h, _, _ in outcomes]
    if True in held:
        return True
    if held and all(h is False for h in held):
        return False
    if any(h is False and (shipped_beside or value is not _UNSET and _setting([trail], path) is not None)
           for h, value, trail in outcomes):
        return False
    return None


def _expected(test: Test, frame: Frame, resolver: Resolver) -> list | None:
    """The compared-to values: strings, ``_UNSET`` for None; None when not all known."""
    if test.value is None:
        return None
    if isinstance(test.value, NoneLit):
        return [_UNSET]
    out: list = []
    for obj in resolver.items(resolver.eval(test.value, frame)):
        if isinstance(obj, Strs):
            for value in obj.values:
                if not value.is_known:
                    return None
                out.append(value.text)
        elif isinstance(obj, Absent):
            out.append(_UNSET)
        elif not isinstance(obj, ListObj):
            return None
    return out


def _holds(value, op: str, expected: list | None) -> bool | None:
    if value is _UNDETERMINED:
        return None
    if op == "truthy":
        return value is not _UNSET and value not in _FALSY
    if expected is None:
        return None
    if op in ("==", "is", "in"):
        return value in expected
    if op in ("!=", "is not", "not in"):
        return value not in expected
    if op in _ORDER and len(expected) == 1:
        left, right = _number(value), _number(expected[0])
        return _ORDER[op](left, right) if left is not None and right is not None else None
    return None


_ORDER = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def _number(value) -> float | None:
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None
