"""Short, redacted source lines for evidence: the line a provenance step or finding points at."""

from __future__ import annotations

from pathlib import Path

from ..redact import redact

MAX_FILE_BYTES = 5_000_000
MAX_EXCERPT = 160


class Excerpts:
    """Reads each scanned file once, on first use, below the scan root only."""

    def __init__(self, root: Path):
        self.root = root if root.is_dir() else root.parent
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = self._read(path)
        if not 0 < number <= len(lines):
            return ""
        text = redact(lines[number - 1].strip())
        return text if len(text) <= MAX_EXCERPT else text[: MAX_EXCERPT - 1] + "…"

    def _read(self, path: str) -> list[str]:
        file = (self.root / path).resolve()
        try:
            if not file.is_relative_to(self.root.resolve()) or not file.is_file():
                return []
            if file.stat().st_size > MAX_FILE_BYTES:
                return []
            return file.read_bytes().decode("utf-8", "replace").splitlines()
        except OSError:
            return []
