"""docker-compose files → one deployment context per service.

``extract_compose(path, data)`` reads a compose file (a YAML document whose top level has a
``services:`` mapping) and returns, for every service, an :class:`EnvSource` named
``compose:<service>`` with:

- ``environment`` bindings, list form (``- KEY=value``, ``- KEY``) and map form
  (``KEY: value``, ``KEY:``); compose interpolation is applied statically (see
  :func:`substitute`): ``${VAR:-default}`` keeps the default, ``${VAR}`` alone has no value;
- ``image``; ``entrypoint`` + ``command`` (string forms are split like a shell) in ``command``;
- ``applies_to``: the ``build`` context folder, relative to the scan root.

``details`` (:class:`~flowscan.configfacts.ComposeFacts`) holds each service's data for later
steps: its ``env_file`` paths relative to the scan root (which the engine binds to the dotenv
facts of those files), ``depends_on``, ``healthcheck``, ``deploy.replicas``, ...

Nothing is executed and no environment is read. Non-compose YAML gives empty facts.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Callable


from ..configfacts import (
    ComposeFacts,
    ComposeService,
    ConfigFacts,
    Dependency,
    EnvBinding,
    EnvSource,
)
from .yamlnodes import ParsedYaml, Y, error_line, error_message, list_item_lines, parse_yaml

KIND = "compose"

_COMPOSE_NAME = re.compile(r"(^|/)(docker-)?compose(\.[\w.-]+)?\.ya?ml$", re.IGNORECASE)
_SERVICES_AT_TOP = re.compile(rb"^services[ \t]*:", re.MULTILINE)


# -- interpolation (shared with the Dockerfile extractor) ---------------------------------------

@dataclass(frozen=True)
class Substitution:
    """The result of substituting ``${...}`` references in one string.

    ``value`` is the substituted text, or None when a reference could not be decided
    statically (a variable with no known value and no default). ``text`` is the same
    substitution with undecided references left as written (useful for display).
    ``refs`` lists every reference met, as written, e.g. ``${AWS_REGION:-eu-west-1}``.
    """

    value: str | None
    text: str
    refs: tuple[str, ...] = ()

    @property
    def defaulted(self) -> bool:
        return bool(self.refs) and self.value is not None


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# ${NAME}, ${NAME:-x}, ${NAME-x}, ${NAME:?x}, ${NAME?x}, ${NAME:+x}, ${NAME+x}; the argument may
# contain one level of nested ${...}; $NAME; $$ (an escaped dollar, compose only).
_REFERENCE = re.compile(
    r"\$\$"
    r"|\$\{(?P<name>" + _NAME + r")(?:(?P<op>:?[-?+])(?P<arg>(?:[^{}$]|\$\{[^{}]*\}|\$(?!\{))*))?\}"
    r"|\$(?P<bare>" + _NAME + r")"
)

Lookup = Callable[[str], "str | None"]


def _no_lookup(name: str) -> str | None:
    return None


def substitute(text: str, lookup: Lookup = _no_lookup, dollar_escape: bool = True) -> Substitution:
    """Substitute shell-style variable references in ``text`` without reading any environment.

    ``lookup(name)`` gives a variable's statically known value (None: unknown). Rules, as in
    compose and Dockerfiles: ``${V:-d}`` is V if known and non-empty, else ``d``; ``${V-d}``
    is V if known, else ``d``; ``${V}``, ``$V`` and ``${V:?err}`` need V; ``${V:+alt}`` is
    ``alt`` if V is known and non-empty, ``""`` if known and empty, undecided otherwise.
    ``$$`` is a literal ``$`` when ``dollar_escape`` (compose).
    """
    refs: list[str] = []
    decided = True
    value_parts: list[str] = []
    text_parts: list[str] = []
    pos = 0
    for match in _REFERENCE.finditer(text):
        value_parts.append(text[pos:match.start()])
        text_parts.append(text[pos:match.start()])
        pos = match.end()
        whole = match.group(0)
        if whole == "$$":
            piece = "$" if dollar_escape else "$$"
            value_parts.append(piece)
            text_parts.append(piece)
            continue
        refs.append(whole)
        result = _reference(match, lookup, dollar_escape)
        if result is None:
            decided = False
            text_parts.append(whole)
        else:
            value_parts.append(result)
            text_parts.append(result)
    value_parts.append(text[pos:])
    text_parts.append(text[pos:])
    return Substitution("".join(value_parts) if decided else None, "".join(text_parts), tuple(refs))


def _reference(match: re.Match[str], lookup: Lookup, dollar_escape: bool) -> str | None:
    """The value of one ``${...}`` / ``$NAME`` reference, None if it cannot be decided."""
    name = match.group("name") or match.group("bare")
    op = match.group("op") or ""
    known = lookup(name)
    if op in ("", ":?", "?"):
        return known
    arg = substitute(match.group("arg") or "", lookup, dollar_escape).value
    if op == ":-":
        return known if known else arg
    if op == "-":
        return known if known is not None else arg
    if known is None:  # ":+" / "+": depends on whether V is set
        return None
    if op == ":+":
        return arg if known else ""
    return arg  # "+"


# -- compose --------------------------------------------------------------------------------------

def extract_compose(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    """Facts of a compose file; empty facts for other YAML, ``parse_error`` if malformed.
    ``parsed``: the file already parsed (else it is parsed here)."""
    facts = ConfigFacts(path=path, kind=KIND)
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        if _looks_like_compose(path, data):
            facts.parse_error = (error_line(parsed.error), error_message(parsed.error))
        return facts
    services = _services_node(parsed.documents)
    if services is None:
        return facts
    base = posixpath.dirname(path)
    compose = ComposeFacts()
    for name, node in services.items():
        line = node.key_or_value_line
        if not isinstance(node.value, dict):
            if node.value is not None:
                facts.notes.append(f"{path}:{node.line}: service {name} is not a mapping; skipped")
                continue
            node = Y({}, line)
        source = _service_source(path, base, name, line, node, facts.notes)
        facts.sources.append(source)
        files = _env_files(base, node.get("env_file"))
        compose.services[name] = _service_summary(name, line, node, files)
    facts.details = compose
    return facts


def _looks_like_compose(path: str, data: bytes) -> bool:
    """Whether a file that failed to parse was meant as a compose file (its name or a
    top-level ``services:`` line), so that the parse error is reported by this extractor."""
    return bool(_COMPOSE_NAME.search(path) or _SERVICES_AT_TOP.search(data))


def _services_node(documents: list[Y]) -> Y | None:
    """The ``services`` mapping of the first document that has one at the top level."""
    for document in documents:
        services = document.get("services")
        if services is not None and isinstance(services.value, dict):
            return services
    return None


def _service_source(path: str, base: str, name: str, line: int, node: Y, notes: list[str]) -> EnvSource:
    """The deployment context of one service."""
    source = EnvSource(name=f"{KIND}:{name}", kind=KIND, path=path, line=line)
    source.bindings = _environment(path, name, node.get("environment"), notes)
    image = node.get("image")
    if image is not None and image.scalar() is not None:
        source.image = substitute(image.scalar() or "").text
    source.command = _words(node.get("entrypoint")) + _words(node.get("command"))
    context = _build_context(node.get("build"))
    if context is not None:
        if _is_remote(context):
            notes.append(f"{path}:{line}: service {name} builds from {context}; not narrowed")
        else:
            source.applies_to = [_relative(base, context)]
    elif source.image is not None and source.bindings:
        notes.append(f"{path}:{line}: service {name} runs image {source.image}, not built here: which code it "
                     "holds is not known, so its environment applies to the whole tree")
    return source


def _environment(path: str, service: str, node: Y | None, notes: list[str]) -> list[EnvBinding]:
    """Bindings of a service's ``environment`` (list or map form), later keys winning."""
    if node is None:
        return []
    detail = f"compose service {service} environment"
    pairs: list[tuple[str, str | None, int]] = []
    if isinstance(node.value, dict):
        for key, value in node.items():
            text = value.scalar()
            pairs.append((key, text, value.key_or_value_line))
    elif isinstance(node.value, list):
        for item in node.elements():
            text = item.scalar()
            if text is None:
                notes.append(f"{path}:{item.line}: environment entry is not a string; skipped")
                continue
            key, sep, value = text.partition("=")
            pairs.append((key.strip(), value if sep else None, item.line))
    else:
        notes.append(f"{path}:{node.line}: environment of {service} is neither a list nor a mapping")
    by_key: dict[str, EnvBinding] = {}
    for key, value, line in pairs:
        if key:
            by_key.pop(key, None)
            by_key[key] = _binding(key, value, path, line, detail)
    return list(by_key.values())


