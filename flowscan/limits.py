"""Files too big or too dense to read within a scan's budget, decided from their bytes alone.

The rules are deterministic (a file is skipped on every machine or on none) and run before
any parser sees the file: a minified or generated file (one line longer than
``MAX_LINE_CHARS``), and formats whose parser costs far more than their size (python-hcl2's
lark parser: about 15 KB/s and 300 bytes of memory per byte read, measured on a 1.9 MB
``.tf``). ``budget.py`` bounds the time of what these rules let through.
"""

from __future__ import annotations

MAX_LINE_CHARS = 50_000  # a longer line is minified code or generated data, not configuration
MAX_BYTES_BY_KIND = {
    "terraform": 256_000,  # python-hcl2: 140 s and 616 MB for a 1.9 MB file
    "yaml": 1_000_000,  # PyYAML's composer keeps every node of a document: ~25 s for a 1.9 MB compose file
}


def skip_reason(kind: str, data: bytes) -> str | None:
    """Why a file of this kind is not read, or None to read it."""
    limit = MAX_BYTES_BY_KIND.get(kind)
    if limit is not None and len(data) > limit:
        return f"{kind} file larger than {limit // 1000:,} KB (a generated file?); not read within the scan's budget"
    if len(data) > MAX_LINE_CHARS and _longest_line(data) > MAX_LINE_CHARS:
        return f"a line longer than {MAX_LINE_CHARS:,} characters (minified or generated); not read"
    return None


def _longest_line(data: bytes) -> int:
    return max(map(len, data.split(b"\n")))
