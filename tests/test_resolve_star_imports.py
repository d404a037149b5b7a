"""Names a package re-exports with ``from .sub import *`` (r2r's ``from core.base import FileProvider``,
whose ``core/base/__init__.py`` star-imports its providers): a base class whose ``__init__`` sets the
region, a module constant, a chain of two star imports, and what a star import does not bind."""

from __future__ import annotations

from pathlib import Path

from flowscan.model import Endpoint
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from tests.conftest import report_of

PACKAGE = {
    "app/__init__.py": "",
    "app/base/__init__.py": "from .providers import *\n",
    "app/base/providers/__init__.py": 'from .base import Provider\n\nREGION = "eu-central-1"\n_PRIVATE = "us-east-1"\n',
    "app/base/providers/base.py": 'class Provider:\n    def __init__(self):\n        self.region = "eu-west-1"\n',
}


def _endpoints(root: Path, files: dict[str, str]) -> list[Endpoint]:
    return report_of(root, files).endpoints


def test_a_base_class_re_exported_by_a_star_import_sets_the_region(tmp_path: Path) -> None:
    (endpoint,) = _endpoints(tmp_path, {**PACKAGE, "app/s3.py": '''\
import boto3

from app.base import Provider


class S3(Provider):
    def __init__(self):
        super().__init__()
        self.client = boto3.client("s3", region_name=self.region)
'''})
    assert (endpoint.host, endpoint.placement.region) == ("s3.eu-west-1.amazonaws.com", "eu-west-1")


def test_a_constant_through_two_star_imports(tmp_path: Path) -> None:
    files = {**PACKAGE, "app/api/__init__.py": "from app.base import *\n",
             "main.py": 'import boto3\nfrom app.api import REGION\n\nboto3.client("s3", region_name=REGION)\n'}
    (endpoint,) = _endpoints(tmp_path, files)
    assert endpoint.placement.region == "eu-central-1"


def test_a_star_imported_name_read_inside_the_importing_module(tmp_path: Path) -> None:
    files = {**PACKAGE, "main.py": 'import boto3\nfrom app.base.providers import *\n\nboto3.client("sqs", region_name=REGION)\n'}
    (endpoint,) = _endpoints(tmp_path, files)
    assert endpoint.host == "sqs.eu-central-1.amazonaws.com"


def test_an_underscore_name_is_not_star_imported(tmp_path: Path) -> None:
    files = {**PACKAGE, "main.py": 'import boto3\nfrom app.base import _PRIVATE\n\nboto3.client("s3", region_name=_PRIVATE)\n'}
    (endpoint,) = _endpoints(tmp_path, files)
    assert endpoint.placement.region is None and "_PRIVATE is not defined" in endpoint.host


def test_both_extractors_record_module_level_star_imports_only() -> None:
    text = b"from .providers import *\nfrom os import *\nimport sys\n\ndef f():\n    pass\n"
    for facts in (extract_python("pkg/__init__.py", text), extract_python_cst("pkg/__init__.py", text)):
        assert facts.star_imports == ["pkg.providers", "os"]
