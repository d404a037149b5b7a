"""Value resolution, one code shape per test: string methods, format and %, URL joins, env
getters, dict items, functions and methods, pydantic settings, and the labels of what stays
unresolved. Each call uses its own host, so each endpoint's URL is that call's value."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _endpoints(root: Path, code: str, files: dict[str, str] | None = None, **env: str) -> list[Endpoint]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.py").write_text(textwrap.dedent(code))
    for name, text in (files or {}).items():
        (root / name).write_text(textwrap.dedent(text))
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def _urls(root: Path, code: str, **env: str) -> dict[int, str | None]:
    """Call line -> the URL of the endpoint it reaches."""
    return {loc.line: e.url for e in _endpoints(root, code, **env) for loc in e.locations}


def _details(endpoint: Endpoint) -> list[str]:
    return [step.detail for step in endpoint.provenance]


def test_string_methods(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import os
        import requests
        requests.get("https://LOWER.Example.com/".lower())
        requests.get("https://upper.example.com/".upper())
        requests.get("https://rstrip.example.com///".rstrip("/"))
        requests.get("  https://strip.example.com/  ".strip())
        requests.get("xxhttps://lstrip.example.com".lstrip("x"))
        requests.get("https://suffix.example.com/v1/".removesuffix("/v1/"))
        requests.get("xx://https://prefix.example.com".removeprefix("xx://"))
        requests.get("https://old.example.com".replace("old", "new"))
        requests.get((os.environ["A"] + "/path/").rstrip("/"))
        requests.get(("//" + os.environ["B"]).lstrip("/"))
        requests.get(("https://" + os.environ["C"]).upper())
        requests.get("https://d.example.com".replace("d", os.environ["D"]))
        requests.get("https://e.example.com".title())
        requests.get("https://f.example.com  ".rstrip() + "/x")
        requests.get("https://g.example.com/".removesuffix(os.environ["G"]))
    ''')
    assert urls == {
        3: "https://lower.example.com/",
        4: "HTTPS://UPPER.EXAMPLE.COM/",
        5: "https://rstrip.example.com",
        6: "https://strip.example.com/",
        7: "https://lstrip.example.com",
        8: "https://suffix.example.com",
        9: "https://prefix.example.com",
        10: "https://new.example.com",
        11: "{env:A}/path",  # the known end is stripped, the unknown part kept
        12: "{env:B}",
        13: "HTTPS://{env:C}",
        14: "https://{env:D}.example.com",  # replaced by an unknown value: a hole where "d" was
        15: "{str.title()}",  # an unsupported method: unresolved
        16: "https://f.example.com/x",
        17: "https://g.example.com/",  # an unknown suffix: only blanks are stripped
    }


def test_format_fields(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import requests
        requests.get("https://{}.example.com/{}".format("auto", "x"))
        requests.get("https://{0}.example.com/{1}/{0}".format("index", "y"))
        requests.get("https://{host}.example.com".format(host="kw"))
        requests.get("https://{host}.example.com/{missing}".format(host="miss"))
        requests.get("https://{}.example.com/{}".format("fewer"))
        requests.get("https://{h:>5}.example.com/{h!r}".format(h="spec"))
        requests.get("https://{2}.example.com".format("a", "b"))
    ''')
    assert urls == {
        2: "https://auto.example.com/x",
        3: "https://index.example.com/y/index",
        4: "https://kw.example.com",
        5: "https://miss.example.com/{{missing}}",  # a field with no value stays a hole
        6: "https://fewer.example.com/{{}}",
        7: "https://spec.example.com/spec",  # format specs and conversions do not change the host
        8: "https://{{2}}.example.com",
    }


def test_percent_formatting(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import requests
        requests.get("https://%s.example.com/%d" % ("pct", 5))
        requests.get("https://%s.example.com/%s" % ("short",))
        requests.get("https://%-5s.example.com/%05.1f" % ("flags", 1))
        requests.get("https://%s.example.com" % "single")
    ''')
    assert urls == {
        2: "https://pct.example.com/5",
        3: "https://short.example.com/{%s}",
        4: "https://flags.example.com/1",
        5: "https://single.example.com",
    }


def test_url_joins(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import os
        import posixpath
        from urllib.parse import urljoin
        import requests
        requests.get(urljoin("https://slash.example.com/a/", "b"))
        requests.get(urljoin("https://noslash.example.com", "v1/chat"))
        requests.get(urljoin("https://root.example.com", "/v1"))
        requests.get(urljoin("https://ignored.example.com/", "https://abs.example.com/x"))
        requests.get(posixpath.join("https://pj.example.com", "c"))
        requests.get(urljoin(os.environ["BASE"], "v1"))
        requests.get(urljoin("https://tail.example.com", os.environ["TAIL"]))
        requests.get(urljoin("https://one-arg.example.com"))
        requests.get(urljoin("https://base.example.com", "http://plain.example.com/x"))
        requests.get(urljoin(undefined_base, "v1"))
        requests.get(urljoin("https://tail.example.com", undefined_tail))
    ''')
    assert urls == {
        5: "https://slash.example.com/a/b",
        6: "https://noslash.example.com/v1/chat",  # not noslash.example.comv1
        7: "https://root.example.com/v1",
        8: "https://abs.example.com/x",  # an absolute tail replaces the base
        9: "https://pj.example.com/c",
        10: "{env:BASE}v1",  # an unknown end: no "/" is guessed
        11: "https://tail.example.com{env:TAIL}",  # an unknown start: it may be absolute
        12: "{argument is a urllib.parse.urljoin object}",
        13: "http://plain.example.com/x",
        14: "{name 'undefined_base' is not defined in a.py}v1",
        15: "https://tail.example.com{name 'undefined_tail' is not defined in a.py}",
    }


def test_env_getters(tmp_path: Path) -> None:
    code = '''\
        import os
        import requests
        NAME = "BY_NAME"
        requests.get(os.getenv("POS", "https://pos.example.com"))
        requests.get(os.getenv("KW", default="https://kw.example.com"))
        requests.get(os.environ.get("NONE_DEFAULT", None))
        requests.get(os.environ.setdefault("SETDEF", "https://setdef.example.com"))
        requests.get(os.environ["ITEM"])
        requests.get(os.getenv(NAME))
        requests.get(os.getenv(os.getenv("WHICH")))
        requests.get(os.getenv())
    '''
    unset = _urls(tmp_path / "unset", code)
    assert unset == {
        4: "https://pos.example.com", 5: "https://kw.example.com", 6: "{env:NONE_DEFAULT}",
        7: "https://setdef.example.com", 8: "{env:ITEM}", 9: "{env:BY_NAME}",
        10: "{env var with a computed name}", 11: "{argument is a os.getenv object}",
    }
    env = {"POS": "https://pos.eu.example.com", "KW": "https://kw.eu.example.com", "ITEM": "https://item.example.com",
           "BY_NAME": "https://named.example.com"}
    bound = _urls(tmp_path / "bound", code, **env)
    assert {line: bound[line] for line in (4, 5, 8, 9)} == {
        4: "https://pos.eu.example.com", 5: "https://kw.eu.example.com", 8: "https://item.example.com",
        9: "https://named.example.com"}
    (pos,) = [e for e in _endpoints(tmp_path / "steps", code) if e.host == "pos.example.com"]
    assert _details(pos) == ['"https://pos.example.com"', "default of env POS (not set in any scanned config)",
                             "requests.get(…)"]


def test_dict_items(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path, '''\
        import requests
        CFG = {"url": "https://item.example.com", "svc": {"url": "https://nested.example.com"}}
        KEY = "url"
        requests.get(CFG["url"] + "/a")
        requests.get(CFG[KEY] + "/b")
        requests.get(CFG["svc"]["url"])
        requests.get(CFG["missing"])
        requests.get(CFG.get("url"))
        requests.get(CFG())
        requests.get(CFG)
    ''')
    by_line = {loc.line: e for e in endpoints for loc in e.locations}
    assert by_line[4].url == "https://item.example.com/a" and by_line[6].url == "https://nested.example.com"
    assert by_line[5] is by_line[4]  # a key held in a constant finds the same item
    urls = {line: e.url for line, e in by_line.items()}
    assert by_line[8].host == "item.example.com"  # dict.get of a key the literal holds
    assert {line: urls[line] for line in (7, 9, 10)} == {
        7: "{key missing not in dict}", 9: "{dict called}", 10: "{argument is a dict}"}


def test_functions_and_their_arguments(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import requests

        def make(host, path="/v1"):
            return f"https://{host}{path}"

        def nothing(host):
            requests.Session

        def d1(h):
            return d2(h)
        def d2(h):
            return d3(h)
        def d3(h):
            return d4(h)
        def d4(h):
            return "https://" + h

        def two(h):
            return d4(h)

        requests.get(make("pos.example.com", "/p"))
        requests.get(make(path="/k", host="kw.example.com"))
        requests.get(nothing("x"))
        requests.get(d1("deep.example.com"))
        requests.get(two("shallow.example.com"))
    ''')
    assert urls == {
        21: "https://pos.example.com/p",
        22: "https://kw.example.com/k",
        23: "{nothing() returns nothing the analysis can see}",
        24: "{d4() is called too deep to follow}",  # three calls deep is the limit
        25: "https://shallow.example.com",
    }


def test_methods_classes_and_instances(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path, '''\
        import requests

        class Api:
            base = "https://cls.example.com"
            other = "https://inherit.example.com"

            @classmethod
            def url(cls, path):
                return cls.base + path

            def __init__(self, host, port="443"):
                self.host = host
                self.port = port

            def full(self, path):
                return self.prefix() + path

            def prefix(self):
                return "https://self.example.com"

            def later(self):
                self.late = "https://late.example.com"

        class Child(Api):
            pass

        class MySession(requests.Session):
            pass

        requests.get(Api.url("/x"))
        requests.get(Api("h").full("/y"))
        requests.get(Api("h").late)
        requests.get("https://" + Child("ctor.example.com", "8443").host + ":" + Child("c", "8443").port)
        requests.get(Child.other + "/inherited")
        MySession().get("https://extbase.example.com")
        requests.get(Api.nothing)
    ''')
    by_line = {loc.line: e for e in endpoints for loc in e.locations}
    assert by_line[30].url == "https://cls.example.com/x"
    assert _details(by_line[30])[-2:] == ["return of Api.url()", "requests.get(…)"]
    assert by_line[31].url == "https://self.example.com/y"
    assert [s.detail for s in by_line[31].provenance] == [
        '"https://self.example.com"', "return of Api.prefix()", '"/y"', "return of Api.full()", "requests.get(…)"]
    assert by_line[32].url == "https://late.example.com"  # set in another method: still an attribute
    assert by_line[33].url == "https://ctor.example.com:8443"  # constructor arguments bind __init__'s parameters
    assert by_line[34].url == "https://inherit.example.com/inherited"
    assert by_line[35].sdk == "requests.Session.get"  # a method of an external base class is its sink
    assert by_line[36].url == "{Api.nothing is not defined}"


def test_dataclass_fields_by_position_and_keyword(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        from dataclasses import dataclass
        import requests

        @dataclass
        class Cfg:
            name: str
            host: str = "https://default.example.com"

        requests.get(Cfg("x", "https://pos.example.com").host)
        requests.get(Cfg(name="x", host="https://kw.example.com").host)
        requests.get(Cfg("x").host)
    ''')
    assert urls == {9: "https://pos.example.com", 10: "https://kw.example.com", 11: "https://default.example.com"}


SETTINGS = '''\
    from openai import OpenAI
    from pydantic import Field
    from pydantic_settings import BaseSettings

    class Base(BaseSettings):
        class Config:
            env_prefix = "shop_"

    class Settings(Base):
        llm_url: str = "https://api.openai.com/v1"
        alias_url: str = Field(default="https://alias.example.com", alias="ALIAS_HOST")
        valias_url: str = Field("https://valias.example.com", validation_alias="VALIAS_HOST")
        env_url: str = Field(env="ENVKW_HOST")
        bare_url: str

    class Plain(BaseSettings):
        class Config:
            env_prefix = "FIRST_"
            env_prefix = "LAST_"
        url: str = "https://plain.example.com"

    s = Settings()
    OpenAI(base_url=s.llm_url)
    OpenAI(base_url=s.alias_url)
    OpenAI(base_url=s.valias_url)
    OpenAI(base_url=s.env_url)
    OpenAI(base_url=s.bare_url)
    OpenAI(base_url=Plain().url)
'''


def test_settings_fields_read_their_env_var(tmp_path: Path) -> None:
    unset = {loc.line: e for e in _endpoints(tmp_path / "unset", SETTINGS) for loc in e.locations}
    assert {line: unset[line].url for line in range(23, 29)} == {
        23: "https://api.openai.com/v1", 24: "https://alias.example.com", 25: "https://valias.example.com",
        26: "{env:ENVKW_HOST}", 27: "{env:SHOP_BARE_URL}", 28: "https://plain.example.com"}
    assert "default of env SHOP_LLM_URL (settings field Settings.llm_url) (not set in any scanned config)" \
        in _details(unset[23])  # the prefix of the base class's Config, upper-cased
    assert "default of env ALIAS_HOST (settings field Settings.alias_url) (not set in any scanned config)" \
        in _details(unset[24])  # an alias is the whole name: no prefix
    env = {"SHOP_LLM_URL": "https://llm.eu.example.com/v1", "VALIAS_HOST": "https://valias.eu.example.com",
           "ENVKW_HOST": "https://envkw.example.com", "LAST_URL": "https://last.example.com"}
    bound = {loc.line: e.url for e in _endpoints(tmp_path / "bound", SETTINGS, **env) for loc in e.locations}
    assert {line: bound[line] for line in (23, 25, 26, 28)} == {
        23: "https://llm.eu.example.com/v1", 25: "https://valias.eu.example.com", 26: "https://envkw.example.com",
        28: "https://last.example.com"}  # the last env_prefix assignment wins


PREFIXES = '''\
    from openai import OpenAI
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class NoPrefix(BaseSettings):
        url: str = "https://none.example.com"

    class Top(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="TOP_")

    class Mid(Top):
        pass

    class Leaf(Mid):
        url: str = "https://leaf.example.com"

    class ClassConstant(BaseSettings):
        PREFIX = "CONST_"
        model_config = SettingsConfigDict(env_prefix=PREFIX)
        url: str = "https://const.example.com"

    class InConfig(BaseSettings):
        class Config:
            p = "CFG_"
            env_prefix = p
        url: str = "https://cfg.example.com"

    class Computed(BaseSettings):
        model_config = SettingsConfigDict(env_prefix=compute_prefix())
        url: str = "https://computed.example.com"

    class NoneAsPrefix(BaseSettings):
        model_config = SettingsConfigDict(env_prefix=None)
        url: str = "https://noneprefix.example.com"

    class Loop(Cycle, BaseSettings):
        url: str = "https://loop.example.com"

    class Cycle(Loop):
        pass

    for cls in (NoPrefix, Leaf, ClassConstant, InConfig, Computed, NoneAsPrefix, Loop):
        OpenAI(base_url=cls().url)
'''


def test_settings_env_prefixes(tmp_path: Path) -> None:
    """Where the env prefix comes from: none, a base class two levels up, a class constant, a
    name in Config; an unresolvable or None prefix is no prefix; a cyclic hierarchy ends."""
    env = {"URL": "https://none.eu.example.com", "TOP_URL": "https://leaf.eu.example.com",
           "CONST_URL": "https://const.eu.example.com", "CFG_URL": "https://cfg.eu.example.com"}
    hosts = {e.host for e in _endpoints(tmp_path, PREFIXES, **env)}
    # a class without a prefix reads URL, as do Computed, NoneAsPrefix and Loop (URL is set)
    assert hosts == {"none.eu.example.com", "leaf.eu.example.com", "const.eu.example.com", "cfg.eu.example.com"}


def test_str_of_a_value_is_the_value(tmp_path: Path) -> None:
    """``str(settings.url)`` (a pydantic URL) is common; a module's own ``str`` is a function."""
    urls = _urls(tmp_path / "builtin", '''\
        import requests
        from openai import OpenAI
        URL = "https://api.openai.com/v1"
        OpenAI(base_url=str(URL))
        requests.get(str())
    ''')
    assert urls == {4: "https://api.openai.com/v1"}  # str() is the empty string: no endpoint at line 5
    shadowed = _urls(tmp_path / "shadowed", '''\
        import requests
        def str(x):
            return "https://shadow.example.com"
        requests.get(str("https://api.openai.com/v1"))
    ''')
    assert shadowed == {4: "https://shadow.example.com"}


