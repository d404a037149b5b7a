"""Settings files the code loads: ``yaml.safe_load(open("config.yaml"))``, ``OmegaConf.load(...)``,
``json.load(open("config.json"))`` (JSON parses as YAML).

The file is read from the scanned tree (never from disk outside it, never executed), parsed
once per scan (``SettingsFiles``), and its values flow to the calls that read them by key or
attribute, with their ``path:line``. Placeholders the usual loaders expand from the
environment are resolved per deployment context: ``${VAR}``, ``${VAR:default}``,
``${VAR:-default}``, ``${oc.env:VAR}``, ``${oc.env:VAR,default}`` and LiteLLM's
``os.environ/VAR``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..values import MAX_ALTERNATIVES, Hole, StrValue

if TYPE_CHECKING:
    from ..extract.yamlfiles import YamlFiles
    from ..extract.yamlnodes import Y

#: Calls whose first argument is a stream or text of a settings file.
STREAM_LOADERS = frozenset({
    "yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "json.load",
    "tomllib.load", "tomllib.loads", "tomli.load", "tomli.loads",
})
#: Calls whose first argument is the settings file's path (``toml.load`` takes a path or a stream).
PATH_LOADERS = frozenset({"omegaconf.OmegaConf.load", "toml.load"})
#: Calls that open a file by path (their first argument).
OPENERS = frozenset({"open", "builtins.open", "io.open", "codecs.open"})
#: Methods of ``pathlib.Path(p)`` that read the file at ``p``.
PATH_READERS = frozenset({"pathlib.Path.open", "pathlib.Path.read_text", "pathlib.Path.read_bytes"})

SETTINGS_SUFFIXES = (".yaml", ".yml", ".toml", ".json")  # the walk reads JSON named like settings (discover.py)

_PLACEHOLDER = re.compile(
    r"\$\{(?:oc\.env:(?P<oc>[A-Za-z_][A-Za-z0-9_]*)(?:,(?P<oc_default>[^}]*))?"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-?(?P<default>[^}]*))?)\}"
)
_LITELLM_ENV = re.compile(r"^\s*os\.environ/([A-Za-z_][A-Za-z0-9_]*)\s*$")


@dataclass(frozen=True)
class Placeholder:
    """``${VAR:default}`` and friends inside a settings value: ``start``/``end`` in the text."""

    start: int
    end: int
    env: str
    default: str | None


def placeholders(text: str) -> list[Placeholder]:
    """The env placeholders in a settings value, in order."""
    whole = _LITELLM_ENV.match(text)
    if whole:
        return [Placeholder(0, len(text), whole.group(1), None)]
    out = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group("oc"):
            out.append(Placeholder(match.start(), match.end(), match.group("oc"), match.group("oc_default")))
        else:
            out.append(Placeholder(match.start(), match.end(), match.group("name"), match.group("default")))
    return out


class SettingsFiles:
    """The settings files the code of one scan loads, read through the scan's ``YamlFiles``
    (so a YAML file that is both a config and a settings file is parsed once)."""

    def __init__(self, yaml_files: YamlFiles):
        self.yaml_files = yaml_files
        self.loaded: set[str] = set()  # files the code was found to load
        self._toml: dict[str, Y | None] = {}

    def find(self, written: str, module_path: str) -> str | None:
        """The tree file a path written in ``module_path`` names: relative paths resolve
        from the scanned root (where apps are usually started), else from the module's
        folder (``os.path.dirname(__file__)``); absolute paths are outside the tree."""
        if written.startswith("/") or not written.endswith(SETTINGS_SUFFIXES):
            return None
        for candidate in (written, posixpath.join(posixpath.dirname(module_path), written)):
            normal = posixpath.normpath(candidate)
            if normal in self.yaml_files.sources and not normal.startswith("../"):
                return normal
        return None

    def matching(self, written: StrValue, module_path: str) -> list[str]:
        """The tree files a path with unknown parts may name (``configs/{name}.json``: every
        JSON file in that folder), resolved as ``find`` does; an unknown part stands for a file
        or folder name, never a ``/``. Sorted, at most ``MAX_ALTERNATIVES``."""
        if not written.parts or isinstance(written.parts[0], Hole) and not written.parts[1:]:
            return []
        last = written.parts[-1]
        if not isinstance(last, str) or not last.endswith(SETTINGS_SUFFIXES):
            return []
        pattern = "".join(re.escape(p) if isinstance(p, str) else "[^/]+" for p in written.parts)
        found: list[str] = []
        for base in ("", posixpath.dirname(module_path)):
            whole = re.compile(re.escape(posixpath.join(base, "")) + pattern if base else pattern)
            found = sorted(p for p in self.yaml_files.sources if whole.fullmatch(p))
            if found:
                break
        return found[:MAX_ALTERNATIVES]

    def document(self, path: str) -> Y | None:
        """The first document of a settings file that is a mapping or list; None if the file
        does not parse."""
        self.loaded.add(path)
        if path.endswith(".toml"):
            return self._toml_document(path)
        parsed = self.yaml_files.parse(path)
        return next((d for d in parsed.documents if isinstance(d.value, (dict, list))), None)

    def _toml_document(self, path: str) -> Y | None:
        from ..extract.tomlnodes import TomlError, load_toml

        if path not in self._toml:
            self.yaml_files.count_parse(path)
            try:
                self._toml[path] = load_toml(self.yaml_files.sources[path])
            except TomlError:
                self._toml[path] = None
        return self._toml[path]
