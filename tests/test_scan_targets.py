"""`flowscan scan` with several folders or files: one program rooted at their common folder,
reading only what was asked for."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from flowscan.cli import main
from flowscan.targets import outside, targets_of

POLICY = "residency:\n  allowed: [eu]\n"


def _app(root: Path) -> Path:
    """A small service: a package whose client reads a constant from a sibling module, a
    worker that calls a US host, and a policy at the top, in a git repository (report paths are
    then relative to its root)."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "flowscan.yaml").write_text(POLICY)
    pkg = root / "src" / "shop"
    (pkg / "core").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "hosts.py").write_text('PAYMENTS = "https://api.eu.payments.example"\n')
    (pkg / "client.py").write_text(
        "import requests\n"
        "from shop.core.hosts import PAYMENTS\n\n"
        "def pay(order):\n"
        "    return requests.post(PAYMENTS + '/v1/charges', json=order)\n")
    (root / "worker").mkdir()
    (root / "worker" / "export.py").write_text(
        "import requests\n\n"
        "def export(rows):\n"
        "    return requests.post('https://api.openai.com/v1/files', json=rows)\n")
    return root


def _scan_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json", "--no-cache", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _hosts(report: dict) -> set[str]:
    return {e["host"] for e in report["endpoints"]}


def test_two_files_in_a_package_keep_their_module_names(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    monkeypatch.chdir(app)
    report = _scan_json("src/shop/client.py", "src/shop/core/hosts.py")
    # the constant crosses modules: only possible when client.py is still `shop.client`
    assert _hosts(report) == {"api.eu.payments.example"}
    assert report["coverage"]["files_scanned"] == [
        "src/shop/__init__.py", "src/shop/client.py", "src/shop/core/__init__.py", "src/shop/core/hosts.py"]


def test_files_outside_the_paths_are_neither_read_nor_listed_as_skipped(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    monkeypatch.chdir(app)
    report = _scan_json("worker")
    assert _hosts(report) == {"api.openai.com"}
    assert report["coverage"]["files_scanned"] == ["worker/export.py"]
    assert not any(s["path"].startswith("src") for s in report["coverage"]["files_skipped"])


def test_several_folders_are_one_scan_under_the_policy_above_them(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    monkeypatch.chdir(app)
    both = CliRunner().invoke(main, ["scan", "src", "worker", "--format", "text", "--no-cache"])
    assert both.exit_code == 1  # the worker's OpenAI host (US) is outside the policy's eu
    assert "worker/export.py:4:" in both.output and "residency/region-not-allowed" in both.output
    assert _hosts(_scan_json("src", "worker")) == _hosts(_scan_json(".")) == {
        "api.eu.payments.example", "api.openai.com"}


def test_one_folder_is_scanned_as_before_and_a_file_is_accepted(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    monkeypatch.chdir(app)
    assert targets_of([Path("src")]).root == Path("src") and targets_of([Path("src")]).only == ()
    assert targets_of([]).root == Path(".")
    single = targets_of([Path("worker/export.py")])
    assert (single.root, single.only) == (Path("worker"), ("export.py",))
    assert targets_of([Path("."), Path("worker")]).only == ()  # the root itself: everything


def test_outside_keeps_targets_their_folders_and_package_markers() -> None:
    only = ("shop/client.py", "tools")
    assert not outside(only, "shop", True)  # the way down to a target
    assert not outside(only, "shop/client.py", False)
    assert not outside(only, "shop/__init__.py", False)  # says `shop` is a package
    assert not outside(only, "tools/deep/x.py", False)
    assert outside(only, "shop/other.py", False)
    assert outside(only, "shop/core", True)
    assert outside(only, "shop/core/__init__.py", False)  # not on the way to any target
    assert outside(only, "toolsx/a.py", False)
    assert not outside((), "anything.py", False)


def test_report_and_graph_take_several_paths_too(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    monkeypatch.chdir(app)
    csv_rows = CliRunner().invoke(main, ["report", "worker", "src/shop/client.py", "src/shop/core", "--format", "csv"])
    assert csv_rows.exit_code == 0, csv_rows.output
    assert "api.openai.com" in csv_rows.output and "api.eu.payments.example" in csv_rows.output
    graph = CliRunner().invoke(main, ["graph", "worker", "--format", "json"])
    nodes = {n["id"] for n in json.loads(graph.output)["nodes"]}
    assert any("worker/export.py" in n for n in nodes) and not any("src/shop" in n for n in nodes)


def test_a_file_of_no_kind_flowscan_reads_is_said_and_folders_outside_are_not_listed(tmp_path, monkeypatch) -> None:
    app = _app(tmp_path)
    (app / "node_modules").mkdir()  # a dependency folder outside the paths asked for
    (app / "README.md").write_text("# shop\n")
    monkeypatch.chdir(app)
    result = CliRunner().invoke(main, ["scan", "README.md", "worker", "--format", "json", "--no-cache"])
    assert "README.md is not a kind of file flowscan reads" in result.stderr
    assert json.loads(result.stdout)["coverage"]["files_skipped"] == []
