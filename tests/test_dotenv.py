""".env extractor: python-dotenv's parser, one context per file, a line per key."""

from __future__ import annotations

from flowscan.extract.dotenv import extract_dotenv

ENV = (
    "# shop settings\n"                        # 1
    "\n"                                        # 2
    "export AWS_REGION=eu-west-1\n"             # 3
    "\n"                                        # 4
    "\n"                                        # 5
    'POSTHOG_HOST="https://eu.posthog.com"  # EU cloud\n'  # 6
    "OPENAI_API_KEY='sk-test-123 # not a comment'\n"       # 7
    "LOG_LEVEL=info # inline comment\n"         # 8
    "API_URL=https://${API_HOST:-api.example.com}/v1\n"    # 9
    "CALLBACK=${POSTHOG_HOST}/capture\n"        # 10
    "UNSET_REF=${NOWHERE}\n"                    # 11
    "EMPTY=\n"                                  # 12
    "BARE\n"                                    # 13
    'MULTI="line one\n'                         # 14
    'line two"\n'                               # 15
    "LOG_LEVEL=debug\n"                         # 16
)


def _facts(path: str = ".env.example"):
    return extract_dotenv(path, ENV.encode())


def _bindings() -> dict[str, tuple[str | None, int]]:
    (source,) = _facts().sources
    return {b.key: (b.value, b.line) for b in source.bindings}


def test_one_source_named_after_the_file() -> None:
    facts = _facts(".env.production")
    assert facts.kind == "dotenv" and facts.parse_error is None
    (source,) = facts.sources
    assert (source.name, source.kind, source.path, source.line) == ("dotenv:.env.production", "dotenv", ".env.production", 1)


def test_export_quotes_and_comments() -> None:
    bindings = _bindings()
    assert bindings["AWS_REGION"] == ("eu-west-1", 3)  # export prefix, after blank lines
    assert bindings["POSTHOG_HOST"] == ("https://eu.posthog.com", 6)  # quotes and comment removed
    assert bindings["OPENAI_API_KEY"] == ("sk-test-123 # not a comment", 7)  # secrets stay values
    assert bindings["EMPTY"] == ("", 12)
    assert bindings["BARE"] == (None, 13)
    assert bindings["MULTI"] == ("line one\nline two", 14)


def test_later_duplicate_wins() -> None:
    assert _bindings()["LOG_LEVEL"] == ("debug", 16)
    (source,) = _facts().sources
    assert [b.key for b in source.bindings].count("LOG_LEVEL") == 1


def test_interpolation_from_the_same_file_only() -> None:
    (source,) = _facts().sources
    by_key = {b.key: b for b in source.bindings}
    api = by_key["API_URL"]
    assert (api.value, api.line) == ("https://api.example.com/v1", 9)
    assert "${API_HOST:-api.example.com}" in api.detail
    callback = by_key["CALLBACK"]
    assert callback.value == "https://eu.posthog.com/capture"
    assert [(s.path, s.line) for s in callback.chain] == [(".env.example", 6)]
    assert by_key["UNSET_REF"].value is None
    assert "${NOWHERE}" in by_key["UNSET_REF"].detail


def test_unparsable_line_is_reported_and_skipped() -> None:
    facts = extract_dotenv(".env", b"A=1\nthis is not valid\nB=2\n")
    assert facts.parse_error is not None and facts.parse_error[0] == 2
    (source,) = facts.sources
    assert [(b.key, b.value, b.line) for b in source.bindings] == [("A", "1", 1), ("B", "2", 3)]


def test_crlf_and_bom() -> None:
    facts = extract_dotenv(".env", b"\xef\xbb\xbfA=1\r\n\r\nB=two\r\n")
    (source,) = facts.sources
    assert [(b.key, b.value, b.line) for b in source.bindings] == [("A", "1", 1), ("B", "two", 3)]


def test_not_utf8_is_a_parse_error() -> None:
    facts = extract_dotenv(".env", b"A=1\nB=\xff\xfe\n")
    assert facts.parse_error == (2, "not UTF-8 text")
    assert not facts.sources
