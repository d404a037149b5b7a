"""``toml.load`` takes a path or an open file: ``with open(P) as f: toml.load(f)`` reads the
settings file at ``P`` as ``toml.load(P)`` does, so a provider chosen in it is a switch with
the file's value as its shipped value."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

FILES = {
    "app.toml": """\
        [file]
        provider = "postgres"

        [search]
        url = "https://api.tavily.com/search"
    """,
    "svc/config.py": """\
        import os

        import toml

        CONFIG_PATH = os.path.join(os.path.dirname(__file__), "..", "app.toml")


        def load_config():
            with open(CONFIG_PATH, encoding="utf-8") as f:
                return toml.load(f)
    """,
    "svc/run.py": """\
        import boto3
        import requests

        from .config import load_config

        CONF = load_config()
        requests.get(CONF["search"]["url"])
        if CONF["file"]["provider"] == "s3":
            boto3.client("s3", region_name="eu-west-1").list_buckets()
    """,
}


def _endpoints(root: Path) -> dict[str | None, Endpoint]:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(dedent(text))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_toml_file_loaded_from_an_open_stream_reaches_its_readers(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)
    assert ("app.toml", 5) in [(s.path, s.line) for s in found["api.tavily.com"].provenance]
    s3 = found["s3.eu-west-1.amazonaws.com"]
    assert s3.reach == "opt-in"
    (switch,) = [s for s in s3.switches if s.taken is False]
    assert switch.shipped == "'postgres'" and switch.setting.startswith("app.toml")
