"""Parameter values of a root Bicep file, per context.

- ``<name>.parameters.json`` beside ``<name>.bicep`` (ARM deployment parameters file), or a
  ``.bicepparam`` file whose ``using`` names it (literal values and ``readEnvironmentVariable``);
- azd placeholders in those values: ``${VAR}`` and ``${VAR=default}`` are filled from each azd
  environment (``.azure/<env>/.env`` of the azd project the file belongs to); each environment is
  one context (``azd:<env>``). With none, ``${VAR=default}`` takes its default and ``${VAR}`` is
  unknown (azd asks for it, or reads it from the shell, at deploy time).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from ...model import Step
from ..terraform.values import Val, unknown

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}")
_AZD_ENV = re.compile(r"(?:^|/)\.azure/([^/]+)/\.env$")
_BICEPPARAM = re.compile(r"^\s*param\s+([A-Za-z_]\w*)\s*=\s*(.+?)\s*$")
_USING = re.compile(r"^\s*using\s+'([^']+)'")
_READ_ENV = re.compile(r"^readEnvironmentVariable\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)$")


@dataclass
class AzdEnv:
    name: str
    path: str
    values: dict[str, tuple[str | None, int]] = field(default_factory=dict)


@dataclass
class ParamContext:
    name: str
    values: dict[str, Val]


def azd_envs(files: dict[str, bytes]) -> dict[str, list[AzdEnv]]:
    """azd project folder ("" for the scan root) -> its environments, from ``.azure/<env>/.env``."""
    from ..dotenv import extract_dotenv

    out: dict[str, list[AzdEnv]] = {}
    for path in sorted(files):
        m = _AZD_ENV.search(path)
        if m is None:
            continue
        project = path[: m.start()].rstrip("/")
        env = AzdEnv(m.group(1), path)
        for source in extract_dotenv(path, files[path]).sources:
            for binding in source.bindings:
                env.values[binding.key] = (binding.value, binding.line)
        out.setdefault(project, []).append(env)
    return out


def parameter_file(bicep_path: str, files: dict[str, bytes]) -> str | None:
    """``main.parameters.json`` beside ``main.bicep``, else a ``.bicepparam`` using it."""
    stem = bicep_path[: -len(".bicep")]
    if f"{stem}.parameters.json" in files:
        return f"{stem}.parameters.json"
    for path in sorted(files):
        if path.endswith(".bicepparam"):
            for line in files[path].decode("utf-8", "replace").splitlines():
                m = _USING.match(line)
                if m and posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(1))) == bicep_path:
                    return path
    return None


def parameter_contexts(bicep_path: str, files: dict[str, bytes], envs: dict[str, list[AzdEnv]]) -> list[ParamContext]:
    """One context per azd environment of the project holding ``bicep_path`` (else one)."""
    param_path = parameter_file(bicep_path, files)
    raw = _read_parameters(param_path, files[param_path]) if param_path else {}
    project_envs = [e for folder, found in envs.items() for e in found
                    if folder == "" or bicep_path.startswith(folder + "/")]
    if not project_envs:
        name = posixpath.basename(param_path) if param_path else "default"
        return [ParamContext(name, {k: _fill(v, None) for k, v in raw.items()})]
    return [ParamContext(f"azd:{env.name}", {k: _fill(v, env) for k, v in raw.items()}) for env in project_envs]


@dataclass(frozen=True)
class _Raw:
    value: object  # JSON value, or ("env", VAR, default) for readEnvironmentVariable
    path: str
    line: int
    text: str


def _read_parameters(path: str, data: bytes) -> dict[str, _Raw]:
    text = data.decode("utf-8-sig", "replace")
    lines = text.splitlines()
    out: dict[str, _Raw] = {}
    if path.endswith(".bicepparam"):
        for number, line in enumerate(lines, 1):
            m = _BICEPPARAM.match(line)
            if m:
                out[m.group(1)] = _Raw(_bicepparam_value(m.group(2)), path, number, line.strip())
        return out
    try:
        document = json.loads(text)
    except ValueError:
        return out
    params = document.get("parameters") if isinstance(document, dict) else None
    line_of = _line_finder(lines)
    for name, entry in (params or {}).items():
        line = line_of(name)
        value = entry.get("value") if isinstance(entry, dict) and "value" in entry else ("reference",)
        out[name] = _Raw(value, path, line, lines[line - 1].strip() if 0 < line <= len(lines) else name)
    return out


def _bicepparam_value(text: str) -> object:
    text = text.split(" //", 1)[0].strip()
    if len(text) >= 2 and text[0] == text[-1] == "'" and "${" not in text:
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if text.isdigit():
        return int(text)
    m = _READ_ENV.match(text)
    if m:
        return ("env", m.group(1), m.group(2))
    return ("expression",)


def _line_finder(lines: list[str]):
    position = [0]

    def find(name: str) -> int:
        needle = json.dumps(name) + ":"
        for number in range(position[0], len(lines)):
            if needle in lines[number].replace('" :', '":'):
                position[0] = number + 1
                return number + 1
        return 1
    return find


def _fill(raw: _Raw, env: AzdEnv | None) -> Val:
    """The parameter's value with azd placeholders filled from ``env``."""
    here = Step(raw.path, raw.line, raw.text)
    value = raw.value
    if isinstance(value, tuple) and value[:1] == ("env",):
        return _env_value(value[1], value[2], env, raw.line, here)
    if isinstance(value, tuple):
        why = "a Key Vault reference" if value == ("reference",) else "an expression flowscan does not evaluate"
        return unknown(raw.line, Step(raw.path, raw.line, f"{raw.text}: {why}"))
    if not isinstance(value, str):
        return _plain(value, raw.line, (here,))
    chain: list[Step] = []
    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(value):
        out.append(value[pos:m.start()])
        pos = m.end()
        filled = _env_value(m.group(1), m.group(2), env, raw.line, here)
        chain.extend(filled.chain)
        if not isinstance(filled.value, str):
            return unknown(raw.line, *chain)
        out.append(filled.value)
    out.append(value[pos:])
    if not chain:
        chain = [here]
    return Val("".join(out), raw.line, tuple(dict.fromkeys(chain)))


def _plain(value: object, line: int, chain: tuple[Step, ...]) -> Val:
    """JSON data as a :class:`Val` tree (objects and arrays hold Vals)."""
    if isinstance(value, dict):
        return Val({str(k): _plain(v, line, chain) for k, v in value.items()}, line, chain)
    if isinstance(value, list):
        return Val([_plain(v, line, chain) for v in value], line, chain)
    return Val(value, line, chain)


def _env_value(var: str, default: str | None, env: AzdEnv | None, line: int, here: Step) -> Val:
    if env is not None and var in env.values and env.values[var][0] is not None:
        value, env_line = env.values[var]
        return Val(value, line, (Step(env.path, env_line, f"{var}={value}"), here))
    if default is not None:
        return Val(default, line, (Step(here.path, here.line, f"{here.detail} (azd default of {var})"),))
    where = f"not set in {env.path}" if env is not None else "set by azd from the environment at deploy time (no .azure/<env>/.env in the scan)"
    return unknown(line, Step(here.path, here.line, f"{here.detail}: {var} is {where}"))
