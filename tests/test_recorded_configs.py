"""Config facts kept for the next scan of the same configs (``flowscan.recorded_configs``): read
back as extracted, taken only for the same config bytes, never holding a secret in clear."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.cachecodec import from_json, to_json
from flowscan.configfacts import ConfigFacts
from flowscan.configs import extract_configs
from flowscan.discover import walk
from flowscan.recorded_configs import configs_file, load_configs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PYTHON_EDIT = '\n\nimport requests\n\n\ndef ping():\n    return requests.get("https://api.example-us.com/v1")\n'


def _config_facts(root: Path) -> list[ConfigFacts]:
    files = [f for f in walk(root, lambda rel, is_dir: False).files if f.kind != "python"]
    facts, _ = extract_configs(root, files, {f.path: (root / f.path).read_bytes() for f in files})
    return facts


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_every_fixture_s_config_facts_read_back_equal(fixture: str) -> None:
    facts = _config_facts(FIXTURES / fixture)
    back = from_json(json.loads(json.dumps(to_json(facts))), list[ConfigFacts])
    assert back == facts  # a field holding another type than its annotation would differ here


def _report(result) -> list[str]:
    report = result.report
    return [json.dumps(dataclasses.asdict(x), sort_keys=True, default=str)
            for x in [*report.endpoints, *report.findings, *report.resources]]


def _first_python_file(root: Path) -> Path:
    return sorted(p for p in root.rglob("*.py") if p.name != "__init__.py")[0]


@pytest.mark.parametrize("fixture", ["mixed-deploy-app", "llm-stack-chart", "terraform-modules-app", "sam-nested-app"])
def test_a_python_edit_takes_the_recorded_configs_and_reports_what_a_fresh_scan_does(tmp_path: Path,
                                                                                     fixture: str) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    first = scan(root, ScanOptions(cache_dir=tmp_path / "cache"))
    assert not first.stats.configs_recorded
    with _first_python_file(root).open("a") as handle:
        handle.write(PYTHON_EDIT)
    again = scan(root, ScanOptions(cache_dir=tmp_path / "cache"))
    fresh = scan(root, ScanOptions(cache_dir=None))
    assert again.stats.configs_recorded
    assert _report(again) == _report(fresh)
    assert again.report.coverage.files_skipped == fresh.report.coverage.files_skipped


def test_a_config_edit_extracts_the_configs_again(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "mixed-deploy-app", root)
    scan(root, ScanOptions(cache_dir=tmp_path / "cache"))
    compose = next(root.rglob("docker-compose*.y*ml"))
    compose.write_text(compose.read_text() + "\n# scaled\n")
    with _first_python_file(root).open("a") as handle:
        handle.write(PYTHON_EDIT)
    again = scan(root, ScanOptions(cache_dir=tmp_path / "cache"))
    assert not again.stats.configs_recorded
    assert _report(again) == _report(scan(root, ScanOptions(cache_dir=None)))


@pytest.mark.parametrize("name, text", [
    (".env", "API_URL=https://api.example.eu/v1\nOPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"),
    ("Dockerfile", "FROM python:3.11\nENV TOKEN=plain-words-no-pattern-knows\n"),  # a secret by its name only
    (".env", "API_URL=https://user:hunter2secret@api.example.eu/v1\n"),
])
def test_configs_holding_a_secret_are_not_kept(tmp_path: Path, name: str, text: str) -> None:
    root = tmp_path / "app"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text('import os\nimport requests\n\nrequests.get(os.environ["API_URL"])\n')
    (root / name).write_text(text)
    cache = tmp_path / "cache"
    scan(root, ScanOptions(cache_dir=cache))
    kept = list((cache / "results").glob("*.configs.json"))
    assert kept == []
    (root / name).unlink()
    (root / ".env").write_text("API_URL=https://api.example.eu/v1\n")
    scan(root, ScanOptions(cache_dir=cache))
    (kept,) = (cache / "results").glob("*.configs.json")
    assert b"api.example.eu" in kept.read_bytes()


def test_configs_of_another_tree_or_unreadable_are_not_read(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "mixed-deploy-app", root)
    cache = tmp_path / "cache"
    scan(root, ScanOptions(cache_dir=cache))
    (kept,) = (cache / "results").glob("*.configs.json")
    key = kept.name[: -len(".configs.json")]
    tree = json.loads(kept.read_bytes())["tree"]
    assert load_configs(cache / "results", key, tree) is not None
    assert load_configs(cache / "results", key, "another tree") is None
    data = json.loads(kept.read_bytes())
    data["facts"][0][0] = "Workload"  # not a ConfigFacts
    configs_file(cache / "results", key).write_text(json.dumps(data))
    assert load_configs(cache / "results", key, tree) is None
    configs_file(cache / "results", key).write_text("{")
    assert load_configs(cache / "results", key, tree) is None


def test_a_secret_named_key_with_no_value_does_not_stop_keeping(tmp_path: Path) -> None:
    from flowscan.configfacts import ConfigFacts
    from flowscan.recorded_configs import _holds_secret

    unset = ConfigFacts(path="proxy.yaml", kind="yaml", notes=[])
    assert not _holds_secret([unset, {"REDIS_PASSWORD": (None, 27)}])  # declared, no value: nothing to hide
    assert _holds_secret([{"REDIS_PASSWORD": ("hunter2-value", 27)}])
