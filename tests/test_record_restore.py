"""A reused report's record is written back with the new digests without redacting the whole
record again (it was read back redacted): the bytes must be those a full redaction writes."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.cachecodec import dumps
from flowscan.report.json_report import render_json
from flowscan.resultcache import ResultCache, _redacted, content_digest, tool_digest

APP = '''import requests

TOKEN_URL = "https://bot:s3cr3t-passw0rd@hooks.example.com/notify?token=abcd1234efgh"


def notify(text):
    return requests.post(TOKEN_URL, json={"text": text})
'''


def _record_files(cache: Path) -> list[Path]:
    return [p for p in (cache / "results").iterdir() if "." not in p.name]  # not the deps, hits or configs beside it


def test_a_reused_record_is_stored_as_a_full_redaction_would_store_it(tmp_path: Path) -> None:
    root, cache = tmp_path / "app", tmp_path / "cache"
    root.mkdir()
    (root / "app.py").write_text(APP)
    first = scan(root, ScanOptions(cache_dir=cache))
    assert "s3cr3t-passw0rd" not in render_json(first.report)
    with (root / "app.py").open("a") as handle:
        handle.write("# reviewed\n")
    again = scan(root, ScanOptions(cache_dir=cache))
    assert again.stats.reused
    [stored] = _record_files(cache)
    record = ResultCache(cache).load(stored.name)
    assert record is not None
    assert record.files["app.py"].digest == content_digest((root / "app.py").read_bytes())  # the new digest was kept
    data = stored.read_bytes()
    assert b"s3cr3t-passw0rd" not in data and b"abcd1234efgh" not in data
    assert data == dumps(_redacted(record), tool_digest())