def test_what_stays_unresolved_says_what_it_is(tmp_path: Path) -> None:
    urls = _urls(tmp_path, '''\
        import boto3
        import json as jsonmod
        import requests

        def helper():
            return "x"

        class K:
            pass

        requests.get(helper)
        requests.get(K)
        requests.get(K())
        requests.get(jsonmod)
        requests.get(boto3.client("s3"))
        requests.get(helper()())
        requests.get(("https://" "x.example.com")[0])
        requests.get(undefined_name)
        requests.get([1, 2])
    ''')
    assert urls == {
        11: "{argument is helper}", 12: "{argument is K}", 13: "{argument is a K object}",
        14: "{argument is json}", 15: "{argument is a boto3.client object}", 16: "{call of x}",
        17: "{item of https://x.example.com}", 18: "{name 'undefined_name' is not defined in a.py}",
    }  # line 19: a list's items are the alternatives, and 1 and 2 are not URLs


def test_a_list_of_urls_gives_each_item(tmp_path) -> None:
    """A loader given several URLs fetches each: every item of the list is an endpoint."""
    from flowscan.api import ScanOptions, scan

    (tmp_path / "ingest.py").write_text(
        "from langchain_community.document_loaders import WebBaseLoader\n"
        "PAGES = ['https://docs.example-one.com/a', 'https://wiki.example-two.org/b']\n"
        "loader = WebBaseLoader(web_paths=PAGES)\n")
    hosts = sorted(e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints)
    assert hosts == ["docs.example-one.com", "wiki.example-two.org"]


