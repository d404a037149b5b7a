"""Stable finding fingerprints: they survive line moves, not content changes."""

from __future__ import annotations

import hashlib
import re

from ..model import Location


_DIRECTIVE = re.compile(r"(?:#|//)\s*flowscan:.*$")  # a suppression added to the line keeps its finding's identity


def fingerprint(rule: str, location: Location, line_text: str, key: str = "") -> str:
    normalized = " ".join(_DIRECTIVE.sub("", line_text).split())
    raw = "\x1f".join((rule, location.path, normalized, key))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]  # str.encode is UTF-8
