"""Hostile and broken input, one threat at a time: nesting no parser may see, expressions too
long to recurse over, files too dense to read, a bug contained to the file it happened in,
and a malformed document that costs only itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan import budget, configs, limits
from flowscan.api import ScanOptions, scan
from flowscan.cli import main
from flowscan.extract.dockerfile import MAX_INSTRUCTION_CHARS, extract_dockerfile
from flowscan.extract.kubernetes import extract_kubernetes
from flowscan.python import deep, flows
from flowscan.python import extract as px
from flowscan.python.facts import Concat


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            (root / name).write_bytes(content)
        else:
            (root / name).write_text(content)
    return root


def _scan(root: Path):
    return scan(root, ScanOptions(cache_dir=None, jobs=1)).report


# -- nesting and long expressions ---------------------------------------------------------------

def test_nesting_too_deep_for_libcst_never_reaches_it() -> None:
    """A syntax error sends a file to libcst, which would kill the process on 2,000 nested
    parentheses or a 5,000-term chain (a crash here fails the whole test run)."""
    parens = px.extract_python("bad.py", b"def f(:\n    pass\n" + b"(" * 2000 + b")" * 2000 + b"\n")
    assert parens.parse_error == (3, "SyntaxError: too many nested parentheses")  # CPython's tokenizer says so first
    chain = px.extract_python("bad.py", b"def f(:\n    pass\ny = " + b" + ".join([b"a"] * 6000) + b"\n")
    assert chain.parse_error == (1, "SyntaxError: invalid syntax (not read further: an expression of more than "
                                    "1,000 operators)")
    assert deep.too_deep_for_reference("x = " + "(" * 201 + ")" * 201) == (1, "brackets nested more than 200 deep")
    assert deep.too_deep_for_reference("x = " + "(" * 200 + ")" * 200) is None
    assert deep.too_deep_for_reference("x = f(a, b)\n" * 2000) is None  # many lines, each shallow


def test_a_deep_statement_is_skipped_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"app.py": "import requests\nx = " + "(" * 2000 + "1" + ")" * 2000
                            + "\nrequests.get('https://api.openai.com/v1/models')\n"})
    report = _scan(root)
    assert [(e.host, e.locations[0].line) for e in report.endpoints] == [("api.openai.com", 3)]
    (error,) = report.coverage.parse_errors
    assert (error.path, error.line) == ("app.py", 2) and "too many nested parentheses" in error.message
    assert "the rest of the file is" in error.message


def test_long_concatenations_keep_the_endpoint(tmp_path: Path) -> None:
    """1,000 terms are one flat Concat (no recursion per term) and resolve; 20,000 terms are
    more than ``ast`` builds, so that statement alone is skipped, named."""
    thousand = "import requests\nBASE = 'https://api.openai.com' + " + " + ".join(["''"] * 1000) \
        + "\nrequests.get(BASE + '/v1/x')\n"
    facts = px.extract_python("a.py", thousand.encode())
    (base,) = facts.scope.assigns["BASE"]
    assert isinstance(base.value, Concat) and len(base.value.parts) == 1001
    twenty = "import requests\nURL = (" + " +\n".join(["'a'"] * 20000) + ")\nrequests.get('https://api.mistral.ai/v1')\n"
    one_line = "import requests\nURL = " + " + ".join(["'a'"] * 20000) + "\nrequests.get('https://api.mistral.ai/v1')\n"
    report = _scan(_tree(tmp_path, {"a.py": thousand, "b.py": twenty, "c.py": one_line}))
    assert sorted((e.host, e.locations[0].path) for e in report.endpoints) == [("api.mistral.ai", "b.py"),
                                                                              ("api.openai.com", "a.py")]
    assert [(e.path, e.line) for e in report.coverage.parse_errors] == [("b.py", 2)]
    assert [(s.path, "minified" in s.reason) for s in report.coverage.files_skipped] == [("c.py", True)]


def test_top_level_statements_keep_decorators_and_clauses_together() -> None:
    text = "import a\n@d\ndef f():\n    pass\ntry:\n    x = 1\nexcept E:\n    y = (\n 2)\nz = 3\n"
    assert deep.top_level_statements(text) == [(1, 1), (2, 4), (5, 9), (10, 10)]


# -- files too costly to read --------------------------------------------------------------------

def test_minified_and_oversized_files_are_skipped_by_rule(tmp_path: Path) -> None:
    long_line = "import requests\nDATA = [" + ", ".join(f"'item{i}'" for i in range(6000)) + "]\n"
    root = _tree(tmp_path, {
        "data.py": long_line,
        "Dockerfile": "FROM python:3.11\nENV BIG=" + "a" * 60_000 + "\n",
        "main.tf": 'locals {\n' + "".join(f'  k{i} = "v{i}"\n' for i in range(20_000)) + "}\n",
        "ok.py": "import requests\nrequests.get('https://api.openai.com/v1')\n",
    })
    report = _scan(root)
    reasons = {s.path: s.reason for s in report.coverage.files_skipped}
    assert "minified or generated" in reasons["data.py"] and "minified or generated" in reasons["Dockerfile"]
    assert reasons["main.tf"].startswith("terraform file larger than 256 KB")
    assert [e.host for e in report.endpoints] == ["api.openai.com"]
    assert limits.skip_reason("python", b"x = 1\n" * 100_000) is None  # big, but every line short


def test_a_long_dockerfile_instruction_is_named_not_split_or_echoed() -> None:
    secret = "s3cr3t-" + "x" * MAX_INSTRUCTION_CHARS
    facts = extract_dockerfile("Dockerfile", f"FROM python\nENV A=1 \\\n  BIG={secret}\nENV A=1 {secret[:40]}\n".encode())
    assert any("ENV instruction of" in note and "not read" in note for note in facts.notes)
    assert not any("s3cr3t" in note for note in facts.notes)
    assert any("an ENV word has no '='" in note for note in facts.notes)  # the word itself is not echoed


def test_the_file_budget_interrupts_python_code() -> None:
    with pytest.raises(budget.BudgetExceeded, match="per-file budget"):
        with budget.file_budget(0.05):
            while True:
                pass


def test_a_config_over_budget_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def endless(*args):
        raise budget.BudgetExceeded(20)

    monkeypatch.setattr(configs, "_extract_one", endless)
    report = _scan(_tree(tmp_path, {".env": "A=1\n"}))
    assert [(s.path, "per-file budget" in s.reason) for s in report.coverage.files_skipped] == [(".env", True)]


# -- containment -----------------------------------------------------------------------------------

APP = {
    "app.py": "import requests\nrequests.get('https://api.openai.com/v1')\n",
    ".env": "OPENAI_API_KEY=sk-test\n",
}


def _internal(report) -> list[tuple[str, str]]:
    return [(f.path, f.message) for f in report.findings if f.rule == "scan/internal-error"]


def test_a_crash_in_a_config_extractor_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path, data):
        raise KeyError("boom")

    monkeypatch.setattr("flowscan.extract.dotenv.extract_dotenv", broken)
    report = _scan(_tree(tmp_path, APP))
    assert [e.host for e in report.endpoints] == ["api.openai.com"]  # the rest of the report survives
    ((path, message),) = _internal(report)
    assert path == ".env" and "internal error (KeyError)" in message
    assert any(".env:1: internal error (KeyError)" in note for note in report.coverage.notes)
    assert {f.severity for f in report.findings if f.rule == "scan/internal-error"} == {"error"}


def test_a_crash_in_python_extraction_or_resolution_is_contained(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path, APP)

    def broken_extract(path, data):
        raise TypeError("bug")

    monkeypatch.setattr(px, "extract_python", broken_extract)
    (internal,) = _internal(_scan(root))
    assert internal[0] == "app.py" and "internal error (TypeError)" in internal[1]
    monkeypatch.undo()

    def broken_site(*args):
        raise IndexError("bug")

    monkeypatch.setattr(flows, "_site_hits", broken_site)
    report = _scan(root)
    assert report.endpoints == []
    assert [(p, "(IndexError) while resolving this call" in m) for p, m in _internal(report)] == [("app.py", True)]


def test_an_internal_error_fails_the_cli_at_every_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that loses a file's endpoints must never let the scan pass."""
    def broken(path, data):
        raise KeyError("boom")

    monkeypatch.setattr("flowscan.extract.dotenv.extract_dotenv", broken)
    root = _tree(tmp_path, {".env": "A=1\n"})
    for level in ("error", "warning", "note"):
        result = CliRunner().invoke(main, ["scan", str(root), "--no-cache", "--fail-on", level])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "scan/internal-error" in result.output


