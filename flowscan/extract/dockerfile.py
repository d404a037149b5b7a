"""Dockerfiles → one deployment context: the env, command and code of the final image.

``extract_dockerfile(path, data)`` reads the instructions with dockerfile-parse
(``DockerfileParser.structure``: instruction, value, 0-based ``startline``; continuation lines
and comments handled by the library) and returns one :class:`EnvSource`
``dockerfile:<path>`` for the final build stage:

- ``ENV K=V [K2=V2 ...]`` and the legacy ``ENV K V`` → bindings (each key at its own line
  when an instruction spans several lines); ``$VAR`` / ``${VAR}`` / ``${VAR:-default}`` are
  substituted from earlier ``ENV``/``ARG`` values of the stage, else the value is unknown;
- ``ARG K=default`` → a binding with detail ``ARG default`` (a build argument: it may be
  overridden with ``--build-arg``, and is in the running container only through an ``ENV``);
  ``ARG K`` without a default takes the default of a global ``ARG K=...`` before the first
  ``FROM``, as Docker does;
- ``ENTRYPOINT`` and ``CMD`` (exec JSON form, or shell form split into words), the last of
  each winning → ``command`` = entrypoint + cmd (a shell-form entrypoint ignores CMD);
- the ``FROM`` image of the final stage → ``image`` (through ``FROM <stage>`` chains);
- ``COPY``/``ADD`` sources (not ``--from``, not URLs) of the final stage and the stages it
  builds on → ``applies_to``, relative to the scan root, assuming the build context is the
  Dockerfile's folder (``.`` is that folder; a glob keeps its folder part).

A stage that starts ``FROM <earlier stage>`` inherits that stage's env and commands.
``details`` (:class:`~flowscan.configfacts.DockerfileFacts`) holds the stages,
``cmd``/``entrypoint`` with form and line, ``copies`` and the ``HEALTHCHECK`` line.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from dockerfile_parse import DockerfileParser
from dockerfile_parse.util import WordSplitter

from ..configfacts import (
    ConfigEndpoint,
    ConfigFacts,
    DockerCommand,
    DockerfileFacts,
    EnvBinding,
    EnvSource,
    Stage,
)
from ..model import Step
from .compose import substitute
from .dockerfile_run import pip_run_endpoints

KIND = "dockerfile"

_GLOB = re.compile(r"[*?\[]")
_REMOTE = ("http://", "https://", "git@", "git://")


@dataclass
class _Command:
    """A CMD or ENTRYPOINT: its words, ``exec`` or ``shell`` form, and line."""

    words: list[str]
    form: str
    line: int
    word_lines: tuple[int, ...] | None = None  # the line of each word, when the instruction spans lines

    def typed(self) -> DockerCommand:
        return DockerCommand(tuple(self.words), self.form, self.line, self.word_lines)


@dataclass
class _Stage:
    """One build stage: what the final image may inherit."""

    index: int
    line: int
    base: str  # FROM text after substitution
    alias: str | None
    image: str | None  # the external image this stage ends up on
    bindings: dict[str, EnvBinding] = field(default_factory=dict)
    cmd: _Command | None = None
    entrypoint: _Command | None = None
    copies: list[tuple[str, int]] = field(default_factory=list)  # (path from the scan root, line)
    depends: set[int] = field(default_factory=set)
    healthcheck: int | None = None

    def lookup(self, name: str) -> str | None:
        binding = self.bindings.get(name)
        return binding.value if binding is not None else None


MAX_INSTRUCTION_CHARS = 16_384  # 200,000 characters took dockerfile-parse's word splitter 28 s


def extract_dockerfile(path: str, data: bytes) -> ConfigFacts:
    """Facts of one Dockerfile."""
    facts = ConfigFacts(path=path, kind=KIND)
    try:
        instructions = DockerfileParser(fileobj=io.BytesIO(data), env_replace=False).structure
    except (UnicodeDecodeError, ValueError) as exc:
        facts.parse_error = (1, f"dockerfile-parse could not read the file: {exc}")
        return facts
    builder = _Builder(path, facts.notes)
    stages = builder.run(instructions)
    facts.endpoints.extend(builder.endpoints)
    if not stages:
        first = next((i for i in instructions if i["instruction"] != "COMMENT"), None)
        if first is not None:
            facts.parse_error = (first["startline"] + 1, "no FROM instruction")
        return facts
    final = stages[-1]
    facts.sources.append(_source(path, final, stages))
    facts.details = _details(final, stages)
    return facts


class _Builder:
    """Walks the instructions once, building the stages."""

    def __init__(self, path: str, notes: list[str]) -> None:
        self.path = path
        self.base = posixpath.dirname(path)
        self.notes = notes
        self.global_args: dict[str, str | None] = {}
        self.stages: list[_Stage] = []
        self.endpoints: list[ConfigEndpoint] = []  # hosts RUN lines download from (dockerfile_run.py)

    def run(self, instructions: list[dict[str, Any]]) -> list[_Stage]:
        for instruction in instructions:
            name = instruction["instruction"].upper()
            handler = getattr(self, f"_on_{name.lower()}", None)
            if handler is None:
                continue
            if name != "FROM" and name != "ARG" and not self.stages:
                continue  # only ARG may precede the first FROM
            if len(instruction["value"]) > MAX_INSTRUCTION_CHARS:  # dockerfile-parse splits words in quadratic time
                self.notes.append(f"{self.path}:{instruction['startline'] + 1}: {name} instruction of "
                                  f"{len(instruction['value']):,} characters not read (the limit is "
                                  f"{MAX_INSTRUCTION_CHARS:,})")
                continue
            handler(instruction, instruction["startline"] + 1)
        return self.stages

    # -- instructions ------------------------------------------------------------------------

    def _on_from(self, instruction: dict[str, Any], line: int) -> None:
        words = [w for w in instruction["value"].split() if not w.startswith("--")]
        if not words:
            return
        base = substitute(words[0], self.global_args.get, dollar_escape=False).text
        alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
        stage = _Stage(index=len(self.stages), line=line, base=base, alias=alias, image=base)
        parent = self._stage_named(base)
        if parent is not None:
            stage.image = parent.image
            stage.bindings = dict(parent.bindings)
            stage.cmd, stage.entrypoint, stage.healthcheck = parent.cmd, parent.entrypoint, parent.healthcheck
            stage.depends.add(parent.index)
        self.stages.append(stage)

    def _on_arg(self, instruction: dict[str, Any], line: int) -> None:
        for word in _words(instruction["value"]):
            key, sep, raw = word.partition("=")
            if not self.stages:  # global ARG: usable in FROM and as a default for stage ARGs
                self.global_args[key] = _dequote(raw) if sep else None
                continue
            stage = self.stages[-1]
            if sep:
                self._bind(stage, key, raw, _key_line(instruction, key), "ARG default")
            elif self.global_args.get(key) is not None:
                value = self.global_args[key]
                stage.bindings.pop(key, None)
                stage.bindings[key] = EnvBinding(key, value, self.path, line, "ARG default (global ARG)")

    def _on_env(self, instruction: dict[str, Any], line: int) -> None:
        stage = self.stages[-1]
        words = _words(instruction["value"])
        if words and "=" not in words[0]:  # legacy form: ENV KEY the rest is the value
            key, _, rest = instruction["value"].strip().partition(" ")
            self._bind(stage, key, rest.strip(), line, "ENV")
            return
        for word in words:
            key, sep, raw = word.partition("=")
            if not sep:
                self.notes.append(f"{self.path}:{line}: an ENV word has no '='; skipped")  # the word may be a secret
                continue
            self._bind(stage, key, raw, _key_line(instruction, key), "ENV")

    def _on_cmd(self, instruction: dict[str, Any], line: int) -> None:
        self.stages[-1].cmd = _with_word_lines(_command(instruction["value"], line), instruction)

    def _on_entrypoint(self, instruction: dict[str, Any], line: int) -> None:
        self.stages[-1].entrypoint = _with_word_lines(_command(instruction["value"], line), instruction)

    def _on_run(self, instruction: dict[str, Any], line: int) -> None:
        value = instruction["value"]
        if not value.lstrip().startswith("["):  # exec form runs no shell: not read
            self.endpoints.extend(pip_run_endpoints(self.path, line, value, self.stages[-1].lookup))

    def _on_healthcheck(self, instruction: dict[str, Any], line: int) -> None:
        none = instruction["value"].strip().upper() == "NONE"
        self.stages[-1].healthcheck = None if none else line

    def _on_copy(self, instruction: dict[str, Any], line: int) -> None:
        stage = self.stages[-1]
        words = _copy_words(instruction["value"])
        flags = [w for w in words if w.startswith("--")]
        operands = [w for w in words if not w.startswith("--")]
        source_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        if source_stage is not None:
            found = self._stage_named(source_stage)
            if found is not None:
                stage.depends.add(found.index)
            return
        for source in operands[:-1]:
            if source.startswith("<<") or source.startswith(_REMOTE):
                continue
            stage.copies.append((self._context_path(source), line))

    _on_add = _on_copy

    # -- helpers -----------------------------------------------------------------------------

    def _bind(self, stage: _Stage, key: str, raw: str, line: int, what: str) -> None:
        """Bind ``key`` in ``stage`` to ``raw`` (quoted, with references substituted)."""
        result = substitute(_dequote(raw), stage.lookup, dollar_escape=False)
        detail = what
        chain: list[Step] = []
        if result.refs:
            detail += ", interpolation " + " ".join(result.refs)
            detail += ": not known statically" if result.value is None else ""
            for name in _referenced(result.refs):
                earlier = stage.bindings.get(name)
                if earlier is not None and earlier.value is not None:
                    chain.extend(earlier.chain)
                    chain.append(Step(earlier.path, earlier.line, f"{name}={earlier.value} ({earlier.detail})"))
        stage.bindings.pop(key, None)
        stage.bindings[key] = EnvBinding(key, result.value, self.path, line, detail, tuple(chain))

    def _stage_named(self, name: str) -> _Stage | None:
        for stage in reversed(self.stages):
            if stage.alias is not None and stage.alias.lower() == name.lower():
                return stage
        if name.isdigit() and int(name) < len(self.stages):
            return self.stages[int(name)]
        return None

    def _context_path(self, source: str) -> str:
        """A COPY source as a path from the scan root (context = the Dockerfile's folder)."""
        source = source.lstrip("/") or "."
        glob = _GLOB.search(source)
        if glob is not None:
            source = posixpath.dirname(source[: glob.start()]) or "."
        return posixpath.normpath(posixpath.join(self.base, source))


# -- words ------------------------------------------------------------------------------------

def _words(value: str) -> list[str]:
    """Shell-like words of an instruction value, quotes kept (dockerfile-parse's splitter)."""
    return list(WordSplitter(value).split(dequote=False))


def _dequote(text: str) -> str:
    return WordSplitter(text).dequote()


def _referenced(refs: tuple[str, ...]) -> list[str]:
    return [m.group(1) for ref in refs if (m := re.match(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", ref))]


def _key_line(instruction: dict[str, Any], key: str) -> int:
    """The line of ``key=`` inside a (possibly multi-line) instruction."""
    pattern = re.compile(r"(^|\s)['\"]?" + re.escape(key) + r"['\"]?=")
    for offset, text in enumerate(instruction["content"].splitlines()):
        if pattern.search(text):
            return instruction["startline"] + 1 + offset
    return instruction["startline"] + 1


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _with_word_lines(command: _Command, instruction: dict[str, Any]) -> _Command:
    """``command`` with the line of each word, read from the instruction's own lines (JSON
    strings of the exec form, shell words of the shell form); unchanged if they do not add
    up to the words the instruction's value gave."""
    pairs: list[tuple[str, int]] = []
    lines = instruction["content"].splitlines()
    for offset, text in enumerate(lines):
        if offset == 0:
            text = text.split(None, 1)[1] if len(text.split(None, 1)) > 1 else ""  # drop the keyword
        text = text.rstrip()
        text = text[:-1] if text.endswith("\\") else text
        if text.lstrip().startswith("#"):
            continue
        try:
            words = ([json.loads(m.group(0)) for m in _JSON_STRING.finditer(text)] if command.form == "exec"
                     else shlex.split(text))
        except (ValueError, json.JSONDecodeError):
            return command
        pairs += [(word, instruction["startline"] + 1 + offset) for word in words]
    if [word for word, _ in pairs] != list(command.words):
        return command
    return _Command(command.words, command.form, command.line, tuple(line for _, line in pairs))


def _command(value: str, line: int) -> _Command:
    """CMD / ENTRYPOINT words: the JSON exec form, else the shell form split into words."""
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(w, str) for w in parsed):
            return _Command(parsed, "exec", line)
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return _Command(words, "shell", line)


def _copy_words(value: str) -> list[str]:
    """COPY / ADD operands: flags first, then the JSON form or shell words."""
    flags: list[str] = []
    rest = value.strip()
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.strip()
    if rest.startswith("["):
        try:
            parsed = json.loads(rest)
            if isinstance(parsed, list) and all(isinstance(w, str) for w in parsed):
                return flags + parsed
        except json.JSONDecodeError:
            pass
    return flags + [_dequote(w) for w in _words(rest)]


# -- output -------------------------------------------------------------------------------------

def _lineage(final: _Stage, stages: list[_Stage]) -> list[_Stage]:
    """The final stage and every stage it builds on or copies from, in file order."""
    seen: set[int] = set()
    todo = [final.index]
    while todo:
        index = todo.pop()
        if index not in seen:
            seen.add(index)
            todo.extend(stages[index].depends)
    return [s for s in stages if s.index in seen]


def _source(path: str, final: _Stage, stages: list[_Stage]) -> EnvSource:
    source = EnvSource(name=f"{KIND}:{path}", kind=KIND, path=path, line=final.line,
                       bindings=list(final.bindings.values()), image=final.image)
    if final.entrypoint is not None and final.entrypoint.form == "shell":
        source.command = list(final.entrypoint.words)  # a shell-form ENTRYPOINT ignores CMD
    else:
        source.command = (final.entrypoint.words if final.entrypoint else []) + (final.cmd.words if final.cmd else [])
    folders: list[str] = []
    for stage in _lineage(final, stages):
        for copied, _ in stage.copies:
            if copied not in folders:
                folders.append(copied)
    source.applies_to = folders
    return source


def _details(final: _Stage, stages: list[_Stage]) -> DockerfileFacts:
    return DockerfileFacts(
        stages=[Stage(s.line, s.base, s.alias) for s in stages],
        cmd=final.cmd.typed() if final.cmd else None,
        entrypoint=final.entrypoint.typed() if final.entrypoint else None,
        copies=[(p, n) for s in _lineage(final, stages) for p, n in s.copies],
        healthcheck_line=final.healthcheck,
    )
