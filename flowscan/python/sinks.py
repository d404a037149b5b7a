"""Evaluate a sink's ``url`` spec (from ``rules/``) at one call site.

A spec says where an SDK takes its endpoint from: an argument, the receiver's
constructor, env vars, a default, a template of several parts, or a switch on a
provider prefix. The result is a list of possible URL strings (with holes), or
``None`` when the call has no endpoint at all (``required: false`` and nothing given).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Step
from ..values import Part, StrValue, concat, dedupe, join_parts, merge_trails
from .facts import Expr, Test
from .objects import CALLER_SET, Absent, CallCtx, Ext, Inst, Strs, Unknown, class_name
from .commands import command_line, first_words_case, image_registries, option_values, url_words
from .declared import declared_selectors
from .host_tests import host_suffix_at, narrowed
from .tested_attrs import attr_not_none_at, tested_given
from .guards import not_none_at
from .module_state import module_state
from .resolve import Resolver


@dataclass(frozen=True)
class SinkCall:
    """What a sink spec is evaluated against: the call (or assignment) and its receiver."""

    ctx: CallCtx
    receiver: Inst | None = None
    assigned: Expr | None = None
    tests: tuple[Test, ...] = ()  # the conditions the call runs under (``guards``)
    # a constructor a caller outside the code read made (``client: OpenAI``): what this names
    # (``openai.OpenAI``); each argument the spec reads is then unknown, or not given
    made_by_caller: str | None = None


def evaluate_spec(spec: Any, call: SinkCall, resolver: Resolver, sdk: str) -> list[StrValue] | None:
    """Possible values of ``spec`` at ``call``; ``None`` when no source gives any value. A list
    of specs is several endpoints of one call (an API host and its OAuth host): the values of each."""
    if isinstance(spec, list):
        found = [v for part in spec for v in evaluate_spec(part, call, resolver, sdk) or []]
        return dedupe(found) or None
    if isinstance(spec, str):
        return [StrValue.literal(spec, (Step(call.ctx.frame.module.path, call.ctx.line, f"{sdk} endpoint"),))]
    if "template" in spec:
        return _template(spec, call, resolver, sdk)
    if "switch" in spec:
        return _switch(spec, call, resolver, sdk)
    return _simple(spec, call, resolver, sdk)


def evaluate_override(spec: Any, call: SinkCall, resolver: Resolver, sdk: str) -> tuple[list[StrValue] | None, bool]:
    """The values a sink's ``override`` gives, and whether it may give none on some path (an
    argument that is None there, a ``**`` mapping that may not hold it): then the sink's own
    URL applies as well."""
    if isinstance(spec, str) or "template" in spec or "switch" in spec:
        values = evaluate_spec(spec, call, resolver, sdk)
        return values, values is None
    return _simple_values(spec, call, resolver, sdk)


def given_everywhere(keywords: tuple[str, ...], call: SinkCall, resolver: Resolver) -> bool:
    """Whether the call gives one of ``keywords`` a string on every path (passed directly or
    inside ``**mapping``): never None, missing, or a value flowscan cannot read."""
    spec = {"kw": list(keywords)}
    frame = call.ctx.frame
    expr = _argument(spec, call)
    if expr is None:
        given = resolver.splatted(call.ctx, keywords) or []
    else:
        given = list(resolver.items(resolver.eval(expr, frame)))
        if any(isinstance(o, Absent) for o in given) and not_none_at(expr, frame.module, frame.scope, call.ctx.line, call.tests):
            given = [o for o in given if not isinstance(o, Absent)]  # a test before the call rules None out
    return bool(given) and all(isinstance(o, Strs) and o.values for o in given)


def _simple(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str) -> list[StrValue] | None:
    return _simple_values(spec, call, resolver, sdk)[0]


def _simple_values(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str
                   ) -> tuple[list[StrValue] | None, bool]:
    """The values of a plain spec, and whether a path leaves it with none (no default either)."""
    ctx = call.ctx
    frame = ctx.frame
    path = frame.module.path
    expr = _argument(spec, call)
    if expr is not None and spec.get("command"):
        commands = command_line(resolver.eval(expr, frame), frame, resolver)
        if "image" in spec:
            step = Step(path, ctx.line, f"{sdk}: the registry of the image in the command")
            picked = [v.then(step) for command in commands for v in image_registries(command, spec["image"])]
            return picked or None, not picked
        if "option" not in spec and not spec.get("urls"):
            return commands, False
        step = Step(path, ctx.line, f"{sdk}: " + ("/".join(spec["option"]) if "option" in spec else "a URL") + " in the command")
        picked = [v.then(step) for command in commands
                  for v in (option_values(command, spec["option"]) if "option" in spec else url_words(command))]
        values = _shaped(picked or _unset(spec, call, resolver, sdk, path), spec, path, ctx.line, sdk)
        return values, values is None
    given = list(resolver.items(resolver.eval(expr, frame))) if expr is not None else None
    if given and spec.get("entries"):
        given = resolver.entry_values(given)
    if expr is None and spec.get("kw") and not spec.get("assigned"):
        keywords = spec["kw"]
        given = resolver.splatted(ctx, [keywords] if isinstance(keywords, str) else keywords)
    if given is None and call.made_by_caller is not None and not spec.get("assigned") and ("kw" in spec or "arg" in spec):
        given = [_set_by_caller(spec, call), Absent()]
    if given and "field" in spec:
        given = list(resolver.field_of(given, spec["field"]))
    if given and expr is not None and len({isinstance(o, Absent) for o in given}) == 2 \
            and not_none_at(expr, frame.module, frame.scope, ctx.line, call.tests):
        given = [o for o in given if not isinstance(o, Absent)]  # a test before the call rules None out
    elif given and any(isinstance(o, Absent) for o in given) \
            and attr_not_none_at(expr, frame.module, frame.scope, ctx.line, call.tests):
        given = tested_given(given, expr, ctx.line)  # ``if self.config.url: Client(base_url=self.config.url)``
    objs = [o for o in given if not isinstance(o, Absent)] if given else given
    values = resolver.strings(objs, frame, what="argument") if objs else None
    if values and (tested := host_suffix_at(expr, frame.module, frame.scope, ctx.line, call.tests)) is not None:
        values = [narrowed(v, expr.id, tested[0], path, tested[1]) for v in values]  # ``if urlparse(url).hostname.endswith(…)``
    # where the argument is None (`x if c else None`, an unset os.getenv), the SDK's own choice applies
    none_trail = merge_trails(*(o.trail for o in given if isinstance(o, Absent))) if given else ()
    if values is not None:
        none_side = False
        if len(objs) < len(given):
            absent = _unset(spec, call, resolver, sdk, path)
            values = dedupe([*values, *_after(none_trail, absent)]) if absent else values
            none_side = not absent or _state_may_be_unset(spec, call, resolver, sdk)
        return _shaped(values, spec, path, ctx.line, sdk), none_side
    values = _shaped(_after(none_trail, _unset(spec, call, resolver, sdk, path)), spec, path, ctx.line, sdk)
    return values, values is None or _state_may_be_unset(spec, call, resolver, sdk)


def _state_may_be_unset(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str) -> bool:
    """Whether an override read from module state (no env, no default of its own) may be unset
    on some path: then the sink's own URL applies as well."""
    if "state" not in spec or "env" in spec or "default" in spec:
        return False
    path = call.ctx.frame.module.path
    values, may_be_unset = module_state(resolver, spec["state"], Step(path, call.ctx.line, f"{sdk} reads state"))
    return values is not None and may_be_unset


