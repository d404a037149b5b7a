"""Command-line flags, for the resolver: a flag is a setting the user picks when starting the
program, and a run without it takes the flag's declared default. ``args.api_base`` (argparse),
a ``@click.option`` parameter or a typer parameter is the flag (user input naming it, ``--api-base``)
or its default, whose chain step (``default of CLI flag --api-base``) lets reach read a test of it
as a switch with the default shipped. How each library declares flags is data
(``flags:`` in ``rules/entrypoints/``). A flag the analysis cannot tie to a declaration is the
flag and an unknown, never a default it did not read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from ..values import StrValue
from .entrypoints import FlagRule, entry_rules
from .resolve_namespace_writes import written_attr
from .facts import Call, Each, Expr, Lit, ModuleFacts, Opaque, Param, Scope
from .objects import (
    Absent,
    CallCtx,
    Ext,
    Frame,
    Inst,
    ListObj,
    Namespace,
    Obj,
    Strs,
    Unknown,
    UserInput,
)

if TYPE_CHECKING:
    from .resolve import Resolver

LOOP_ELEMENT = "for "  # the binding key of a loop variable fixed to one element (no identifier starts so)
MAX_ELEMENTS = 200  # the longest declaration table read element by element
UNPARSED_WORDS = "the command-line words"  # what parse_known_args() leaves: words, not typed answers
CLI_FLAG = "CLI flag "  # how a flag is named in user input and switches: "CLI flag --api-base"
FLAG_DEFAULT_STEP = "default of CLI flag "  # the chain step of a flag's declared default


def is_boolean_default(value: StrValue) -> bool:
    """Whether ``value`` is a boolean flag's default (``False`` of ``store_true``): a test reads
    it, but it is never the text of a destination."""
    return value.is_known and value.text in ("True", "False") and any(
        step.detail.startswith(FLAG_DEFAULT_STEP) for step in value.trail)


def _rules(style: str) -> list[FlagRule]:
    return [rule for rule in entry_rules().flags if rule.style == style]


def flag_input(flag: str, path: str, line: int, says: str) -> UserInput:
    """The value a user gives for ``flag``: user input naming the flag."""
    origin = f"{CLI_FLAG}{flag}"
    return UserInput("cli", origin, origin, origin, (Step(path, line, f"cli: {origin} ({says})"),), cli=flag)


def _default_step(obj: Obj, step: Step) -> Obj:
    if isinstance(obj, Strs):
        return Strs(tuple(v.then(step) for v in obj.values))
    if isinstance(obj, Absent):
        return Absent((*obj.trail, step))
    return obj


def _literal(text: str, step: Step) -> Strs:
    return Strs((StrValue.literal(text, (step,)),))


class CliResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    # -- argparse ------------------------------------------------------------
    def parser_method(self: Resolver, dotted: str, receiver: Inst | None) -> tuple[FlagRule, Inst] | None:
        """The argparse rule and the parser made in the tree, when ``dotted`` is a parsing
        method (``parse_args``) looked up on such a parser; else None."""
        if receiver is None:
            return None
        method = dotted.rpartition(".")[2]
        for rule in _rules("argparse"):
            if method in rule.parse:
                parser = _root_parser(receiver, rule)
                if parser is not None:
                    return rule, parser
        return None

    def parsed(self: Resolver, func: Ext, ctx: CallCtx) -> list[Obj] | None:
        """``parser.parse_args()``: the namespace of that parser's flags."""
        found = self.parser_method(func.dotted, func.receiver)
        if found is None:
            return None
        rule, parser = found
        method = func.dotted.rpartition(".")[2]
        return [Namespace(parser, func.dotted, ctx.line, method in rule.pair)]

    def namespace_item(self: Resolver, namespace: Namespace, key: str | None, path: str, line: int) -> Obj:
        """Item 0 of ``parse_known_args()``'s pair is the namespace; item 1 the words it left."""
        if namespace.pair and key == "0":
            return Namespace(namespace.parser, namespace.call, namespace.line)
        if namespace.pair and key == "1":
            rest = f"{UNPARSED_WORDS} {namespace.call.rpartition('.')[2]}() did not parse"
            return UserInput("cli", rest, rest, rest, (Step(path, line, f"cli: {rest}"),))
        return Unknown(f"item of the namespace {namespace.call}() returns", line)

    def flag_value(self: Resolver, namespace: Namespace, dest: str, line: int) -> list[Obj]:
        """``args.dest``: the flag (as user input) and the default its declaration gives; where no
        declaration of the parser certainly names ``dest``, the flag and an unknown."""
        call = namespace.parser.call
        where = f"{call.frame.module.path}:{call.line}" if call is not None else "a parser"
        matched: list[tuple[str, list[Obj]]] = []
        unsure: list[str] = []
        for module, site, outer, rule in self._declarations(namespace.parser):
            names = self._argparse_names(site, outer, rule)
            frames = [outer]
            if names is None or (dest in names[0] and len(names[0]) > 1):  # a table declared in a loop?
                frames = self.element_frames(module, site) or []
                if not frames:
                    unsure.append(f"{module.path}:{site.line}")
                    continue
            for frame in frames:
                names = self._argparse_names(site, frame, rule)
                if names is None or (dest in names[0] and len(names[0]) > 1):
                    unsure.append(f"{module.path}:{site.line}")
                    break
                if dest in names[0]:
                    matched.append(self._declared_default(namespace, module, site, frame, rule, names[1]))
        if not matched and not unsure:  # ``args.x = os.getenv(...)`` after parsing: no flag
            written = written_attr(self, namespace, dest)
            if written is not None:
                return written
        flag = matched[0][0] if matched else "--" + dest.replace("_", "-")
        path = call.frame.module.path if call is not None else ""
        out: list[Obj] = [flag_input(flag, path, line, f"argparse parser at {where}")]
        if unsure or not matched:
            why = (f"a declaration whose name is not known statically ({', '.join(unsure[:3])}) may declare it" if unsure
                   else f"no add_argument of the parser at {where} declares it")
            out.append(Unknown(f"{CLI_FLAG}{flag}: {why}", line))
        for _flag, defaults in matched:
            out.extend(defaults)
        return out

    def namespace_dests(self: Resolver, namespace: Namespace) -> list[str] | None:
        """Every ``dest`` the parser's declarations give (the keys of ``vars(args)``); None when
        a declaration's dest is not known statically."""
        dests: list[str] = []
        for module, site, outer, rule in self._declarations(namespace.parser):
            names = self._argparse_names(site, outer, rule)
            if names is not None and len(names[0]) == 1:
                dests.extend(names[0])
                continue
            frames = self.element_frames(module, site) or []
            for frame in frames:
                names = self._argparse_names(site, frame, rule)
                if names is None or len(names[0]) != 1:
                    return None
                dests.extend(names[0])
            if not frames:
                return None
        return sorted(set(dests))

    def element_frames(self: Resolver, module: ModuleFacts, site) -> list[Frame] | None:
        """Frames for ``site`` with the loop variable around it fixed to each element of the list
        literal the loop walks (``for arg in ARGUMENTS: parser.add_argument(..., dest=arg["name"])``);
        None when the call is in no such loop."""
        from .resolve import _scope_chain
        scope = _scope_chain(module.scope, site.scope)[-1]
        loops = [(a.line, name, a.value) for name, assigns in scope.assigns.items() for a in assigns
                 if isinstance(a.value, Each) and not a.value.path and a.line <= site.line]
        if not loops:
            return None
        line, name, each = max(loops, key=lambda loop: loop[0])
        sources = self.eval(each.source, Frame(module, site.scope, line))
        if len(sources) != 1 or not isinstance(sources[0], ListObj) or len(sources[0].items) > MAX_ELEMENTS:
            return None
        return [Frame(module, site.scope, site.line, self.intern([(LOOP_ELEMENT + name, tuple(self.eval(item, where)))]))
                for item, where in sources[0].pairs()]

    def _declared_default(self: Resolver, namespace: Namespace, module: ModuleFacts, site, frame: Frame, rule: FlagRule,
                          flag: str) -> tuple[str, list[Obj]]:
        """A declaration's flag and its default (its env var's value first, when it names one)."""
        step = Step(module.path, site.line, f"{FLAG_DEFAULT_STEP}{flag}")
        defaults = [_default_step(o, step) for o in self._argparse_default(site, frame, rule, step)]
        envvar = dict(site.kwargs).get(rule.envvar_kw) if rule.envvar_kw else None
        if envvar is not None:
            return flag, self._from_env(envvar, defaults, frame, flag)
        if flag.startswith("--") and (prefix := self._env_prefix(namespace.parser, rule)) is not None:
            return flag, self._from_env_named((prefix + flag.lstrip("-")).replace("-", "_").upper(), defaults, frame, flag)
        return flag, defaults

    def _env_prefix(self: Resolver, parser: Inst, rule: FlagRule) -> str | None:
        """The prefix of the env var a parser reads for every long option
        (``auto_env_var_prefix="AIDER_"``), when its constructor names one."""
        call = parser.call
        expr = call.kwarg(rule.env_prefix_kw) if call is not None and rule.env_prefix_kw else None
        if expr is None:
            return None
        texts = self.strings(self.eval(expr, call.frame), call.frame)
        return texts[0].text if len(texts) == 1 and texts[0].is_known else None

    def _declarations(self: Resolver, parser: Inst) -> list[tuple[ModuleFacts, object, Frame, FlagRule]]:
        """The calls in the tree that declare a flag of ``parser`` (its own ``add_argument``
        calls, its groups' and its sub-parsers')."""
        call = parser.call
        if call is None:
            return []
        home = call.frame.module
        key = (home.path, call.line)
        out = []
        for rule in _rules("argparse"):
            for method in sorted(rule.declare):
                sites = [(home, s) for s in self.program.calls_named(home, method)]
                sites += [(m, s) for m, s in self.program.sites_calling(method, home) if m.path != home.path]
                for module, site in sites:
                    frame = Frame(module, site.scope, site.line)
                    for func in self.eval(site.func, frame):
                        if not (isinstance(func, Ext) and func.receiver is not None
                                and func.dotted.rpartition(".")[2] in rule.declare):
                            continue
                        root = _root_parser(func.receiver, rule)
                        if root is not None and root.call is not None \
                                and (root.call.frame.module.path, root.call.line) == key:
                            out.append((module, site, frame, rule))
                            break
        return out

    def _argparse_names(self: Resolver, site, frame: Frame, rule: FlagRule) -> tuple[list[str], str] | None:
        """The ``dest`` names a declaration may give and the flag it is spelled as (``--api-base``);
        None when its option strings or dest are not known statically."""
        dest_expr = next((v for k, v in site.kwargs if k == rule.name_kw), None)
        options: list[str] = []
        for arg in site.args:
            texts = self.strings(self.eval(arg, frame), frame)
            if len(texts) != 1 or not texts[0].is_known:
                if dest_expr is None:
                    return None
                continue
            options.append(texts[0].text)
        long = next((o for o in options if o.startswith("--")), None)
        flag = long or (options[0] if options else "")
        if dest_expr is not None:
            texts = self.strings(self.eval(dest_expr, frame), frame)
            if not texts or not all(t.is_known for t in texts):
                return None
            dests = sorted({t.text for t in texts})
            if flag or not site.args:  # no option strings at all (add_subparsers): named by dest
                return dests, flag or dests[0]
            return dests, "--" + dests[0].replace("_", "-")  # option strings not known statically
        if not options:
            return None
        return [flag.lstrip("-").replace("-", "_")], flag

    def _argparse_default(self: Resolver, site, frame: Frame, rule: FlagRule, step: Step) -> list[Obj]:
        default = next((v for k, v in site.kwargs if k == rule.default_kw), None)
        if default is not None:
            return self.eval(default, frame)
        action = next((v for k, v in site.kwargs if k == rule.action_kw), None)
        defaults = dict(rule.action_defaults)
        if action is not None:
            texts = self.strings(self.eval(action, frame), frame)
            if texts and all(t.is_known for t in texts):
                values = {defaults.get(t.text) for t in texts}
                return [_literal(v, step) if v is not None else Absent((step,)) for v in sorted(values, key=str)]
            return [Unknown(f"the action of {CLI_FLAG.strip()} at line {site.line} is not known statically", site.line)]
        return [Absent((step,))]

    # -- click and typer -----------------------------------------------------
    def cli_param(self: Resolver, module: ModuleFacts, scope: Scope, param: Param) -> list[Obj] | None:
        """A parameter of a click or typer command: the flag (as user input) and its declared
        default (none for a required argument); None when no flag declaration names it."""
        outer = Frame(module, scope.qualname.rpartition(".")[0], scope.line)
        for decorator in scope.decorators:
            if not isinstance(decorator, Call):
                continue
            for obj in self.eval(decorator.func, outer):
                rule = next((r for r in _rules("click") if isinstance(obj, Ext) and obj.dotted in r.decorators), None)
                if rule is None:
                    continue
                found = self._click_declared(decorator, outer, rule, obj.dotted, param.name)
                if found is not None:
                    return found
        typer = next((r for r in _rules("typer") if self._is_command(scope, outer, r)), None)
        if typer is not None and param.kind in ("positional", "keyword"):
            return self._typer_param(module, scope, param, outer, typer)
        return None

    def _is_command(self: Resolver, scope: Scope, outer: Frame, rule: FlagRule) -> bool:
        for decorator in scope.decorators:
            target = decorator.func if isinstance(decorator, Call) else decorator
            if any(isinstance(o, Ext) and o.dotted in rule.decorators for o in self.eval(target, outer)):
                return True
        return False

    def _click_declared(self: Resolver, decorator: Call, frame: Frame, rule: FlagRule, dotted: str,
                        name: str) -> list[Obj] | None:
        decls: list[str] = []
        for arg in decorator.args:
            texts = self.strings(self.eval(arg, frame), frame)
            if len(texts) != 1 or not texts[0].is_known:
                return None
            decls.append(texts[0].text)
        declared, flag, is_switch = _click_name(decls, argument=dotted.endswith(".argument"))
        if declared != name:
            return None
        path = frame.module.path
        line = decorator.line or frame.line
        step = Step(path, line, f"{FLAG_DEFAULT_STEP}{flag}")
        out: list[Obj] = [flag_input(flag, path, line, f"@{dotted.rpartition('.')[2]}")]
        kwargs = dict(decorator.kwargs)
        default, is_flag, flag_value = (kwargs.get(rule.default_kw), kwargs.get(rule.flag_kw),
                                        kwargs.get(rule.flag_value_kw))
        defaults: list[Obj] = []
        if default is not None:
            defaults = [_default_step(o, step) for o in self.eval(default, frame)]
        elif is_switch or (isinstance(is_flag, Lit) and is_flag.text == "True") or (
                isinstance(flag_value, Lit) and flag_value.text in ("True", "False")):
            defaults = [_literal(rule.flag_default, step)]  # a boolean flag not given
        elif not dotted.endswith(".argument") or "required" in kwargs:
            defaults = [Absent((step,))]  # an option not given is None; an argument is required
        return out + self._from_env(kwargs.get(rule.envvar_kw), defaults, frame, flag)

    def _from_env(self: Resolver, envvar: Expr | None, defaults: list[Obj], frame: Frame, flag: str) -> list[Obj]:
        """A flag's default, or the env var its declaration names (``envvar="HOST"``) when set."""
        if envvar is None:
            return defaults
        names = self.strings(self.eval(envvar, frame), frame)
        if len(names) != 1 or not names[0].is_known:
            return [*defaults, Unknown(f"{CLI_FLAG}{flag} reads an env var not known statically", frame.line)]
        return self._from_env_named(names[0].text, defaults, frame, flag)

    def _from_env_named(self: Resolver, name: str, defaults: list[Obj], frame: Frame, flag: str) -> list[Obj]:
        found = self._env_value(name, defaults, frame.module.path, frame.line, f"env {name} (for {CLI_FLAG}{flag})")
        return found + [d for d in defaults if isinstance(d, Absent)]

    def _typer_param(self: Resolver, module: ModuleFacts, scope: Scope, param: Param, outer: Frame,
                     rule: FlagRule) -> list[Obj]:
        default: Expr | None = param.default
        flag = "--" + param.name.replace("_", "-")
        marker: Call | None = None
        if isinstance(default, Call) and any(isinstance(o, Ext) and o.dotted in rule.markers
                                             for o in self.eval(default.func, outer)):
            marker = default
            default = next((v for k, v in marker.kwargs if k == rule.default_kw), marker.args[0] if marker.args else None)
            named = [a.text for a in marker.args[1:] if isinstance(a, Lit) and a.text.startswith("-")]
            flag = next((n for n in named if n.startswith("--")), named[0] if named else flag)
        envvar = dict(marker.kwargs).get(rule.envvar_kw) if marker is not None else None
        step = Step(module.path, scope.line, f"{FLAG_DEFAULT_STEP}{flag}")
        out: list[Obj] = [flag_input(flag, module.path, scope.line, f"parameter {param.name} of {scope.qualname}()")]
        defaults: list[Obj] = []
        if default is not None and not (isinstance(default, Opaque) and default.why == "Ellipsis"):
            defaults = [_default_step(o, step) for o in self.eval(default, outer)]
        return out + self._from_env(envvar, defaults, outer, flag)


