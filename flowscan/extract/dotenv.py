"""``.env`` files (``.env``, ``.env.example``, ``.env.production``, ...) → one deployment context.

``extract_dotenv(path, data)`` parses the file with python-dotenv's own parser
(:func:`dotenv.parser.parse_stream`: ``export`` prefixes, quoting, escapes, inline comments,
multi-line quoted values) and returns one :class:`EnvSource` ``dotenv:<path>`` whose bindings
carry the line of each key. ``${VAR}`` / ``${VAR:-default}`` references are expanded the way
python-dotenv does, but only from keys set earlier in the same file (never from the scanning
process's environment): a reference to a key set nowhere in the file takes its default, or
leaves the value unknown (None) when it has none.

Values that look like secrets are kept: redaction happens at output. A later duplicate of a
key replaces the earlier one (as python-dotenv does). Lines python-dotenv cannot parse are
skipped, and the first one is reported as ``parse_error``.
"""

from __future__ import annotations

import io
import re

from dotenv.parser import Binding, parse_stream
from dotenv.variables import Literal, Variable, parse_variables

from ..configfacts import ConfigFacts, EnvBinding, EnvSource
from ..model import Step

KIND = "dotenv"
DETAIL = "dotenv file"

_NEWLINE = re.compile(r"\r\n|\n|\r")


def extract_dotenv(path: str, data: bytes) -> ConfigFacts:
    """Facts of one ``.env`` file."""
    facts = ConfigFacts(path=path, kind=KIND)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        facts.parse_error = (data[:exc.start].count(b"\n") + 1, "not UTF-8 text")
        return facts
    source = EnvSource(name=f"{KIND}:{path}", kind=KIND, path=path, line=1)
    bindings: dict[str, EnvBinding] = {}
    for parsed in parse_stream(io.StringIO(text)):
        line = binding_line(parsed)
        if parsed.error:
            if facts.parse_error is None:
                facts.parse_error = (line, f"python-dotenv could not parse line {line}")
            facts.notes.append(f"{path}:{line}: unparsable line skipped")
            continue
        if parsed.key is None:  # blank line or comment
            continue
        bindings.pop(parsed.key, None)
        bindings[parsed.key] = _binding(path, parsed.key, parsed.value, line, bindings)
    source.bindings = list(bindings.values())
    facts.sources.append(source)
    return facts


def binding_line(binding: Binding) -> int:
    """The 1-based line of a binding's key.

    python-dotenv marks a binding where the previous one ended, so blank lines before a key
    belong to its ``original``; they are skipped here.
    """
    original = binding.original
    leading = original.string[: len(original.string) - len(original.string.lstrip())]
    return original.line + len(_NEWLINE.findall(leading))


def _binding(path: str, key: str, value: str | None, line: int, earlier: dict[str, EnvBinding]) -> EnvBinding:
    """One binding with ``${...}`` expanded from ``earlier`` keys of the same file."""
    if value is None:
        return EnvBinding(key, None, path, line, f"{DETAIL}, declared without a value")
    atoms = list(parse_variables(value))
    variables = [a for a in atoms if isinstance(a, Variable)]
    if not variables:
        return EnvBinding(key, value, path, line, DETAIL)
    parts: list[str] = []
    chain: list[Step] = []
    notes: list[str] = []
    known = True
    for atom in atoms:
        if isinstance(atom, Literal):
            parts.append(atom.value)
            continue
        assert isinstance(atom, Variable)
        source = earlier.get(atom.name)
        if source is not None and source.value is not None:
            parts.append(source.value)
            chain.extend(source.chain)
            chain.append(Step(source.path, source.line, f"{source.key}={source.value}"))
            notes.append(f"${{{atom.name}}} from line {source.line}")
        elif atom.default is not None:
            parts.append(atom.default)
            notes.append(f"${{{atom.name}:-{atom.default}}}: default used")
        else:
            known = False
            notes.append(f"${{{atom.name}}} not set in this file")
    detail = f"{DETAIL}, interpolation " + "; ".join(notes)
    return EnvBinding(key, "".join(parts) if known else None, path, line, detail, tuple(chain))
