"""The cache codec: facts read back as the extractor made them, shared objects included, and
entries that are not what they claim refused."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from flowscan.cachecodec import CodecError, dumps, fully_typed, loads
from flowscan.model import Report
from flowscan.python.extract import extract_python
from flowscan.python.facts import Lit, ModuleFacts, structure
from flowscan.resultcache import ScanRecord

APP = b"""import os
import requests

if os.getenv("USE_PROXY"):
    requests.get("https://proxy.example.com/a")
    requests.post("https://proxy.example.com/b")
"""


def test_facts_read_back_equal_and_share_what_the_extractor_shared() -> None:
    facts = extract_python("app/net.py", APP)
    first, second = (c for c in facts.calls if c.line in (5, 6))
    assert first.tests[0] is second.tests[0]  # one branch condition, shared by both calls

    back = loads(dumps(facts, "v1", shared=True), ModuleFacts, "v1")

    assert structure(back) == structure(facts)
    again = [c for c in back.calls if c.line in (5, 6)]
    assert again[0].tests[0] is again[1].tests[0]
    # the resolver memoises by expression identity: a copy per call made a cached scan
    # evaluate (and spend its budget) differently from a fresh one


def test_a_shared_object_is_written_once() -> None:
    facts = extract_python("app/net.py", APP)
    assert len(dumps(facts, "v1", shared=True)) < len(dumps(facts, "v1"))
    assert structure(loads(dumps(facts, "v1"), ModuleFacts, "v1")) == structure(facts)


def _entry(value: object) -> bytes:
    return json.dumps({"format": 2, "version": "v1", "value": value}).encode()


@pytest.mark.parametrize("value", [
    ["Lit", "https://a.example.com"],  # a field missing
    ["Lit", "https://a.example.com", "3"],  # a line that is not a number
    ["Name", "x", 3],  # another class than the one expected
    0,  # a reference before any object was read
    ["Concat", [0], 1],  # a reference to the object being read (a cycle)
    ["CallSite", ["Name", "f", 1], [], [], 1, 0, "", "", [], [1]],  # a Name where a Test must be
])
def test_an_entry_that_is_not_what_it_claims_is_refused(value: object) -> None:
    from flowscan.python.facts import CallSite, Concat

    kind = {"Concat": Concat, "CallSite": CallSite}.get(value[0], Lit) if isinstance(value, list) else Lit
    with pytest.raises(CodecError):
        loads(_entry(value), kind, "v1")


def test_a_reference_to_an_earlier_object_of_the_right_class_is_shared() -> None:
    from flowscan.python.facts import Concat

    value = loads(_entry(["Concat", [["Lit", "a", 1], 1], 1]), Concat, "v1")
    assert value.parts[0] is value.parts[1] and value.parts[0] == Lit("a", 1)


@dataclass(frozen=True)
class _Region:
    name: str


@dataclass(frozen=True)
class _Host:
    name: str


@dataclass(frozen=True)
class _Route:
    region: _Region
    host: _Host | _Region | None
    fallback: _Host | None


def test_a_reference_through_a_union_is_read_only_as_one_of_its_classes() -> None:
    route = loads(_entry(["_Route", ["_Region", "eu"], 1, None]), _Route, "v1")
    assert route.host is route.region  # a _Region is one of the host field's classes
    with pytest.raises(CodecError):  # a _Region is none of the fallback field's classes
        loads(_entry(["_Route", ["_Region", "eu"], None, 1]), _Route, "v1")


def test_shared_entries_are_only_written_for_kinds_the_reader_counts_exactly() -> None:
    assert fully_typed(ModuleFacts)
    assert not fully_typed(Report)  # its policy is a plain dict: reports are written without references
    assert not fully_typed(ScanRecord)


def test_a_dict_of_strings_to_scalars_reads_back_and_refuses_other_values() -> None:
    mentions = {"post": True, "get": False, "@dict": True}
    assert loads(dumps(mentions, "v"), dict[str, bool], "v") == mentions
    assert loads(dumps({"a": "b"}, "v"), dict[str, str], "v") == {"a": "b"}
    assert loads(b'{"format":2,"version":"v","value":{"@dict":[["x",true]]}}', dict[str, bool], "v") == {"x": True}
    for wrong in (b'{"x": 1}', b'{"x": "true"}', b'["x"]', b'{"@dict":[[1,true]]}'):
        with pytest.raises(CodecError):
            loads(b'{"format":2,"version":"v","value":' + wrong + b"}", dict[str, bool], "v")


def test_line_keyed_digests_read_back_with_int_keys_and_refuse_other_keys() -> None:
    lines = {12: "ab12", 3: "cd34"}
    assert loads(dumps(lines, "v"), dict[int, str], "v") == lines
    for wrong in (b'{"x": "ab"}', b'{"1": 2}', b'{"1": true}', b'{"@dict":[["x","ab"]]}'):
        with pytest.raises(CodecError):
            loads(b'{"format":2,"version":"v","value":' + wrong + b"}", dict[int, str], "v")


@pytest.mark.parametrize("kind", [tuple[str, ...], list[str], frozenset[str]])
def test_a_sequence_of_strings_reads_back_as_its_kind_and_refuses_other_items(kind: object) -> None:
    back = loads(dumps(["requests", "os.path"], "v"), kind, "v")
    assert back == kind.__origin__(["requests", "os.path"]) and type(back) is kind.__origin__
    for wrong in (b'["a", 1]', b'["a", null]', b'["a", ["b"]]', b'"ab"', b'{"a": "b"}'):
        with pytest.raises(CodecError):
            loads(b'{"format":2,"version":"v","value":' + wrong + b"}", kind, "v")


def test_sequences_read_twice_from_one_document_share_no_list() -> None:
    from flowscan.cachecodec import from_json

    raw = ["requests", "httpx"]
    first, second = from_json(raw, list[str]), from_json(raw, list[str])
    first.append("boto3")
    assert second == ["requests", "httpx"] and raw == ["requests", "httpx"]