def _root_parser(inst: Inst | None, rule: FlagRule) -> Inst | None:
    """The parser an argparse object belongs to: itself, or the parser whose group, sub-parser
    collection or sub-parser it is; None when it is no parser made by a call."""
    seen = 0
    while inst is not None and isinstance(inst.of, Ext) and seen < 8:
        if inst.of.dotted in rule.parsers:
            return inst if inst.call is not None else None
        if inst.of.dotted.rpartition(".")[2] not in rule.groups:
            return None
        inst = inst.of.receiver
        seen += 1
    return None


def _click_name(decls: list[str], argument: bool) -> tuple[str | None, str, bool]:
    """click's parameter name for declarations ``decls``, the flag as shown, and whether a
    ``--x/--no-x`` declaration makes it a boolean switch."""
    if argument:
        name = decls[0] if decls else None
        return (name.replace("-", "_").lower() if name else None), (name or ""), False
    explicit = next((d for d in decls if d.isidentifier()), None)
    options: list[str] = []
    switch = False
    for decl in decls:
        if decl.isidentifier():
            continue
        if "/" in decl:
            switch = True
            decl = decl.split("/", 1)[0].rstrip()
        if decl:
            options.append(decl)
    ranked = sorted(options, key=lambda o: -(len(o) - len(o.lstrip("-"))))
    flag = ranked[0] if ranked else (explicit or "")
    name = explicit or (ranked[0].lstrip("-").replace("-", "_").lower() if ranked else None)
    return name, flag, switch
