"""A value written without a scheme whose last label is a file extension ("default.yaml",
"{profile}.json") is a file name, not a host; with a scheme, or with a port or a path, a dotted
value is still read as a host."""

from __future__ import annotations

import pytest

from flowscan.urls import split_url
from flowscan.values import Hole, StrValue


@pytest.mark.parametrize("text", ["default.yaml", "profiles/../default.yml", "config.py", "export.json", "model.gguf"])
def test_a_file_name_is_no_host(text: str) -> None:
    assert split_url(StrValue((text,))) is None


@pytest.mark.parametrize(("text", "host"), [
    ("api.example.com", "api.example.com"), ("db.example.com:5432", "db.example.com"),
    ("https://files.example.com/default.yaml", "files.example.com"), ("search.example.py/v1", "search.example.py")])
def test_a_dotted_host_still_is_one(text: str, host: str) -> None:
    parts = split_url(StrValue((text,)))
    assert parts is not None and parts.host == host


def test_a_file_name_after_an_unknown_part_is_no_host() -> None:
    parts = split_url(StrValue((Hole("profile"), ".json")))
    assert parts is not None and parts.host is None
