"""Value resolution over the Python facts of a whole tree.

Evaluates an IR expression in a frame (module, scope, line, parameter bindings) to a
list of abstract objects: possible strings (with holes and provenance), external
names (``requests.Session``), instances, in-tree modules, classes and functions.
Every name it follows becomes an edge of the data-flow graph (``graph.py``).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import replace
from typing import Iterable, Iterator, Mapping

from ..model import Step
from ..values import MAX_ALTERNATIVES, NUMBER_HOLE, TRUNCATED, Hole, StrValue, concat, dedupe, merge_trails
from .facts import (
    Assign,
    Attr,
    Call,
    CallSite,
    Concat,
    DictLit,
    ItemSet,
    ListAdd,
    Each,
    Either,
    Expr,
    Lit,
    ModuleFacts,
    Name,
    NoneLit,
    Opaque,
    Param,
    Percent,
    Scope,
    Seq,
    Sub,
)
from .facts import callee_name as _callee_name
from .facts import imported_callee, is_super_init
from .objects import (
    NO_BINDINGS,
    PARAMETER_HOLE,
    UNSET_IS_NONE,
    Absent,
    Bindings,
    CallCtx,
    ClassRef,
    DataGet,
    DictGet,
    MappingCopy,
    DataObj,
    DynaconfGet,
    DynaconfUnset,
    DictObj,
    EnvLookup,
    EnvRead,
    Ext,
    Frame,
    FuncRef,
    Inst,
    ListObj,
    ModRef,
    Namespace,
    Obj,
    PathMethod,
    PathVal,
    Pieces,
    Scalar,
    StrMethod,
    SuperOf,
    Strs,
    Truth,
    Unknown,
    UserInput,
    describe,
)
from .env_writes import env_writes
from .program import Program
from .resolve_data import PATH_FUNCTIONS, DataResolution, short_text
from .closure_callers import closure_call_sites
from .resolve_dynamic import DUNDER_IMPORT, GETATTR, IMPORT_BY_NAME, IMPORT_MODULE, DynamicResolution
from .resolve_feasible import FeasibleResolution
from .resolve_models import ModelResolution
from .resolve_records import Unshipped, stored_rows, unshipped_call
from .resolve_typed import TYPED_CALLER_HOPS, TypedResolution
from .resolve_setattr import SetattrResolution
from .resolve_outside_writes import OutsideWriteResolution
from .aliased_callers import alias_call_sites
from .inherited_callers import alias_sites, inheriting_call_sites
from .subclass_attrs import subclass_values
from .pydantic_urls import is_url_field, with_slash
from .guards import not_none_at
from .resolve_caller_get import CallerGet, CallerGetResolution, UnpassedNone
from .resolve_builtins import BUILTIN_CALLS, CONVERSIONS, SCALAR_SHAPES, BuiltinResolution
from .resolve_comprehensions import ComprehensionResolution
from .resolve_replace import ReplaceResolution
from .resolve_cli import LOOP_ELEMENT, CliResolution, is_boolean_default
from .resolve_input import InputResolution, input_attr, input_call, input_item
from .resolve_lists import ListResolution
from .resolve_bundled import RESOURCE_FILES, BundledResolution
from .resolve_loops import LoopResolution
from .resolve_dynaconf import DynaconfResolution
from .resolve_vars import VARS, VarsResolution
from .resolve_external_items import COPIES, ExternalItemResolution
from .settings import PATH_LOADERS, STREAM_LOADERS
from .resolve_proxy import delegated_attr
from .resolve_paths import PATH_CLASSES, joined, path_attr, path_call, path_value
from .str_split import SPLITTERS, piece, split_values

MAX_DEPTH = 48
MAX_CALLER_DEPTH = 3
MAX_FORWARDS = 2  # caller hops passing a parameter on unchanged that do not count towards MAX_CALLER_DEPTH
MAX_FORWARD_CALLERS = 2  # ... where the function has at most this many callers (a call chain, not a shared helper)
MAX_INLINE = 3
STEP_BUDGET = 5_000  # evaluations per outbound call before the analysis gives up on it (hits are reported)
_SETTINGS_BASES = ("BaseSettings",)
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environb.get"})
_URLJOIN = frozenset({"urllib.parse.urljoin", "urlparse.urljoin", "posixpath.join"})
_DYNACONF = frozenset({"dynaconf.Dynaconf", "dynaconf.LazySettings"})
_DYNACONF_METHODS = frozenset({"get", "as_dict", "to_dict", "set", "update", "setenv", "from_env", "validators",
                               "reload", "configure", "load_file", "exists", "current_env"})
_BUILTINS = frozenset({"open", "dict", "getattr", "super", "vars"})  # builtins the analysis models (and CONVERSIONS;
# others stay "not defined")
# Expressions evaluated even over the budget: literals and the ``+`` / f-string / ``or`` shapes
# around them cost no lookup (their other parts come back "analysis budget exceeded").
_WRITTEN_OUT = (Lit, NoneLit, Concat, Either)
END_OF_FILE = 10**9  # a line after every line of a file: every assignment reaches it


# -- the resolver ------------------------------------------------------------

class Resolver(DataResolution, DynaconfResolution, ExternalItemResolution, InputResolution, LoopResolution,
               DynamicResolution, FeasibleResolution, ModelResolution, ListResolution, SetattrResolution, CliResolution, CallerGetResolution,
               BuiltinResolution, ComprehensionResolution, ReplaceResolution, OutsideWriteResolution,
               TypedResolution, BundledResolution, VarsResolution):
    """Evaluates expressions to abstract objects. One instance per deployment context."""

    def __init__(self, program: Program, env: EnvLookup, constants: Mapping[str, str] | None = None,
                 states: frozenset[str] = frozenset()):
        self.program = program
        self.constants = constants or {}  # a library's dotted name -> its string value (``constants`` in rules/)
        self.states = states  # SDK module attributes that configure later calls (``openai.base_url``)
        self._lookup = env
        self.env_reads_seen = 0  # env lookups so far, memo hits on env-dependent values included
        self._env_dependent: set[tuple] = set()  # memo keys whose value read an env var
        self.env_reads: list[EnvRead] = []
        self._memo: dict[tuple, tuple[Obj, ...]] = {}
        # every expression whose value is memoised by its id, kept alive so that no expression built
        # during the scan (``Attr(target, name)``) can later take the same id and a stale value
        self._pinned: list[Expr] = []
        self._bindings: dict[tuple, Bindings] = {}
        self._too_costly: set[tuple] = set()  # memo keys whose value ran out of budget on its own
        self.steps = 0
        self.budget_site: tuple[str, int] | None = None  # the outbound call being resolved
        self.budget_hits: set[tuple[str, int]] = set()  # calls whose resolution hit STEP_BUDGET
        self.most_steps: tuple[int, tuple[str, int] | None] = (0, None)  # the costliest call so far
        self._active: set[tuple] = set()
        self._entries: dict[tuple[str, str], tuple | None] = {}  # handler (path, qualname) -> its entry rule
        self.words: dict[tuple[str, int], Lit] = {}  # the literals str.split() made (kept: memo keys hold their ids)
        self.deps = program.deps  # a recording scan: what each memoised value read (``deps``)
        self.dep_scope = self.deps.scope() if self.deps is not None else 0

    # -- entry points --------------------------------------------------------
    def start_budget(self, site: tuple[str, int] | None = None) -> None:
        """Give the next outbound call (``site``: path, line) its own evaluation budget."""
        if self.steps > self.most_steps[0]:
            self.most_steps = (self.steps, self.budget_site)
        self.steps = 0
        self.budget_site = site
        if self.deps is not None:
            self.deps.start_unit(site)

    @property
    def over_budget(self) -> bool:
        """True once the current call's budget is spent: what is computed from now on may
        hold "budget exceeded" holes, so it is not memoised for later calls."""
        return self.steps > STEP_BUDGET

    def env(self, key: str) -> list[StrValue] | None:
        """The values env var ``key`` has in this resolver's deployment context, the code's own
        writes included (None: unset; see ``env_values`` for a variable that may be either)."""
        values, _ = self.env_values(key)
        return values or None

    def env_values(self, key: str) -> tuple[list[StrValue], bool]:
        """The values env var ``key`` can have: the deployment context's, replaced or joined by
        those the code sets (``env_writes``); and whether it may be unset."""
        self.env_reads_seen += 1
        bound = self._lookup(key)
        writes = env_writes(self.program, key)
        if not writes:
            return (list(bound) if bound is not None else []), bound is None
        values, unset = list(bound or []), bound is None
        for write in writes:
            frame = Frame(write.module, write.scope, write.line)
            step = Step(write.module.path, write.line, short_text(write.text) or f"sets env {key}")
            written = [v.then(step) for v in self.strings(self.eval(write.value, frame), frame)]
            if write.certain and (write.kind == "set" or unset):
                values, unset = written, False
            elif not write.certain:
                values = [*values, *written]
        return dedupe(values), unset

    def _recall(self, key: tuple) -> list[Obj] | None:
        """A memoised value; reusing one that read env vars counts as reading them. On a miss
        the caller computes the value and ends with ``_remember`` or ``_forget``."""
        found = self._memo.get(key)
        if found is None:
            if self.deps is not None:
                self.deps.begin()
            return None
        if key in self._env_dependent:
            self.env_reads_seen += 1
        if self.deps is not None:
            self.deps.hit(self.dep_scope, key)
        return list(found)

    def _remember(self, key: tuple, result: list[Obj], reads_before: int) -> None:
        self._memo[key] = tuple(result)
        if self.env_reads_seen > reads_before:
            self._env_dependent.add(key)
        if self.deps is not None:
            self.deps.end(self.dep_scope, key)

    def _forget(self) -> None:
        """The value computed after a ``_recall`` miss is not memoised."""
        if self.deps is not None:
            self.deps.drop()

    def eval(self, expr: Expr, frame: Frame) -> list[Obj]:
        # The hottest function of a scan: ``_recall``, ``over_budget`` and ``_remember`` are
        # written out here (the same steps in the same order), saving three calls per evaluation.
        key = (frame.module.path, frame.scope, frame.line, frame.bindings.key, frame.depth, frame.inline, id(expr))
        found = self._memo.get(key)
        deps = self.deps
        if found is not None:
            if key in self._env_dependent:
                self.env_reads_seen += 1
            if key in self._too_costly and self.budget_site is not None:
                self.budget_hits.add(self.budget_site)
            if deps is not None:
                deps.hit(self.dep_scope, key)
            return list(found)
        reads = self.env_reads_seen
        start = self.steps
        self.steps = start + 1
        if start >= STEP_BUDGET:
            if self.budget_site is not None:
                self.budget_hits.add(self.budget_site)
            if isinstance(expr, _WRITTEN_OUT):  # what the code spells out is kept: ``x or "eastus"``, f"https://{r}.host"
                return _cap(self._eval(expr, frame))
            return [Unknown("analysis budget exceeded", expr.line)]
        active = self._active
        if key in active or len(active) > MAX_DEPTH:
            return [Unknown("recursive or too deep", expr.line)]
        active.add(key)
        if deps is not None:
            deps.begin()
            deps.read(frame.module.path)
        try:
            result = self._eval(expr, frame)
        finally:
            active.discard(key)
        result = _located(_cap(result), frame.module.path)
        if self.steps <= STEP_BUDGET:  # not over budget
            self._memo[key] = tuple(result)
            self._pinned.append(expr)
            if self.env_reads_seen > reads:
                self._env_dependent.add(key)
            if deps is not None:
                deps.end(self.dep_scope, key)
        elif start <= STEP_BUDGET // 10:
            # This value alone took nine tenths of a fresh budget and still ran out: any call
            # would, so its partial value is kept (and reusing it counts as a budget hit).
            self._remember(key, result, reads)
            self._pinned.append(expr)
            self._too_costly.add(key)
        elif deps is not None:
            deps.drop()
        return result

    def _piece_of(self, objs: list[Obj], frame: Frame) -> list[StrValue]:
        """One part of an f-string or ``+``, evaluated to ``objs``: its strings; a value that is
        only ever None (an unset optional parameter) is a hole named so, not an empty string that
        would make up a host (``f"{location}-documentai.googleapis.com"`` with ``location=None``).
        A boolean flag's default (``False``) is no text of a URL."""
        found = [v for v in self.strings(objs, frame) if not is_boolean_default(v)]
        if found:
            return found
        absent = next((o for o in objs if isinstance(o, Absent)), None)
        if absent is not None:
            return [StrValue.hole("None", absent.trail)]
        return [StrValue.literal("")]

    def items(self, objs: Iterable[Obj]) -> list[Obj]:
        """``objs`` with each list or tuple literal replaced by its items' values (a call that
        takes several URLs calls each of them)."""
        out: list[Obj] = []
        for obj in objs:
            if isinstance(obj, ListObj):
                for item, frame in obj.pairs():
                    out.extend(self.eval(item, frame))
            else:
                out.append(obj)
        return out

    def strings(self, objs: Iterable[Obj], frame: Frame, what: str = "value") -> list[StrValue]:
        """The string alternatives among ``objs``; anything else becomes a labelled hole."""
        out: list[StrValue] = []
        for obj in objs:
            if isinstance(obj, (Strs, PathVal)):
                out.extend(obj.values)
            elif isinstance(obj, (Unknown, ListObj)):
                why = obj.why if isinstance(obj, Unknown) else "a list or tuple"
                # cited where it is written: a list literal's file, a value's (``_located``), else here
                source = obj.frame.module.path if isinstance(obj, ListObj) else obj.path or frame.module.path
                where = (source, obj.line) if obj.line else (frame.module.path, frame.line)
                out.append(StrValue.hole(why, (Step(*where, f"not resolved: {why}"),)))
            elif isinstance(obj, Absent):
                continue
            elif isinstance(obj, DynaconfUnset):
                out.extend(self.dynaconf_unset_strings(obj, frame))
            elif isinstance(obj, UserInput):
                out.append(StrValue.hole(obj.label, obj.trail))
            elif isinstance(obj, Scalar):
                out.append(StrValue.hole(f"{NUMBER_HOLE}{obj.what}", (*obj.trail, Step(
                    frame.module.path, obj.line or frame.line, f"not resolved: {obj.what} is a number or bool"))))
            else:
                out.append(StrValue.hole(f"{what} is {describe(obj)}"))
        return dedupe(out)

    # -- evaluation ----------------------------------------------------------
    def _eval(self, expr: Expr, frame: Frame) -> list[Obj]:
        path = frame.module.path
        if isinstance(expr, Lit):
            return [Strs((StrValue.literal(expr.text, (Step(path, expr.line, f'"{short_text(expr.text)}"'),)),))]
        if isinstance(expr, NoneLit):
            return [Absent((Step(path, expr.line, "None"),))]
        if isinstance(expr, Name):
            return self._name(expr.id, Frame(frame.module, frame.scope, expr.line or frame.line, frame.bindings,
                                             frame.depth, frame.inline))
        if isinstance(expr, Attr):
            out: list[Obj] = []
            for base in _raising_none_dropped(self.eval(expr.base, frame), keep_caller=expr.attr == "get"):
                out.extend(self._attr(base, expr.attr, expr.line, frame))
            return out
        if isinstance(expr, Sub):
            return self._subscript(expr, frame)
        if isinstance(expr, Call):
            return self._call(expr, frame)
        if isinstance(expr, Concat):
            operands = [self.eval(part, frame) for part in expr.parts]
            joined = self.joined_list(expr, operands, frame)
            if joined is not None:
                return joined
            pieces = [[v if not isinstance(part, Lit) else StrValue(v.parts) for v in self._piece_of(objs, frame)]
                      for part, objs in zip(expr.parts, operands)]
            values, _ = concat(pieces)
            return [Strs(tuple(values))]
        if isinstance(expr, Percent):
            return self._percent(expr, frame)
        if isinstance(expr, Either):
            # ``a or b`` is never ``a``'s None, but it is ``b``'s, and ``x if c else None`` may be None:
            # a None of the last alternative is kept (the SDK's own default then applies).
            # Likewise an empty string: ``region or os.getenv("AWS_REGION")`` with ``region=""``.
            out = []
            for i, option in enumerate(expr.options):
                objs = self.eval(option, frame)
                if i == len(expr.options) - 1:  # the fallback (``… or "us-west-2"``) survives the cap
                    return [*_cap(out, room=max(MAX_ALTERNATIVES - len(objs), 0)), *objs] or [Absent()]
                out.extend(_truthy(objs))
            return out or [Absent()]
        if isinstance(expr, DictLit):
            return self.dict_value(expr, frame)
        if isinstance(expr, Seq):
            return self.list_value(expr, frame)
        if isinstance(expr, Each):
            return self.each(expr, frame)
        if isinstance(expr, ItemSet):
            return [_with_item(obj, expr, frame) for obj in self.eval(expr.base, frame)]
        if isinstance(expr, ListAdd):
            return self.list_added(expr, frame)
        if isinstance(expr, Opaque):
            if expr.why in SCALAR_SHAPES:
                return [Scalar(SCALAR_SHAPES[expr.why], expr.line, truth=Truth(expr.cond, frame) if expr.cond else None)]
            return [Unknown(expr.why, expr.line)]
        return [Unknown(type(expr).__name__)]

    # names ------------------------------------------------------------------
    def _name(self, name: str, frame: Frame) -> list[Obj]:
        module = frame.module
        scopes = _scope_chain(module.scope, frame.scope)
        bound = frame.bound(name)  # a parameter of the call being followed (bindings are its function's)
        if bound is not None and name not in scopes[-1].assigns:
            return list(bound)
        element = frame.bound(LOOP_ELEMENT + name) if frame.bindings else None
        if element is not None:  # a loop variable fixed to one element (``CliResolution.element_frames``)
            return list(element)
        for depth, scope in enumerate(reversed(scopes)):
            if scope.kind == "class" and depth > 0:
                continue  # class bodies are not visible from methods
            param = None
            if scope.kind == "function":
                param = next((p for p in scope.params if p.name == name), None)
                # a parameter read before the function assigns it (``a, b = f(a, b)``) is the argument
                if param is not None and (name not in scope.assigns or (
                        depth == 0 and all(a.line >= frame.line for a in scope.assigns[name]))):
                    return self._param(module, scope, param, frame)
            if name in scope.assigns:
                line = frame.line if depth == 0 else END_OF_FILE
                assigned = self._assigned(module, scope, name, scope.assigns[name], line, frame, param)
                if scope is module.scope and name in module.imports and (
                        all(isinstance(o, Absent) for o in assigned) or all(a.conditional for a in scope.assigns[name])):
                    # ``try: import x`` / ``except ImportError: x = None`` (or a stub class): the module holds either
                    return [*self._dotted(module.imports[name], module), *assigned]
                return assigned
            if name in scope.children:
                if scope is module.scope and name in module.imports:
                    # ``try: from sdk import build`` / ``except ImportError: def build(...)``: either
                    return [*self._dotted(module.imports[name], module), _ref(module, scope.children[name])]
                return [_ref(module, scope.children[name])]
        if name in module.imports:
            dotted = module.imports[name]
            if dotted in self.constants and self.program.find_module(dotted.rpartition(".")[0], module) is None:
                return [self._external(dotted, None, frame.line, frame)]  # at the line that reads it
            return self._dotted(module.imports[name], module)
        if name in _BUILTINS:
            return [Ext(name)]
        if name == "input":  # the builtin: what is typed at the terminal (rules/entrypoints/)
            return [self._external("builtins.input", None, frame.line, frame)]
        if name in CONVERSIONS:  # the builtin, not shadowed: ``str(settings.url)`` is its argument (see ``apply``)
            return [Ext(f"builtins.{name}")]
        if name == "__file__":
            return [Strs((StrValue.literal(module.path, (Step(module.path, frame.line, "__file__"),)),))]
        if name in DUNDER_IMPORT:  # the builtin: ``__import__("pkg")`` is module pkg (``dunder_import``)
            return [Ext(name)]
        starred = self._star_imported(module, name)
        if starred is not None:
            return starred
        return [Unknown(f"name {name!r} is not defined in {module.path}", frame.line)]

    def _assigned(self, module: ModuleFacts, scope: Scope, name: str, assigns: list[Assign], line: int,
                  frame: Frame, param: Param | None = None) -> list[Obj]:
        """The values of ``name`` from the assignments that reach ``line``. Memoised by those
        assignments (not by the line), so every read they reach shares one evaluation. For a
        reassigned parameter (``url = url or DEFAULT``), the value it was called with reaches
        reads that no unconditional assignment precedes."""
        if param is None:
            chosen, initial = _reaching(assigns, line), False
        else:
            chosen = _reaching([a for a in assigns if a.line < line], line)
            initial = not chosen or chosen[0].conditional
        same = scope.qualname == frame.scope
        bindings, inline = (frame.bindings, frame.inline) if same else (NO_BINDINGS, 0)
        key = ("assigned", module.path, scope.qualname, name, tuple(a.line for a in chosen), initial, bindings.key, frame.depth, inline)
        found = self._recall(key)
        if found is not None:
            return found
        reads = self.env_reads_seen
        out: list[Obj] = []
        if initial:
            bound = next((objs for key, objs in bindings if key == name), None)
            out.extend(bound if bound is not None else self._param(module, scope, param, frame))
        for assign in chosen:
            step = Step(module.path, assign.line, short_text(assign.text) or f"{name} = …")
            at = Frame(module, assign.at, assign.line, NO_BINDINGS, frame.depth) if assign.at \
                else Frame(module, scope.qualname, assign.line, bindings, frame.depth, inline)  # ``global x; x = local``
            for obj in self.eval(assign.value, at):
                out.append(_then(obj, step))
        if not self.over_budget:
            self._remember(key, out, reads)
        else:
            self._forget()
        return out

    def _param(self, module: ModuleFacts, scope: Scope, param: Param, frame: Frame) -> list[Obj]:
        if param.name in ("self", "cls") and scope.params and scope.params[0].name == param.name:
            klass = _enclosing_class(module.scope, scope.qualname)
            if klass is not None:
                return [Inst(ClassRef(module, klass), None)]
        key = ("param", module.path, scope.qualname, param.name, frame.depth, frame.forwards)
        found = self._recall(key)
        if found is not None:
            return found
        reads = self.env_reads_seen
        if key in self._active:
            self._forget()
            return [Unknown(f"recursion through parameter {param.name} of {scope.qualname}()", frame.line)]
        self._active.add(key)
        try:
            hydra = self.hydra_config(module, scope, param) if scope.decorators else None
            user = self.entry_param(module, scope, param) if hydra is None else None
            if hydra is not None:
                result = _cap(hydra)
            elif user is not None and user.kind == "cli" and (flag := self.cli_param(module, scope, param)) is not None:
                # a command-line flag: the user's value or its declared default; in-tree callers may pass more
                passed = self._param_values(module, scope, replace(param, default=None), frame, placeholder=False)
                result = _cap([*flag, *passed])
            elif user is not None:  # the framework passes user input; in-tree callers may pass more
                result = _cap([user, *self._param_values(module, scope, param, frame, placeholder=False)])
            else:
                result = _cap(self._param_values(module, scope, param, frame))
        finally:
            self._active.discard(key)
        if not self.over_budget:
            self._remember(key, result, reads)
        else:
            self._forget()
        return result

    def _param_values(self, module: ModuleFacts, scope: Scope, param: Param, frame: Frame,
                      placeholder: bool = True) -> list[Obj]:
        """What a parameter can be: the arguments in-tree callers pass, and its default (else,
        with ``placeholder``, a hole naming it). It does not depend on where in the function it
        is read, so it is memoised."""
        out: list[Obj] = []
        label = f"{PARAMETER_HOLE}{param.name} of {scope.qualname}()"
        def_step = Step(module.path, scope.line, label)
        typed = self.typed_instances(module, param.annotation, f"parameter {param.name} of {scope.qualname}()") \
            if placeholder and param.annotation is not None else []
        # a typed parameter's callers are followed a few hops further: what they pass comes first
        if frame.depth < MAX_CALLER_DEPTH + (TYPED_CALLER_HOPS if typed else 0):
            callers = self.callers_of(module, scope)
            for caller_module, site in callers:
                caller_frame = Frame(caller_module, site.scope, site.line, NO_BINDINGS, frame.depth + 1)
                if param.kind == "starstar":  # **kwargs: the keywords no named parameter takes
                    out.extend(_keywords_left(scope, site, caller_frame, self))
                    continue
                arg = _argument_for(scope, param, site, bound_method=_is_method(module, scope))
                if arg is None:
                    continue
                if frame.forwards < MAX_FORWARDS and len(callers) <= MAX_FORWARD_CALLERS \
                        and _forwarded(arg, caller_module, site.scope):
                    # ``f(config)`` in ``g(config)`` of a function called from few places: not counted
                    caller_frame = replace(caller_frame, depth=frame.depth, forwards=frame.forwards + 1)
                call_step = Step(caller_module.path, site.line, f"{short_text(site.text, 60)}")
                passed = self.eval(arg, caller_frame)
                if len({isinstance(o, Absent) for o in passed}) == 2 \
                        and not_none_at(arg, caller_module, site.scope, site.line, site.tests):
                    passed = [o for o in passed if not isinstance(o, Absent)]  # the caller's test rules None out
                for obj in passed:
                    out.append(_then(_then(obj, call_step), def_step))
        if param.default is not None:
            unpassed = placeholder and not out  # a None default then names the parameter (``resolve_caller_get``)
            default_step = Step(module.path, scope.line, f"default of {label}")
            for obj in self.eval(param.default, Frame(module, scope.qualname.rpartition(".")[0], scope.line, NO_BINDINGS, frame.depth)):
                out.append(UnpassedNone(obj.trail, label, self.annotated_instances(module, param.annotation, label))
                           if unpassed and type(obj) is Absent else _then(obj, default_step))
        if typed and not any(isinstance(o, Inst) for o in out):
            out.extend(typed)  # no object followed: the annotation says what a caller passes
        if not out and placeholder:
            out.append(Strs((StrValue.hole(label, (def_step,)),)))
        return out

    def _module_attr(self, module: ModuleFacts, name: str) -> list[Obj]:
        """A module-level name seen from outside the module (memoised, import cycles cut)."""
        key = ("module-attr", module.path, name)
        found = self._recall(key)
        if found is not None:
            return found
        reads = self.env_reads_seen
        if key in self._active:
            self._forget()
            return [Unknown(f"import cycle through {module.module}.{name}")]
        self._active.add(key)
        try:
            if name in module.scope.assigns or name in module.scope.children or name in module.imports:
                result = self._name(name, Frame(module, "", END_OF_FILE))
            else:
                sub = self.program.find_module(f"{module.module}.{name}", module)
                starred = self._star_imported(module, name) if sub is None else None
                result = [ModRef(sub)] if sub is not None else starred or [Unknown(f"{module.module}.{name} is not defined")]
        finally:
            self._active.discard(key)
        result = _cap(result)
        if not self.over_budget:
            self._remember(key, result, reads)
        else:
            self._forget()
        return result

    def _star_imported(self, module: ModuleFacts, name: str) -> list[Obj] | None:
        """``name`` as bound by the last of ``module``'s ``from m import *`` whose module defines it (a
        package's ``__init__`` re-exporting its submodules' names); None when none does. A name
        with a leading underscore is never star-imported; ``__all__`` is not read (a name it leaves
        out would be undefined where the code uses it)."""
        if name.startswith("_"):
            return None
        for dotted in reversed(module.star_imports):
            source = self.program.find_module(dotted, module)
            if source is not None and _defines(self.program, source, name, set()):
                return self._module_attr(source, name)
        return None

    def _dotted(self, dotted: str, near: ModuleFacts) -> list[Obj]:
        """An imported dotted name: an in-tree module or a name inside one, else external.

        As in Python, ``from pkg import name`` takes the package's own binding of ``name``
        (e.g. ``settings = Settings()`` in ``pkg/__init__.py``) over a submodule ``pkg.name``.
        """
        parts = dotted.split(".")
        if len(parts) >= 2:
            parent = self.program.find_module(".".join(parts[:-1]), near)
            name = parts[-1]
            if parent is not None and parent.is_package and (
                    name in parent.scope.assigns or parent.imports.get(name, dotted) != dotted):
                return self._module_attr(parent, name)
        for cut in range(len(parts), 0, -1):
            found = self.program.find_module(".".join(parts[:cut]), near)
            if found is None:
                continue
            objs: list[Obj] = [ModRef(found)]
            for attr in parts[cut:]:
                objs = [o for base in objs for o in self._attr(base, attr, 0, None)]
            return objs
        return [self._external(dotted, None, 0, near.path)]

    # attributes -------------------------------------------------------------
    def _attr(self, base: Obj, attr: str, line: int, frame: Frame | None) -> list[Obj]:
        if attr == "get" and isinstance(base, (Absent, Strs, Unknown)) and (caller_get := self.caller_mapping_get(base)):
            return [caller_get]
        if isinstance(base, UnpassedNone) and base.typed:  # None has no attributes: a caller passes the annotated class
            return [obj for inst in base.typed for obj in self._class_attr(inst.of, attr, inst)]
        if isinstance(base, Ext):
            if base.dotted in ("os.environ",):
                return [Ext(f"os.environ.{attr}")]
            dotted = f"{base.dotted}.{attr}"
            if dotted in self.states and base.receiver is None:
                return self._module_state(dotted, frame.module.path if frame is not None else "", line)
            found = self._external(dotted, base.receiver, line, frame)
            return [Ext(found.dotted, found.receiver, base.trail) if base.trail and isinstance(found, Ext) else found]
        if isinstance(base, ModRef):
            return self._module_attr(base.module, attr)
        if isinstance(base, ClassRef):
            return self._class_attr(base, attr, None)
        if isinstance(base, Inst):
            if isinstance(base.of, Ext):
                if base.of.dotted in _DYNACONF and base.call is not None and attr == "get":
                    return [DynaconfGet(base)]
                if base.of.dotted in _DYNACONF and base.call is not None and attr not in _DYNACONF_METHODS:
                    return self.dynaconf_item(base, attr, frame.module.path if frame is not None else "", line)
                return [self._external(f"{base.of.dotted}.{attr}", base, line, frame)]
            mapped = self.mapping_attr(base, attr, line)  # ``DotDict(options).url``
            if mapped is not None:
                return mapped
            found = self._class_attr(base.of, attr, base)
            if base.call is None:  # an instance made anywhere: maybe from a settings file a name picks
                found += self.file_values(base.of, attr)
                found += subclass_values(self, base.of, attr)  # or of a subclass with its own value
            return found
        if isinstance(base, UserInput):
            return [input_attr(base, attr)]
        if isinstance(base, Namespace):
            if attr == "__dict__" and not base.pair:
                return [self.namespace_dict(base, frame, line)] if frame is not None else [Unknown("__dict__ of a namespace", line)]
            return self.flag_value(base, attr, line)
        if isinstance(base, Strs):
            # a str has no ``value``: ``.value`` of a string is an enum member's (a StrEnum's own text)
            return [base] if attr == "value" else [StrMethod(base.values, attr)]
        if isinstance(base, PathVal):
            return [path_attr(base, attr, frame.module.path if frame is not None else "", line)]
        if isinstance(base, DictObj):
            if attr == "copy":
                return [MappingCopy(base)]
            return [DictGet(base)] if attr == "get" else [Unknown(f"dict method {attr}", line)]
        if isinstance(base, DataObj) and base.env is not None:
            return [DynaconfGet(base)] if attr == "get" else self.dynaconf_child(
                base, attr, frame.module.path if frame is not None else base.path, line)
        if isinstance(base, DynaconfUnset):
            return [DynaconfGet(base)] if attr == "get" else self.dynaconf_key(
                base, attr, frame.module.path if frame is not None else base.path, line)
        if isinstance(base, DataObj):
            if attr == "copy" and isinstance(base.node.value, dict):
                return [MappingCopy(base)]
            return [DataGet(base)] if attr == "get" else self._data_item(base, attr)
        if isinstance(base, Unshipped):  # ``row.field``, ``cfg.get``: the method is kept for the call
            return [replace(base, method=attr)]
        if isinstance(base, Unknown):
            return [base]
        if isinstance(base, SuperOf):
            return self._super_attr(base, attr, line)
        return [Unknown(f"attribute {attr} of {describe(base)}", line)]

    def _external(self, dotted: str, receiver: Inst | None, line: int, where: Frame | str | None) -> Obj:
        """An external name, or the user input it holds (``flask.request``, ``sys.argv``)."""
        path = where if isinstance(where, str) else (where.module.path if where is not None else "")
        if dotted in self.constants:
            value = self.constants[dotted]
            return Strs((StrValue.literal(value, (Step(path, line, f'{dotted} = "{short_text(value)}" in the library'),)),))
        if receiver is not None and self.parser_method(dotted, receiver) is not None:
            return Ext(dotted, receiver)  # parse_args of a parser in the tree: its flags (``parsed``)
        return self.input_of(dotted, line, path) or Ext(dotted, receiver)

    def written(self, target: Expr, frame: Frame) -> list[Obj]:
        """What an assignment's target names (``openai.base_url`` in ``openai.base_url = …``): an
        SDK module attribute is the attribute written, not the value it holds when read."""
        if isinstance(target, Attr):
            bases = self.eval(target.base, frame)
            if bases and all(isinstance(b, Ext) for b in bases):
                return [self._external(f"{b.dotted}.{target.attr}", b.receiver, target.line, frame) for b in bases]  # type: ignore[union-attr]
        return self.eval(target, frame)

    def _module_state(self, dotted: str, path: str, line: int) -> list[Obj]:
        """An SDK module attribute read in the code (``base_url or openai.base_url``): what the
        analysed modules assign to it, and None (the SDK's own default: unset until assigned)
        where no assignment may have run."""
        from .module_state import module_state  # it imports this module

        read = Step(path, line, f"reads {dotted}")
        values, may_be_unset = module_state(self, [dotted], read)
        out: list[Obj] = [Strs(tuple(values))] if values else []
        if values is None or may_be_unset:
            out.append(Absent((Step(path, line, f"{dotted} not assigned: None, the SDK's own default"),)))
        return out

    def _init_call(self, ref: ClassRef, inst: Inst) -> CallCtx | None:
        """The call that runs ``ref.__init__`` for ``inst``: the constructor call itself, or, for
        an instance of a subclass, the ``super().__init__(…)`` of each ``__init__`` on the way
        (a subclass without one passes the constructor's arguments on); None when unknown."""
        if not isinstance(inst.of, ClassRef) or inst.of.scope is ref.scope:
            return inst.call
        chain = self._class_chain(inst.of, ref, 0)
        if chain is None:
            return None
        call = inst.call
        for cls in chain[:-1]:
            init = cls.scope.children.get("__init__")
            if init is None or init.kind != "function":
                continue
            site = next((s for s in cls.module.calls if s.scope == init.qualname and is_super_init(s)), None)
            if site is None:
                return None
            frame = Frame(cls.module, init.qualname, site.line,
                          self._bind(cls.module, init, call, skip_self=True) if call is not None else NO_BINDINGS)
            call = CallCtx(frame, site.args, site.kwargs, site.line)
        return call

    def _class_chain(self, sub: ClassRef, base: ClassRef, depth: int) -> list[ClassRef] | None:
        """The in-tree classes from ``sub`` down to its ancestor ``base``, both included."""
        if sub.scope is base.scope:
            return [sub]
        if depth >= 6:
            return None
        for obj in self._bases(sub):
            if isinstance(obj, ClassRef):
                found = self._class_chain(obj, base, depth + 1)
                if found is not None:
                    return [sub, *found]
        return None

    def _super(self, frame: Frame) -> list[Obj]:
        """``super()`` in a method: the enclosing class's bases, bound to the method's ``self``."""
        klass = _enclosing_class(frame.module.scope, frame.scope)
        scopes = _scope_chain(frame.module.scope, frame.scope)
        if klass is None or scopes[-1].kind != "function" or not scopes[-1].params:
            return [Unknown("super() outside a method", frame.line)]
        ref = ClassRef(frame.module, klass)
        selves = [o for o in self._name(scopes[-1].params[0].name, frame) if isinstance(o, Inst)]
        return [SuperOf(ref, inst) for inst in selves] or [SuperOf(ref, None)]

    def _super_attr(self, sup: SuperOf, attr: str, line: int) -> list[Obj]:
        for obj in self._bases(sup.ref):
            if isinstance(obj, ClassRef):
                found = self._class_attr(obj, attr, sup.instance)
                if not (len(found) == 1 and isinstance(found[0], Unknown)):
                    return found
            elif isinstance(obj, Ext):
                return [Ext(f"{obj.dotted}.{attr}", sup.instance)]
        return [Unknown(f"super().{attr} is not defined in the bases of {sup.ref.scope.qualname}", line)]

    def _class_attr(self, ref: ClassRef, attr: str, inst: Inst | None, seen: frozenset = frozenset()) -> list[Obj]:
        module, klass = ref.module, ref.scope
        seen = seen | {(module.path, klass.qualname)}
        if inst is not None:
            settings = self._settings_field(ref, attr)
            if settings is not None:
                return settings
            if inst.call is not None:
                explicit = self._constructor_argument(ref, attr, inst.call)
                if explicit is not None:
                    return explicit
            field_default = self.model_field(ref, attr) if attr not in klass.instance_attrs else None
            if field_default is not None:
                splat = self.splatted(inst.call, [attr]) if inst.call is not None else None
                if splat is not None:  # Model(**options): the mapping's value, or the default where it may lack one
                    given = [o for o in splat if not isinstance(o, Absent)]
                    return given if len(given) == len(splat) else given + field_default
                if field_default:
                    return self._or_typed(ref, attr, field_default)
            if attr in klass.instance_attrs:
                init = klass.children.get("__init__")
                call = self._init_call(ref, inst)
                bindings = self._bind(module, init, call, skip_self=True) if (init is not None and call is not None) else NO_BINDINGS
                out: list[Obj] = []
                for assign in _reaching_any_method(klass, klass.instance_attrs[attr]):
                    method = _method_of(klass, assign.line) or klass.qualname
                    frame = Frame(module, method, assign.line, bindings if init is not None and method == init.qualname else NO_BINDINGS)
                    for obj in self.eval(assign.value, frame):
                        out.append(_then(obj, Step(module.path, assign.line, short_text(assign.text) or f"self.{attr} = …")))
                return self._or_typed(ref, attr, out + (self.setattr_field(ref, attr) or []) + self.outside_writes(ref, attr))
            if attr not in klass.assigns and attr not in klass.children:
                by_name = self.setattr_field(ref, attr)
                if by_name is not None:
                    return by_name
                typed = self.typed_attribute(ref, attr)  # a field declared with its class alone
                if typed:
                    return typed
        if attr in klass.assigns:
            return self._assigned(module, klass, attr, klass.assigns[attr], END_OF_FILE, Frame(module, klass.qualname, 0))
        if attr in klass.children:
            child = klass.children[attr]
            if child.kind == "function":
                if inst is not None and _is_property(module, child):  # ``self.driver``: what the getter returns
                    ctx = CallCtx(Frame(module, child.qualname, child.line), (), (), child.line)
                    return self._returns(FuncRef(module, child, inst), ctx)
                return [FuncRef(module, child, inst)]
            return [ClassRef(module, child)]
        for obj in self._bases(ref):
            if isinstance(obj, ClassRef) and (obj.module.path, obj.scope.qualname) not in seen:
                found = self._class_attr(obj, attr, inst, seen)
                if not (len(found) == 1 and isinstance(found[0], Unknown)):
                    return found
            elif isinstance(obj, Ext) and inst is not None:
                return [Ext(f"{obj.dotted}.{attr}", Inst(obj, inst.call))]
        lazy = _lazy_module(module, klass) if inst is not None and "__getattr__" in klass.children else None
        if lazy is not None:
            return [Ext(f"{lazy}.{attr}")]
        proxied = delegated_attr(self, module, klass, attr) if inst is not None else None
        if proxied is not None:
            return proxied
        rows = stored_rows(self, ref, attr)  # ``Model.objects``: rows stored at run time
        return [rows] if rows is not None else [Unknown(f"{klass.name}.{attr} is not defined", klass.line)]

    def _bases(self, ref: ClassRef) -> Iterator[Obj]:
        """What the base classes of ``ref`` are, in order (evaluated where the class is defined,
        one base at a time: a caller that stops early evaluates no further)."""
        klass = ref.scope
        frame = Frame(ref.module, klass.qualname.rpartition(".")[0], klass.line)
        for base in klass.bases:
            yield from self.eval(base, frame)

    def _is_settings(self, ref: ClassRef, seen: frozenset = frozenset()) -> bool:
        if (ref.module.path, ref.scope.qualname) in seen:
            return False
        for obj in self._bases(ref):
            if isinstance(obj, Ext) and obj.dotted.rsplit(".", 1)[-1] in _SETTINGS_BASES:
                return True
            if isinstance(obj, ClassRef) and self._is_settings(obj, seen | {(ref.module.path, ref.scope.qualname)}):
                return True
        return False

    def _settings_field(self, ref: ClassRef, attr: str) -> list[Obj] | None:
        """A pydantic ``BaseSettings`` field is an env var (with the class's env_prefix) whose
        default is the declared value."""
        klass = ref.scope
        if attr not in klass.assigns and attr not in klass.annotated:
            return None
        if not self._is_settings(ref):
            return None
        frame = Frame(ref.module, klass.qualname, 0)
        env_name = self._settings_prefix(ref) + attr
        default: list[Obj] = []
        for assign in _reaching(klass.assigns.get(attr, []), END_OF_FILE):
            value = assign.value
            if isinstance(value, Call) and _callee_name(value.func) == "Field":
                alias = _kwarg(value, "validation_alias") or _kwarg(value, "alias") or _kwarg(value, "env")
                alias_values = self.strings(self.eval(alias, frame), frame) if alias is not None else []
                if alias_values and alias_values[0].is_known:
                    env_name = alias_values[0].text
                value = _kwarg(value, "default") or (value.args[0] if value.args else None)
                if value is None:
                    continue
            step = Step(ref.module.path, assign.line, f"{klass.name}.{attr} default")
            default.extend(_then(o, step) for o in self.eval(value, Frame(ref.module, klass.qualname, assign.line)))
        line = klass.annotated_lines.get(attr) or klass.assigns[attr][0].line
        if is_url_field(ref.module, klass, attr) and self._settings_v2(ref):
            default = with_slash(default, ref.module.path, line)
        env_name = env_name.upper()
        return self._env_value(env_name, default, ref.module.path, line,
                               f"env {env_name} (settings field {klass.name}.{attr})")

    def _settings_v2(self, ref: ClassRef, depth: int = 0) -> bool:
        """Whether a base of ``ref`` comes from ``pydantic_settings`` (pydantic 2's settings)."""
        for obj in self._bases(ref):
            if isinstance(obj, Ext) and obj.dotted.startswith("pydantic_settings."):
                return True
            if isinstance(obj, ClassRef) and depth < 6 and self._settings_v2(obj, depth + 1):
                return True
        return False

    def _settings_prefix(self, ref: ClassRef, seen: frozenset = frozenset()) -> str:
        klass = ref.scope
        frame = Frame(ref.module, klass.qualname, 0)
        for assign in klass.assigns.get("model_config", []):
            if isinstance(assign.value, Call):
                prefix = _kwarg(assign.value, "env_prefix")
                if prefix is not None:
                    values = self.strings(self.eval(prefix, frame), frame)
                    if values and values[0].is_known:
                        return values[0].text
        config = klass.children.get("Config")
        if config is not None and "env_prefix" in config.assigns:
            values = self.strings(self.eval(config.assigns["env_prefix"][-1].value, Frame(ref.module, config.qualname, 0)), frame)
            if values and values[0].is_known:
                return values[0].text
        # pydantic merges a class's config with its bases': a prefix it does not set is inherited
        seen = seen | {(ref.module.path, klass.qualname)}
        for obj in self._bases(ref):
            if isinstance(obj, ClassRef) and (obj.module.path, obj.scope.qualname) not in seen:
                prefix = self._settings_prefix(obj, seen)
                if prefix:
                    return prefix
        return ""

    def _constructor_argument(self, ref: ClassRef, attr: str, call: CallCtx) -> list[Obj] | None:
        """A dataclass-style field passed to the constructor (by keyword, or by position)."""
        klass = ref.scope
        if "__init__" in klass.children:
            return None
        expr = call.kwarg(attr)
        if expr is None and attr in klass.annotated:
            index = klass.annotated.index(attr)
            if index < len(call.args):
                expr = call.args[index]
        if expr is None:
            return None
        step = Step(call.frame.module.path, call.line, f"{klass.name}({attr}=…)")
        return [_then(o, step) for o in self.eval(expr, call.frame)]

    def intern(self, bindings: Iterable[tuple[str, tuple]]) -> Bindings:
        """The one ``Bindings`` object for these bindings in this resolver."""
        items = tuple(bindings)
        if not items:
            return NO_BINDINGS
        found = self._bindings.get(items)
        if found is None:
            found = self._bindings[items] = Bindings(items)
            found.key = len(self._bindings)
        return found

    def _bind(self, module: ModuleFacts, func: Scope, call: CallCtx | None, skip_self: bool) -> Bindings:
        """The values a call gives the parameters of ``func`` (defined in ``module``): its
        arguments, and what a ``**mapping`` it passes holds for a parameter (with the
        parameter's default where the mapping may lack it: ``Config(**options)``)."""
        if call is None:
            return NO_BINDINGS
        params = [p for p in func.params if p.kind in ("positional", "keyword")]
        if skip_self and params and params[0].name in ("self", "cls"):
            params = params[1:]
        splats = any(key == "**" for key, _ in call.kwargs)
        starred = any(isinstance(arg, Opaque) and arg.why == "*args" for arg in call.args)
        bindings = []
        for i, param in enumerate(params):
            expr = call.kwarg(param.name)
            if expr is None and param.kind == "positional" and i < len(call.args):
                expr = call.args[i]
            if expr is not None:
                bindings.append((param.name, tuple(self.eval(expr, call.frame))))
            elif splats and (given := self.splatted(call, [param.name])) is not None:
                values = [o for o in given if not isinstance(o, Absent)]
                if len(values) < len(given) and param.default is not None:
                    at = Frame(module, func.qualname.rpartition(".")[0], func.line, NO_BINDINGS, call.frame.depth)
                    values += self.eval(param.default, at)
                bindings.append((param.name, tuple(values)))
            elif param.default is not None and not splats and not starred:  # not passed: its default
                at = Frame(module, func.qualname.rpartition(".")[0], func.line, NO_BINDINGS, call.frame.depth)
                step = Step(module.path, func.line, f"default of {PARAMETER_HOLE}{param.name} of {func.qualname}()")
                bindings.append((param.name, tuple(_then(o, step) for o in self.eval(param.default, at))))
        return self.intern(bindings)

    # subscripts -------------------------------------------------------------
    def _subscript(self, expr: Sub, frame: Frame) -> list[Obj]:
        return self._items_of(_raising_none_dropped(self.eval(expr.base, frame)), expr, frame)

    def _items_of(self, bases: list[Obj], expr: Sub, frame: Frame) -> list[Obj]:
        """``base[key]`` (``expr``) for each of ``bases``."""
        out: list[Obj] = []
        for base in bases:
            if isinstance(base, Inst) and (held := self.held_mappings(base)) is not None:  # ``DotDict(options)[key]``
                out.extend(self._items_of(held, expr, frame))
            elif isinstance(base, Ext) and base.dotted in ("os.environ", "os.environb"):
                out.extend(self._env(expr.key, None, frame, expr.line))
            elif isinstance(base, DictObj):
                out.extend(self.dict_choice(base, expr, frame))
            elif isinstance(base, (ListObj, Pieces)):
                out.extend(self._item(base, expr, frame))
            elif isinstance(base, UserInput):
                keys = [k.text for k in self.strings(self.eval(expr.key, frame), frame) if k.is_known]
                out.append(input_item(base, keys[0] if len(keys) == 1 else None))
            elif isinstance(base, Namespace):
                keys = [k.text for k in self.strings(self.eval(expr.key, frame), frame) if k.is_known]
                out.append(self.namespace_item(base, keys[0] if len(keys) == 1 else None, frame.module.path, expr.line))
            elif isinstance(base, (DataObj, DynaconfUnset)):
                for key in self.strings(self.eval(expr.key, frame), frame):
                    out.extend(self.dynaconf_key(base, key.text, frame.module.path, expr.line) if key.is_known
                               else [Unknown("settings key not known statically", expr.line)])
            elif (caller_mapping := self.caller_mapping_get(base)) is not None \
                    and (caller_value := self.caller_item(caller_mapping, expr, frame)) is not None:
                out.append(caller_value)
            elif isinstance(base, Unshipped):  # an item of a stored row: not shipped either
                out.append(base)
            elif isinstance(base, Ext) and isinstance(expr.key, Lit) \
                    and (stored := self.external_item(base, expr.key.text, expr.line)) is not None:
                out.extend(stored)
            else:
                out.append(Unknown(f"item of {describe(base)}", expr.line))
        return out

    def _item(self, base: ListObj | Pieces, expr: Sub, frame: Frame) -> list[Obj]:
        """An item of a tuple or list literal, or of a split string, at an index known statically
        (``provider, model = s.split(":", 1)`` reads items 0 and 1)."""
        keys = self.strings(self.eval(expr.key, frame), frame)
        if len(keys) != 1 or not keys[0].is_known or not keys[0].text.lstrip("-").isdigit():
            return [Unknown(f"item of {describe(base)} at an index not known statically", expr.line)]
        index = int(keys[0].text)
        if isinstance(base, Pieces):
            return piece(base, index, frame.module.path, expr.line)
        if -len(base.items) <= index < len(base.items):
            return self.eval(base.items[index], base.frame)
        return [Unknown(f"index {index} out of range", expr.line)]

    def _dict_get(self, mapping: DictObj, ctx: CallCtx) -> list[Obj]:
        """``mapping.get(key, default)``: the entry as ``mapping[key]`` gives it, and the default
        (None without one) where the key may be missing."""
        key = ctx.args[0] if ctx.args else ctx.kwarg("key")
        if key is None:
            return [Unknown("dict.get() without a key", ctx.line)]
        chosen = self.dict_choice(mapping, Sub(key, key, ctx.line), ctx.frame)
        present = {k if isinstance(k, str) else k.text for k, _, _ in mapping.entries() if isinstance(k, (str, Lit))}
        keys = self.strings(self.eval(key, ctx.frame), ctx.frame)
        out = [o for o in chosen if not (isinstance(o, Unknown) and o.why.endswith("not in dict"))]
        if any(not k.is_known or k.text not in present for k in keys) or not keys:
            default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
            out.extend(self.eval(default, ctx.frame) if default is not None else [Absent((Step(ctx.frame.module.path, ctx.line, "None: key not in dict"),))])
        return out

    def _dict_values(self, obj: DictObj, keys: list[str]) -> list[Obj]:
        """The values of the entries of ``obj`` whose key is one of ``keys``."""
        out: list[Obj] = []
        for k_expr, v_expr, frame in obj.entries():
            if isinstance(k_expr, str):
                if k_expr in keys:
                    out.extend(self.eval(v_expr, frame))
                continue
            k_values = self.strings(self.eval(k_expr, frame), frame)
            if any(v.is_known and v.text in keys for v in k_values):
                out.extend(self.eval(v_expr, frame))
        return out

    # calls ------------------------------------------------------------------
    def _call(self, expr: Call, frame: Frame) -> list[Obj]:
        if isinstance(expr.func, Attr) and expr.func.attr == "replace":
            guarded = self.prefix_replaced(expr, frame)  # under ``if s.startswith(p):``
            if guarded is not None:
                return guarded
        ctx = CallCtx(frame, expr.args, expr.kwargs, expr.line)
        out: list[Obj] = []
        for func in self.eval(expr.func, frame):
            out.extend(self.apply(func, ctx))
        return out

    def apply(self, func: Obj, ctx: CallCtx) -> list[Obj]:
        """The result of calling ``func`` with the arguments in ``ctx``."""
        frame = ctx.frame
        if isinstance(func, Ext):
            name = func.dotted
            if name in _ENV_GETTERS and ctx.args:
                default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
                return self._env(ctx.args[0], default, frame, ctx.line, none_if_unset=name != "os.environ.setdefault")
            if name in _URLJOIN and len(ctx.args) >= 2:
                return self._urljoin(ctx, frame)
            if name in BUILTIN_CALLS:
                return self.builtin_call(name, ctx)
            if name in COPIES and ctx.args:
                return self.eval(ctx.args[0], frame)
            if name in PATH_FUNCTIONS and ctx.args:
                return self._path_op(name, ctx)
            if name in RESOURCE_FILES and ctx.args:
                return self.package_folder(ctx)
            if name == "typing.cast" and len(ctx.args) == 2:  # the value, as it is
                return self.eval(ctx.args[1], frame)
            if name in PATH_CLASSES and ctx.args:
                texts = joined([self.strings(self.eval(a, frame), frame) for a in ctx.args])
                if texts is not None:
                    return [path_value(texts, frame.module.path, ctx.line, "Path(…)")]
            if name in STREAM_LOADERS | PATH_LOADERS and ctx.args:
                return self._settings_file(name, ctx)
            if name == IMPORT_MODULE and ctx.args:
                return self.import_by_name(ctx)
            if name in DUNDER_IMPORT and ctx.args:
                return self.dunder_import(ctx)
            if name in GETATTR and len(ctx.args) >= 2:
                return self.getattr_call(ctx)
            if name == "super" and not ctx.args:
                return self._super(ctx.frame)
            if name in VARS and len(ctx.args) == 1 and not ctx.kwargs:
                return self.vars_of(ctx)
            if name == "dict" and not ctx.args:
                return [DictObj(tuple((key, value) for key, value in ctx.kwargs if key != "**"), frame)]
            if func.receiver is not None:
                namespace = self.parsed(func, ctx)
                if namespace is not None:
                    return namespace
            return [Inst(func, ctx)]
        if isinstance(func, ClassRef):
            return [Inst(func, ctx)]
        if isinstance(func, FuncRef):
            return self._returns(func, ctx)
        if isinstance(func, StrMethod):
            return self._str_method(func, ctx)
        if isinstance(func, PathMethod):
            return path_call(self, func, ctx)
        if isinstance(func, Unshipped):
            return unshipped_call(self, func, ctx)
        if isinstance(func, Unknown):
            return [func]
        if isinstance(func, UserInput):
            return [input_call(func, ctx.args[0] if ctx.args and isinstance(ctx.args[0], Lit) else None)]
        if isinstance(func, DictObj):
            return [Unknown("dict called", ctx.line)]
        if isinstance(func, DataGet):
            return self._data_get(func.data, ctx)
        if isinstance(func, DynaconfGet):
            return self.dynaconf_get(func, ctx)
        if isinstance(func, DictGet):
            return self._dict_get(func.mapping, ctx)
        if isinstance(func, MappingCopy):
            return [func.mapping]
        if isinstance(func, CallerGet):
            return self.caller_get_call(func, ctx)
        return [Unknown(f"call of {describe(func)}", ctx.line)]

    def _returns(self, func: FuncRef, ctx: CallCtx) -> list[Obj]:
        scope = func.scope
        if not scope.returns:
            return [Unknown(f"{scope.qualname}() returns nothing the analysis can see", ctx.line)]
        if ctx.frame.inline >= MAX_INLINE:
            return [Unknown(f"{scope.qualname}() is called too deep to follow", ctx.line)]
        bindings = list(self._bind(func.module, scope, ctx, skip_self=_is_method(func.module, scope)))
        if func.instance is not None and scope.params:
            bindings.append((scope.params[0].name, (func.instance,)))
        step = Step(func.module.path, scope.line, f"return of {scope.qualname}()")
        interned = self.intern(bindings)
        bound = frozenset(name for name, _ in bindings)
        frames = [Frame(func.module, scope.qualname, ret.line or scope.line, interned, ctx.frame.depth, ctx.frame.inline + 1)
                  for ret in scope.returns]
        taken = [i for i, frame in enumerate(frames)
                 if not (bound and i < len(scope.return_tests) and self.infeasible(scope.return_tests[i], frame, bound))]
        out: list[Obj] = []
        for i in taken or range(len(frames)):  # none taken: the call raises; keep them all rather than guess
            out.extend(_then(o, step) for o in self.eval(scope.returns[i], frames[i]))
        return out

    def _str_method(self, method: StrMethod, ctx: CallCtx) -> list[Obj]:
        frame = ctx.frame
        name = method.name
        if name == "format":
            args = [self.strings(self.eval(a, frame), frame) for a in ctx.args]
            kwargs = {k: self.strings(self.eval(v, frame), frame) for k, v in ctx.kwargs if k != "**"}
            return [Strs(tuple(_format(v, args, kwargs) for v in method.values))]
        if name in ("strip", "rstrip", "lstrip", "lower", "upper", "removesuffix", "removeprefix"):
            chars = None
            if ctx.args:
                arg = self.strings(self.eval(ctx.args[0], frame), frame)
                chars = arg[0].text if arg and arg[0].is_known else None
            return [Strs(tuple(_apply_str(v, name, chars) for v in method.values))]
        if name == "split" and not ctx.args and not ctx.kwargs:
            return self.split_words(method.values, frame, ctx.line)
        if name == "replace" and len(ctx.args) == 2 and not ctx.kwargs:
            return self.str_replace(method.values, ctx)
        if name in SPLITTERS:
            return self._split(method, ctx)
        return [Unknown(f"str.{name}()", ctx.line)]

    def _split(self, method: StrMethod, ctx: CallCtx) -> list[Obj]:
        """``s.split(sep, maxsplit)`` and its kin, with a separator known statically."""
        frame = ctx.frame
        sep_expr = ctx.args[0] if ctx.args else ctx.kwarg("sep")
        max_expr = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("maxsplit")
        seps = self.strings(self.eval(sep_expr, frame), frame) if sep_expr is not None else None
        if seps is not None and not (len(seps) == 1 and seps[0].is_known and seps[0].text):
            return [Unknown(f"str.{method.name}() by a separator not known statically", ctx.line)]
        maxsplit = -1
        if max_expr is not None:
            found = self.strings(self.eval(max_expr, frame), frame)
            if not (len(found) == 1 and found[0].is_known and found[0].text.lstrip("-").isdigit()):
                return [Unknown(f"str.{method.name}() with a maxsplit not known statically", ctx.line)]
            maxsplit = int(found[0].text)
        sep = seps[0].text if seps is not None else None
        if sep is None and method.name.endswith("partition"):
            return [Unknown(f"str.{method.name}() without a separator", ctx.line)]
        step = Step(frame.module.path, ctx.line, f".{method.name}({sep!r})" if sep is not None else f".{method.name}()")
        return [split_values(method.values, method.name, sep, maxsplit, step)]

    def _percent(self, expr: Percent, frame: Frame) -> list[Obj]:
        templates = self.strings(self.eval(expr.template, frame), frame)
        if isinstance(expr.args, Seq):
            args = [self.strings(self.eval(a, frame), frame) for a in expr.args.items]
        else:
            args = [self.strings(self.eval(expr.args, frame), frame)]
        out = []
        for template in templates:
            out.append(_substitute(template, re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrif]"), lambda i, _m: args[i] if i < len(args) else None))
        return [Strs(tuple(out))]

    def _urljoin(self, ctx: CallCtx, frame: Frame) -> list[Obj]:
        bases = self.strings(self.eval(ctx.args[0], frame), frame)
        tails = self.strings(self.eval(ctx.args[1], frame), frame)
        out: list[StrValue] = []
        for base in bases:
            for tail in tails:
                if tail.known_prefix.startswith(("http://", "https://")):
                    out.append(tail)
                else:
                    # both put a "/" between a base without one and a relative tail:
                    # urljoin("https://h.example.com", "v1") is https://h.example.com/v1
                    slash = [StrValue.literal("/")] if _needs_slash(base, tail) else []
                    joined, _ = concat([[base], slash, [tail]] if slash else [[base], [tail]])
                    out.extend(joined)
        return [Strs(tuple(dedupe(out)))]

    # environment ------------------------------------------------------------
    def _env(self, key_expr: Expr, default: Expr | None, frame: Frame, line: int, none_if_unset: bool = False) -> list[Obj]:
        """``os.environ[K]`` / ``os.getenv(K, default)``; with ``none_if_unset`` (``os.getenv(K)``
        without a default), an unset K is also None, so an SDK given it uses its own default."""
        keys = self.strings(self.eval(key_expr, frame), frame)
        defaults: list[Obj] = self.eval(default, frame) if default is not None else []
        out: list[Obj] = []
        for key in keys:
            if not key.is_known:
                out.append(Unknown("env var with a computed name", line))
                continue
            found = self._env_value(key.text, defaults, frame.module.path, line, f"env {key.text}")
            out.extend(found)
            if none_if_unset and default is None and self.env_values(key.text)[1]:
                out.append(Absent((Step(frame.module.path, line, f"env {key.text} {UNSET_IS_NONE}"),)))
        return out

    def _env_value(self, key: str, defaults: list[Obj], path: str, line: int, label: str) -> list[Obj]:
        """The value of env var ``key`` in this context, else the code's default, else a hole."""
        self.env_reads.append(EnvRead(key, path, line))
        read = Step(path, line, f"reads {label}")
        bound, unset = self.env_values(key)
        out: list[Obj] = [Strs(tuple(v.then(read) for v in bound))] if bound else []
        if not unset:
            return out
        usable = [d for d in defaults if not isinstance(d, Absent)]
        hole = Strs((StrValue.hole(f"env:{key}", (Step(path, line, f"{label} is not set in any scanned config"),)),))
        # ``os.getenv(K, None)``: unset, the value is None, so an SDK given it uses its own default
        none = [Absent((*d.trail, Step(path, line, f"{label} {UNSET_IS_NONE}"))) for d in defaults if isinstance(d, Absent)][:1]
        if usable:
            out += [_then(d, Step(path, line, f"default of {label} (not set in any scanned config)")) for d in usable]
            # an empty default says "set me": the deployment's value is the only one that can go anywhere
            return out + [hole] + none if all(_empty(d) for d in usable) else out + none
        return out + [hole] + none

    # callers ----------------------------------------------------------------
    def caller_sites(self, module: ModuleFacts, scope: Scope) -> list[tuple[ModuleFacts, CallSite]]:
        """The call sites that may call this function or method: those calling its name (its
        class's, for ``__init__``), and those calling an attribute its module stores it under
        (``aliased_callers``)."""
        lookup = scope.name
        inherited: list[tuple[ModuleFacts, CallSite]] = []
        if scope.name == "__init__":
            klass = _enclosing_class(module.scope, scope.qualname)
            lookup = klass.name if klass is not None else lookup
            if klass is not None:  # ``Chat(…)`` of ``class Chat(_Shared)``, ``super().__init__(…)``, ``klass(…)``
                inherited = [(facts, site) for facts, site in inheriting_call_sites(self.program, module, klass)
                             if not is_super_init(site) or self.callers_of(facts, _scope_chain(facts.scope, site.scope)[-1])]
                inherited += alias_sites(self.program, module, klass.name)  # a subclass's super().__init__: where it is built
        return self.program.sites_calling(lookup, module) + inherited + alias_call_sites(self.program, module, scope)

    def callers_of(self, module: ModuleFacts, scope: Scope) -> list[tuple[ModuleFacts, CallSite]]:
        """In-tree call sites that call this function or method."""
        out = []
        for facts, site in self.caller_sites(module, scope):
            for obj in self.eval(site.func, Frame(facts, site.scope, site.line)):
                if isinstance(obj, (FuncRef, ClassRef)) and obj.module.path == module.path and obj.scope.qualname == scope.qualname:
                    out.append((facts, site))
                    break
                if isinstance(obj, ClassRef) and scope.name == "__init__" and obj.module.path == module.path \
                        and scope.qualname == f"{obj.scope.qualname}.__init__":
                    out.append((facts, site))
                    break
                if isinstance(obj, ClassRef) and scope.name == "__init__" and "__init__" not in obj.scope.children \
                        and any(isinstance(f, FuncRef) and f.module.path == module.path and f.scope.qualname == scope.qualname
                                for f in self._class_attr(obj, "__init__", None)):
                    out.append((facts, site))  # a subclass inheriting this __init__
                    break
        if scope.kind == "function" and "." in scope.qualname:  # returned by a factory: called by another name
            outer = _scope_chain(module.scope, scope.qualname)[-2]
            out.extend(closure_call_sites(self, module, scope, outer))
        return out


# -- helpers -----------------------------------------------------------------

def _located(objs: list[Obj], path: str) -> list[Obj]:
    """``objs`` with each value not found stamped with the file its line is in (the module of
    the evaluation that gave it), so that a value read in another module cites its own
    ``path:line``."""
    if not any(type(obj) is Unknown and not obj.path for obj in objs):
        return objs
    return [Unknown(obj.why, obj.line, path) if type(obj) is Unknown and not obj.path else obj for obj in objs]


def _cap(objs: list[Obj], room: int = MAX_ALTERNATIVES) -> list[Obj]:
    """The distinct objects of an expression, at most ``room`` (16, ``MAX_ALTERNATIVES``). Over the
    cap, the objects with a known value come first (a known host is a finding; an unknown one adds
    little to the hole for the rest), a None side stays (it stands for the SDK's own default), and a
    hole says more values exist (``TRUNCATED``): never a silent cut."""
    if len(objs) <= 1 and room:
        return objs
    distinct = _distinct(objs, limit=4 * MAX_ALTERNATIVES)
    if len(distinct) <= room:
        return distinct
    listed = {id(o) for o in sorted(distinct, key=_only_unknown_values)[:room]}
    out = [o for o in distinct if id(o) in listed]
    if not any(isinstance(o, Absent) for o in out):
        absent = next((o for o in distinct if isinstance(o, Absent)), None)
        if absent is not None:
            out.append(absent)
    left_out = next(o for o in distinct if id(o) not in listed)
    trail = left_out.values[0].trail if isinstance(left_out, Strs) and left_out.values else ()
    out.append(Strs((StrValue.hole(TRUNCATED, trail),)))  # with a value left out's chain, as ``dedupe``
    return out


def _distinct(objs: list[Obj], limit: int) -> list[Obj]:
    """``objs`` without repeats (strings compared by value), in order; at most ``limit`` + 1."""
    out: list[Obj] = []
    seen: set = set()
    for obj in objs:
        key = obj.values if isinstance(obj, Strs) else obj
        try:
            if key in seen:
                continue
            seen.add(key)
        except TypeError:
            if any(obj is o for o in out):
                continue
        out.append(obj)
        if len(out) > limit:
            break
    return out


def _only_unknown_values(obj: Obj) -> bool:
    return isinstance(obj, Strs) and not any(v.is_known for v in obj.values)


def _raising_none_dropped(bases: list[Obj], keep_caller: bool = False) -> list[Obj]:
    """The bases of ``base.attr`` / ``base[key]`` on paths that do not raise: ``None.attr`` and
    ``None[key]`` do, so a None gives no value there. A None that is the only base stays (and is
    reported as unresolved): flowscan may have missed the assignment that sets it. With
    ``keep_caller`` (a mapping read: ``config.get(…)``), a parameter's None default that no
    in-tree call passes stays too: it stands for the mapping the library's caller passes."""
    if len(bases) < 2:
        return bases
    return [b for b in bases if not isinstance(b, Absent) or (keep_caller and isinstance(b, UnpassedNone))] or bases


def _truthy(objs: list[Obj]) -> list[Obj]:
    """What ``objs`` may be when truthy: no None, no known empty string."""
    out: list[Obj] = []
    for obj in objs:
        if isinstance(obj, Strs):
            values = tuple(v for v in obj.values if v.parts)
            if values:
                out.append(obj if len(values) == len(obj.values) else Strs(values))
        elif not isinstance(obj, Absent):
            out.append(obj)
    return out


def _then(obj: Obj, step: Step) -> Obj:
    if isinstance(obj, Strs):
        return Strs(tuple(v.then(step) for v in obj.values))
    return obj


_PROPERTIES = frozenset({"property", "builtins.property", "functools.cached_property"})


def _is_property(module: ModuleFacts, scope: Scope) -> bool:
    """Whether method ``scope`` is read as an attribute (``@property``, ``@functools.cached_property``)."""
    return any(imported_callee(module, d) in _PROPERTIES for d in scope.decorators)


def _ref(module: ModuleFacts, scope: Scope) -> Obj:
    return FuncRef(module, scope) if scope.kind == "function" else ClassRef(module, scope)


def _scope_chain(root: Scope, qualname: str) -> list[Scope]:
    """The scopes from the module down to ``qualname`` (cached per module tree)."""
    chains = _CHAINS.get(root)
    if chains is None:
        chains = _CHAINS[root] = {}
    found = chains.get(qualname)
    if found is None:
        found = chains[qualname] = _walk_scopes(root, qualname)
    return found


_CHAINS: weakref.WeakKeyDictionary[Scope, dict[str, list[Scope]]] = weakref.WeakKeyDictionary()


def _walk_scopes(root: Scope, qualname: str) -> list[Scope]:
    chain = [root]
    if not qualname:
        return chain
    scope = root
    for part in qualname.split("."):
        child = scope.children.get(part)
        if child is None:
            break
        chain.append(child)
        scope = child
    return chain


def _enclosing_class(root: Scope, qualname: str) -> Scope | None:
    chain = _scope_chain(root, qualname)
    for scope in reversed(chain[:-1]):
        if scope.kind == "class":
            return scope
    return None


def _lazy_module(module: ModuleFacts, klass: Scope) -> str | None:
    """The module a lazy-import proxy stands for: a class with ``__getattr__`` whose methods
    import exactly one module by its literal name (``importlib.import_module("litellm")``),
    so an attribute of an instance is that module's attribute."""
    inside = klass.qualname + "."
    names = {site.args[0].text for site in module.calls
             if site.scope.startswith(inside) and site.args and isinstance(site.args[0], Lit)
             and imported_callee(module, site.func) in IMPORT_BY_NAME}
    return names.pop() if len(names) == 1 else None


def _is_method(module: ModuleFacts, scope: Scope) -> bool:
    parent = _scope_chain(module.scope, scope.qualname)
    return len(parent) >= 2 and parent[-2].kind == "class"


def _method_of(klass: Scope, line: int) -> str | None:
    best = None
    for child in klass.children.values():
        if child.kind == "function" and child.line <= line and (best is None or child.line > best.line):
            best = child
    return best.qualname if best else None


def _empty(obj: Obj) -> bool:
    """Whether ``obj`` is only the empty string."""
    return isinstance(obj, Strs) and all(v.is_known and not v.text for v in obj.values)


def _with_item(obj: Obj, store: ItemSet, frame: Frame) -> Obj:
    """A dict ``obj`` after ``d[key] = value`` (``store``, at ``frame``): the entry is added,
    replacing one with the same literal key; a mapping the analysis does not model stays as it was."""
    if not isinstance(obj, DictObj):
        return obj
    replaced = store.key.text if isinstance(store.key, Lit) else None
    kept = [(key, value, at) for key, value, at in obj.entries()
            if replaced is None or (key if isinstance(key, str) else key.text if isinstance(key, Lit) else None) != replaced]
    kept.append((store.key, store.value, frame))
    return DictObj(tuple((key, value) for key, value, _ in kept), obj.frame, tuple(at for _, _, at in kept))


def _reaching_any_method(klass: Scope, assigns: list[Assign]) -> list[Assign]:
    """The ``self.attr = ...`` assignments that may hold when another method reads the attribute:
    the methods run in any order, so each method's last assignment (and conditional ones after
    it), not only those of the method written last (``close()`` setting it back to None)."""
    by_method: dict[str, list[Assign]] = {}
    for assign in assigns:
        by_method.setdefault(_method_of(klass, assign.line) or klass.qualname, []).append(assign)
    chosen = {id(a) for group in by_method.values() for a in _reaching(group, END_OF_FILE)}
    return [a for a in assigns if id(a) in chosen]


def _reaching(assigns: list[Assign], line: int) -> list[Assign]:
    """Assignments that may reach a use at ``line``: the last unconditional one before it and
    any conditional ones after that; every assignment when none precede the use."""
    before = [a for a in assigns if a.line < line] or assigns
    chosen: list[Assign] = []
    for assign in reversed(before):
        chosen.append(assign)
        if not assign.conditional:
            break
    return list(reversed(chosen))


def _keywords_left(scope: Scope, site: CallSite, frame: Frame, resolver: Resolver) -> list[Obj]:
    """What a call passes to the callee's ``**kwargs``: a mapping of the keywords no named
    parameter takes, and each mapping the call itself passes with ``**``."""
    named = {p.name for p in scope.params if p.kind in ("positional", "keyword")}
    out: list[Obj] = [DictObj(tuple((k, v) for k, v in site.kwargs if k != "**" and k not in named), frame)]
    for key, value in site.kwargs:
        if key == "**":
            out.extend(resolver.eval(value, frame))
    return out


def _forwarded(arg: Expr, module: ModuleFacts, qualname: str) -> bool:
    """Whether ``arg`` is a parameter of the calling function passed on as it came (never
    reassigned there): following it further computes nothing new, so it is not a caller hop
    (the memo and the recursion guard bound the chain)."""
    if not isinstance(arg, Name) or not qualname:
        return False
    caller = _scope_chain(module.scope, qualname)[-1]
    return caller.kind == "function" and arg.id not in caller.assigns \
        and any(p.name == arg.id and p.kind in ("positional", "keyword") for p in caller.params)


def _argument_for(scope: Scope, param: Param, site: CallSite, bound_method: bool) -> Expr | None:
    for key, value in site.kwargs:
        if key == param.name:
            return value
    positional = [p for p in scope.params if p.kind == "positional"]
    if bound_method and positional and positional[0].name in ("self", "cls"):
        positional = positional[1:]
    index = next((i for i, p in enumerate(positional) if p.name == param.name), None)
    if index is not None and index < len(site.args):
        return site.args[index]
    splat = next((value for key, value in site.kwargs if key == "**"), None)
    if splat is None or param.kind not in ("positional", "keyword"):
        return None
    # ``super().__init__(**kwargs)``: the keyword if the mapping holds it (the resolver keeps the
    # expression built here alive while its value is memoised)
    line = getattr(splat, "line", 0) or 0
    got = Call(Attr(splat, "get", line), (Lit(param.name, line),), (), line)
    starred = next((a for a in site.args if isinstance(a, Opaque) and a.why == "*args"), None)
    return got if starred is None or param.kind == "keyword" else Either((starred, got), line)  # or from ``*args``


def _needs_slash(base: StrValue, tail: StrValue) -> bool:
    """Whether joining ``tail`` to ``base`` inserts a "/": the base's known end has none
    and the tail's known start has none (an unknown end or start is left as it is)."""
    return (bool(base.parts) and isinstance(base.parts[-1], str) and not base.parts[-1].endswith("/")
            and bool(tail.parts) and isinstance(tail.parts[0], str) and not tail.parts[0].startswith("/"))


def _kwarg(call: Call, name: str) -> Expr | None:
    for key, value in call.kwargs:
        if key == name:
            return value
    return None


def _apply_str(value: StrValue, method: str, chars: str | None) -> StrValue:
    parts = list(value.parts)
    if method in ("lower", "upper"):
        parts = [getattr(p, method)() if isinstance(p, str) else p for p in parts]
    if method in ("strip", "rstrip", "removesuffix") and parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].removesuffix(chars) if method == "removesuffix" and chars else parts[-1].rstrip(chars)
    if method in ("strip", "lstrip", "removeprefix") and parts and isinstance(parts[0], str):
        parts[0] = parts[0].removeprefix(chars) if method == "removeprefix" and chars else parts[0].lstrip(chars)
    return StrValue(tuple(p for p in parts if p != ""), value.trail)