def _binding(key: str, value: str | None, path: str, line: int, detail: str) -> EnvBinding:
    """One binding; interpolation is applied and noted in the detail."""
    if value is None:
        return EnvBinding(key, None, path, line, f"{detail}, passed through from the host environment")
    result = substitute(value)
    if not result.refs:
        return EnvBinding(key, result.value, path, line, detail)
    refs = " ".join(result.refs)
    if result.value is None:
        return EnvBinding(key, None, path, line, f"{detail}, interpolates {refs} (not set in the file)")
    return EnvBinding(key, result.value, path, line, f"{detail}, interpolation {refs}: default used")


def _words(node: Y | None) -> list[str]:
    """A ``command`` / ``entrypoint`` as a list of strings (string form split like a shell)."""
    if node is None:
        return []
    if isinstance(node.value, list):
        return [substitute(s).text for s in (e.scalar() for e in node.elements()) if s is not None]
    text = node.scalar()
    if text is None:
        return []
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return [substitute(w).text for w in words]


def _build_context(node: Y | None) -> str | None:
    """The build context of ``build: dir`` or ``build: {context: dir}`` (default ``.``)."""
    if node is None:
        return None
    if isinstance(node.value, dict):
        context = node.get("context")
        text = context.scalar() if context is not None else None
        return substitute(text).text if text else "."
    text = node.scalar()
    return substitute(text).text if text else None