def test_an_unset_optional_part_of_a_host_is_a_hole_not_an_empty_string(tmp_path) -> None:
    """``f"{location}-documentai.googleapis.com"`` with ``location=None`` must not make up the
    host ``-documentai.googleapis.com``."""
    from flowscan.api import ScanOptions, scan

    (tmp_path / "docai.py").write_text(
        "import requests\n"
        "def endpoint(location=None):\n"
        "    return f'https://{location}-documentai.googleapis.com/v1'\n"
        "requests.get(endpoint())\n")
    [endpoint] = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert endpoint.host == "{None}-documentai.googleapis.com" and endpoint.placement.jurisdiction is None
    assert endpoint.unresolved == ["None"]


UNRESOLVED = '''\
    import os
    import requests
    CFG = {"a": "https://a.example.com"}

    def nothing():
        pass

    def helper():
        return "x"

    requests.get(
        CFG.pop("a")
    )
    requests.get(
        CFG()
    )
    requests.get(
        nothing()
    )
    requests.get(
        "https://x".title()
    )
    requests.get(
        ("x")()
    )
    requests.get(
        os.getenv(
            "HOSTVAR"
        )
    )
    requests.get(
        os.getenv(
            "HOSTDEF", "https://hostdef.example.com"
        )
    )
    requests.get("https://{}.example.com".format(undefined_a))
    requests.get("https://%s.example.com" % (undefined_b,))
    requests.get("https://r.example.com".replace(undefined_c, "x"))
    requests.get(CFG[undefined_e])
    requests.get(os.getenv(undefined_f))
'''


