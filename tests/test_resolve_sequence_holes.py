"""A list or tuple where a URL string is expected is reported unresolved, and says what it is."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line


def test_a_tuple_formatted_into_a_url_is_named_as_such(tmp_path: Path) -> None:
    by_line = endpoints_by_line(tmp_path, """\
        import requests

        MIRRORS = ("https://a.example.com", "https://b.example.com")
        requests.get(f"{MIRRORS}/v1/models")
        """)
    [endpoint] = by_line[4]
    assert endpoint.host is None
    assert endpoint.unresolved == ["a list or tuple"]
