"""Values that reach a call through parameters, constructors, methods and module attributes:
how far back callers are followed, which scope a default is evaluated in, what is a
settings class, and how each step of the chain is written."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

CODE = '''\
    import requests
    from pydantic.v1 import BaseSettings as V1Settings

    class C:
        URL = "https://classattr.example.com"
        def __init__(self, url):
            requests.get(url)
        def send(self):
            return requests.get(self.URL)

    class Outer:
        class Inner:
            BASE = "https://nested-default.example.com"
            def m(self, u=BASE):
                return requests.get(u)

    def f1(u):
        return requests.get(u)
    def f2(u):
        return f1(u.strip())
    def f3(u):
        return f2(u.strip())
    def f4(u):
        return f3(u.strip())
    f3("https://three-hops.example.com")
    f4("https://four-hops.example.com")

    def build(host):
        url = f"https://{host}/v1"
        return url

    C("https://init-arg.example.com")
    requests.get(build("local.example.com"))
    f1("https://long-call.example.com")  # a comment that makes this line longer than sixty characters

    class A(B):
        url = "https://cyclic.example.com"
    class B(A):
        pass
    requests.get(A().url)

    class V1(V1Settings):
        host: str = "https://v1-default.example.com"
    requests.get(V1().host)
'''


def _endpoints(root: Path, code: str, **env: str) -> list[Endpoint]:
    root.mkdir()
    (root / "a.py").write_text(textwrap.dedent(code))
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def test_parameters_constructors_and_methods(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path / "t", CODE, URL="https://env-url.example.com", HOST="https://v1-env.example.com")
    hosts = {e.host: e for e in endpoints}
    assert set(hosts) >= {"classattr.example.com", "init-arg.example.com", "nested-default.example.com",
                          "three-hops.example.com", "local.example.com", "long-call.example.com",
                          "cyclic.example.com", "v1-env.example.com"}
    # __init__'s parameter comes from the constructor call
    assert [s.detail for s in hosts["init-arg.example.com"].provenance] == [
        '"https://init-arg.example.com"', 'C("https://init-arg.example.com")', "parameter url of C.__init__()",
        "requests.get(…)"]
    # a default is evaluated where the def is: here in the body of the nested class
    assert "default of parameter u of Outer.Inner.m()" in [s.detail for s in hosts["nested-default.example.com"].provenance]
    # callers are followed three calls back, not four (each hop computes: a parameter passed on as it came is no hop)
    assert "four-hops.example.com" not in hosts
    four = next(e for e in endpoints if e.unresolved == ["parameter u of f4()"])
    assert four.host is None
    # a local variable built from a parameter of the function being followed
    assert hosts["local.example.com"].url == "https://local.example.com/v1"
    # a long call is written on one line, blanks collapsed, up to sixty characters
    call = hosts["long-call.example.com"].provenance[1].detail
    assert call == 'f1("https://long-call.example.com") # a comment that makes …' and len(call) == 60
    # a cyclic hierarchy without BaseSettings is no settings class: URL is not read
    assert hosts["cyclic.example.com"].url == "https://cyclic.example.com"
    # pydantic.v1's BaseSettings, imported under another name, is a settings base
    assert [s.detail for s in hosts["v1-env.example.com"].provenance] == [
        "reads env HOST (settings field V1.host)", "requests.get(…)"]


def test_a_method_reads_self_without_callers(tmp_path: Path) -> None:
    (endpoint,) = [e for e in _endpoints(tmp_path / "t", CODE) if e.host == "classattr.example.com"]
    assert [s.detail for s in endpoint.provenance] == [
        '"https://classattr.example.com"', 'URL = "https://classattr.example.com"', "requests.get(…)"]


SETTINGS_LINES = '''\
    from openai import OpenAI
    from pydantic import Field
    from pydantic_settings import BaseSettings

    class S(BaseSettings):
        annotated: str = "https://annotated.example.com"
        plain = "https://plain.example.com"
        only_annotation: str
        aliased: str = Field(alias="ALIAS")

    s = S()
    OpenAI(base_url=s.annotated)
    OpenAI(base_url=s.plain)
    OpenAI(base_url=s.only_annotation)
    OpenAI(base_url=s.aliased)
'''


def test_a_settings_field_is_read_where_it_is_declared(tmp_path: Path) -> None:
    by_line = {loc.line: e for e in _endpoints(tmp_path / "t", SETTINGS_LINES) for loc in e.locations}
    read = {line: [(s.line, s.detail) for s in e.provenance if "settings field" in s.detail] for line, e in by_line.items()}
    assert read == {
        12: [(6, "default of env ANNOTATED (settings field S.annotated) (not set in any scanned config)")],
        13: [(7, "default of env PLAIN (settings field S.plain) (not set in any scanned config)")],
        14: [(8, "env ONLY_ANNOTATION (settings field S.only_annotation) is not set in any scanned config")],
        15: [(9, "env ALIAS (settings field S.aliased) is not set in any scanned config")],
    }
    assert [(s.line, s.detail) for s in by_line[12].provenance][:2] == [
        (6, '"https://annotated.example.com"'), (6, "S.annotated default")]


def test_a_module_attribute_is_its_last_assignment_and_a_submodule_is_a_module(tmp_path: Path) -> None:
    root = tmp_path / "t"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "sub.py").write_text('URL = "https://first.example.com"\n' + "\n" * 120
                                         + 'URL = "https://last.example.com"\n')
    (root / "a.py").write_text("import requests\nimport pkg\nimport pkg.sub\n"
                               "requests.get(pkg.sub.URL)\nrequests.get(pkg.missing)\n")
    by_line = {loc.line: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
               for loc in e.locations}
    assert by_line[4].host == "last.example.com"
    assert by_line[5].url == "{pkg.missing is not defined}"
