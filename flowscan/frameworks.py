"""Serving frameworks whose configs start a model server with engine arguments (Ray Serve LLM),
as data: ``rules/servers/frameworks/*.yaml`` (validated with ``schemas/rules-frameworks.schema.json``).

A framework config (an ``LLMConfig``) names the model, the engine, the engine's keyword
arguments, the accelerator and the replica bounds. :func:`engine_argv` turns the engine keyword
arguments into the engine's own flags (``max_model_len: 8192`` -> ``--max-model-len 8192``,
``enable_prefix_caching: false`` -> ``--no-enable-prefix-caching``), so every serving check
reads them like a command line. :func:`framework_launches` finds ``LLMConfig(...)`` calls in
Python; ``extract/ray_serve.py`` reads the YAML forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .catalog import default_rules_dir, load_rule_file
from .python.facts import Call, DictLit, Expr, Lit, ModuleFacts, Name

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    id: str
    name: str
    import_paths: tuple[str, ...]
    python_calls: tuple[str, ...]
    rayservice_groups: tuple[str, ...]
    rayservice_kinds: tuple[str, ...]
    rayservice_field: Path_
    engine_field: str
    engines: tuple[tuple[str, str], ...]
    default_engine: str
    model_fields: tuple[Path_, ...]
    name_field: Path_
    engine_kwargs: str
    accelerator_field: str | None
    min_replicas: Path_
    max_replicas: Path_
    num_replicas: Path_

    def server_for(self, engine: str | None) -> str | None:
        """The rules/servers id of an engine name (the default when none is written)."""
        return self.default_engine if engine is None else dict(self.engines).get(engine)


@lru_cache(maxsize=1)
def framework_specs() -> tuple[FrameworkSpec, ...]:
    out = []
    for path in sorted((default_rules_dir() / "servers" / "frameworks").glob("*.yaml")):
        out.append(_spec(load_rule_file(path, "rules-frameworks.schema.json")["framework"]))
    return tuple(out)


def _spec(data: dict[str, Any]) -> FrameworkSpec:
    ray = data.get("rayservice", {})
    return FrameworkSpec(
        id=data["id"], name=data["name"], import_paths=tuple(data["import_paths"]),
        python_calls=tuple(data["python_calls"]), rayservice_groups=tuple(ray.get("api_groups", ())),
        rayservice_kinds=tuple(ray.get("kinds", ())), rayservice_field=tuple(ray.get("field", ())),
        engine_field=data["engine_field"], engines=tuple(sorted(data["engines"].items())),
        default_engine=data["default_engine"], model_fields=tuple(tuple(p) for p in data["model_fields"]),
        name_field=tuple(data["name_field"]), engine_kwargs=data["engine_kwargs"],
        accelerator_field=data.get("accelerator_field"), min_replicas=tuple(data.get("min_replicas", ())),
        max_replicas=tuple(data.get("max_replicas", ())), num_replicas=tuple(data.get("num_replicas", ())),
    )


def engine_argv(name: str, value: Any) -> list[str]:
    """An engine keyword argument as the engine's flag words: ``True`` -> ``--flag``,
    ``False`` -> ``--no-flag``, a list -> one word per item, anything else -> its text."""
    flag = "--" + name.replace("_", "-")
    if value is True:
        return [flag]
    if value is False:
        return ["--no-" + name.replace("_", "-")]
    if isinstance(value, list):
        return [flag, *(str(v) for v in value)]
    return [flag, str(value)]


# --------------------------------------------------------------------------- Python


def framework_launches(module: ModuleFacts) -> list[Any]:
    """In-process launches of ``LLMConfig(...)`` calls: the engine's keyword arguments (from a
    ``dict(...)`` call or a ``{...}`` literal) with the model as ``model``, read like an
    in-process engine's keywords."""
    from .python.spec_calls import spec_calls
    from .servers import Launch, server_specs

    out = []
    for call, spec in spec_calls(module, framework_specs()):
        fields = dict(call.kwargs)
        engine = _lit(_field(fields, (spec.engine_field,)))
        server_id = spec.server_for(engine)
        server = next((s for s in server_specs() if s.id == server_id), None)
        if server is None:
            continue
        keywords = list(_mapping(fields.get(spec.engine_kwargs)))
        model = next((m for path in spec.model_fields if isinstance(m := _field(fields, path), Lit)), None)
        if model is not None:
            keywords.insert(0, ("model", model))
        accelerator = _lit(fields.get(spec.accelerator_field)) if spec.accelerator_field else None
        out.append(Launch(server, module.path, call.line, f"python:{module.module}", "python call",
                          keywords=tuple(keywords), accelerator=accelerator))
    return out


def _mapping(expr: Expr | None) -> list[tuple[str, Expr]]:
    """``dict(a=1)`` or ``{"a": 1}`` as (key, value) pairs (string keys only)."""
    if isinstance(expr, Call) and isinstance(expr.func, Name) and expr.func.id == "dict":
        return list(expr.kwargs)
    if isinstance(expr, DictLit):
        return [(k.text, v) for k, v in expr.items if isinstance(k, Lit)]
    return []


def _field(fields: dict[str, Expr], path: Path_) -> Expr | None:
    value: Expr | None = fields.get(path[0])
    for key in path[1:]:
        value = dict(_mapping(value)).get(key)
    return value


def _lit(expr: Expr | None) -> str | None:
    return expr.text.strip("'\"") if isinstance(expr, Lit) else None


__all__ = ["FrameworkSpec", "framework_specs", "engine_argv", "framework_launches"]
