"""Model servers (vLLM, SGLang, TGI, Ollama) declared in configs, scripts and Python.

The recognisers are data: ``rules/servers/*.yaml`` (validated with
``schemas/rules-servers.schema.json``) list each server's images, launch commands,
``python -m`` modules, in-process Python entry points, its prefix-caching flags and
keywords, and the default by version. Nothing scanned is run.

A :class:`Launch` is one place that starts a server: a Kubernetes container, a compose
service, a Dockerfile's final image, a shell-script command or a Python call. Its argv is
parsed like argparse does (``--flag value``, ``--flag=value``, ``--no-flag`` negations, the
last occurrence winning, ``--`` ending the options); ``sh -c "..."`` strings and
``A && B`` chains are split and searched too. :func:`prefix_caching` says whether the
launch runs with prefix caching, why, and at which line that was decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

from .catalog import default_rules_dir, load_rule_file
from .configfacts import (
    ComposeFacts,
    ConfigFacts,
    DockerfileFacts,
    EnvSource,
    KubernetesFacts,
    ShellFacts,
    WordSource,
)
from .extract.shell import split_words
from .python.facts import CallSite, Expr, Lit, ModuleFacts

LineText = Callable[[str, int], str]

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "/bin/sh", "/bin/bash", "/usr/bin/env"})
WRAPPERS = frozenset({"exec", "env", "nohup", "time", "stdbuf", "tini", "dumb-init", "--"})
_PYTHON = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?$")
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)")
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==v?(\d+(?:\.\d+)*)")
SEARCH_LIMIT = 400  # lines searched after a declaration for the line of a flag or key


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class FlagSpec:
    flag: str
    enables: bool
    negation: str | None = None


@dataclass(frozen=True)
class KeywordSpec:
    name: str
    enables: bool


@dataclass(frozen=True)
class VersionDefault:
    since: tuple[int, ...]
    enabled: bool
    note: str


@dataclass(frozen=True)
class PrefixSpec:
    flags: tuple[FlagSpec, ...]
    keywords: tuple[KeywordSpec, ...]
    defaults: tuple[VersionDefault, ...]
    unknown_version_enabled: bool

    def default_for(self, version: tuple[int, ...] | None) -> VersionDefault | None:
        """The default for ``version``; None when no version is known."""
        if version is None:
            return None
        found = None
        for entry in sorted(self.defaults, key=lambda d: d.since):
            if entry.since <= version:
                found = entry
        return found


@dataclass(frozen=True)
class AcceleratorSpec:
    """Whether a deployment of the server is expected to request an accelerator, and how a
    CPU deployment on purpose shows (a flag, an image build)."""

    expected: bool
    cpu_flags: tuple[str, ...]
    cpu_image_markers: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class MemorySpec:
    """The flags that size a server's KV cache (``memory`` in rules/servers/): the flags naming
    the model, each memory setting's flags (``gpu_fraction``, ``max_len``, ...), documented
    defaults and where they are documented."""

    model_flags: tuple[str, ...]
    model_positional: bool
    flags: tuple[tuple[str, tuple[str, ...]], ...]
    defaults: tuple[tuple[str, Any], ...]
    source: str

    def flags_for(self, setting: str) -> tuple[str, ...]:
        return dict(self.flags).get(setting, ())

    def default(self, setting: str) -> Any:
        return dict(self.defaults).get(setting)


@dataclass(frozen=True)
class ServerSpec:
    id: str
    name: str
    images: tuple[str, ...]
    commands: tuple[tuple[str, ...], ...]
    python_modules: tuple[str, ...]
    python_calls: tuple[str, ...]
    packages: tuple[str, ...] = ()
    underscore_flags: bool = False
    prefix: PrefixSpec | None = None
    references: tuple[str, ...] = ()
    accelerator: AcceleratorSpec | None = None
    memory: MemorySpec | None = None


@lru_cache(maxsize=1)
def server_specs() -> tuple[ServerSpec, ...]:
    """Every ``rules/servers/*.yaml``, validated."""
    specs: list[ServerSpec] = []
    for path in sorted((default_rules_dir() / "servers").glob("*.yaml")):
        specs.append(_spec(load_rule_file(path, "rules-servers.schema.json")["server"]))
    return tuple(specs)


def _spec(entry: dict[str, Any]) -> ServerSpec:
    prefix = entry.get("prefix_caching")
    return ServerSpec(
        id=entry["id"], name=entry["name"], images=tuple(entry["images"]),
        commands=tuple(tuple(c) for c in entry["commands"]),
        python_modules=tuple(entry["python_modules"]), python_calls=tuple(entry["python_calls"]),
        packages=tuple(entry.get("packages", [])), underscore_flags=bool(entry.get("underscore_flags", False)),
        prefix=_prefix_spec(prefix) if prefix else None, references=tuple(entry.get("references", [])),
        accelerator=_accelerator_spec(entry["accelerator"]) if "accelerator" in entry else None,
        memory=_memory_spec(entry["memory"]) if "memory" in entry else None,
    )


def _memory_spec(data: dict[str, Any]) -> MemorySpec:
    model = data["model"]
    return MemorySpec(tuple(model["flags"]), bool(model.get("positional", False)),
                      tuple((k, tuple(v)) for k, v in sorted(data["flags"].items())),
                      tuple(sorted(data.get("defaults", {}).items())), data["source"])


def _accelerator_spec(data: dict[str, Any]) -> AcceleratorSpec:
    return AcceleratorSpec(bool(data["expected"]), tuple(data.get("cpu_flags", [])),
                           tuple(data.get("cpu_image_markers", [])), data["note"])


def _prefix_spec(data: dict[str, Any]) -> PrefixSpec:
    return PrefixSpec(
        flags=tuple(FlagSpec(f["flag"], f["enables"], f.get("negation")) for f in data.get("flags", [])),
        keywords=tuple(KeywordSpec(k["name"], k["enables"]) for k in data.get("keywords", [])),
        defaults=tuple(VersionDefault(parse_version(d["since"]) or (0,), d["enabled"], d["note"])
                       for d in data["defaults"]),
        unknown_version_enabled=data["unknown_version_enabled"],
    )


# --------------------------------------------------------------------------- argv parsing


@dataclass(frozen=True)
class Option:
    """One ``--long`` option as argparse would see it. ``name`` is as written before any
    ``=`` (underscores turned into dashes when the server's parser does that);
    ``value`` is the ``=value`` part, if any; ``index`` is the word's index in the argv."""

    name: str
    value: str | None
    index: int


def parse_options(argv: list[str], underscores: bool = False) -> list[Option]:
    """The long options of an argv, in order, stopping at ``--``. Values given as the next
    word are not attached: without each flag's arity that would be a guess, and the flags
    checked here are switches."""
    options: list[Option] = []
    for index, word in enumerate(argv):
        if word == "--":
            break
        if not word.startswith("--") or len(word) == 2:
            continue
        name, sep, value = word.partition("=")
        if underscores:
            name = "--" + name[2:].replace("_", "-")
        options.append(Option(name, value if sep else None, index))
    return options


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """``v0.6.3`` / ``0.6.3-cu124`` / ``v0.4.1.post3`` -> (0, 6, 3) ...; None for ``latest``."""
    match = _VERSION.match(text or "")
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def split_image(ref: str) -> tuple[str, str | None]:
    """``ghcr.io/org/name:tag@sha256:..`` -> (``ghcr.io/org/name``, ``tag``)."""
    ref = ref.split("@", 1)[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1:]
    return ref, None


# --------------------------------------------------------------------------- launches


@dataclass
class Launch:
    """One place that starts a model server.

    ``argv`` are the server's own arguments (after the launcher words); ``argv_lines`` their
    physical lines when the source knows them (shell scripts), else None and lines are
    looked up from ``line`` on within ``until``. ``keywords`` are a Python call's keyword
    arguments. ``version`` comes from the image tag or a pinned ``pip install``.
    """

    server: ServerSpec
    path: str
    line: int
    context: str
    via: str  # image | command | python -m | python call
    argv: list[str] = field(default_factory=list)
    argv_lines: list[int] | None = None
    keywords: tuple[tuple[str, Expr], ...] = ()
    image: str | None = None
    version: tuple[int, ...] | None = None
    version_text: str | None = None  # e.g. "image tag vllm/vllm-openai:v0.6.3"
    version_line: int | None = None
    until: int | None = None  # last line of the declaration, when known
    argv_sources: list[WordSource] | None = None  # where each argv word was decided (Helm), when known
    accelerator: str | None = None  # the accelerator a framework config names (Ray Serve LLM accelerator_type)


def match_image(image: str | None) -> tuple[ServerSpec, tuple[int, ...] | None, str | None] | None:
    """The server an image reference runs, with the version of its tag."""
    if not image:
        return None
    repository, tag = split_image(image.strip())
    repository = repository.lower()
    for spec in server_specs():
        if any(repository == name or repository.endswith("/" + name) for name in spec.images):
            return spec, parse_version(tag), tag
    return None


def match_argv(words: list[str]) -> tuple[ServerSpec, list[str], int, str] | None:
    """The server a command line starts: (spec, server argv, index of that argv in ``words``,
    how it was recognised). Looks through env assignments, ``exec``/``env``/``nohup``
    wrappers, ``python -m MODULE`` and ``sh -c "..."`` (whose string is split and searched,
    index then pointing at the ``-c`` string)."""
    for start, command in _simple_commands(words):
        found = _match_simple(command)
        if found is not None:
            spec, offset, how = found
            return spec, command[offset:], start + offset, how
        inner = _shell_string(command)
        if inner is not None:
            position, text = inner
            nested = split_words(text)
            found_nested = match_argv(nested) if nested else None
            if found_nested is not None:
                spec, argv, _, how = found_nested
                return spec, argv, start + position, how
    return None


def _simple_commands(words: list[str]) -> list[tuple[int, list[str]]]:
    """``words`` cut at shell control operators, with each part's start index."""
    out: list[tuple[int, list[str]]] = []
    start = 0
    for index, word in enumerate(words + [";"]):
        if word in ("&&", "||", ";", "|", "&"):
            if index > start:
                out.append((start, words[start:index]))
            start = index + 1
    return out


def _strip_wrappers(command: list[str]) -> int:
    """Index of the program word after env assignments and wrapper commands."""
    index = 0
    while index < len(command):
        word = command[index]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word) or word in WRAPPERS:
            index += 1
        elif word == "uv" and command[index + 1:index + 2] == ["run"]:
            index += 2
        else:
            break
    return index


def _match_simple(command: list[str]) -> tuple[ServerSpec, int, str] | None:
    """(spec, index where the server's own argv starts, how) for one simple command."""
    at = _strip_wrappers(command)
    rest = command[at:]
    if not rest:
        return None
    program = rest[0].rsplit("/", 1)[-1]
    for spec in server_specs():
        for prefix in spec.commands:
            if [program, *rest[1:len(prefix)]] == list(prefix):
                return spec, at + len(prefix), "command"
    if _PYTHON.match(rest[0]):
        module_at = _python_module(rest)
        if module_at is not None:
            module = rest[module_at]
            for spec in server_specs():
                if module in spec.python_modules:
                    return spec, at + module_at + 1, "python -m"
    return None


def _python_module(rest: list[str]) -> int | None:
    """Index of MODULE in ``python [-u -O ...] -m MODULE``."""
    for index, word in enumerate(rest[1:], start=1):
        if word == "-m":
            return index + 1 if index + 1 < len(rest) else None
        if word.startswith("-m") and len(word) > 2:
            return None  # -mMODULE: rare; not modelled
        if not word.startswith("-"):
            return None  # a script path: not a module run
    return None


def _shell_string(command: list[str]) -> tuple[int, str] | None:
    """(index, text) of the string of ``sh -c "..."``."""
    at = _strip_wrappers(command)
    rest = command[at:]
    if rest and rest[0] == "/usr/bin/env":
        rest, at = rest[1:], at + 1
    if len(rest) >= 3 and rest[0].rsplit("/", 1)[-1] in {s.rsplit("/", 1)[-1] for s in SHELLS}:
        for index, word in enumerate(rest[1:], start=1):
            if word.startswith("-") and "c" in word[1:] and not word.startswith("--"):
                return (at + index + 1, rest[index + 1]) if index + 1 < len(rest) else None
            if not word.startswith("-"):
                return None
    return None


# --------------------------------------------------------------------------- launches in configs


def launches_in_configs(configs: Iterable[ConfigFacts]) -> list[Launch]:
    """Every model-server launch in the configs (Kubernetes, Helm, compose, Dockerfile, shell)."""
    out: list[Launch] = []
    for config in configs:
        out.extend(launches_in_config(config))
    return out


def launches_in_config(config: ConfigFacts) -> list[Launch]:
    details = config.details
    if isinstance(details, KubernetesFacts):
        return _k8s_launches(config.path, details)
    if isinstance(details, ComposeFacts):
        return _compose_launches(config.path, details)
    if isinstance(details, DockerfileFacts):
        return _dockerfile_launches(config, details)
    if isinstance(details, ShellFacts):
        return _shell_launches(config.path, details)
    return [launch for source in config.sources if (launch := source_launch(source, source.line, source.name))]


def source_launch(source: EnvSource | None, line: int, context: str, *, image: str | None = None,
                  command: list[str] | None = None, path: str | None = None,
                  until: int | None = None, word_lines: tuple[int, ...] | None = None,
                  image_line: int | None = None) -> Launch | None:
    """A launch from an image and a command line (either may be what is recognised).
    ``word_lines``: the line of each command word, ``image_line``: the image's, when the
    config's parser gave them (else findings locate the word from ``line`` on)."""
    image = image if image is not None else (source.image if source else None)
    words = command if command is not None else (source.command if source else [])
    path = path or (source.path if source else "")
    by_image = match_image(image)
    by_argv = match_argv(words)
    named = _named_server(source)
    start = 0
    if by_argv is not None:
        spec, argv, start, how = by_argv
    elif by_image is not None:
        spec, argv, how = by_image[0], list(words), "image"
    elif named is not None:
        spec, argv, how = named, list(words), "platform"
    else:
        return None
    argv_lines = None
    if word_lines is not None and len(word_lines) == len(words) and len(argv) == len(words) - start:
        argv_lines = list(word_lines[start:])
    launch = Launch(spec, path, line, context, how, argv=argv, argv_lines=argv_lines, image=image, until=until)
    word_sources = source.command_sources if source is not None and command is None else None
    if word_sources is not None and len(word_sources) == len(words) and len(argv) == len(words) - start:
        launch.argv_sources = list(word_sources[start:])
    launch.accelerator = source.accelerator if source is not None else None
    if by_image is not None and by_image[0].id == spec.id and by_image[1] is not None:
        launch.version = by_image[1]
        launch.version_text = f"image tag {image}"
        launch.version_line = image_line
    return launch


def _named_server(source: EnvSource | None) -> ServerSpec | None:
    """The server a platform resource names (KubeAI ``engine: VLLM``), if any."""
    if source is None or source.server is None:
        return None
    return next((spec for spec in server_specs() if spec.id == source.server), None)


def _k8s_launches(path: str, k8s: KubernetesFacts) -> list[Launch]:
    out: list[Launch] = []
    bounds = _next_lines([c.line for w in k8s.workloads for c in w.containers] + [w.line for w in k8s.workloads])
    for workload in k8s.workloads:
        running = [c for c in workload.containers if not c.init]
        for container in running:
            context = f"k8s:{workload.kind}/{workload.name}"
            if len(running) > 1:
                context += f"/{container.name}"
            launch = source_launch(None, container.line, context, image=container.image,
                                   command=[*container.command, *container.args], path=path,
                                   until=bounds.get(container.line), word_lines=container.word_lines,
                                   image_line=container.image_line)
            if launch is not None:
                out.append(launch)
    return out


def _compose_launches(path: str, compose: ComposeFacts) -> list[Launch]:
    out: list[Launch] = []
    bounds = _next_lines([s.line for s in compose.services.values()])
    for name, service in compose.services.items():
        launch = source_launch(None, service.line, f"compose:{name}", image=service.image,
                               command=[*service.entrypoint, *service.command], path=path,
                               until=bounds.get(service.line), word_lines=service.word_lines,
                               image_line=service.image_line)
        if launch is not None:
            out.append(launch)
    return out


def _dockerfile_launches(config: ConfigFacts, docker: DockerfileFacts) -> list[Launch]:
    out: list[Launch] = []
    for source in config.sources:
        lines = [c.line for c in (docker.cmd, docker.entrypoint) if c is not None]
        line = min(lines) if lines else source.line
        launch = source_launch(source, line, source.name, word_lines=_command_word_lines(docker))
        if launch is None:
            continue
        from_line = _from_line(docker, source)
        if launch.version is not None:
            launch.version_line = from_line
        if not lines:  # recognised by the FROM image alone
            launch.line = from_line
        out.append(launch)
    return out


def _command_word_lines(docker: DockerfileFacts) -> tuple[int, ...] | None:
    """The line of each word of ENTRYPOINT + CMD as the container runs them (a shell-form
    ENTRYPOINT ignores CMD); None when a part's lines are not known."""
    parts = [docker.entrypoint] if docker.entrypoint is not None and docker.entrypoint.form == "shell" else [
        c for c in (docker.entrypoint, docker.cmd) if c is not None]
    if any(part.word_lines is None for part in parts):
        return None
    return tuple(line for part in parts for line in part.word_lines or ())


def _from_line(docker: DockerfileFacts, source: EnvSource) -> int:
    """The line of the last ``FROM`` naming the final image (else the last ``FROM``)."""
    named = [s for s in docker.stages if s.base == source.image]
    chosen = named[-1] if named else (docker.stages[-1] if docker.stages else None)
    return chosen.line if chosen else source.line


def _shell_launches(path: str, shell: ShellFacts) -> list[Launch]:
    out: list[Launch] = []
    pins: dict[str, tuple[tuple[int, ...], int, str]] = {}
    for command in shell.commands:
        words = list(command.words)
        lines = list(command.lines)
        pins.update(_pinned(words, lines))
        found = match_argv(words)
        if found is None:
            continue
        spec, argv, start, how = found
        argv_lines = lines[start:start + len(argv)] if len(argv) == len(words) - start else None
        launch = Launch(spec, path, command.line, f"shell:{path}", how, argv=argv,
                        argv_lines=argv_lines, until=max(lines))
        pinned = next((pins[p] for p in spec.packages if p in pins), None)
        if pinned is not None:
            launch.version, launch.version_line, text = pinned
            launch.version_text = f"pinned {text}"
        out.append(launch)
    return out


def _pinned(words: list[str], lines: list[int]) -> dict[str, tuple[tuple[int, ...], int, str]]:
    """``pip install NAME==X`` (also ``python -m pip``, ``uv pip``) pins in one command."""
    if "pip" not in [w.rsplit("/", 1)[-1] for w in words] and not any(w.startswith("pip") for w in words[:1]):
        return {}
    if "install" not in words:
        return {}
    out = {}
    for word, line in zip(words, lines):
        match = _PIN.match(word)
        version = parse_version(match.group(2)) if match else None
        if match and version is not None:
            out[match.group(1).lower()] = (version, line, word)
    return out


def _next_lines(starts: list[int]) -> dict[int, int]:
    """For each start line, the line before the next start (the end of its block)."""
    ordered = sorted(set(starts))
    return {line: (ordered[i + 1] - 1 if i + 1 < len(ordered) else line + SEARCH_LIMIT)
            for i, line in enumerate(ordered)}


# --------------------------------------------------------------------------- launches in Python


def launches_in_module(module: ModuleFacts) -> list[Launch]:
    """In-process engines: ``vllm.LLM(...)``, ``AsyncEngineArgs(...)``, ``sglang.Engine(...)``;
    framework configs that start one (Ray Serve LLM ``LLMConfig(...)``, :mod:`flowscan.frameworks`)."""
    from .frameworks import framework_launches
    from .python.spec_calls import spec_calls

    out: list[Launch] = framework_launches(module)
    for call, spec in spec_calls(module, server_specs()):
        out.append(_call_launch(module, call, spec))
    return out


def _call_launch(module: ModuleFacts, call: CallSite, spec: ServerSpec) -> Launch:
    return Launch(spec, module.path, call.line, f"python:{module.module}", "python call", keywords=call.kwargs)


# --------------------------------------------------------------------------- prefix caching


@dataclass(frozen=True)
class PrefixState:
    """Whether a launch runs with prefix caching, why, and where that was decided."""

    enabled: bool
    explicit: bool  # a flag or keyword says so (else: the version's default)
    reason: str
    line: int
    token: str | None = None  # the word to find on the line (for configs without word lines)
    keyword: tuple[str, str] | None = None  # a Python keyword argument (name, value text) to find
    path: str | None = None  # the file that decided it, when not the launch's (a Helm values file)
    undecided: tuple[str, ...] = ()  # template conditions around the deciding flag that were not evaluated


def prefix_caching(launch: Launch) -> PrefixState | None:
    """The prefix-caching state of a launch; None when the server has no such switch or the
    state cannot be told (a keyword set from a variable, no version visible)."""
    prefix = launch.server.prefix
    if prefix is None:
        return None
    explicit = _explicit_state(launch, prefix)
    if explicit is not None:
        return explicit
    default = prefix.default_for(launch.version)
    if default is None:
        return None
    line = launch.version_line or launch.line
    return PrefixState(default.enabled, False, f"{default.note} ({launch.version_text})", line,
                       token=launch.image if launch.version_line is None else None)


def _explicit_state(launch: Launch, prefix: PrefixSpec) -> PrefixState | None:
    if launch.via == "python call":
        return _keyword_state(launch, prefix)
    state: PrefixState | None = None
    for option in parse_options(launch.argv, launch.server.underscore_flags):
        for spec in prefix.flags:
            enabled = _flag_value(option, spec)
            if enabled is None:
                continue
            reason = f"{launch.argv[option.index]} is passed"
            if launch.argv_sources is not None:
                word = launch.argv_sources[option.index]
                state = PrefixState(enabled, True, reason, word.line, path=word.path, undecided=word.undecided)
                continue
            line = launch.argv_lines[option.index] if launch.argv_lines else launch.line
            state = PrefixState(enabled, True, reason, line,
                                token=None if launch.argv_lines else launch.argv[option.index])
    return state


def _flag_value(option: Option, spec: FlagSpec) -> bool | None:
    """The prefix caching state an option sets, or None if it is not this flag."""
    if option.name == spec.flag:
        if option.value is None:
            return spec.enables
        truth = _truth(option.value)
        return None if truth is None else (spec.enables if truth else not spec.enables)
    if spec.negation and option.name == spec.negation:
        return not spec.enables
    return None


def _keyword_state(launch: Launch, prefix: PrefixSpec) -> PrefixState | None:
    state = None
    for name, value in launch.keywords:
        spec = next((k for k in prefix.keywords if k.name == name), None)
        truth = _truth(value.text) if spec is not None and isinstance(value, Lit) else None
        if spec is not None and truth is not None:
            enabled = spec.enables if truth else not spec.enables
            state = PrefixState(enabled, True, f"{name}={value.text} is passed", launch.line,
                                keyword=(name, value.text))
    return state


def _truth(text: str) -> bool | None:
    return {"true": True, "1": True, "yes": True, "on": True,
            "false": False, "0": False, "no": False, "off": False}.get(text.strip().strip("'\"").lower())


# --------------------------------------------------------------------------- finding lines


def locate(line_text: LineText, path: str, start: int, token: str, until: int | None = None) -> int:
    """The first line from ``start`` to ``until`` on which ``token`` stands as a word of its
    own (not inside a longer flag: ``--enable-x`` is not found in ``--no-enable-x``);
    ``start`` if none. Used to point a finding at the config line that holds a parsed value."""
    pattern = re.compile(r"(?<![\w\-.:/])" + re.escape(token) + r"(?![\w\-.:/])")
    last = until if until is not None else start + SEARCH_LIMIT
    for line in range(start, last + 1):
        if pattern.search(line_text(path, line)):
            return line
    return start


def state_line(launch: Launch, state: PrefixState, line_text: LineText) -> int:
    """The line a prefix-caching finding points at."""
    if state.keyword is not None:
        return keyword_line(line_text, launch.path, state.line, *state.keyword)
    if state.token is None:
        return state.line
    return locate(line_text, launch.path, launch.line, state.token, launch.until)


def keyword_line(line_text: LineText, path: str, call_line: int, name: str, value: str, limit: int = 60) -> int:
    """The line of ``name=value`` (or ``"name": value`` in a dict literal argument) in a call
    starting at ``call_line`` (Python facts carry the call's line only); ``call_line`` if it is
    not found within ``limit`` lines."""
    pattern = re.compile(rf"(?:\b{re.escape(name)}\s*=|[\"']{re.escape(name)}[\"']\s*:)\s*{re.escape(value)}\b")
    for line in range(call_line, call_line + limit + 1):
        if pattern.search(line_text(path, line)):
            return line
    return call_line
