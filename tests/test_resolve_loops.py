"""Collections read element by element: a ``for`` loop over a tuple, list, dict or settings
list binds each element; a dict indexed by a key not known statically (or read from a
setting) gives each entry, marked as chosen by that key."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _scan(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _by_line(endpoints) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for endpoint in endpoints:
        for location in endpoint.locations:
            found.setdefault(location.line, []).append(endpoint.host or "?")
    return {line: sorted(hosts) for line, hosts in found.items()}


def test_loops_over_module_level_collections_reach_each_element(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": '''\
        import requests

        MIRRORS = ["https://a.example.com", "https://b.example.com"]
        HOOKS = {"audit": "https://audit.example.org/in", "ops": "https://ops.example.net/in"}
        PAIRS = (("one", "https://one.example.com"), ("two", "https://two.example.com"))

        for base in MIRRORS:
            requests.get(base + "/health")
        for name, url in HOOKS.items():
            requests.post(url, json={"to": name})
        for url in sorted(HOOKS.values()):
            requests.post(url)
        for label, url in PAIRS:
            requests.get(url)
        for i, (name, url) in enumerate(HOOKS.items()):
            requests.get(url)
        for name in HOOKS:
            requests.get(name)
    '''})
    found = _by_line(endpoints)
    assert found[8] == ["a.example.com", "b.example.com"]
    assert found[10] == ["audit.example.org", "ops.example.net"]
    assert found[12] == ["audit.example.org", "ops.example.net"]
    assert found[14] == ["one.example.com", "two.example.com"]
    assert found[16] == ["audit.example.org", "ops.example.net"]
    assert 18 not in found  # the keys are no URLs: relative paths, not endpoints
    (audit,) = [e for e in endpoints if e.host == "audit.example.org"]
    lines = [(s.line, s.detail) for s in audit.provenance]
    assert (9, "for name, url in HOOKS.items():") in lines and (4, '"https://audit.example.org/in"') in lines


def test_a_loop_the_analysis_cannot_enumerate_stays_a_loop_variable(tmp_path: Path) -> None:
    (endpoint,) = _scan(tmp_path, {"app.py": '''\
        import requests


        def ping(urls):
            for url in urls:
                requests.get(url)
    '''})
    assert endpoint.host is None and endpoint.unresolved == ["loop variable"]


def test_a_loop_over_settings_data_reaches_each_listed_url(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {
        "settings.yaml": "mirrors:\n  - https://m1.example.com\n  - https://m2.example.com\n",
        "app.py": '''\
            import yaml
            import requests

            SETTINGS = yaml.safe_load(open("settings.yaml"))
            for mirror in SETTINGS["mirrors"]:
                requests.get(mirror)
        '''})
    assert _by_line(endpoints)[6] == ["m1.example.com", "m2.example.com"]


def test_a_dict_indexed_by_a_run_time_key_gives_every_entry(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": '''\
        import os
        import requests

        BASES = {"us": "https://api.x.example.com", "eu": "https://api.eu.x.example.com"}


        def fetch(region):
            return requests.get(BASES[region])


        def fetch_configured():
            return requests.get(BASES[os.getenv("X_REGION", "eu")])
    '''})
    found = _by_line(endpoints)
    assert found[8] == ["api.eu.x.example.com", "api.x.example.com"]
    assert found[12] == ["api.eu.x.example.com", "api.x.example.com"]
    hosts = {e.host: e for e in endpoints}
    us = hosts["api.x.example.com"]
    assert us.reach == "unknown"
    assert {(s.line, s.setting, s.condition, s.shipped, s.taken) for s in us.switches} == {
        (8, "region (chosen at run time)", "region == 'us'", "not known statically", None),
        (12, "env:X_REGION", "env:X_REGION == 'us'", "'eu'", False)}
    assert hosts["api.eu.x.example.com"].reach == "default"  # the shipped setting names it


def test_a_dict_key_from_an_unset_env_var_makes_each_entry_opt_in(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": '''\
        import os
        import requests

        HOSTS = {"prod": "https://prod.example.com", "staging": "https://staging.example.com"}
        requests.get(HOSTS[os.environ["STAGE"]])
    '''})
    assert sorted(e.host for e in endpoints) == ["prod.example.com", "staging.example.com"]
    for endpoint in endpoints:
        assert endpoint.reach == "opt-in"
        (switch,) = endpoint.switches
        assert switch.setting == "env:STAGE" and switch.shipped == "unset" and switch.taken is False
