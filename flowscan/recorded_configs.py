"""The config facts of a scan, kept for the next scan of the same configs.

The config extractors read every deployment config of the tree (YAML, Dockerfiles, .env,
Terraform, ...) on every scan, and their modules load only to do so. A scan whose configs are
those a recorded scan read (the same bytes: a Python edit, as in the pre-commit hook) takes
the recorded facts instead: a scan with the result cache on keeps them beside its record in
``<key>.configs.json``, with one digest of the files they came from (``configs_digest``).

Nothing is stored in clear that output would redact: facts holding a string that ``redact``
changes (a key in a URL) or a value named like a secret (``TOKEN=…`` in a ``.env`` file or a
Dockerfile ``ENV``) are not kept, and the next scan extracts them again. An entry that is
unreadable, of another tree or of the wrong shape is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .configfacts import ConfigFacts

FORMAT = 1
Unclaimed = list[tuple[str, str]]  # (path, why no extractor read it)


def configs_file(directory: Path, key: str) -> Path:
    return directory / f"{key}.configs.json"


def configs_digest(digests: dict[str, str], config_paths: list[str], sources: dict[str, bytes]) -> str:
    """One digest of what the config extractors read: the config files, and the Python of a
    CDK app (``configs.extract_configs`` reads the files that name ``aws_cdk``)."""
    read = set(config_paths) | {p for p, data in sources.items() if p.endswith(".py") and b"aws_cdk" in data}
    return hashlib.sha256(json.dumps(sorted((p, digests[p]) for p in read if p in digests)).encode()).hexdigest()


def store_configs(directory: Path, key: str, tree: str, facts: list[ConfigFacts], unclaimed: Unclaimed) -> None:
    """Keep ``facts`` and ``unclaimed`` of the configs digested as ``tree``, unless redaction
    would change a string of them."""
    from .cache import write_atomically
    from .cachecodec import to_json

    target = configs_file(directory, key)
    try:
        target.unlink(missing_ok=True)  # an older tree's facts must not outlive this scan
        if _holds_secret(facts) or _holds_secret(unclaimed):
            return
        data = {"format": FORMAT, "tree": tree, "facts": to_json(facts), "unclaimed": to_json(unclaimed)}
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(target, json.dumps(data, separators=(",", ":")).encode())
    except (OSError, ValueError, TypeError):
        pass  # only costs speed: the next scan extracts them


def load_configs(directory: Path, key: str, tree: str) -> tuple[list[ConfigFacts], Unclaimed] | None:
    """The facts kept under ``key`` for the configs digested as ``tree``; None when there are
    none, they are another tree's or they are unreadable."""
    from .cachecodec import CodecError, from_json
    from .configfacts import ConfigFacts

    try:
        data = json.loads(configs_file(directory, key).read_bytes())
        if data.get("format") != FORMAT or data.get("tree") != tree:
            return None
        return from_json(data["facts"], list[ConfigFacts]), from_json(data["unclaimed"], list[tuple[str, str]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, CodecError):
        return None


def _holds_secret(value: object) -> bool:
    """Whether ``value`` holds a string ``redact`` masks, or a value under a secret's name (a
    binding or mapping entry whose key ``is_secret_name``)."""
    import dataclasses

    from .redact import is_secret_name, redact

    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if redact(item) != item:
                return True
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
            name = fields.get("key", fields.get("name"))
            if isinstance(name, str) and is_secret_name(name) and _text(fields.get("value")):
                return True
            todo.extend(fields.values())
        elif isinstance(item, dict):
            if any(isinstance(k, str) and is_secret_name(k) and _text(v) for k, v in item.items()):
                return True
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
    return False


def _text(value: object) -> bool:
    """Whether ``value`` is or holds (in a tuple or list: ``(value, line)``) a non-empty string."""
    if isinstance(value, (tuple, list)):
        return any(_text(v) for v in value)
    return isinstance(value, str) and bool(value)
