"""A test of a setting with several shipped values: the branch runs when one value passes it,
and the ``else`` branch when one value fails it (not only when none passes), so with shipped
values 'chroma' and 'pgvector' both branches are reached by default."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = """\
import os

import requests

VECTOR_DB = os.getenv("VECTOR_DB", "chroma" if os.path.exists("/data/chroma") else "pgvector")


def index(doc):
    if VECTOR_DB == "pgvector":
        requests.post("https://pg-proxy.example.com/index", json=doc)
    else:
        requests.post("https://chroma.example.com/index", json=doc)
    if VECTOR_DB != "qdrant":
        requests.post("https://audit.example.com/log", json=doc)
    else:
        requests.post("https://qdrant.example.com/index", json=doc)
"""


def test_both_branches_of_a_setting_with_two_shipped_values_are_default(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    reach = {e.host: e.reach for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert reach["pg-proxy.example.com"] == "default"
    assert reach["chroma.example.com"] == "default"
    assert reach["audit.example.com"] == "default"
    assert reach["qdrant.example.com"] == "opt-in"  # no shipped value is 'qdrant'
