"""Which assignment of a name a read sees: reassignments before and after the read, a
conditional override after a function that reads the global, class bodies invisible from
methods, names unpacked from one tuple, and local variables of functions being followed."""

from __future__ import annotations

from pathlib import Path

from flowscan.model import Endpoint

from .conftest import endpoints_by_line

_by_line = endpoints_by_line


def _urls(found: dict[int, list[Endpoint]], line: int) -> list[str | None]:
    return sorted(e.url for e in found[line])


def test_a_read_sees_the_assignments_that_reach_it(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import os
        import requests

        URL = "https://first.example.com"
        requests.get(URL)
        URL = "https://second.example.com"
        requests.get(URL)
        API = "https://localhost.example.com"
        def fetch():
            return requests.get(API)

        API = "https://staging.example.com"
        if os.environ.get("PRODUCTION"):
            API = "https://prod.example.com"
        fetch()
    ''')
    assert _urls(found, 5) == ["https://first.example.com"]  # not the later reassignment
    assert _urls(found, 7) == ["https://second.example.com"]
    # a function reads the global as it is when called: the assignments after its def count
    assert _urls(found, 10) == ["https://prod.example.com", "https://staging.example.com"]


def test_class_bodies_are_not_visible_from_their_methods(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import requests

        URL = "https://module.example.com"

        class Client:
            URL = "https://class.example.com"
            BASE = "https://base.example.com"
            HEALTH = BASE + "/health"

            def ping(self):
                return requests.get(URL)

        Client().ping()
        requests.get(Client.HEALTH)
    ''')
    assert _urls(found, 11) == ["https://module.example.com"]  # as in Python: the global
    assert _urls(found, 14) == ["https://base.example.com/health"]  # in the class body itself, it is


def test_names_unpacked_from_one_tuple_keep_their_own_values(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import requests

        HOST, PATH = "tuple.example.com", "/v1"
        requests.get("https://" + HOST + PATH)

        class Api:
            SCHEME, DOMAIN = "https", "class-tuple.example.com"

        requests.get(Api.SCHEME + "://" + Api.DOMAIN)
    ''')
    assert _urls(found, 4) == ["https://tuple.example.com/v1"]
    assert _urls(found, 9) == ["https://class-tuple.example.com"]


def test_an_undefined_name_is_located_where_it_is_read(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import requests

        def endpoint():
            return UNDEFINED_BASE

        requests.get(endpoint())
    ''')
    (endpoint,) = found[6]
    assert [(s.line, s.detail) for s in endpoint.provenance] == [
        (4, "not resolved: name 'UNDEFINED_BASE' is not defined in app.py"), (6, "requests.get(…)")]


def test_local_variables_of_a_function_being_followed(tmp_path: Path) -> None:
    """A local variable takes the arguments of the call being followed (each call its own
    host); a sink inside the function takes its callers' arguments."""
    found = _by_line(tmp_path, '''\
        import requests

        def build(host):
            url = f"https://{host}/v1"
            return url

        def send(host):
            url = "https://" + host + "/send"
            requests.get(url)

        requests.get(build("a.example.com"))
        requests.get(build("b.example.com"))
        send("c.example.com")
    ''')
    assert _urls(found, 11) == ["https://a.example.com/v1"]
    assert _urls(found, 12) == ["https://b.example.com/v1"]
    assert _urls(found, 9) == ["https://c.example.com/send"]


def test_calls_followed_through_local_variables_and_module_constants(tmp_path: Path) -> None:
    """Calls are followed three deep, counted through local variables too; a module constant
    is computed from the module, however deep the function reading it was called."""
    found = _by_line(tmp_path, '''\
        import requests

        def region():
            return "eu"

        def host():
            return region() + ".constant.example.com"

        def make_url():
            return "https://" + host()

        URL = make_url()

        def d1(h):
            return d2(h)

        def d2(h):
            found = d3(h)
            return found

        def d3(h):
            url = d4(h)
            return url

        def d4(h):
            return "https://" + h

        def r1():
            return r2()

        def r2():
            return r3()

        def r3():
            return URL

        requests.get(d1("deep.example.com"))
        requests.get(r1())
    ''')
    (deep,) = found[37]
    assert deep.url == "{d4() is called too deep to follow}"
    assert [(s.line, s.detail) for s in deep.provenance][0] == (22, "not resolved: d4() is called too deep to follow")
    assert _urls(found, 38) == ["https://eu.constant.example.com"]


