"""Names reached through modules and classes: a submodule of an in-tree package in one of two
services with the same package name, an import cycle, and a static method's parameter."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _endpoints(root: Path, files: dict[str, str]) -> list[Endpoint]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_a_submodule_is_looked_up_in_the_importing_service(tmp_path: Path) -> None:
    files: dict[str, str] = {}
    for service in ("billing", "search"):
        files[f"{service}/main.py"] = "import requests\nimport app\n\n\ndef charge():\n    return requests.post(app.config.URL)\n"
        files[f"{service}/app/__init__.py"] = ""
        files[f"{service}/app/config.py"] = f'URL = "https://{service}.example.com/v1"\n'
    found = {(e.locations[0].path, e.url) for e in _endpoints(tmp_path, files)}
    assert found == {("billing/main.py", "https://billing.example.com/v1"),
                     ("search/main.py", "https://search.example.com/v1")}


def test_an_import_cycle_is_reported_not_followed_forever(tmp_path: Path) -> None:
    (endpoint,) = _endpoints(tmp_path, {
        "cycle_a.py": "from cycle_b import GATEWAY\n",
        "cycle_b.py": "import requests\nfrom cycle_a import GATEWAY\n\nrequests.get(GATEWAY)\n",
    })
    assert endpoint.url == "{import cycle through cycle_a.GATEWAY}"


def test_the_first_parameter_of_a_static_method_is_its_argument(tmp_path: Path) -> None:
    (endpoint,) = _endpoints(tmp_path, {"notify.py": '''\
import requests


class Notifier:
    @staticmethod
    def send(url):
        return requests.post(url)


Notifier.send("https://hooks.example.com/notify")
'''})
    assert endpoint.url == "https://hooks.example.com/notify"


def test_from_package_import_takes_the_packages_binding_over_its_submodule(tmp_path: Path) -> None:
    """As in Python: ``settings`` bound in ``pkg/__init__.py`` wins over ``pkg/settings.py``."""
    (endpoint,) = _endpoints(tmp_path, {
        "pkg/__init__.py": "from .settings import Settings\n\nsettings = Settings()\n",
        "pkg/settings.py": 'class Settings:\n    url = "https://pkg-settings.example.com/v1"\n',
        "main.py": "import requests\nfrom pkg import settings\n\nrequests.get(settings.url)\n",
    })
    assert endpoint.url == "https://pkg-settings.example.com/v1"


def test_from_package_import_of_a_submodule_the_package_imports_itself(tmp_path: Path) -> None:
    """``pkg/__init__.py`` doing ``from . import config`` binds the submodule itself: it is no cycle."""
    (endpoint,) = _endpoints(tmp_path, {
        "pkg/__init__.py": "from . import config\n",
        "pkg/config.py": 'URL = "https://hooks.example.com/notify"\n',
        "main.py": "import requests\nfrom pkg import config\n\nrequests.post(config.URL)\n",
    })
    assert endpoint.url == "https://hooks.example.com/notify"


def test_callers_in_a_src_layout_import_the_module_by_its_package_name(tmp_path: Path) -> None:
    """``src/app/helpers.py`` is imported as ``app.helpers``: a call there is still a caller."""
    (endpoint,) = _endpoints(tmp_path, {
        "src/app/__init__.py": "",
        "src/app/helpers.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
        "src/app/main.py": 'from app.helpers import fetch\n\nfetch("https://status.example.com/health")\n',
    })
    assert endpoint.url == "https://status.example.com/health"
