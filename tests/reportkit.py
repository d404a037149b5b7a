"""A small scanned app shared by the report tests: every kind of inventory row (declared,
internal, a US provider called from six places, an unresolved host), findings of two
severities, and a finding and a call on line 1."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, ScanResult, scan

MAIN = '''\
import requests
from openai import OpenAI

client = OpenAI()
backup = OpenAI()
third = OpenAI()
fourth = OpenAI()
fifth = OpenAI()
sixth = OpenAI()


def fetch(url):
    return requests.get(url).json()


def items():
    return requests.get("http://catalog.internal/items").json()


def llm():
    return requests.post("https://llm.example.com/v1/chat", json={})
'''

FIRST_LINE = 'import requests; requests.post("https://api.anthropic.com/v1/messages", json={})\n'

POLICY = '''\
residency:
  allowed: [eu, CH]
  endpoints:
    - host: llm.example.com
      jurisdiction: eu
      reason: "on-prem in Frankfurt"
'''


def write_app(root: Path, broken: bool = False) -> Path:
    """The app under ``root``; ``broken`` adds a file that does not parse (line 1)."""
    (root / "svc").mkdir(parents=True)
    (root / "svc" / "__init__.py").write_text("")
    (root / "svc" / "main.py").write_text(MAIN)
    (root / "svc" / "first.py").write_text(FIRST_LINE)
    (root / "flowscan.yaml").write_text(POLICY)
    if broken:
        (root / "svc" / "broken.py").write_text("import requests; def oops(:\n")
    return root


def scan_app(root: Path, broken: bool = False) -> ScanResult:
    return scan(write_app(root, broken), ScanOptions(jobs=1, cache_dir=None))
