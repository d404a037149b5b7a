"""Files honoured like git (issue 11): .gitignore files at every level and .git/info/exclude
keep a local .env or a stale build/ out of the results; --no-ignore reads them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.cli import main

US_CALL = "import requests\nrequests.get(\"https://api.openai.com/v1/models\")\n"


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    files = {
        ".gitignore": "build/\n.env.local\n/src/app/notes_*.py\n",
        ".git/info/exclude": "scratch.py\n",
        "flowscan.yaml": "residency:\n  allowed: [eu]\n",
        "src/app/main.py": "import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=os.environ.get('OPENAI_BASE_URL'))\n",
        "src/app/notes_me.py": US_CALL,
        "src/app/gen/.gitignore": "*.py\n!keep.py\n",
        "src/app/gen/stale.py": US_CALL,
        "src/app/gen/keep.py": US_CALL,
        "build/lib/app.py": US_CALL,
        "scratch.py": US_CALL,
        ".env.local": "OPENAI_BASE_URL=https://my-proxy.us.example.com/v1\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_files_git_ignores_are_skipped_with_the_reason(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    # main.py: OPENAI_BASE_URL is set nowhere the scan reads (.env.local is ignored), so base_url is
    # None and the SDK goes to its default, api.openai.com
    assert sorted(f.path for f in report.findings if f.rule == "residency/region-not-allowed") == [
        "src/app/gen/keep.py", "src/app/main.py"]
    ignored = sorted(s.path for s in report.coverage.files_skipped if s.reason == "ignored by .gitignore")
    assert ignored == [".env.local", "build/", "scratch.py", "src/app/gen/stale.py", "src/app/notes_me.py"]
    assert all(e.host != "my-proxy.us.example.com" for e in report.endpoints)  # the local .env changes nothing


def test_a_subfolder_scan_applies_the_repository_root_gitignore(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    report = scan(root / "src" / "app", ScanOptions(jobs=1, cache_dir=None)).report
    assert "notes_me.py" in {s.path for s in report.coverage.files_skipped if s.reason == "ignored by .gitignore"}
    assert [f.path for f in report.findings if f.rule == "residency/region-not-allowed"] == ["gen/keep.py", "main.py"]


def test_no_ignore_reads_everything_but_paths_exclude(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\npaths:\n  exclude: [build/]\n")
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, gitignore=False)).report
    assert sorted(f.path for f in report.findings if f.rule == "residency/region-not-allowed") == [
        "scratch.py", "src/app/gen/keep.py", "src/app/gen/stale.py", "src/app/notes_me.py"]
    assert ("build/", "excluded by paths.exclude") in [(s.path, s.reason) for s in report.coverage.files_skipped]
    assert any(e.host == "my-proxy.us.example.com" for e in report.endpoints)
    cli = CliRunner().invoke(main, ["scan", str(root), "--no-ignore", "--no-cache", "--format", "json"])
    assert cli.exit_code == 1 and "notes_me.py" in cli.output


def test_a_scan_root_git_ignores_is_scanned_as_asked(tmp_path: Path) -> None:
    """`flowscan scan build/lib` asks for an ignored folder by name: skipping every file in it
    would turn its violation into exit 0. Its own .gitignore still counts; the note says why."""
    root = _repo(tmp_path)
    (root / "build" / "lib" / ".gitignore").write_text("generated_*.py\n")
    (root / "build" / "lib" / "generated_client.py").write_text(US_CALL)
    report = scan(root / "build" / "lib", ScanOptions(jobs=1, cache_dir=None)).report
    assert [f.path for f in report.findings if f.rule == "residency/region-not-allowed"] == ["app.py"]
    assert [s.path for s in report.coverage.files_skipped if s.reason == "ignored by .gitignore"] == ["generated_client.py"]
    assert any("itself ignored by git" in note for note in report.coverage.notes)
    cli = CliRunner().invoke(main, ["scan", str(root / "build" / "lib"), "--no-cache"])
    assert cli.exit_code == 1


def test_a_scan_root_inside_an_ignored_folder_is_scanned_too(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    report = scan(root / "build", ScanOptions(jobs=1, cache_dir=None)).report
    assert [f.path for f in report.findings if f.rule == "residency/region-not-allowed"] == ["lib/app.py"]
    assert not any("itself ignored" in note for note in scan(root / "src", ScanOptions(jobs=1, cache_dir=None)).report.coverage.notes)
