"""The program over the tree's modules: finding a module by name (also when several files
share one), the importers of a module, whole-word mentions, call sites by callee name, and
lazy loading; with two services of the same layout end to end."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.discover import canonical_modules, prepass_python
from flowscan.python.extract import extract_python
from flowscan.python.program import ImportIndex, Program, identifiers, mentions_in


def _program(files: dict[str, str]) -> Program:
    sources = {path: text.encode() for path, text in files.items()}
    summaries = {path: prepass_python(path, data) for path, data in sources.items()}
    canonical = canonical_modules(summaries)
    return Program({p: (s.module, canonical[p]) for p, s in summaries.items()}, sources, extract_python,
                   {p: s.imports for p, s in summaries.items()})


TWO_SERVICES = {
    "services/a/pkg/__init__.py": "",
    "services/a/pkg/config.py": 'URL = "https://a.example.com"\n',
    "services/a/pkg/util.py": "import requests\ndef call(u):\n    return requests.get(u)\n",
    "services/a/main.py": ('import requests\nfrom pkg.config import URL\nfrom pkg.util import call\n'
                           'requests.get(URL)\ncall("https://a-call.example.com")\n'),
    "services/b/pkg/__init__.py": "",
    "services/b/pkg/config.py": 'URL = "https://b.example.com"\n',
    "services/b/pkg/util.py": "import requests\ndef call(u):\n    return requests.get(u)\n",
    "services/b/main.py": ('import requests\nfrom pkg.config import URL\nfrom pkg.util import call\n'
                           'requests.get(URL)\ncall("https://b-call.example.com")\n'),
}


def test_two_services_with_the_same_layout_keep_their_own_modules(tmp_path: Path) -> None:
    for name, text in TWO_SERVICES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    placed = sorted((e.host, loc.path) for e in report.endpoints for loc in e.locations)
    assert placed == [
        ("a-call.example.com", "services/a/pkg/util.py"), ("a.example.com", "services/a/main.py"),
        ("b-call.example.com", "services/b/pkg/util.py"), ("b.example.com", "services/b/main.py")]


def test_a_shared_name_is_found_nearest_to_the_importer() -> None:
    program = _program(TWO_SERVICES)
    assert program.homonyms == {"main": ["services/a/main.py", "services/b/main.py"],
                                "pkg": ["services/a/pkg/__init__.py", "services/b/pkg/__init__.py"],
                                "pkg.config": ["services/a/pkg/config.py", "services/b/pkg/config.py"],
                                "pkg.util": ["services/a/pkg/util.py", "services/b/pkg/util.py"]}
    near_b = program.load("services/b/main.py")
    assert program.find_module("pkg.config", near_b).path == "services/b/pkg/config.py"  # type: ignore[union-attr]
    near_a = program.load("services/a/main.py")
    assert program.find_module("pkg.config", near_a).path == "services/a/pkg/config.py"  # type: ignore[union-attr]
    assert program.find_module("pkg.config").path == "services/a/pkg/config.py"  # type: ignore[union-attr]
    assert program.find_module("services.b.pkg.config").path == "services/b/pkg/config.py"  # type: ignore[union-attr]


def test_suffix_names_and_ambiguous_ones() -> None:
    program = _program({
        "apps/web/helpers.py": "X = 1\n", "apps/api/helpers.py": "X = 2\n", "tools/db/conn.py": "Y = 1\n",
        "apps/web/views.py": "import helpers\n",
    })
    assert program.path_of("db.conn") == "tools/db/conn.py"  # a unique suffix
    assert program.path_of("web.helpers") == "apps/web/helpers.py"
    assert program.path_of("conn") == "tools/db/conn.py"  # tools/db is no package: imported as conn
    assert program.path_of("nothing.here") is None and program.path_of("here") is None
    assert program.find_module("db.conn").path == "tools/db/conn.py"  # type: ignore[union-attr]
    assert program.find_module("nothing.here") is None
    views = program.load("apps/web/views.py")
    assert program.find_module("apps.web.helpers").path == "apps/web/helpers.py"  # type: ignore[union-attr]
    assert program.find_module("web.helpers", views).path == "apps/web/helpers.py"  # type: ignore[union-attr]


def test_an_ambiguous_suffix_is_resolved_by_the_longest_shared_folder() -> None:
    program = _program({
        "x/a/lib/util.py": "A = 1\n", "x/b/lib/util.py": "B = 1\n", "x/b/run.py": "import lib.util\n",
        "y/lib/util.py": "C = 1\n",
    })
    assert program.path_of("lib.util") is None  # three candidates: no unique one
    run = program.load("x/b/run.py")
    assert program.find_module("lib.util", run).path == "x/b/lib/util.py"  # type: ignore[union-attr]
    assert program.find_module("lib.util").path == "x/a/lib/util.py"  # type: ignore[union-attr]  # the first


def test_of_two_candidates_the_nearer_then_the_shorter() -> None:
    program = _program({"x/a/lib/util.py": "A = 1\n", "x/b/lib/util.py": "B = 1\n", "x/b/run.py": "import lib.util\n"})
    assert program.find_module("lib.util", program.load("x/b/run.py")).path == "x/b/lib/util.py"  # type: ignore[union-attr]
    tie = _program({"x/a/lib/util.py": "A = 1\n", "x/c/d/lib/util.py": "D = 1\n", "x/b/run.py": "import lib.util\n"})
    assert tie.find_module("lib.util", tie.load("x/b/run.py")).path == "x/a/lib/util.py"  # type: ignore[union-attr]
    same_name = _program({"a/settings.py": "A = 1\n", "c/d/settings.py": "D = 1\n", "b/app.py": "import settings\n"})
    assert same_name.homonyms == {"settings": ["a/settings.py", "c/d/settings.py"]}
    assert same_name.find_module("settings", same_name.load("b/app.py")).path == "a/settings.py"  # type: ignore[union-attr]


def test_a_module_that_does_not_parse_is_not_found() -> None:
    program = _program({"pkg/bad.py": "def oops(:\n", "pkg/good.py": "X = 1\n"})
    assert program.find_module("pkg.bad") is None
    assert program.find_module("pkg.good") is not None
    assert [m.path for m in program.modules] == ["pkg/good.py"]  # loaded, parsed, in path order
    assert [m.path for m in program.parsed(["pkg/good.py", "pkg/bad.py", "pkg/none.py"])] == ["pkg/bad.py", "pkg/good.py"]


def test_loading_is_lazy_and_counted_by_reason() -> None:
    program = _program({"a.py": "X = 1\n", "b.py": "Y = 2\n"})
    assert program.loaded == {} and program.loads_by_reason == {}
    first = program.load("a.py")
    assert program.load("a.py") is first  # parsed once
    program.load("b.py", "callers")
    program.find_module("a")  # already loaded: not counted again
    assert program.loads_by_reason == {"resolution": 1, "callers": 1}
    assert sorted(program.loaded) == ["a.py", "b.py"]


def test_mentions_are_whole_words_and_logged() -> None:
    program = _program({"a.py": "# call fetch_all here\nx = 'fetchy'\n", "b.py": "naïve = 1\n"})
    assert program.mentions("a.py", "fetch_all") and program.mentions("a.py", "call")
    assert not program.mentions("a.py", "fetch")  # only part of a word
    assert program.mentions("b.py", "naïve") and not program.mentions("b.py", "naï")
    assert program.mention_log == {"a.py": {"fetch_all": True, "call": True, "fetch": False},
                                   "b.py": {"naïve": True, "naï": False}}


def test_mentions_in_and_identifiers() -> None:
    data = b"def get_url():\n    return 'x-y'  # _z9\n"
    assert identifiers(data) == frozenset({b"def", b"get_url", b"return", b"x", b"y", b"_z9"})
    assert mentions_in(data, "get_url") and not mentions_in(data, "get")
    assert mentions_in(data, "get_url", identifiers(data)) and not mentions_in(data, "url", identifiers(data))
    text = "über = naïve(ñ)\nwort_über\n".encode()
    assert mentions_in(text, "über") and mentions_in(text, "naïve") and mentions_in(text, "ñ")
    assert not mentions_in(text, "übe") and not mentions_in(text, "naï") and not mentions_in(text, "wort")


def test_callers_are_looked_for_in_importers_that_mention_the_name() -> None:
    program = _program({
        "pkg/__init__.py": "",
        "pkg/api.py": "def fetch(u):\n    return u\nfetch('a')\n",
        "pkg/uses.py": "from pkg.api import fetch\nfetch('b')\nobj.fetch('c')\n",
        "pkg/imports_only.py": "import pkg.api\n",
        "pkg/mentions_only.py": "fetch = 1\n",
        "other.py": "from api import fetch\nfetch('d')\n",
    })
    api = program.load("pkg/api.py")
    assert program.files_mentioning("fetch", api) == ["other.py", "pkg/api.py", "pkg/uses.py"]
    sites = program.sites_calling("fetch", api)
    assert sorted((facts.path, site.line) for facts, site in sites) == [
        ("other.py", 2), ("pkg/api.py", 3), ("pkg/uses.py", 2), ("pkg/uses.py", 3)]
    assert program.sites_calling("fetch", api) is sites  # found once per scan
    assert program.loads_by_reason.get("callers") == 2  # other.py and pkg/uses.py
    uses = program.load("pkg/uses.py")
    assert [site.line for site in program.calls_named(uses, "fetch")] == [2, 3]
    assert program.calls_named(uses, "nothing") == []


def test_the_import_index() -> None:
    index = ImportIndex({
        "a.py": ("pkg.sub.mod",), "b.py": ("pkg",), "c.py": ("sub.mod",), "d.py": ("mod",),
        "e.py": ("other.mod.name",), "f.py": ("x.mod",),
    }, {"pkg.sub.mod": "pkg/sub/mod.py", "pkg.sub": "pkg/sub/__init__.py", "x.mod": "x/mod.py"}.get)
    assert index.under["pkg"] == {"a.py", "b.py"} and index.under["pkg.sub.mod"] == {"a.py"}
    assert index.exact["sub.mod"] == {"c.py"}
    assert index.last[("mod", "pkg/sub/mod.py")] == {"a.py"} and index.last[("mod", "")] == {"c.py", "d.py"}
    assert index.last_two[("mod", "name", "")] == {"e.py"}
    assert index.last_two[("sub", "mod", "pkg/sub/__init__.py")] == {"a.py"}
    # importers of pkg.sub.mod (file pkg/sub/mod.py): the package chain, its suffixes, and loosely
    # any import of a module named mod that is no file of the tree (e.py: other.mod.name)
    assert index.importers("pkg.sub.mod", "name", "pkg/sub/mod.py") == {"a.py", "c.py", "d.py", "e.py"}
    assert index.importers("pkg.sub.mod", "other", "pkg/sub/mod.py") == {"a.py", "c.py", "d.py"}
    assert index.importers("other.mod", "name", "other/mod.py") == {"c.py", "d.py", "e.py"}
    assert index.importers("x.mod", "f", "x/mod.py") == {"c.py", "d.py", "f.py"}


def test_a_top_level_module_two_services_share_is_the_importers_own(tmp_path: Path) -> None:
    """``import settings`` in services/a/app.py is services/a/settings.py (the script's own
    folder), not the first file of that name."""
    files = {
        "services/a/settings.py": 'URL = "https://a-settings.example.com"\n',
        "services/a/app.py": "import requests\nimport settings\nrequests.get(settings.URL)\n",
        "services/b/settings.py": 'URL = "https://b-settings.example.com"\n',
        "services/b/app.py": "import requests\nimport settings\nrequests.get(settings.URL)\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert sorted((e.host, loc.path) for e in report.endpoints for loc in e.locations) == [
        ("a-settings.example.com", "services/a/app.py"), ("b-settings.example.com", "services/b/app.py")]


def test_a_file_named_like_the_standard_library_does_not_shadow_it(tmp_path: Path) -> None:
    """``import os`` in a package means the standard library's ``os``, also when a folder of
    profiles (no ``__init__.py``) holds an ``os.py``; a top-level ``config.py`` still is ``config``."""
    files = {
        "app/__init__.py": "",
        "app/llm.py": ('import os\nimport requests\n\ndef chat():\n'
                       '    base = os.getenv("OLLAMA_HOST", "http://localhost:11434")\n'
                       '    return requests.post(base + "/api/chat")\n'),
        "app/profiles/os.py": 'import os\nMODEL = "llama3"\n',
        "scripts/config.py": 'URL = "https://cfg.example.com"\n',
    }
    assert canonical_modules(files) == {"app/__init__.py": "app", "app/llm.py": "app.llm",
                                        "app/profiles/os.py": "app.profiles.os", "scripts/config.py": "config"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(e.host, e.unresolved) for e in report.endpoints] == [("localhost", [])]


def test_callers_through_a_package_that_re_exports_the_class(tmp_path: Path) -> None:
    """``from ..scraper import Scraper`` binds the class the package's ``__init__`` re-exports
    (``from .scraper import Scraper``): its calls are callers, so their arguments reach the class."""
    files = {
        "app/__init__.py": "",
        "app/scraper/__init__.py": 'from .scraper import Scraper\n\n__all__ = ["Scraper"]\n',
        "app/scraper/scraper.py": ("import requests\n\n\nclass Scraper:\n    def __init__(self, urls):\n"
                                   "        self.urls = urls\n\n    def run(self):\n        for url in self.urls:\n"
                                   "            requests.get(url)\n"),
        "app/skills/browser.py": ("from ..scraper import Scraper\n\n\ndef browse():\n"
                                  '    return Scraper(["https://docs.example.org/start"]).run()\n'),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(e.host, e.unresolved) for e in report.endpoints] == [("docs.example.org", [])]