def _is_remote(context: str) -> bool:
    return "://" in context or context.startswith("git@")


def _relative(base: str, ref: str) -> str:
    """``ref`` (relative to the compose file's folder, or absolute) relative to the scan root."""
    return posixpath.normpath(posixpath.join(base, ref)) if ref else (base or ".")


def _env_files(base: str, node: Y | None) -> list[str]:
    """Paths of ``env_file`` (string, list of strings, or list of ``{path, required}``)."""
    if node is None:
        return []
    entries = node.elements() if isinstance(node.value, list) else [node]
    paths: list[str] = []
    for entry in entries:
        if isinstance(entry.value, dict):
            entry = entry.get("path") or Y(None, entry.line)
        text = entry.scalar()
        if text:
            paths.append(_relative(base, substitute(text).text))
    return paths


def _service_summary(name: str, line: int, node: Y, env_files: list[str]) -> ComposeService:
    """One service's data for later checks."""
    healthcheck = node.get("healthcheck")
    deploy = node.get("deploy")
    replicas = deploy.get("replicas") if deploy is not None else None
    scale = node.get("scale")
    build = node.get("build")
    image = node.get("image").plain() if node.get("image") is not None else None
    restart = node.get("restart")
    return ComposeService(
        name=name,
        line=line,
        image=image if isinstance(image, str) else None,
        image_line=node.get("image").key_or_value_line if node.get("image") is not None else None,
        word_lines=list_item_lines(node.get("entrypoint"), node.get("command")),
        build=build.plain() if build is not None else None,
        command=tuple(_words(node.get("command"))),
        entrypoint=tuple(_words(node.get("entrypoint"))),
        env_files=tuple(env_files),
        depends_on=tuple(_depends_on(node.get("depends_on"))),
        healthcheck=healthcheck is not None and not _disabled(healthcheck),
        healthcheck_line=healthcheck.key_line if healthcheck is not None else None,
        replicas=_int(replicas) if replicas is not None else _int(scale) if scale is not None else None,
        restart=restart.scalar() if restart is not None else None,
    )


def _depends_on(node: Y | None) -> list[Dependency]:
    """``depends_on`` entries (the list form means ``service_started``)."""
    if node is None:
        return []
    out: list[Dependency] = []
    if isinstance(node.value, list):
        for item in node.elements():
            if item.scalar():
                out.append(Dependency(item.scalar(), "service_started", item.line))
    elif isinstance(node.value, dict):
        for dependency, spec in node.items():
            condition = spec.get("condition")
            out.append(Dependency(
                dependency,
                (condition.scalar() if condition is not None else None) or "service_started",
                spec.key_or_value_line,
            ))
    return out


def _disabled(healthcheck: Y) -> bool:
    disable = healthcheck.get("disable")
    test = healthcheck.get("test")
    test_words = test.plain() if test is not None else None
    return (disable is not None and disable.value is True) or test_words == ["NONE"] or test_words == "NONE"


def _int(node: Y) -> int | None:
    try:
        return int(node.value)
    except (TypeError, ValueError):
        return None
