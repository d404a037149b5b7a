"""Paths relative to the repository root in every output: a scan of a subfolder, from any
working folder, names files as a scan of the root does, with the same fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.cli import main
from flowscan.repopaths import PathBase, path_base

LLM = 'from openai import OpenAI\n\nclient = OpenAI()\nreply = client.chat.completions.create(model="gpt-4o", messages=[])\n'


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src" / "app").mkdir(parents=True)
    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")
    (root / "src" / "app" / "llm.py").write_text(LLM)
    (root / "src" / "app" / ".env").write_text("OPENAI_BASE_URL=https://api.openai.com/v1\n")
    (root / "src" / "app" / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(tmp_path / "cache"))
    return root


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def _json(path: Path) -> dict:
    return json.loads(_run("scan", str(path), "--format", "json"))


def test_a_subfolder_scan_names_files_from_the_repository_root(repo: Path) -> None:
    sub, top = _json(repo / "src" / "app"), _json(repo)
    assert {f["path"] for f in sub["findings"]} >= {"src/app/llm.py", "src/app/broken.tf"}
    assert sorted((f["rule"], f["path"], f["line"], f["fingerprint"]) for f in sub["findings"]) == \
        sorted((f["rule"], f["path"], f["line"], f["fingerprint"]) for f in top["findings"])
    assert sub["coverage"]["files_scanned"] == ["src/app/.env", "src/app/broken.tf", "src/app/llm.py"]
    assert sub["coverage"]["parse_errors"][0]["path"] == "src/app/broken.tf"
    assert "dotenv:src/app/.env" in sub["contexts"]  # a context named by its file
    steps = {s["path"] for e in sub["endpoints"] for s in e["provenance"]}
    assert steps == {"src/app/llm.py", "src/app/.env"}
    assert sub["policy"]["source"] == "flowscan.yaml"  # the root policy, named from the root


def test_endpoint_ids_match_between_a_subfolder_and_a_root_scan(repo: Path) -> None:
    sub, top = _json(repo / "src" / "app"), _json(repo)
    ids = {(e["context"], e["host"]): e["id"] for e in top["endpoints"]}
    assert ("dotenv:src/app/.env", "api.openai.com") in ids  # a context named by its file
    assert {(e["context"], e["host"]): e["id"] for e in sub["endpoints"]} == ids
    again = _json(repo / "src" / "app")  # the reused report is rebased the same way
    assert {e["id"] for e in again["endpoints"]} == set(ids.values())
    graph = json.loads(_run("graph", str(repo / "src" / "app"), "--format", "json"))
    assert {n["id"] for n in graph["nodes"] if n["id"].startswith("endpoint:")} == \
        {f"endpoint:{i}" for i in ids.values()}


def test_free_text_naming_a_file_is_rebased(repo: Path) -> None:
    sub = _json(repo / "src" / "app")
    parse = next(f for f in sub["findings"] if f["rule"] == "scan/parse-error")
    assert parse["message"].startswith("could not parse src/app/broken.tf:")


def test_text_sarif_and_console_use_the_same_paths(repo: Path) -> None:
    text = _run("scan", str(repo / "src" / "app"), "--format", "text")
    assert text.startswith("src/app/broken.tf:") and "\nsrc/app/llm.py:3:" in text
    sarif = json.loads(_run("scan", str(repo / "src" / "app"), "--format", "sarif"))
    run = sarif["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris >= {"src/app/llm.py", "src/app/broken.tf"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    console = _run("scan", str(repo / "src" / "app"))
    assert "src/app/llm.py:3" in console and "(scanned: src/app/)" in console


def test_a_root_baseline_hides_the_same_findings_in_a_subfolder_scan(repo: Path) -> None:
    _run("baseline", str(repo))
    result = CliRunner().invoke(main, ["scan", str(repo / "src" / "app"), "--baseline",
                                       str(repo / ".flowscan-baseline.json"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


def test_the_api_keeps_scan_root_paths_unless_asked(repo: Path) -> None:
    plain = scan(repo / "src" / "app", ScanOptions(cache_dir=None))
    assert "llm.py" in {f.path for f in plain.report.findings}
    based = scan(repo / "src" / "app", ScanOptions(cache_dir=None, repository_paths=True))
    assert "src/app/llm.py" in {f.path for f in based.report.findings}
    assert based.report.root == str(repo.resolve()) and based.report.scope == "src/app"


def test_path_base_outside_a_repository_is_the_scan_root(tmp_path: Path) -> None:
    base = path_base(tmp_path)
    assert base.identity and base.top == tmp_path
    inside = PathBase(tmp_path, "src/app/", frozenset({"x.py", ".env"}))
    assert inside.path("x.py") == "src/app/x.py" and inside.path(".") == "src/app"
    assert inside.text("dotenv:.env and x.py:3, not x.pyc") == "dotenv:src/app/.env and src/app/x.py:3, not x.pyc"
    assert inside.text("dotenv:.env|api.openai.com|us") == "dotenv:src/app/.env|api.openai.com|us"  # a fingerprint key