def _after(trail: tuple[Step, ...], values: list[StrValue] | None) -> list[StrValue] | None:
    """``values`` whose chains start with ``trail`` (how the argument came to be None)."""
    if not trail or values is None:
        return values
    return [StrValue(v.parts, merge_trails(trail, v.trail)) for v in values]


def chain_root(inst: Inst) -> Inst:
    """The object a chain of SDK attributes and calls starts from: ``client.a.b(x).c`` is looked
    up on what ``b(x)`` returned, itself looked up on ``client``; the chain's root is ``client``."""
    while isinstance(inst.of, Ext) and inst.of.receiver is not None:
        inst = inst.of.receiver
    return inst


def _unset(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str, path: str) -> list[StrValue] | None:
    """What the SDK uses when the call gives no value: the receiver's, module state, env, its default."""
    ctx = call.ctx
    values: list[StrValue] | None = None
    by_caller: list[StrValue] = []  # what a receiver a caller made may set
    if "receiver" in spec and call.receiver is not None and call.receiver.call is not None:
        values = evaluate_spec(spec["receiver"], SinkCall(call.receiver.call), resolver, sdk)
    elif "receiver" in spec and call.receiver is not None and call.receiver.typed is not None:
        made = SinkCall(CallCtx(ctx.frame, (), (), ctx.line), made_by_caller=class_name(call.receiver))
        by_caller = [v for v in evaluate_spec(spec["receiver"], made, resolver, sdk) or [] if not v.is_known]
    if values is None and "client" in spec and call.receiver is not None:
        root = chain_root(call.receiver)
        if root.call is not None:
            values = evaluate_spec(spec["client"], SinkCall(root.call), resolver, sdk)
    state: list[StrValue] = []  # module state set on some paths only: the SDK's own choice on the others
    if values is None and "state" in spec:
        values, may_be_unset = module_state(resolver, spec["state"], Step(path, ctx.line, f"{sdk} reads " + " / ".join(spec["state"])))
        if values is not None and may_be_unset:
            state, values = values, None
    found: list[StrValue] = []  # env values set on some path, when the variables may also be unset
    if values is None:
        for key in spec.get("env", []):
            bound, unset = resolver.env_values(key)
            step = Step(path, ctx.line, f"{sdk} reads env {key}")
            found += [v.then(step) for v in bound]
            if found and not unset:
                values = found
                break
    if values is None and "default" in spec:
        unset = ", ".join(spec.get("env", []))
        why = f"{sdk} default" + (f" ({unset} not set in any scanned config)" if unset else "")
        values = [*found, StrValue.literal(spec["default"], (Step(path, ctx.line, why),))]
    if values is None and spec.get("env"):
        first, names = spec["env"][0], " / ".join(spec["env"])
        values = [*found, StrValue.hole(f"env:{first}", (Step(path, ctx.line, f"{sdk} reads env {names}, not set in any scanned config"),))]
    if state:
        values = dedupe([*state, *(values or [])])
    return [*by_caller, *(values or [])] if by_caller else values


