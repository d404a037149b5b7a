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


def test_a_file_name_after_an_unknown_url_is_no_host() -> None:
    """``{url}.json``: a file name appended to a URL not known statically, so the host is
    unknown; a domain or a port after an unknown part still leaves a host pattern."""
    from flowscan.urls import split_url
    from flowscan.values import Hole, StrValue

    def split(*parts: str):
        value = StrValue(tuple(Hole(p[1:-1]) if p.startswith("{") else p for p in parts))
        found = split_url(value)
        return found.host, found.unknown_parts

    assert split("{url}", ".json") == (None, ("url",))
    assert split("{url}", ".yaml.bak") == ("{url}.yaml.bak", ("url",))  # two labels: read as a domain
    assert split("{region}", ".amazonaws.com") == ("{region}.amazonaws.com", ("region",))
    assert split("{location}", "-aiplatform.googleapis.com") == ("{location}-aiplatform.googleapis.com", ("location",))
    assert split("{svc}", ".internal:8080/v1") == ("{svc}.internal", ("svc",))  # a port follows
