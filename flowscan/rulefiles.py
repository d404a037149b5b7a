"""Reading one rule file under ``rules/``: YAML (libyaml's safe loader) validated against its
JSON schema in ``flowscan/schemas/``.

Validation (jsonschema) and YAML parsing are most of start-up, so both are remembered: a
file whose exact bytes passed against the exact schema bytes leaves a marker named by their
hash in the cache folder, holding the data as JSON, and is neither validated nor parsed as
YAML again. A changed rule file or schema has a new hash and is validated; a file that fails
never gets a marker.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any


def _yaml_load(text: str):
    """libyaml's safe loader (the same rules as PyYAML's, at C speed), imported on first use:
    a run whose rule files all come from their validated JSON copies never loads PyYAML."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


MARKER_FORMAT = b"json-1"  # what a marker holds; a new format never reads an old marker
validated_now: set[Path] = set()  # rule files validated by this process (new or changed since)


class CatalogError(Exception):
    """A rule file is missing, malformed, or does not match its schema."""


@lru_cache(maxsize=None)
def schema_text(name: str) -> str:
    return (Path(__file__).parent / "schemas" / name).read_text(encoding="utf-8")  # package data of flowscan


def load_rule_yaml(path: Path) -> Any:
    """A rule file, loaded safely (no object construction)."""
    return _yaml_load(path.read_text(encoding="utf-8"))


def load_rule_file(path: Path, schema_name: str) -> Any:
    """The rule file's data, validated against ``schema_name``; ``CatalogError`` names the
    file and the first offending key. The marker of a validated file holds its data as JSON
    (read back many times faster than the YAML), when JSON keeps the data exactly."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read rule file: {exc}") from exc
    schema = schema_text(schema_name)
    marker = _marker(raw, schema)
    if marker is not None:
        try:
            text = marker.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        if text:
            try:
                return json.loads(text)
            except ValueError:
                pass  # a damaged marker: read and validate the YAML again
    import yaml

    try:
        data = _yaml_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read rule file: {exc}") from exc
    if marker is not None and text is not None:
        return data  # validated before; its data does not survive JSON, so it is parsed each time
    _validate(data, json.loads(schema), path)
    validated_now.add(path)
    if marker is not None:
        _write_marker(marker, data)
    return data


def _write_marker(marker: Path, data: Any) -> None:
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:
            text = ""
    except (TypeError, ValueError):
        text = ""
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_name(marker.name + f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:
        pass  # a read-only cache only costs start-up time


def _validate(data: Any, schema: dict[str, Any], path: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise CatalogError(f"{path}: {where}: {first.message}")


def _marker(raw: bytes, schema: str) -> Path | None:
    from .cache import default_cache_dir

    directory = default_cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(MARKER_FORMAT + b"\0" + schema.encode() + b"\0" + raw).hexdigest()
    return directory / "validated" / digest[:2] / digest