def _set_by_caller(spec: dict[str, Any], call: SinkCall) -> Unknown:
    """The argument ``spec`` reads, of a constructor a caller outside the code read made."""
    keywords = spec.get("kw", [])
    keyword = keywords if isinstance(keywords, str) else (keywords[0] if keywords else f"argument {spec.get('arg', 0)}")
    return Unknown(f"{CALLER_SET}the {call.made_by_caller} a caller made may set {keyword}", call.ctx.line)


def _shaped(values: list[StrValue] | None, spec: dict[str, Any], path: str, line: int, sdk: str) -> list[StrValue] | None:
    """``values`` with the spec's connection-string field, map and scheme applied."""
    if values is None:
        return None
    if "field" in spec:
        values = [_connection_string_field(v, spec, Step(path, line, f"{sdk}: {spec['field']} of the connection string"))
                  for v in values]
    if "map" in spec:
        values = [_mapped(v, spec["map"]) for v in values]
    if "scheme" in spec:
        values = [v if "://" in v.known_prefix else StrValue((spec["scheme"], *v.parts), v.trail) for v in values]
    return dedupe(values)


def _connection_string_field(value: StrValue, spec: dict[str, Any], step: Step) -> StrValue:
    """``field`` of a ``Key=value;Key=value`` connection string (Azure's ``IngestionEndpoint=…``),
    also of one built with unknown values (``f"AccountName={account};EndpointSuffix=..."``);
    ``field_default`` when every key of the connection string is known and none is ``field``;
    other values as they are."""
    segments = _segments(value)
    heads = [seg[0] if seg and isinstance(seg[0], str) else "" for seg in segments]
    if not any("=" in head for head in heads):
        return value
    for segment, head in zip(segments, heads):
        key, sep, rest = head.partition("=")
        if sep and key.strip() == spec["field"]:
            return StrValue(join_parts([rest.strip(), *segment[1:]]), (*value.trail, step))
    if "field_default" in spec and all("=" in head for head in heads):
        return StrValue.literal(spec["field_default"], (*value.trail, step))
    return value