_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")


def _format(template: StrValue, args: list[list[StrValue]], kwargs: dict[str, list[StrValue]]) -> StrValue:
    counter = iter(range(1000))

    def pick(_i: int, match: re.Match) -> list[StrValue] | None:
        field_name = match.group(1).split(":", 1)[0].split("!", 1)[0]
        if field_name == "":
            index = next(counter)
            return args[index] if index < len(args) else None
        if field_name.isdigit():
            index = int(field_name)
            return args[index] if index < len(args) else None
        return kwargs.get(field_name)

    return _substitute(template, _FORMAT_FIELD, pick)


def _substitute(template: StrValue, pattern: re.Pattern, pick) -> StrValue:
    """Replace each match of ``pattern`` in the known parts by the first alternative that
    ``pick`` gives (a hole when it gives none)."""
    parts: list = []
    trails = [template.trail]
    index = 0
    for part in template.parts:
        if not isinstance(part, str):
            parts.append(part)
            continue
        pos = 0
        for match in pattern.finditer(part):
            parts.append(part[pos:match.start()])
            chosen = pick(index, match)
            index += 1
            if chosen:
                parts.extend(chosen[0].parts)
                trails.append(chosen[0].trail)
            else:
                parts.append(Hole(match.group(0)))
            pos = match.end()
        parts.append(part[pos:])
    from ..values import join_parts
    return StrValue(join_parts(parts), merge_trails(*trails))


def _defines(program: Program, module: ModuleFacts, name: str, seen: set[str]) -> bool:
    """Whether ``module`` binds ``name`` at module level, itself or through its own star imports."""
    if name in module.scope.assigns or name in module.scope.children or name in module.imports:
        return True
    seen.add(module.path)
    for dotted in module.star_imports:
        source = program.find_module(dotted, module)
        if source is not None and source.path not in seen and _defines(program, source, name, seen):
            return True
    return False
