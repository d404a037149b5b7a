"""A reused report checks a changed file's seed flag with the catalog's sinks first: a file
that is a seed by them is one with the checks' watched calls too, so the server rules stay
unloaded (the comment-only pre-commit run). A file that is a seed only through a watched call
is still checked with them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog
from flowscan.discover import canonical_modules, prepass_python, seed_files
from flowscan.report.json_report import render_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

SINK_SEED = 'import requests\n\n\ndef send(data):\n    return requests.post("https://api.mistral.ai/v1/x", json=data)\n'
WATCHED_SEED = 'from vllm import LLM\n\nengine = LLM(model="meta-llama/Llama-3.1-8B-Instruct")\n'


@pytest.mark.parametrize("fixture", ["python-eu-app", "fallback-selfhosted", "langchain-rag-app", "mixed-deploy-app"])
def test_the_seeds_of_the_sinks_alone_are_some_of_the_seeds(fixture: str) -> None:
    paths = sorted(p.relative_to(FIXTURES / fixture).as_posix() for p in (FIXTURES / fixture).rglob("*.py"))
    sources = {p: (FIXTURES / fixture / p).read_bytes() for p in paths}
    summaries = {p: prepass_python(p, sources[p]) for p in paths}
    canonical = canonical_modules(paths)
    catalog = bundled_catalog()
    by_sinks = seed_files(summaries, sources, catalog, canonical, watched=False)
    assert by_sinks and by_sinks <= seed_files(summaries, sources, catalog, canonical)


def test_a_file_seeded_only_by_a_watched_call_is_not_one_by_the_sinks() -> None:
    summaries = {"serve.py": prepass_python("serve.py", WATCHED_SEED.encode())}
    sources, canonical = {"serve.py": WATCHED_SEED.encode()}, {"serve.py": "serve"}
    assert not seed_files(summaries, sources, bundled_catalog(), canonical, watched=False)
    assert seed_files(summaries, sources, bundled_catalog(), canonical) == {"serve.py"}


@pytest.mark.parametrize("text", [SINK_SEED, WATCHED_SEED])
def test_a_comment_in_a_seed_reuses_the_report_a_cold_scan_gives(tmp_path: Path, text: str) -> None:
    root, cache = tmp_path / "app", tmp_path / "cache"
    root.mkdir()
    (root / "app.py").write_text(text)
    scan(root, ScanOptions(cache_dir=cache))
    with (root / "app.py").open("a") as handle:
        handle.write("# reviewed\n")
    again = scan(root, ScanOptions(cache_dir=cache))
    assert again.stats.reused
    assert render_json(again.report) == render_json(scan(root, ScanOptions(cache_dir=None)).report)


def _servers_loaded_by_a_reused_scan(root: Path, cache: Path) -> bool:
    probe = ("import sys; from flowscan.api import scan, ScanOptions; "
             f"r = scan({str(root)!r}, ScanOptions(jobs=1, cache_dir=__import__('pathlib').Path({str(cache)!r}))); "
             "assert r.stats.reused; print('flowscan.servers' in sys.modules)")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.split()[-1] == "True"


def test_a_comment_in_a_file_seeded_by_a_sink_leaves_the_server_rules_unloaded(tmp_path: Path) -> None:
    root, cache = tmp_path / "app", tmp_path / "cache"
    root.mkdir()
    (root / "app.py").write_text(SINK_SEED)
    (root / "serve.py").write_text(WATCHED_SEED)
    scan(root, ScanOptions(cache_dir=cache))
    with (root / "app.py").open("a") as handle:
        handle.write("# reviewed\n")
    assert not _servers_loaded_by_a_reused_scan(root, cache)
    with (root / "serve.py").open("a") as handle:  # a seed only through a watched call: checked with them
        handle.write("# reviewed\n")
    assert _servers_loaded_by_a_reused_scan(root, cache)