def _segments(value: StrValue) -> list[list[Part]]:
    """The ``;``-separated segments of a connection string, each as its parts (holes kept);
    empty segments dropped."""
    segments: list[list[Part]] = [[]]
    for part in value.parts:
        if isinstance(part, str):
            pieces = part.split(";")
            segments[-1].append(pieces[0])
            segments.extend([piece] for piece in pieces[1:])
        else:
            segments[-1].append(part)
    return [list(join_parts(seg)) for seg in segments if join_parts(seg)]


def _argument(spec: dict[str, Any], call: SinkCall) -> Expr | None:
    if spec.get("assigned"):
        return call.assigned
    keywords = spec.get("kw", [])
    for keyword in [keywords] if isinstance(keywords, str) else keywords:
        found = call.ctx.kwarg(keyword)
        if found is not None:
            return found
    index = spec.get("arg")
    if index is not None and index < len(call.ctx.args):
        return call.ctx.args[index]
    return None


def _mapped(value: StrValue, table: dict[str, str]) -> StrValue:
    if value.is_known and value.text in table:
        return StrValue.literal(table[value.text], value.trail)
    return value


def _template(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str) -> list[StrValue]:
    pieces: list[list[StrValue]] = []
    template: str = spec["template"]
    pos = 0
    while True:
        start = template.find("{", pos)
        if start < 0:
            pieces.append([StrValue.literal(template[pos:])])
            break
        end = template.index("}", start)
        pieces.append([StrValue.literal(template[pos:start])])
        name = template[start + 1:end]
        found = evaluate_spec(spec["params"].get(name, {}), call, resolver, sdk)
        pieces.append(found or [StrValue.hole(name, (Step(call.ctx.frame.module.path, call.ctx.line, f"{sdk}: no {name} given"),))])
        pos = end + 1
    values, _ = concat(pieces)
    return values


def _switch(spec: dict[str, Any], call: SinkCall, resolver: Resolver, sdk: str) -> list[StrValue] | None:
    """A case chosen by the selector's part before ``split`` (a provider prefix), or without
    ``split`` by the whole selector when it is fully known (a boto3 client name). With
    ``params``, a string case is a template over them (``https://states.{region}.amazonaws.com``)."""
    selectors = evaluate_spec(spec["switch"], call, resolver, sdk) or []
    out: list[StrValue] = []
    split = spec.get("split")
    cases = spec.get("cases", {})
    by_name: dict[str, str] = spec.get("by_name", {})
    selectors = selectors or [StrValue.hole("model")]
    if spec.get("unknown_selector") == "declared" and any(
            not v.is_known and not (split and split in v.known_prefix) for v in selectors):
        # chosen at run time: the names the app declares are its options (see declared.py)
        selectors = [*selectors, *declared_selectors(resolver.program, call.ctx.frame.module.path,
                                                     sdk.split(".", 1)[0], spec)]
    for selector in selectors:
        if spec.get("match") == "words":
            key = first_words_case(selector, cases)
        elif split:
            text = selector.known_prefix
            key = text.split(split, 1)[0] if split in text else None
            if key is None and selector.is_known and text in by_name:
                key = by_name[text]  # a bare name the SDK routes by its own table
            if key is None and selector.is_known and spec.get("bare_cases") and text in cases:
                key = text  # a provider named on its own
            if key is None and selector.is_known:  # a bare name the SDK routes by how it starts
                key = next((case for start, case in spec.get("by_prefix", {}).items() if text.startswith(start)), None)
        else:
            key = selector.text if selector.is_known else None
        if key is not None and key not in cases and spec.get("unmatched") == "unresolved":
            why = f"{sdk}: {key} is not modelled in the rules"
            out.append(StrValue(StrValue.hole(why).parts, merge_trails(selector.trail, (
                Step(call.ctx.frame.module.path, call.ctx.line, why),))))
            continue
        case = cases.get(key) if key is not None else None
        chosen = case if case is not None else spec.get("otherwise")
        if chosen is None:
            continue
        if isinstance(chosen, str) and "params" in spec:
            chosen = {"template": chosen, "params": spec["params"]}
        found = evaluate_spec(chosen, call, resolver, sdk)
        for value in found or []:
            out.append(StrValue(value.parts, merge_trails(selector.trail, value.trail)))
    return dedupe(out) or None
