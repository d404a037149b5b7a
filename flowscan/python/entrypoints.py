"""Where values are chosen by the user at run time (``rules/entrypoints/*.yaml``, validated with
``schemas/rules-entrypoints.schema.json``): the handlers a web, chat, agent-tool or CLI framework
calls with user input (by decorator, by base class and method, or by a registering call), and
the library objects that hold such input (``flask.request``, argparse's parsed namespace)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..catalog import default_rules_dir, load_rule_file

USER_SUPPLIED = "user-supplied"  # the label prefix of a value chosen by the user at run time


@dataclass(frozen=True)
class EntryRule:
    id: str
    kind: str  # web-request | chat-message | agent-tool | cli
    says: str  # template: {param} {function} {route} {METHOD} {decorator}
    source: str
    server_state: frozenset[str] = frozenset()  # attributes of a parameter that hold server state, not input


@dataclass(frozen=True)
class Registration:
    rule: EntryRule
    kw: str | None
    arg: int | None


@dataclass(frozen=True)
class EntryRules:
    decorators: dict[str, EntryRule]  # dotted decorator -> rule
    bases: dict[str, tuple[EntryRule, frozenset[str]]]  # dotted base class -> (rule, method names)
    registrations: dict[str, Registration]  # dotted registering call -> how it takes the function
    inputs: dict[str, EntryRule]  # dotted library object -> rule (``says`` names it)
    flags: tuple[FlagRule, ...] = ()  # how command-line libraries declare flags
    argv: frozenset[str] = frozenset()  # dotted library objects that are the command line's words
    discovered: tuple[DiscoveryRule, ...] = ()  # classes a framework runs by their names alone


@dataclass(frozen=True)
class DiscoveryRule:
    """Classes a framework finds by file and class name (``discovered:``, fnmatch patterns)."""

    id: str
    files: tuple[str, ...]
    classes: tuple[str, ...]
    source: str

    def finds(self, path: str, name: str) -> bool:
        from fnmatch import fnmatchcase

        base = path.rsplit("/", 1)[-1]
        return any(fnmatchcase(base, f) for f in self.files) and any(fnmatchcase(name, c) for c in self.classes)


@dataclass(frozen=True)
class FlagRule:
    """How one command-line library declares flags (``flags:`` in ``rules/entrypoints/``)."""

    id: str
    style: str  # argparse | click | typer
    source: str
    parsers: frozenset[str] = frozenset()
    declare: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    parse: frozenset[str] = frozenset()
    pair: frozenset[str] = frozenset()
    decorators: frozenset[str] = frozenset()
    markers: frozenset[str] = frozenset()
    command_groups: frozenset[str] = frozenset()  # click: what makes a command group
    subcommand_methods: frozenset[str] = frozenset()  # click: a group's methods registering a subcommand
    callbacks: frozenset[str] = frozenset()  # typer: the app callback's decorators
    name_kw: str = ""
    default_kw: str = "default"
    action_kw: str = ""
    action_defaults: tuple[tuple[str, str], ...] = ()
    flag_kw: str = ""
    flag_default: str = ""
    flag_value_kw: str = ""
    envvar_kw: str = ""
    env_prefix_kw: str = ""


@lru_cache(maxsize=1)
def entry_rules() -> EntryRules:
    decorators: dict[str, EntryRule] = {}
    bases: dict[str, tuple[EntryRule, frozenset[str]]] = {}
    registrations: dict[str, Registration] = {}
    inputs: dict[str, EntryRule] = {}
    flags: list[FlagRule] = []
    argv: set[str] = set()
    discovered: list[DiscoveryRule] = []
    for path in sorted((default_rules_dir() / "entrypoints").glob("*.yaml")):
        data = load_rule_file(path, "rules-entrypoints.schema.json")
        for entry in data.get("entrypoints", []):
            rule = EntryRule(entry["id"], entry["kind"], entry["says"], entry["source"],
                             frozenset(entry.get("server_state", [])))
            decorators.update((name, rule) for name in entry.get("decorators", []))
            bases.update((name, (rule, frozenset(entry.get("methods", [])))) for name in entry.get("bases", []))
            registrations.update((r["call"], Registration(rule, r.get("kw"), r.get("arg")))
                                 for r in entry.get("registrations", []))
        for entry in data.get("inputs", []):
            inputs[entry["name"]] = EntryRule(entry["name"], entry["kind"], entry["says"], entry["source"])
        flags.extend(_flag_rule(entry) for entry in data.get("flags", []))
        argv.update(entry["name"] for entry in data.get("argv", []))
        discovered.extend(DiscoveryRule(entry["id"], tuple(entry["files"]), tuple(entry["classes"]), entry["source"])
                          for entry in data.get("discovered", []))
    return EntryRules(decorators, bases, registrations, inputs, tuple(flags), frozenset(argv), tuple(discovered))


def _flag_rule(entry: dict) -> FlagRule:
    sets = {key: frozenset(entry.get(key, [])) for key in
            ("parsers", "declare", "groups", "parse", "pair", "decorators", "markers", "command_groups",
             "subcommand_methods", "callbacks")}
    return FlagRule(entry["id"], entry["style"], entry["source"], **sets, name_kw=entry.get("name_kw", ""),
                    default_kw=entry.get("default_kw", "default"), action_kw=entry.get("action_kw", ""),
                    action_defaults=tuple(sorted(entry.get("action_defaults", {}).items())),
                    flag_kw=entry.get("flag_kw", ""), flag_default=entry.get("flag_default", ""),
                    flag_value_kw=entry.get("flag_value_kw", ""), envvar_kw=entry.get("envvar_kw", ""),
                    env_prefix_kw=entry.get("env_prefix_kw", ""))


def describe(rule: EntryRule, param: str, function: str, decorator: str = "", route: str = "") -> str:
    """The rule's ``says`` for one parameter of one handler (missing parts left out)."""
    text = rule.says.format(param=param, function=function, decorator=decorator, route=route or "",
                            METHOD=decorator.upper())
    return " ".join(text.split())
