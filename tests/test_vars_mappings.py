"""Settings read as a mapping of the command line: ``vars(args)`` (or ``args.__dict__``) is a dict
of the parser's flags, each the flag or its declared default; an in-tree ``dict`` subclass built
from a mapping (``DotDict(options)`` with ``__getattr__ = dict.get``) holds that mapping, read by
item, by ``get`` or by attribute. Before, both were "item of …" holes: the SDK default the
flag's None default leaves (api.openai.com) was not reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

PARSER = '''\
    import argparse
    import os
    import sys

    from . import utils


    def api_key(options):
        if options["openai_api_key"]:
            return options["openai_api_key"]
        return os.environ.get("OPENAI_API_KEY")


    def parse(argv):
        parser = argparse.ArgumentParser("chat")
        parser.add_argument("query", nargs="*")
        parser.add_argument("--openai-api-key", type=str)
        parser.add_argument("--openai-base-url", type=str, help="a local or custom server")
        parser.add_argument("--webhook", default="https://hooks.example.eu/notify")
        options = parser.parse_args(argv)
        return options.query, extract(options)


    def extract(options):
        options = vars(options)
        options["openai_api_key"] = api_key(options)
        del options["query"]
        return utils.DotDict(options)


    def raw(argv):
        parser = argparse.ArgumentParser("raw")
        parser.add_argument("--proxy-url", default="https://proxy.example.de/v1")
        return parser.parse_args(argv).__dict__
'''

UTILS = '''\
    class DotDict(dict):
        """dot.notation access to dictionary attributes"""

        __getattr__ = dict.get
        __setattr__ = dict.__setitem__
'''

CHAT = '''\
    import sys

    import openai
    import requests

    from .parser import parse, raw


    def build_client(config):
        return openai.OpenAI(api_key=config["openai_api_key"], base_url=config["openai_base_url"])


    def main():
        query, params = parse(sys.argv[1:])
        client = build_client(params)
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": " ".join(query)}])
        requests.post(params.webhook, json={"done": True})
        requests.get(params.get("webhook"))
        settings = raw(sys.argv[1:])
        requests.get(settings["proxy_url"])
'''


def _endpoints(tmp_path: Path) -> dict[int, list[tuple]]:
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "__init__.py").write_text("")
    (tmp_path / "chat" / "parser.py").write_text(textwrap.dedent(PARSER))
    (tmp_path / "chat" / "utils.py").write_text(textwrap.dedent(UTILS))
    (tmp_path / "chat" / "cli.py").write_text(textwrap.dedent(CHAT))
    out: dict[int, list[tuple]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, endpoint.reach, " ".join(endpoint.unresolved)))
    return out


def test_a_flag_read_through_vars_and_a_dict_subclass_keeps_its_default(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[10]
    # --openai-base-url unset (its default None): the SDK's own host, with the shipped configuration
    assert ("api.openai.com", "default", "") in found, found
    # the flag: the user's server
    assert any(host is None and "--openai-base-url" in why for host, _, why in found), found
    assert not any("item of" in why for _, _, why in found), found


def test_attribute_and_get_of_a_dict_subclass_read_the_mapping(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)
    assert ("hooks.example.eu", "default", "") in found[17], found[17]
    assert ("hooks.example.eu", "default", "") in found[18], found[18]


def test_the_dict_of_a_namespace_is_its_flags(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[20]
    assert ("proxy.example.de", "default", "") in found, found
