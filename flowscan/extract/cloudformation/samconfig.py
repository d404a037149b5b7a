"""``samconfig.toml`` (or ``samconfig.yaml``): the deploy settings ``sam deploy`` reads beside a template — per config
environment (``[default]``, ``[prod]``...), the ``region``, ``stack_name`` and
``parameter_overrides`` of ``[ENV.deploy.parameters]``, else of ``[ENV.global.parameters]``
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-config.html).

``parameter_overrides`` is one string of ``Key=Value`` words (shell quoting) or a list of them.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from ..tomlnodes import TomlError, load_toml
from ..yamlnodes import Y

DEFAULT_ENV = "default"


@dataclass(frozen=True)
class Setting:
    value: str
    path: str
    line: int


@dataclass
class DeployConfig:
    """One way the stack is deployed: a samconfig environment, or ``default`` with nothing fixed."""

    name: str = DEFAULT_ENV
    path: str | None = None
    region: Setting | None = None
    stack_name: Setting | None = None
    overrides: dict[str, Setting] = field(default_factory=dict)


def read_samconfig(path: str, data: bytes | Y) -> tuple[list[DeployConfig], tuple[int, str] | None]:
    """The deploy configs of a samconfig.toml (bytes) or samconfig.yaml (its parsed document),
    ``default`` first; or a parse error."""
    if isinstance(data, Y):
        document = data
    else:
        try:
            document = load_toml(data)
        except TomlError as exc:
            return [], (exc.line, str(exc).splitlines()[0])
    configs = []
    for env, table in document.items():
        if not isinstance(table.value, dict):
            continue
        layers = [_parameters(table, command) for command in ("global", "deploy")]
        if not any(layers):
            continue
        config = DeployConfig(env, path)
        for params in layers:  # deploy wins over global
            if params is None:
                continue
            config.region = _setting(params.get("region"), path) or config.region
            config.stack_name = _setting(params.get("stack_name"), path) or config.stack_name
            config.overrides.update(_overrides(params.get("parameter_overrides"), path))
        configs.append(config)
    configs.sort(key=lambda c: (c.name != DEFAULT_ENV, c.name))
    return configs, None


def _parameters(table: Y, command: str) -> Y | None:
    section = table.get(command)
    params = section.get("parameters") if section is not None else None
    return params if params is not None and isinstance(params.value, dict) else None


def _setting(node: Y | None, path: str) -> Setting | None:
    text = node.scalar() if node is not None else None
    return Setting(text, path, node.line) if node is not None and text else None


def _overrides(node: Y | None, path: str) -> dict[str, Setting]:
    if node is None:
        return {}
    words: list[tuple[str, int]] = []
    for item in node.elements() if isinstance(node.value, list) else [node]:
        text = item.scalar() or ""
        try:
            split = shlex.split(text)
        except ValueError:
            split = text.split()
        words += [(w, item.line) for w in split]
    out = {}
    for word, line in words:
        key, sep, value = word.partition("=")
        if sep and key:
            out[key] = Setting(value, path, line)
    return out
