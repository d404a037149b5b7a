"""The recorded scan's hits per call site (``flowscan/recorded_hits.py``), read back by the
scoped hook's widening instead of resolving the other call sites of an endpoint again.

The differential tests edit a tree whose endpoints have call sites in several files, in the
default context and in a deployment context (compose sets an env var one of the calls reads),
and compare the findings touching the changed files with a scan without cache; each also
checks that the recorded hits were used (or, with the hits file gone, that the hook still
agrees). The unit tests check what a recording keeps and leaves out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.model import DEFAULT_CONTEXT, Location, Step
from flowscan.python.flows import SinkHit
from flowscan.recorded_hits import HitLog, RecordedHits, hits_file, load_hits, tree_digest
from flowscan.values import Hole, StrValue
from tests.test_scoped_hook import APP, _append, _replace, _scoped_after_edits, _write

SHARED_APP = {
    "app/__init__.py": "",
    "app/http.py": APP["app/http.py"],  # post(url, data): requests.post(url, ...)
    "app/a.py": """\
        import requests

        from app.http import post


        def send():
            post("https://api.groq.com/openai/v1/a", {})
    """,
    "app/b.py": """\
        import os

        import requests

        from app.http import post


        def other():
            post("https://api.groq.com/openai/v1/b", {})
            requests.get("https://api.groq.com/openai/v1/models")


        def gateway(data):
            return requests.post(os.environ.get("GATEWAY_URL", "https://gateway.example.eu/v1"), json=data)
    """,
    "app/c.py": """\
        import os

        import requests

        TIMEOUT = float(os.environ.get("PING_TIMEOUT", "5"))


        def ping(data):
            return requests.post("https://api.groq.com/openai/v1/c", json=data, timeout=TIMEOUT)
    """,
    "docker-compose.yml": """\
        services:
          api:
            build: .
            environment:
              GATEWAY_URL: https://gateway.example-us.com/v1
    """,
    "Dockerfile": "FROM python:3.12\nCOPY app /app\n",
}

EDITS = {
    "a call to a shared host added": [_append("app/a.py", """

        def health():
            return requests.get("https://api.groq.com/openai/v1/health")
    """)],
    "a call to the gateway added": [_append("app/c.py", """

        def relay(data):
            return requests.post(os.environ.get("GATEWAY_URL", "https://gateway.example.eu/v1"), json=data)
    """)],
    "a shared call's host changed": [_replace("app/c.py", "api.groq.com", "api.together.xyz")],
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_widened_sites_are_read_back_and_touch_the_findings_a_full_scan_does(
        tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    read_back: list[tuple[str, tuple[str, int]]] = []
    original = RecordedHits.hits

    def spy(self: RecordedHits, context: str, site: tuple[str, int]):
        found = original(self, context, site)
        if found is not None:
            read_back.append((context, site))
        return found

    monkeypatch.setattr(RecordedHits, "hits", spy)
    root = tmp_path / "tree"
    _write(root, SHARED_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", EDITS[name])
    assert hook.stats.scoped is not None
    assert read_back, "no widened site was read back from the record"
    assert all(path != "app/a.py" or name != "a call to a shared host added" for _, (path, _) in read_back)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_without_the_hits_file_the_hook_resolves_the_widened_sites(tmp_path: Path, name: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import flowscan.recorded_hits as recorded_hits

    monkeypatch.setattr(recorded_hits, "hits_file", lambda directory, key: directory / "absent" / key)
    root = tmp_path / "tree"
    _write(root, SHARED_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", EDITS[name])
    assert hook.stats.scoped is not None
    assert hook.program is not None and hook.program.loads_by_reason.get("endpoint")


def _hit(path: str, line: int, text: str, detail: str = "post(…)") -> SinkHit:
    return SinkHit("groq", "requests.post", Location(path, line, 4),
                   StrValue((text, Hole("param data")), (Step(path, line, detail),)))


DIGESTS = {"a.py": "1", "b.py": "2"}


def _stored(tmp_path: Path, log: HitLog, failures=()) -> RecordedHits:
    log.store(tmp_path, "key", set(failures), DIGESTS)
    recorded = load_hits(tmp_path, "key", DIGESTS)
    assert recorded is not None
    return recorded


def test_hits_are_read_back_as_noted_in_their_order(tmp_path: Path) -> None:
    log = HitLog()
    first, second, third = _hit("b.py", 9, "https://api.groq.com/b"), _hit("a.py", 5, "https://api.groq.com/a"), \
        _hit("b.py", 9, "https://api.groq.com/c")
    log.note(DEFAULT_CONTEXT, [first, second, third])
    log.env_free = {("a.py", 5)}
    log.note("compose:docker-compose.yml", [second])
    recorded = _stored(tmp_path, log)
    assert recorded.hits(DEFAULT_CONTEXT, ("b.py", 9)) == [first, third]
    assert recorded.hits(DEFAULT_CONTEXT, ("a.py", 5)) == [second]
    assert recorded.hits("compose:docker-compose.yml", ("a.py", 5)) == [second]
    assert recorded.hits("compose:docker-compose.yml", ("b.py", 9)) is None
    assert recorded.order(DEFAULT_CONTEXT, ("b.py", 9)) < recorded.order(DEFAULT_CONTEXT, ("a.py", 5))
    assert recorded.env_free(("a.py", 5)) and not recorded.env_free(("b.py", 9))


def test_failed_and_secret_holding_sites_are_not_kept(tmp_path: Path) -> None:
    log = HitLog()
    clean = _hit("a.py", 1, "https://api.groq.com/a")
    log.note(DEFAULT_CONTEXT, [clean, _hit("a.py", 2, "https://api.groq.com/b"),
                               _hit("a.py", 4, "https://bot:s3cr3t-passw0rd@hooks.example.com/x")])
    recorded = _stored(tmp_path, log, failures=[("a.py", 2)])
    assert recorded.hits(DEFAULT_CONTEXT, ("a.py", 1)) == [clean]
    assert recorded.hits(DEFAULT_CONTEXT, ("a.py", 2)) is None  # failed
    assert recorded.hits(DEFAULT_CONTEXT, ("a.py", 4)) is None  # redaction would change it
    assert b"s3cr3t" not in hits_file(tmp_path, "key").read_bytes()


def test_an_unreadable_hits_file_is_none_and_an_unreadable_entry_is_not_kept(tmp_path: Path) -> None:
    hits_file(tmp_path, "key").write_text("{not json")
    assert load_hits(tmp_path, "key", DIGESTS) is None
    tree = tree_digest(DIGESTS)
    hits_file(tmp_path, "key").write_text('{"format": 1, "tree": "%s", "contexts": {"default": [["a.py", 1, false, ["Nope"]]]}}'
                                          % tree)
    recorded = load_hits(tmp_path, "key", DIGESTS)
    assert recorded is not None and recorded.hits("default", ("a.py", 1)) is None


def test_the_hits_of_another_recorded_tree_are_not_read(tmp_path: Path) -> None:
    log = HitLog()
    log.note(DEFAULT_CONTEXT, [_hit("a.py", 1, "https://api.groq.com/a")])
    _stored(tmp_path, log)
    assert load_hits(tmp_path, "key", {**DIGESTS, "b.py": "3"}) is None  # the deps file is of a newer scan
    assert load_hits(tmp_path, "key", {"a.py": "1"}) is None