def test_a_crashing_check_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flowscan.checks.coverage import ParseErrors

    def broken(self, facts, out):
        raise ZeroDivisionError

    monkeypatch.setattr(ParseErrors, "run", broken)
    report = _scan(_tree(tmp_path, {"bad.py": "import requests\ndef f(:\n"}))
    assert [(p, "ZeroDivisionError" in m and "ParseErrors" in m) for p, m in _internal(report)] == [(".", True)]


def test_an_unlistable_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path, {"app.py": "x = 1\n", "locked/secret.py": "y = 2\n"})
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = _scan(root)
    assert [(s.path, s.reason) for s in report.coverage.files_skipped] == [("locked/", "cannot list: Permission denied")]


def test_a_garbage_document_costs_only_itself() -> None:
    data = (b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
            b"      containers:\n        - name: web\n          image: web:1\n          env:\n"
            b"            - name: OPENAI_BASE_URL\n              value: https://api.openai.com/v1\n"
            b"---\nkind: [garbage: unclosed\n  - : :\n")
    facts = extract_kubernetes("deploy.yaml", data)
    assert facts.parse_error is not None and facts.parse_error[0] == 15
    assert "flow sequence" in facts.parse_error[1]
    assert [(s.key, s.value) for source in facts.sources for s in source.bindings] == [
        ("OPENAI_BASE_URL", "https://api.openai.com/v1")]


def test_a_bug_outside_the_contained_parts_exits_2_without_a_traceback(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("flowscan.api._resolve", broken)
    root = _tree(tmp_path, APP)
    result = CliRunner().invoke(main, ["scan", str(root), "--no-cache"])
    assert result.exit_code == 2
    assert "internal error (RuntimeError)" in result.output and "Traceback" not in result.output


def test_a_lone_surrogate_in_the_facts_is_cached_and_read_back(tmp_path) -> None:
    from flowscan.cachecodec import dumps, loads
    from flowscan.model import Step

    step = Step("a.py", 1, "bad byte \udcff here")
    assert loads(dumps(step, "v1"), Step, "v1") == step
