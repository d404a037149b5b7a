"""A lone module (in no package) that imports its own name means the installed package of that
name: an application's profile or plugin file ``profiles/e2b.py`` doing ``import e2b`` calls the
E2B SDK, not itself (open-interpreter's profiles are such files, loaded with exec)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.discover import canonical_modules

PROFILE = ('import e2b\n\n\nclass PythonE2B:\n    def run(self, code):\n'
           '        return e2b.run_code("Python3", code)\n')


def test_a_lone_module_importing_its_own_name_keeps_its_path_name() -> None:
    paths = ["app/__init__.py", "app/e2b.py", "profiles/e2b.py", "profiles/local.py"]
    imports = {"app/e2b.py": ("e2b",), "profiles/e2b.py": ("e2b", "os"), "profiles/local.py": ("local.util",)}
    assert canonical_modules(paths, imports) == {
        "app/__init__.py": "app",
        "app/e2b.py": "app.e2b",  # a package member: its name is already app.e2b
        "profiles/e2b.py": "profiles.e2b",  # imports its own name: the installed e2b
        "profiles/local.py": "profiles.local",  # imports a module under its own name
    }
    assert canonical_modules(paths)["profiles/e2b.py"] == "e2b"  # without imports: the path rule alone


def test_a_lone_module_importing_another_name_keeps_its_import_name() -> None:
    assert canonical_modules(["scripts/config.py"], {"scripts/config.py": ("configparser",)}) == {
        "scripts/config.py": "config"}


def test_the_sdk_call_in_a_profile_named_like_the_sdk_is_found(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "e2b.py").write_text(PROFILE)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(e.host, e.locations[0].line) for e in report.endpoints] == [("api.e2b.dev", 6)]


def test_a_module_that_shadows_a_package_in_the_tree_still_resolves_locally(tmp_path: Path) -> None:
    """``plugins/search.py`` importing ``helpers`` (a lone module in the tree) still calls that module."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "helpers.py").write_text('import requests\n\n\ndef fetch(q):\n'
                                                   '    return requests.get("https://search.example.com", params={"q": q})\n')
    (tmp_path / "plugins" / "search.py").write_text("import helpers\n\n\ndef run(q):\n    return helpers.fetch(q)\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [e.host for e in report.endpoints] == ["search.example.com"]
