"""Over the cap of alternatives, a value says so: the combinations left out are one unknown
value (``values.TRUNCATED``), reported, never dropped."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.values import MAX_ALTERNATIVES, TRUNCATED, StrValue, concat


def _alternatives(prefix: str, count: int) -> list[StrValue]:
    return [StrValue.literal(f"{prefix}{i}") for i in range(count)]


def test_combinations_over_the_cap_end_in_a_hole_saying_so() -> None:
    values, truncated = concat([_alternatives("a", 5), [StrValue.literal(".")], _alternatives("b", 5)])
    assert truncated and len(values) == MAX_ALTERNATIVES + 1  # the 16 listed, and a hole for the rest
    assert values[-1].holes()[0].label == TRUNCATED
    assert all(v.is_known for v in values[:-1])


def test_combinations_under_the_cap_are_all_listed() -> None:
    values, truncated = concat([_alternatives("a", 4), _alternatives("b", 4)])
    assert not truncated and len(values) == 16 and all(v.is_known for v in values)


APP = '''\
import requests

REGIONS = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1"]
SERVICES = ["api", "batch", "files", "stream", "admin"]


def call(payload):
    for region in REGIONS:
        for service in SERVICES:
            requests.post(f"https://{service}.{region}.example.eu/v1", json=payload)
'''


def test_a_call_whose_host_has_more_combinations_than_listed_reports_the_rest_as_unknown(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    endpoints = scan(tmp_path, ScanOptions(cache_dir=None)).report.endpoints
    known = [e for e in endpoints if e.host is not None]
    rest = [e for e in endpoints if e.host is None]
    assert len(known) == MAX_ALTERNATIVES  # 25 hosts: 16 listed ...
    assert [e.unresolved for e in rest] == [[TRUNCATED]]  # ... and the others said to exist


def test_more_distinct_values_than_the_cap_end_in_a_hole_saying_so() -> None:
    from flowscan.values import dedupe

    values = dedupe(_alternatives("host-", MAX_ALTERNATIVES + 3) + _alternatives("host-", 2))
    assert len(values) == MAX_ALTERNATIVES + 1 and values[-1].holes()[0].label == TRUNCATED
    assert dedupe(values) == values  # read again: the same 16 and the same hole
    assert dedupe(_alternatives("h", MAX_ALTERNATIVES)) == _alternatives("h", MAX_ALTERNATIVES)


BRANCHES = '''\
import os

import requests


def send(payload):
    region = os.environ.get("REGION", "")
''' + "".join(f'''    if region == "r{i}":
        url = "https://r{i}.example.eu/v1"
''' for i in range(MAX_ALTERNATIVES + 4)) + '''    requests.post(url, json=payload)
'''


def test_a_name_with_more_assignments_than_the_cap_reports_the_rest_as_unknown(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BRANCHES)
    endpoints = scan(tmp_path, ScanOptions(cache_dir=None)).report.endpoints
    assert len([e for e in endpoints if e.host is not None]) == MAX_ALTERNATIVES
    assert any(TRUNCATED in (e.unresolved or []) for e in endpoints if e.host is None)


def test_over_the_cap_known_values_are_listed_before_unknown_ones() -> None:
    from flowscan.values import dedupe

    unknown = [StrValue.hole(f"env:HOST_{i}") for i in range(MAX_ALTERNATIVES + 2)]
    values = dedupe([*unknown, StrValue.literal("https://api.example.eu")])
    assert StrValue.literal("https://api.example.eu") in values  # the one known host is kept
    assert values[-1].holes()[0].label == TRUNCATED and len(values) == MAX_ALTERNATIVES + 1


CALLERS = '''\
import os

import requests


def send(payload, base_url=None):
    url = base_url or "https://api.example.eu/v1"
    requests.post(url, json=payload)
''' + "".join(f'''

def job_{i}(payload):
    send(payload, base_url=os.environ["JOB_{i}_URL"])
''' for i in range(MAX_ALTERNATIVES + 4))


def test_a_default_after_more_caller_values_than_the_cap_is_still_listed(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CALLERS)
    endpoints = scan(tmp_path, ScanOptions(cache_dir=None)).report.endpoints
    assert "api.example.eu" in {e.host for e in endpoints}  # the literal default past 20 callers' values
    assert any(TRUNCATED in (e.unresolved or []) for e in endpoints if e.host is None)


def _env_callers(count: int) -> str:
    return 'import os\n\nimport pymongo\n\n\ndef connect(uri):\n    return pymongo.MongoClient(uri)\n' + "".join(
        f'\n\ndef job_{i}():\n    return connect(os.environ.get("JOB_{i}_URI"))\n' for i in range(count))


def test_values_past_the_cap_leave_the_reach_unknown(tmp_path: Path) -> None:
    """Unset env vars alone make a call opt-in; values the analysis does not list may not be."""
    (tmp_path / "few").mkdir()
    (tmp_path / "few" / "app.py").write_text(_env_callers(3))
    (few,) = [e for e in scan(tmp_path / "few", ScanOptions(cache_dir=None)).report.endpoints if e.host is None]
    assert few.reach == "opt-in"
    (tmp_path / "many").mkdir()
    (tmp_path / "many" / "app.py").write_text(_env_callers(MAX_ALTERNATIVES + 4))
    (many,) = [e for e in scan(tmp_path / "many", ScanOptions(cache_dir=None)).report.endpoints if e.host is None]
    assert TRUNCATED in many.unresolved and many.reach == "unknown"
    assert any(s.setting == TRUNCATED and s.taken is None for s in many.switches)