def test_dict_lookups_and_defaults_inside_called_functions(tmp_path: Path) -> None:
    """A dict literal with a key the analysis cannot name (a star import) still gives its other
    items; a missing key read in a function is located there; an argument not passed is the
    parameter's default, each step located in the file."""
    found = _by_line(tmp_path, '''\
        import requests
        from constants import *

        ENDPOINTS = {PRIMARY: "https://primary.example.com", "backup": "https://backup.example.com"}


        def lookup(name):
            return ENDPOINTS[name]


        def build(host="default.example.com"):
            return f"https://{host}/v1"


        requests.get(ENDPOINTS["backup"])
        requests.get(lookup("missing"))
        requests.get(build())
    ''')
    assert _urls(found, 15) == ["https://backup.example.com"]
    (missing,) = found[16]
    assert [(s.line, s.detail) for s in missing.provenance] == [
        (8, "not resolved: key missing not in dict"), (16, "requests.get(…)")]
    (default,) = found[17]
    assert default.url == "https://default.example.com/v1"
    assert [(s.path, s.line, s.detail) for s in default.provenance] == [
        ("app.py", 11, '"default.example.com"'), ("app.py", 11, "default of parameter host of build()"),
        ("app.py", 11, "return of build()"), ("app.py", 17, "requests.get(…)")]


def test_a_reassigned_parameter_keeps_the_value_it_was_called_with(tmp_path: Path) -> None:
    """``url = url or DEFAULT``: the right side reads the parameter as called (not the
    assignment itself, which was reported as recursion), and a read that only a conditional
    reassignment precedes sees the call's value too."""
    found = _by_line(tmp_path, '''\
        import os
        import requests

        def fetch(url=None):
            url = url or "https://api.example.de/v1"
            return requests.get(url)

        def profile(name):
            if name.startswith("hub/"):
                name = "https://profiles.example.com/" + name[4:]
            return requests.get(name)

        fetch()
        fetch(os.environ["SERVICE_URL"])
        profile(os.environ["PROFILE_URL"])
    ''')
    hosts = sorted((e.host or "", *e.unresolved) for e in found[6])
    assert hosts == [("", "env:SERVICE_URL"), ("api.example.de",)]
    hosts = sorted((e.host or "", *e.unresolved) for e in found[11])
    assert hosts == [("", "env:PROFILE_URL"), ("profiles.example.com",)]
    assert not any("recursive" in " ".join(e.unresolved) for line in found.values() for e in line)


def test_text_typed_at_the_terminal_is_user_input(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import requests

        url = input("URL: ")
        requests.get(url + ".json")
    ''')
    (endpoint,) = found[4]
    assert endpoint.host is None
    assert endpoint.unresolved == ["user-supplied: text typed at the terminal, input() (input())"]


def test_an_attribute_of_none_is_a_path_that_raises(tmp_path: Path) -> None:
    """``settings.url`` where ``settings`` may still be None: that path raises
    AttributeError, so only the other values remain (no 'attribute url of absent')."""
    found = _by_line(tmp_path, '''\
        import os
        import requests

        class Settings:
            url = "https://hooks.example.fr/v1"

        settings = None
        if os.environ.get("CONFIGURE"):
            settings = Settings()

        def send():
            return requests.post(settings.url)
    ''')
    assert [(e.host, e.unresolved) for e in found[12]] == [("hooks.example.fr", [])]


def test_an_empty_string_is_never_the_left_side_of_or(tmp_path: Path) -> None:
    """``region or os.getenv(...)`` with ``region=""``: the empty string is falsy, so the
    client's region is the right side (before, an empty region built 'bedrock-runtime..')."""
    found = _by_line(tmp_path, '''\
        import os
        import boto3

        def make(region=""):
            region = region or os.getenv("AWS_REGION", "eu-west-1")
            return boto3.client("bedrock-runtime", region_name=region)

        make()
    ''')
    hosts = sorted(e.host for e in found[6])
    assert hosts == ["bedrock-runtime.eu-west-1.amazonaws.com"]  # AWS_REGION unset: its default


def test_an_item_of_none_is_a_path_that_raises(tmp_path: Path) -> None:
    found = _by_line(tmp_path, '''\
        import os
        import requests

        ENGINES = None
        if os.environ.get("SEARCH"):
            ENGINES = {"web": "https://search.example.nl/api"}

        def search(q):
            return requests.get(ENGINES["web"], params={"q": q})
    ''')
    assert [(e.host, e.unresolved) for e in found[9]] == [("search.example.nl", [])]
