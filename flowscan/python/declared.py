"""Selectors the tree declares as data, for a provider switch whose selector is not known
statically (``unknown_selector: declared`` in a sink's ``url`` spec).

LiteLLM apps keep their model choices in module-level tables (``MODEL_SETTINGS = [
ModelSettings("anthropic/claude-3-5-sonnet", weak_model_name="...")]``, alias dicts, defaults)
and pick one at run time. When the model at a call is not known statically, the string literals
those modules hold at module level (in lists, tuples, dicts, and constructor arguments inside
them) that select a case of the switch (a provider prefix the rules model, or a bare name the
SDK's own table routes) are the destinations the app ships as options: each is reported as
reached once the run-time choice names it (opt-in), with the literal as evidence. The modules
of the call's own top-level package that mention the SDK are read, and those that write a
prefixed selector (``"groq/``): in such a module only a prefixed selector
(``groq/llama3-8b-8192``) or a dict key (a table keyed by model name,
``MAX_TOKENS = {"command-nightly": 4096, "groq/llama3-8b-8192": 8192}``) counts, not a bare word
of a list (``PROVIDERS = ["cohere", "command"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from ..model import Step, Switch
from ..values import StrValue
from .facts import Call, DictLit, Either, Expr, Lit, Seq
from .program import Program

DECLARED = "named in the tree's data"  # the step detail that marks a declared selector
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # program -> (package, word, cases) -> selectors


def declared_selectors(program: Program, path: str, word: str, spec: dict[str, Any]) -> list[StrValue]:
    """One literal per switch case that the modules of ``path``'s top-level package declare at
    module level (the first in path and line order); ``word`` names the SDK."""
    package = path.split("/", 1)[0] if "/" in path else ""
    split = spec.get("split") or ""
    cases: dict[str, Any] = spec.get("cases", {})
    by_name: dict[str, str] = spec.get("by_name", {})
    memo = _MEMO.setdefault(program, {})
    key = (package, word, split, tuple(cases), len(by_name))
    found = memo.get(key)
    deps = program.deps
    if deps is not None:
        deps.ask(f"mention:{word}")  # a file starting or ceasing to mention ``word`` changes the answer
    if found is not None:
        if deps is not None:
            deps.hit("declared", key)
        return found
    if deps is not None:
        deps.begin()
    chosen: dict[str, StrValue] = {}
    prefixes = [f"{case}{split}".encode() for case in cases] if split else []
    for source in sorted(program.shown_sources):
        in_package = source.startswith(package + "/") if package else "/" not in source
        if not source.endswith(".py") or not in_package:
            continue
        names_sdk = program.mentions(source, word, read=False)
        if not names_sdk:
            if deps is not None:
                deps.read(source)  # its bytes decide: a file starting to write "groq/" changes the answer
            if not any(prefix in program.sources[source] for prefix in prefixes):
                continue  # parsed only where a prefixed selector may be written
        facts = program.load(source, "declared selectors")
        if facts.parse_error:
            continue
        for assigns in facts.scope.assigns.values():
            for assign in assigns:
                for lit in _literals(assign.value):
                    if not names_sdk and not lit.keyed and not (split and split in lit.text):
                        continue  # a bare word elsewhere ("command" in a list) may name anything
                    case = _case(lit.text, split, cases, by_name)
                    if case is not None and case not in chosen:
                        step = Step(source, lit.line, f'{DECLARED}: "{lit.text}"')
                        chosen[case] = StrValue.literal(lit.text, (step,))
    memo[key] = found = [chosen[c] for c in sorted(chosen)]
    if deps is not None:
        deps.end("declared", key)
    return found


def declared_switch(value: StrValue) -> Switch | None:
    """The opt-in switch of a value that came from a declared selector."""
    step = next((s for s in value.trail if s.detail.startswith(DECLARED)), None)
    if step is None:
        return None
    name = step.detail[len(DECLARED) + 2:]
    return Switch(step.path, step.line, "the model (chosen at run time)", f"the model is {name}",
                  "not known statically", False)


def _case(text: str, split: str, cases: dict[str, Any], by_name: dict[str, str]) -> str | None:
    if split and split in text:
        prefix = text.split(split, 1)[0]
        return prefix if prefix in cases else None
    routed = by_name.get(text)
    return routed if routed in cases else None


@dataclass(frozen=True)
class _Written:
    """A string literal held by a module-level value; ``keyed``: a key of a dict (a table keyed
    by model name)."""

    text: str
    line: int
    keyed: bool = False


def _literals(expr: Expr, depth: int = 0) -> list[_Written]:
    """String literals held by a module-level value: itself, list/tuple/dict items (keys and
    values), arguments of calls inside them (dataclass and settings constructors)."""
    if depth > 6:
        return []
    if isinstance(expr, Lit):
        return [_Written(expr.text, expr.line)]
    if isinstance(expr, Seq):
        return [lit for item in expr.items for lit in _literals(item, depth + 1)]
    if isinstance(expr, DictLit):  # ``MAX_TOKENS = {"groq/llama3-8b-8192": 8192}``
        return [lit for key, value in expr.items
                for lit in ([_Written(key.text, key.line, True)] if isinstance(key, Lit) else []) + _literals(value, depth + 1)]
    if isinstance(expr, Call):
        return [lit for arg in (*expr.args, *(v for _k, v in expr.kwargs)) for lit in _literals(arg, depth + 1)]
    if isinstance(expr, Either):
        return [lit for option in expr.options for lit in _literals(option, depth + 1)]
    return []
