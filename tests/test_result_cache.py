"""The result cache reuses a report only when nothing it depended on changed.

Each test scans a copy of a fixture twice with one cache folder and compares the second
scan, reused or not, with a cold scan of the same tree: reuse must never change a report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.report.json_report import render_json

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "python-eu-app"
LLM = "src/shopbot/clients/llm.py"
SETTINGS = "src/shopbot/core/settings.py"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(FIXTURE, root)
    return root


def _warm(root: Path, cache: Path):
    return scan(root, ScanOptions(cache_dir=cache))


def _cold_json(root: Path) -> str:
    return render_json(scan(root, ScanOptions(cache_dir=None)).report)


def _hosts(result) -> set[str]:
    return {e.host for e in result.report.endpoints if e.host}


def test_unchanged_tree_reuses_the_report(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    again = _warm(root, cache)
    assert not first.stats.reused and again.stats.reused
    assert render_json(again.report) == render_json(first.report) == _cold_json(root)


def test_a_comment_appended_to_an_analysed_file_reuses_the_report(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    assert SETTINGS in first.report.coverage.files_analyzed
    with (root / SETTINGS).open("a") as handle:
        handle.write("# reviewed\n")
    again = _warm(root, cache)
    assert again.stats.reused
    assert render_json(again.report) == _cold_json(root)


def test_a_comment_in_a_file_with_findings_reuses_the_report(tmp_path: Path) -> None:
    """llm.py holds findings and builds an OpenAI client (the fallback check reads its call
    sites' try guards, which are facts): a comment away from the quoted lines changes nothing."""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    assert any(f.path == LLM for f in first.report.findings)
    with (root / LLM).open("a") as handle:
        handle.write("# reviewed\n")
    again = _warm(root, cache)
    assert again.stats.reused
    assert render_json(again.report) == _cold_json(root)


def test_a_guarded_call_is_scanned_again(tmp_path: Path) -> None:
    """A call inside try/except is a new call site with guards: a new scan. (An empty try adds
    no call site: nothing the scan reads changes.)"""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _warm(root, cache)
    text = (root / LLM).read_text()
    (root / LLM).write_text(text + "\ntry:\n    pass\nexcept Exception:\n    pass\n")
    assert _warm(root, cache).stats.reused
    (root / LLM).write_text(text + '\ntry:\n    local.chat.completions.create(model="m")\nexcept Exception:\n    pass\n')
    again = _warm(root, cache)
    assert not again.stats.reused
    assert render_json(again.report) == _cold_json(root)


def test_a_code_change_is_scanned_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _warm(root, cache)
    with (root / LLM).open("a") as handle:
        handle.write('\nextra = OpenAI(base_url="https://api.mistral.ai/v1")\n')
    again = _warm(root, cache)
    assert not again.stats.reused
    assert "api.mistral.ai" in _hosts(again)
    assert render_json(again.report) == _cold_json(root)


def test_a_settings_default_change_is_scanned_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    text = (root / SETTINGS).read_text()
    assert "eu-central-1" in text
    (root / SETTINGS).write_text(text.replace("eu-central-1", "ap-southeast-2"))
    again = _warm(root, cache)
    assert not again.stats.reused
    assert _hosts(again) != _hosts(first)
    assert render_json(again.report) == _cold_json(root)


def test_a_new_config_file_is_scanned_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    (root / ".env").write_text("SHOPBOT_BEDROCK_REGION=us-west-2\n")
    again = _warm(root, cache)
    assert not again.stats.reused
    assert "bedrock-runtime.us-west-2.amazonaws.com" in _hosts(again) - _hosts(first)


def test_a_changed_line_that_a_finding_quotes_is_scanned_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    finding = next(f for f in first.report.findings if f.path == LLM)
    lines = (root / LLM).read_text().splitlines(keepends=True)
    lines[finding.line - 1] = lines[finding.line - 1].rstrip("\n") + "  # changed\n"
    (root / LLM).write_text("".join(lines))
    again = _warm(root, cache)
    assert not again.stats.reused
    assert render_json(again.report) == _cold_json(root)


def test_a_policy_change_is_scanned_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    again = scan(root, ScanOptions(cache_dir=cache, allow=["us"]))
    assert not again.stats.reused
    assert len(again.report.findings) != len(first.report.findings)


def test_a_rescan_summarises_only_the_changed_files_and_seeds_them_again(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path), tmp_path / "cache"
    first = _warm(root, cache)
    assert first.stats.prepass_recorded == 0
    helper = root / "src/shopbot/helpers.py"  # not a seed, then one: it now imports an SDK
    helper.write_text("import os\n")
    _warm(root, cache)
    helper.write_text('import requests\n\nrequests.get("https://api.mistral.ai/v1/models")\n')
    again = _warm(root, cache)
    assert not again.stats.reused
    assert again.stats.prepass_recorded == again.stats.python_files - 1
    assert "api.mistral.ai" in _hosts(again)
    assert render_json(again.report) == _cold_json(root)


def test_an_added_python_file_summarises_every_file_again(tmp_path: Path) -> None:
    """Whether a file is a seed depends on which packages the tree holds."""
    root, cache = _tree(tmp_path), tmp_path / "cache"
    _warm(root, cache)
    (root / "src/shopbot/extra.py").write_text('import requests\n\nrequests.get("https://api.groq.com/x")\n')
    again = _warm(root, cache)
    assert again.stats.prepass_recorded == 0
    assert render_json(again.report) == _cold_json(root)
