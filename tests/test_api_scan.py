"""``flowscan.api.scan`` as a whole: what the report says about the tree (files read,
analysed, skipped and why, parse errors and notes, contexts, policy), what the stats count,
where the policy comes from, budget notes, and reuse of a cached report."""

from __future__ import annotations

import gc
import pathlib
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, resolve_policy, scan
from flowscan.catalog import bundled_catalog
from flowscan.policy import PolicyError
from flowscan.python import resolve


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


APP = {
    "app/__init__.py": "",
    "app/main.py": "import requests\nfrom app.conf import URL\nrequests.get(URL)\n",
    "app/conf.py": 'URL = "https://api.eu.example.com"\n',
    "app/unrelated.py": "X = 1\n",
    "app/broken.py": "import requests\ndef oops(:\n",
    "compose.yaml": "services:\n  web:\n    image: web\n    environment:\n      A: b\n",
    "bad/compose.yaml": "services: [unclosed\n",
    "notes.txt": "hello\n",
}


def test_the_report_describes_the_tree(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", APP)
    result = scan(str(root), ScanOptions(jobs=1, cache_dir=None))
    report, coverage = result.report, result.report.coverage
    assert report.root == str(root) and report.contexts == ["default", "compose:web"]
    assert report.policy == {"source": "none", "allowed": [], "endpoints": [], "exempt": [], "exclude": [], "roles": {}}
    assert coverage.files_scanned == sorted(set(APP) - {"notes.txt"})  # a kind flowscan does not read
    # parsed: the seeds (they import a sink module) and what resolution reached; not unrelated.py
    assert coverage.files_analyzed == ["app/broken.py", "app/conf.py", "app/main.py", "bad/compose.yaml", "compose.yaml"]
    assert [s.path for s in coverage.files_skipped] == sorted(s.path for s in coverage.files_skipped)
    assert "notes.txt" not in [s.path for s in coverage.files_skipped]  # not a kind it reads: not listed
    assert "compose.yaml" not in [s.path for s in coverage.files_skipped]
    errors = {(e.path, e.line) for e in coverage.parse_errors}
    assert ("app/broken.py", 2) in errors and any(path == "bad/compose.yaml" for path, _ in errors)
    parse_findings = {(f.path, f.rule) for f in report.findings}
    assert {("app/broken.py", "scan/parse-error"), ("bad/compose.yaml", "scan/parse-error")} <= parse_findings
    assert [e.host for e in report.endpoints] == ["api.eu.example.com"]
    assert result.program is not None and "app/conf.py" in result.program.loaded
    assert result.graph is not None


def test_the_stats_count_what_the_scan_did(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", APP)
    stats = scan(root, ScanOptions(jobs=1, cache_dir=tmp_path / "cache")).stats
    assert (stats.files_read, stats.python_files) == (len(APP) - 1, 5)  # all but notes.txt
    assert stats.parsed == {"seed": 2, "import": 1}  # main.py and broken.py; conf.py when resolved
    assert (stats.cache_hits, stats.cache_misses, stats.workers, stats.reused) == (0, 3, 1, False)
    assert {"catalog", "read", "reuse", "prepass", "parse seeds", "configs", "resolve", "checks", "record"} <= set(stats.phases)
    again = scan(root, ScanOptions(jobs=1, cache_dir=tmp_path / "cache"))
    assert again.stats.reused and again.program is None
    assert [e.host for e in again.report.endpoints] == ["api.eu.example.com"]
    (root / "app" / "conf.py").write_text('URL = "https://api.us.example.com"\n')
    changed = scan(root, ScanOptions(jobs=1, cache_dir=tmp_path / "cache"))
    assert not changed.stats.reused and [e.host for e in changed.report.endpoints] == ["api.us.example.com"]


def test_without_reuse_or_cache_nothing_is_reused(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", APP)
    scan(root, ScanOptions(jobs=1, cache_dir=tmp_path / "cache"))
    assert not scan(root, ScanOptions(jobs=1, cache_dir=tmp_path / "cache", reuse=False)).stats.reused
    assert "reuse" not in scan(root, ScanOptions(jobs=1, cache_dir=None)).stats.phases


def test_a_file_that_cannot_be_read_is_skipped_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path / "t", {"a.py": "import requests\nrequests.get('https://a.example.com')\n", "b.py": "X = 1\n"})
    read_bytes = pathlib.Path.read_bytes

    def failing(self: Path) -> bytes:
        if self.name == "b.py":
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", failing)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(s.path, s.reason) for s in report.coverage.files_skipped] == [("b.py", "cannot read: Permission denied")]
    assert report.coverage.files_scanned == ["a.py"] and [e.host for e in report.endpoints] == ["a.example.com"]


def test_calls_over_the_evaluation_budget_are_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "STEP_BUDGET", 3)
    code = ('import requests\nA = "https://"\nB = A + "x"\nC = B + ".example"\nD = C + ".com"\n'
            'E = D + "/v1"\nrequests.get(E)\n')
    result = scan(_tree(tmp_path / "t", {"a.py": code}), ScanOptions(jobs=1, cache_dir=None))
    assert result.stats.budget_hits == 1
    assert result.report.coverage.notes == [
        "a.py:7: resolving this call hit the evaluation budget (3 steps) in context default; "
        "parts of its value are reported as unresolved"]
    assert result.stats.most_steps > 3 and result.stats.most_steps_at == "a.py:7"


def test_config_notes_are_reported_with_their_file(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    image: web\n    env_file: missing.env\n"
    report = scan(_tree(tmp_path / "t", {"compose.yaml": compose}), ScanOptions(jobs=1, cache_dir=None)).report
    assert all(note.startswith("compose.yaml: ") for note in report.coverage.notes)


def test_env_options_bind_the_default_context(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", {"a.py": "import os\nimport requests\nrequests.get(os.environ['URL'])\n"})
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, env={"URL": "https://bound.example.com"})).report
    assert [(e.context, e.host) for e in report.endpoints] == [("default", "bound.example.com")]


def test_a_tree_with_only_a_proxy_config_is_resolved(tmp_path: Path) -> None:
    config = "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o\n"
    report = scan(_tree(tmp_path / "t", {"proxy.yaml": config}), ScanOptions(jobs=1, cache_dir=None)).report
    assert [e.host for e in report.endpoints] == ["api.openai.com"]


def test_an_empty_tree(tmp_path: Path) -> None:
    result = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None))
    report = result.report
    assert (report.endpoints, report.findings, report.resources, report.contexts) == ([], [], [], ["default"])
    assert (report.coverage.files_scanned, report.coverage.files_analyzed) == ([], [])
    assert (result.stats.files_read, result.stats.python_files, result.stats.parsed) == (0, 0, {"seed": 0})


