"""Items the tree stores into an object it imports (a request-scoped store): read back by the
same key elsewhere, they are the stored values; a key never stored stays an unknown item."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

MIDDLEWARE = '''\
    import copy

    from starlette_context import context

    from app.settings import DEFAULTS


    async def before_request(request):
        context["settings"] = copy.deepcopy(DEFAULTS)
        context["region_url"] = "https://eu.api.example.com"
'''

CLIENT = '''\
    import requests
    from starlette_context import context


    def fetch():
        requests.get(context["settings"]["search_url"])
        requests.get(context["region_url"] + "/v1/items")
        requests.get(context["tenant_url"])
'''


def _hosts(root: Path) -> dict[int, set]:
    files = {"app/__init__.py": "", "app/settings.py": 'DEFAULTS = {"search_url": "https://search.example.org/q"}\n',
             "app/middleware.py": MIDDLEWARE, "app/client.py": CLIENT}
    for name, code in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(code))
    out: dict[int, set] = {}
    for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for loc in e.locations:
            if loc.path == "app/client.py":
                out.setdefault(loc.line, set()).add(e.host or ",".join(e.unresolved))
    return out


def test_an_item_the_tree_stores_is_read_back_by_its_key(tmp_path: Path) -> None:
    found = _hosts(tmp_path)
    assert found[6] == {"search.example.org"}  # through copy.deepcopy of a module dict
    assert found[7] == {"eu.api.example.com"}


def test_a_key_never_stored_stays_an_unknown_item(tmp_path: Path) -> None:
    assert _hosts(tmp_path)[8] == {"item of starlette_context.context"}
