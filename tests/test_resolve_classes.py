"""Attributes of in-tree classes and their instances: class constants of nested classes and of
every base in order, attributes set in methods, bound methods of one instance, methods inherited
from an SDK class, and what a class hierarchy that cannot be followed reports."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

from .conftest import endpoints_by_line

_by_line = endpoints_by_line


def _url(found: dict[int, list[Endpoint]], line: int) -> str | None:
    (endpoint,) = found[line]
    return endpoint.url


CLASS_CONSTANTS = '''\
    import requests
    from sqlalchemy.orm import declarative_base

    Model = declarative_base()

    class Config:
        class Endpoints:
            chat = "https://chat.example.com"

    class Auditable:
        pass

    class Remote:
        url = "https://remote.example.com"

    class Service(Auditable, Remote):
        pass

    class Factory:
        def build(self):
            class Shared:
                url = "https://nested-base.example.com"

            class Local(Shared):
                pass

            return Local.url

    class Region(Model):
        pass

    class Upstream(Downstream):
        pass

    class Downstream(Upstream):
        pass

    requests.get(Config.Endpoints.chat)
    requests.get(Service.url)
    requests.get(Factory().build())
    requests.get(Region().endpoint)
    requests.get(Upstream().url)
    requests.get(Service.missing)
'''


def test_class_constants_of_nested_classes_and_bases(tmp_path: Path) -> None:
    found = _by_line(tmp_path, CLASS_CONSTANTS)
    assert _url(found, 38) == "https://chat.example.com"  # a class inside a class
    assert _url(found, 39) == "https://remote.example.com"  # the second base has it, the first does not
    assert _url(found, 40) == "https://nested-base.example.com"  # a base defined beside the class in a method


def test_an_attribute_no_class_in_the_hierarchy_defines_is_reported_on_the_class(tmp_path: Path) -> None:
    found = _by_line(tmp_path, CLASS_CONSTANTS)
    # a base made by a call (an ORM base) is not followed; a cyclic hierarchy ends
    assert _url(found, 41) == "{Region.endpoint is not defined}"
    assert _url(found, 42) == "{Upstream.url is not defined}"
    (missing,) = found[43]
    assert missing.url == "{Service.missing is not defined}"
    assert [(s.line, s.detail) for s in missing.provenance] == [
        (16, "not resolved: Service.missing is not defined"), (43, "requests.get(…)")]  # the class's line


INSTANCES = '''\
    import requests

    class Api:
        def __init__(self, region):
            self.region = region

        def switch(self, region):
            self.base = f"https://{region}.switched.example.com"

        def url(self, path):
            return f"https://{self.region}.api.example.com{path}"

    class Client:
        def connect(self):
            self.url = "https://connect.example.com"

    eu = Api("eu")
    us = Api("us")
    requests.get(eu.url("/a"))
    eu.switch("ap")
    requests.get(eu.base)
    requests.get(Client().url)
'''


def test_a_bound_method_sees_its_own_instance(tmp_path: Path) -> None:
    """``eu.url()`` reads ``self.region`` of ``eu``, not of every ``Api`` the code makes."""
    found = _by_line(tmp_path, INSTANCES)
    assert [e.url for e in found[19]] == ["https://eu.api.example.com/a"]


def test_attributes_set_outside_init(tmp_path: Path) -> None:
    """An attribute set in another method takes that method's parameters, not ``__init__``'s
    (both are named ``region``); a class without ``__init__`` still has its attributes."""
    found = _by_line(tmp_path, INSTANCES)
    switched = found[21]
    assert [e.url for e in switched] == ["https://ap.switched.example.com"]
    assert [(s.path, s.line, s.detail) for s in switched[0].provenance] == [
        ("app.py", 20, '"ap"'), ("app.py", 20, 'eu.switch("ap")'), ("app.py", 7, "parameter region of Api.switch()"),
        ("app.py", 8, 'self.base = f"https://{region}.switched.example.com"'), ("app.py", 21, "requests.get(…)")]
    assert _url(found, 22) == "https://connect.example.com"


def test_a_method_inherited_from_an_sdk_class_keeps_the_constructor_arguments(tmp_path: Path) -> None:
    """``AppSession(region_name=...).client("s3")``: the region passed to the subclass reaches
    the SDK's method."""
    found = _by_line(tmp_path, '''\
        import boto3

        class AppSession(boto3.session.Session):
            pass

        session = AppSession(region_name="eu-central-1")
        s3 = session.client("s3")
    ''')
    (s3,) = found[7]
    assert (s3.sdk, s3.url) == ("boto3.session.Session.client", "https://s3.eu-central-1.amazonaws.com")


def test_reusing_a_value_within_budget_is_no_budget_hit(tmp_path: Path) -> None:
    """The bases of a class are evaluated once and reused by every later call: no call here
    comes near the evaluation budget, so the scan notes none."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent('''\
        import requests

        class Base:
            chat = "https://chat.example.com"
            embed = "https://embed.example.com"

        class Api(Base):
            pass

        requests.get(Api.chat)
        requests.get(Api.embed)
    '''))
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    assert sorted(e.url for e in report.endpoints) == ["https://chat.example.com", "https://embed.example.com"]
    assert report.coverage.notes == []


def test_super_reaches_the_bases_methods_and_constructor(tmp_path: Path) -> None:
    """``super().endpoint()`` is the base's method bound to the instance, and an attribute the
    base's ``__init__`` sets takes the arguments of the subclass's ``super().__init__(…)``."""
    found = _by_line(tmp_path, '''\
        import requests


        class BaseClient:
            def __init__(self, base_url="https://api.base.example.com"):
                self.base_url = base_url

            def endpoint(self):
                return self.base_url + "/v1"


        class EuClient(BaseClient):
            def __init__(self, region="eu"):
                super().__init__(base_url=f"https://api.{region}.example.com")

            def endpoint(self):
                return super().endpoint() + "/chat"


        class FrClient(EuClient):
            pass


        requests.post(EuClient().endpoint(), json={})
        requests.post(FrClient(region="fr").endpoint(), json={})
        requests.post(BaseClient().endpoint(), json={})
    ''')
    assert _url(found, 24) == "https://api.eu.example.com/v1/chat"
    assert _url(found, 25) == "https://api.fr.example.com/v1/chat"
    assert _url(found, 26) == "https://api.base.example.com/v1"