def test_the_garbage_collector_is_restored(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", {"a.py": "X = 1\n"})
    assert gc.isenabled()
    scan(root, ScanOptions(jobs=1, cache_dir=None))
    assert gc.isenabled()
    gc.disable()
    try:
        scan(root, ScanOptions(jobs=1, cache_dir=None))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_where_the_policy_comes_from(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", {"flowscan.yaml": "residency:\n  allowed: [eu]\n"})
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("residency:\n  allowed: [us]\n")
    catalog = bundled_catalog()
    found = resolve_policy(root, ScanOptions(allow=["CH"]), catalog)
    assert (found.source, found.allowed) == ("flowscan.yaml", ["eu", "CH"])
    given = resolve_policy(root, ScanOptions(policy_file=outside), catalog)
    assert (given.source, given.allowed) == (str(outside), ["us"])
    inside = resolve_policy(root, ScanOptions(policy_file=root / "flowscan.yaml"), catalog)
    assert inside.source == "flowscan.yaml"
    none = resolve_policy(tmp_path, ScanOptions(), catalog)
    assert (none.source, none.allowed) == ("none", [])
    (root / "flowscan.yaml").write_text("rules:\n  nope/nope: off\n")
    with pytest.raises(PolicyError, match="rules.nope/nope: unknown rule"):  # checked against the rule ids
        resolve_policy(root, ScanOptions(), catalog)


def test_the_catalog_given_is_the_one_used(tmp_path: Path) -> None:
    import dataclasses

    root = _tree(tmp_path / "t", {"a.py": "X = 1\n"})
    only_eu = dataclasses.replace(bundled_catalog(), groups={"eu": bundled_catalog().groups["eu"]})
    assert scan(root, ScanOptions(jobs=1, cache_dir=None, allow=["eea"])).report.policy["allowed"] == ["eea"]
    with pytest.raises(PolicyError, match=r"'eea' is not a region group \(eu\)"):
        scan(root, ScanOptions(jobs=1, cache_dir=None, allow=["eea"]), catalog=only_eu)


def test_skipped_entries_are_listed_by_path(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", {"z/node_modules/x.py": "X = 1\n", "a/.venv/y.py": "Y = 1\n", "m.py": "Z = 1\n",
                                  "flowscan.yaml": "paths:\n  exclude: [m.py]\n"})
    skipped = scan(root, ScanOptions(jobs=1, cache_dir=None)).report.coverage.files_skipped
    assert [(s.path, s.reason) for s in skipped] == [
        ("a/.venv/", "tool or dependency folder"),  # flowscan.yaml is the policy: read, not skipped
        ("m.py", "excluded by paths.exclude"), ("z/node_modules/", "tool or dependency folder")]


def test_env_options_reach_proxy_configs(tmp_path: Path) -> None:
    config = ("model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o\n"
              "      api_base: os.environ/BASE_URL\n")
    root = _tree(tmp_path / "t", {"proxy.yaml": config})
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, env={"BASE_URL": "https://proxy.eu.example.com/v1"})).report
    assert [e.host for e in report.endpoints] == ["proxy.eu.example.com"]


def test_budget_notes_of_every_context_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "STEP_BUDGET", 30)
    lines = ["import os", "import requests", 'A0 = os.getenv("BASE", "https://b.example.com")']
    lines += [f'A{i} = A{i - 1} + ""' for i in range(1, 30)]
    root = _tree(tmp_path / "t", {
        "a.py": "\n".join([*lines, "requests.get(A29)"]) + "\n",
        "compose.yaml": "services:\n  web:\n    image: web\n    environment:\n      BASE: https://ctx.example.com\n",
    })
    notes = scan(root, ScanOptions(jobs=1, cache_dir=None)).report.coverage.notes
    budget = [note for note in notes if " in context " in note]  # beside the note that web's image is not built here
    assert [note.split(" in context ")[1].split(";")[0] for note in budget] == ["compose:web", "default"]


def test_contexts_follow_re_exported_clients_too(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", {
        "app/__init__.py": "", "app/net.py": "import requests as http\n",
        "app/main.py": 'import os\nfrom app.net import http\nhttp.get(os.getenv("API", "https://default.example.com"))\n',
        "compose.yaml": "services:\n  web:\n    image: web\n    environment:\n      API: https://ctx.example.com\n",
    })
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    assert sorted((e.context, e.host) for e in report.endpoints) == [
        ("compose:web", "ctx.example.com"), ("default", "default.example.com")]