def test_what_is_not_resolved_is_located_on_its_own_line(tmp_path: Path) -> None:
    """Each part of a call spread over several lines says on which line it stopped."""
    by_line = {e.locations[0].line: e for e in _endpoints(tmp_path, UNRESOLVED)}
    first = {line: (e.provenance[0].line, e.provenance[0].detail) for line, e in by_line.items()}
    assert first == {
        11: (12, "not resolved: dict method pop"),
        14: (15, "not resolved: dict called"),
        17: (18, "not resolved: nothing() returns nothing the analysis can see"),
        20: (21, "not resolved: str.title()"),
        23: (24, "not resolved: call of x"),
        26: (27, "env HOSTVAR is not set in any scanned config"),  # where getenv is called
        31: (32, '"https://hostdef.example.com"'),
        36: (36, '"https://{}.example.com"'),
        37: (37, '"https://%s.example.com"'),
        38: (38, '"https://r.example.com"'),  # an unknown old text may match nowhere (or anywhere: an unknown too)
        39: (3, '"https://a.example.com"'),  # a key not known statically: each entry (here the one)
        40: (40, "not resolved: env var with a computed name"),
    }
    assert [(s.line, s.detail) for s in by_line[31].provenance] == [
        (32, '"https://hostdef.example.com"'), (32, "default of env HOSTDEF (not set in any scanned config)"),
        (31, "requests.get(…)")]
    assert by_line[36].url == "https://{name 'undefined_a' is not defined in a.py}.example.com"
    assert by_line[37].url == "https://{name 'undefined_b' is not defined in a.py}.example.com"


def test_literal_pieces_of_a_concatenation_are_not_steps_of_their_own(tmp_path: Path) -> None:
    code = '''\
        import os
        import requests
        from openai import OpenAI
        HOST = "concat.example.com"
        requests.get("https://" + HOST + "/v1")
        requests.get("https://" + os.environ["H"] + "/v2")
        OpenAI(base_url=None)
    '''
    by_line = {e.locations[0].line: e for e in _endpoints(tmp_path, code)}
    assert [(s.line, s.detail) for s in by_line[5].provenance] == [
        (4, '"concat.example.com"'), (4, 'HOST = "concat.example.com"'), (5, "requests.get(…)")]
    assert [(s.line, s.detail) for s in by_line[6].provenance] == [
        (6, "env H is not set in any scanned config"), (6, "requests.get(…)")]
    assert by_line[7].host == "api.openai.com"  # None: the SDK's own default
